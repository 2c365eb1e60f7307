"""The employment centre's staff desk: what waits for staff (firms to verify, vacancies
to approve, published vacancies to refer candidates to), and the two refusals the
registry does not hold (a firm turned down, a vacancy sent back). Every function that
shows a firm or a vacancy takes the actor and checks it with `registry.authorize`,
whatever channel asks; `waiting` gives only counts, for the centre's digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from core import staff
from core.employment import codes, ranking, referrals, registry
from core.employment.registry import authorize
from core.refusals import Refused
from db.models import Employer, JobSeeker, Referral, StaffMember, Vacancy

# Why a firm is turned down, and why a vacancy goes back to its firm.
FIRM_REJECTIONS = ("tax_number", "unreachable", "not_a_firm", "other")
VACANCY_RETURNS = ("unclear", "not_allowed", "incomplete", "other")
# How many candidates the desk shows for a vacancy.
CANDIDATES = 5


def is_staff(member: StaffMember | None) -> bool:
    """Whether the person may use the desk (the centre's staff, supervisors, admins)."""
    return staff.may_act(member, codes.DEPARTMENT)


# A firm registered by chat and neither verified nor turned down.
_UNVERIFIED = (
    col(Employer.verified_at).is_(None),
    col(Employer.rejected_at).is_(None),
    col(Employer.citizen_id).is_not(None),
)


def firms_to_verify(session: Session, actor: StaffMember | None) -> list[Employer]:
    """Firms registered and neither verified nor turned down, oldest first."""
    authorize(actor)
    return list(
        session.exec(
            select(Employer)
            .where(*_UNVERIFIED)
            .order_by(col(Employer.registered_at), col(Employer.id))
        ).all()
    )


@dataclass(frozen=True)
class Waiting:
    firms: int  # to verify
    vacancies: int  # to approve
    published: int = 0  # open to referrals (counted by `desk_counts` only)


def waiting(session: Session) -> Waiting:
    """How much waits on the desk, for the centre's digest: counts, nothing of a firm."""
    firms = session.exec(select(func.count(col(Employer.id))).where(*_UNVERIFIED)).one()
    vacancies = session.exec(
        select(func.count(col(Vacancy.id))).where(Vacancy.status == "pending")
    ).one()
    return Waiting(int(firms), int(vacancies))


def _open(status: str, today: date) -> tuple[ColumnElement[bool], ...]:
    """The vacancies in `status`; a published one past its date on `today` (the
    municipality's date) is left out (nobody can be referred to it)."""
    found: tuple[ColumnElement[bool], ...] = (col(Vacancy.status) == status,)
    if status == "published":
        found += (col(Vacancy.valid_until).is_(None) | (col(Vacancy.valid_until) >= today),)
    return found


def desk_counts(session: Session, actor: StaffMember | None, today: date) -> Waiting:
    """The desk's totals (firms to verify, vacancies to approve, published vacancies
    open to referrals), counted by the database rather than by loading the lists."""
    authorize(actor)
    found = waiting(session)
    return Waiting(found.firms, found.vacancies, count_vacancies(session, "published", today))


def count_vacancies(session: Session, status: str, today: date) -> int:
    """How many vacancies `vacancies` lists in all, for paging."""
    return int(session.exec(select(func.count(col(Vacancy.id))).where(*_open(status, today))).one())


def vacancies(
    session: Session,
    actor: StaffMember | None,
    status: str,
    today: date,
    offset: int = 0,
    limit: int | None = None,
) -> list[tuple[Vacancy, Employer]]:
    """The vacancies in `status` (pending, published) with their firms, oldest first,
    from `offset` on and at most `limit` of them; a published one past its date on
    `today` (the municipality's date) is left out (nobody can be referred to it)."""
    authorize(actor)
    query = (
        select(Vacancy, Employer)
        .join(Employer, col(Employer.id) == col(Vacancy.employer_id))
        .where(*_open(status, today))
        .order_by(col(Vacancy.created_at), col(Vacancy.id))
        .offset(max(offset, 0))
    )
    if limit is not None:
        query = query.limit(limit)
    return [(vacancy, employer) for vacancy, employer in session.exec(query).all()]


def referrals_of(
    session: Session, actor: StaffMember | None, vacancy: Vacancy, offset: int = 0, limit: int = 10
) -> tuple[list[tuple[Referral, JobSeeker | None]], int]:
    """A vacancy's referrals, first referred first, from `offset` on (at most `limit`),
    each with the seeker's CV (None once erased), and how many there are in all: what
    became of everyone referred to it, in one place."""
    authorize(actor)
    total = session.exec(
        select(func.count(col(Referral.id))).where(Referral.vacancy_id == vacancy.id)
    ).one()
    rows = session.exec(
        select(Referral, JobSeeker)
        .join(JobSeeker, col(JobSeeker.id) == col(Referral.seeker_id), isouter=True)
        .where(Referral.vacancy_id == vacancy.id)
        .order_by(col(Referral.referred_at), col(Referral.id))
        .offset(max(offset, 0))
        .limit(limit)
    ).all()
    return [(referral, seeker) for referral, seeker in rows], int(total)


def reject_employer(
    session: Session, actor: StaffMember | None, employer: Employer, reason: str, now: datetime
) -> Employer:
    """A firm the centre will not verify; Refused: unknown_reason, already_verified,
    already_rejected."""
    authorize(actor)
    if reason not in FIRM_REJECTIONS:
        raise Refused("unknown_reason")
    if employer.verified_at is not None:
        raise Refused("already_verified")
    if employer.rejected_at is not None:
        raise Refused("already_rejected")
    employer.rejected_at, employer.rejection_reason = now, reason
    session.add(employer)
    return employer


def return_vacancy(
    session: Session, actor: StaffMember | None, vacancy: Vacancy, reason: str
) -> Vacancy:
    """Pending → draft: the firm corrects it and sends it again; Refused: unknown_reason,
    wrong_status."""
    authorize(actor)
    if reason not in VACANCY_RETURNS:
        raise Refused("unknown_reason")
    if vacancy.status != "pending":
        raise Refused("wrong_status")
    vacancy.status = "draft"
    session.add(vacancy)
    return vacancy


def candidates(
    session: Session,
    actor: StaffMember | None,
    vacancy: Vacancy,
    now: datetime,
    limit: int = CANDIDATES,
) -> list[tuple[ranking.Candidate, JobSeeker]]:
    """The best candidates for a published vacancy, each with their CV."""
    authorize(actor)
    if vacancy.status != "published":
        raise Refused("not_published")
    ranked = ranking.rank(session, vacancy, now, limit)
    seekers = {
        s.id: s
        for s in session.exec(
            select(JobSeeker).where(col(JobSeeker.id).in_([c.seeker_id for c in ranked]))
        ).all()
    }
    return [(c, seekers[c.seeker_id]) for c in ranked if c.seeker_id in seekers]


def close_vacancy(
    session: Session, actor: StaffMember | None, vacancy: Vacancy, now: datetime
) -> list[Referral]:
    """Staff close a vacancy (filled elsewhere, the firm unreachable); the referrals still
    waiting on it end as when the firm closes it. Returns those."""
    authorize(actor)
    if vacancy.status == "closed":
        raise Refused("wrong_status")
    vacancy.status, vacancy.closed_at = "closed", now
    session.add(vacancy)
    return referrals.end_with_vacancy(session, vacancy, now)


def cv_file(session: Session, actor: StaffMember | None, seeker_id: int) -> tuple[str, str]:
    """The PDF a seeker sent with their CV, for the centre's staff: (file id, name)."""
    authorize(actor)
    return registry.cv_file(session.get(JobSeeker, seeker_id))
