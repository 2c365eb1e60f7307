"""A firm's own side: what the citizen who registered a firm may see and do with it (its
vacancies, the candidates referred to them, the outcomes it records), and what an
employer sees of a candidate.

Every function takes the citizen the channel looked up and an id that came from a button
or a form, and checks here that the citizen registered the firm: an id is never trusted
because a button carried it. Refusals: not_found (no such row), not_allowed (another
citizen's firm, or a referral the seeker has not accepted), not_verified (staff have not
verified the firm yet)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from core.employment import codes, referrals, registry, validation
from core.employment.codes import INTERESTED, INTERVIEW, JOB_FOUND, NOT_HIRED, STARTED
from core.refusals import Refused
from db.models import Citizen, Employer, JobSeeker, Referral, ReferralEvent, Vacancy

# A referral the employer sees: the seeker said "interested", and what came after. A
# seeker who declined (or a referral cancelled or expired) before or after is not shown.
VISIBLE = frozenset({INTERESTED, INTERVIEW, JOB_FOUND, STARTED, NOT_HIRED})
# What the firm may record from each status (core.employment.referrals checks it again).
OUTCOMES: dict[str, tuple[str, ...]] = {
    INTERESTED: (INTERVIEW, JOB_FOUND, NOT_HIRED),
    INTERVIEW: (JOB_FOUND, NOT_HIRED),
    JOB_FOUND: (STARTED, NOT_HIRED),
}


@dataclass(frozen=True)
class Candidate:
    """What an employer sees of a candidate referred to one of its vacancies: only what
    the seeker shares by accepting the referral (name, phone, the occupations sought, the
    experience), and where the referral stands. An erased CV shows nothing of the person
    (`erased`)."""

    referral_id: int
    status: str
    name: str | None
    phone: str | None
    occupations: tuple[str, ...]
    experience: tuple[registry.Experience, ...]
    erased: bool
    reason: str | None = None
    interview_at: datetime | None = None
    start_date: date | None = None
    cv_file_name: str | None = None  # the CV the seeker sent as a PDF, if any


# The fields of Candidate that describe the person: what the firm receives once the seeker
# accepts. The offer and the thank-you name exactly these
# (flows.employment.staff_common.shared_with_firm), so what people are told cannot drift
# from what is shown.
SHARED: tuple[str, ...] = ("name", "phone", "occupations", "experience", "cv_file_name")


def candidate(session: Session, referral: Referral) -> Candidate | None:
    """The employer's view of one referral; None while the seeker has not accepted it
    (or after they declined): the firm learns nothing of them."""
    if referral.status not in VISIBLE:
        return None
    assert referral.id is not None
    seeker = session.get(JobSeeker, referral.seeker_id)
    erased = seeker is None or seeker.erased_at is not None
    experience: tuple[registry.Experience, ...] = ()
    if seeker is not None and not erased:
        experience = tuple(
            registry.Experience(
                str(item.get("title") or ""),
                str(item.get("employer") or ""),
                float(item.get("years") or 0),
            )
            for item in seeker.experience
        )
    return Candidate(
        referral_id=referral.id,
        status=referral.status,
        name=None if erased or seeker is None else seeker.name,
        phone=None if erased or seeker is None else seeker.phone,
        occupations=()
        if erased or seeker is None
        else tuple(registry.occupations_of(session, seeker)),
        experience=experience,
        erased=erased,
        reason=referral.reason,
        interview_at=referral.interview_at,
        start_date=referral.start_date,
        cv_file_name=None
        if erased or seeker is None or not seeker.cv_file_id
        else seeker.cv_file_name,
    )


# A start date more than a year before or after today is a typo (the rule is referrals',
# where staff's "job found" is checked too).
MAX_DAYS_AWAY = referrals.MAX_DAYS_AWAY
# An interview is recorded shortly before it or afterwards: more than this many days
# ahead (too_far_ahead) or back (too_long_ago) is a typo.
INTERVIEW_DAYS_AHEAD = 60
INTERVIEW_DAYS_BACK = 366


def new_tax_number(session: Session, text: str, employer_id: int | None = None) -> str:
    """A VKN as typed, checked as soon as it is typed: its check digit (bad_tax_number)
    and that no other firm has it yet (already_registered). A new registration may take
    the VKN of a firm imported from the portal that nobody claimed (`register_firm`
    claims it); a firm being corrected (`employer_id`) may keep its own.
    register_firm and correct_firm check again."""
    vkn = validation.tax_number(text)
    holder = _holder(session, vkn)
    if holder is None or holder.id == employer_id:
        return vkn
    if employer_id is None and holder.citizen_id is None:
        return vkn
    raise Refused("already_registered")


def _holder(session: Session, vkn: str) -> Employer | None:
    return session.exec(
        select(Employer).where(Employer.tax_number == vkn).order_by(col(Employer.id))
    ).first()


def register_firm(
    session: Session,
    citizen: Citizen,
    *,
    name: str,
    tax_number: str,
    sector: str,
    district: str,
    contact_name: str,
    contact_phone: str,
    now: datetime,
) -> Employer:
    """A firm registered by chat. Its VKN may be that of a firm imported from the
    portal that no citizen registered (citizen_id None): the citizen claims that firm
    instead of making a second one. The contact person becomes the citizen's, an empty
    sector or district is filled in, and the firm waits for the staff's verification as
    a new one does (it was verified on the portal, not for this citizen). A VKN a
    citizen's firm has is refused (already_registered)."""
    vkn = validation.tax_number(tax_number)
    holder = _holder(session, vkn)
    if holder is None:
        return registry.register_employer(
            session,
            citizen,
            name=name,
            tax_number=vkn,
            sector=sector,
            district=district,
            contact_name=contact_name,
            contact_phone=contact_phone,
            now=now,
        )
    if holder.citizen_id is not None:
        raise Refused("already_registered")
    validation.text(name)  # checked as a new firm's, though the portal's name stays
    holder.citizen_id = citizen.id
    holder.contact_name = validation.text(contact_name)
    holder.contact_phone = validation.text(contact_phone, 32)
    holder.sector = holder.sector or validation.text(sector, 100, required=False) or None
    holder.district = holder.district or validation.text(district, 64)
    holder.verified_at, holder.verified_by = None, None
    holder.rejected_at, holder.rejection_reason = None, None
    # registered_at stays the portal's: the centre's count of new firms is by it, and a
    # claimed firm is not a new one.
    session.add(holder)
    session.flush()
    return holder


def correct_firm(
    session: Session,
    citizen: Citizen,
    employer_id: int,
    *,
    name: str,
    tax_number: str,
    sector: str,
    district: str,
    contact_name: str,
    contact_phone: str,
) -> Employer:
    """A firm the staff turned down, corrected by the citizen who registered it and
    sent again: its details are replaced and it waits for verification again (the
    refusal is cleared). Refused: not_found, not_allowed (another citizen's firm),
    wrong_status (not turned down), bad_tax_number, already_registered (another firm has
    that VKN)."""
    employer = own_firm(session, citizen, employer_id)
    if employer.rejected_at is None:
        raise Refused("wrong_status")
    vkn = validation.tax_number(tax_number)
    holder = _holder(session, vkn)
    if holder is not None and holder.id != employer.id:
        raise Refused("already_registered")
    fields = registry.firm_fields(
        name=name,
        sector=sector,
        district=district,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )
    for column, value in fields.items():
        setattr(employer, column, value)
    employer.tax_number = vkn
    employer.rejected_at, employer.rejection_reason = None, None
    session.add(employer)
    return employer


# --- Ownership ---------------------------------------------------------------------------


def firms_of(session: Session, citizen: Citizen) -> list[Employer]:
    """The firms the citizen registered, oldest first."""
    return list(
        session.exec(
            select(Employer).where(Employer.citizen_id == citizen.id).order_by(col(Employer.id))
        ).all()
    )


def own_firm(session: Session, citizen: Citizen, employer_id: int) -> Employer:
    employer = session.get(Employer, employer_id)
    if employer is None:
        raise Refused("not_found")
    if employer.citizen_id is None or employer.citizen_id != citizen.id:
        raise Refused("not_allowed")
    return employer


def verified_firm(session: Session, citizen: Citizen, employer_id: int) -> Employer:
    """The citizen's firm, once staff verified it (only then may it post vacancies)."""
    employer = own_firm(session, citizen, employer_id)
    if employer.verified_at is None:
        raise Refused("not_verified")
    return employer


def own_vacancy(session: Session, citizen: Citizen, vacancy_id: int) -> Vacancy:
    """A vacancy of the citizen's verified firm (a firm claimed from the portal's import
    shows nothing of its vacancies or candidates until staff verified the claim)."""
    vacancy = session.get(Vacancy, vacancy_id)
    if vacancy is None:
        raise Refused("not_found")
    verified_firm(session, citizen, vacancy.employer_id)
    return vacancy


def own_referral(session: Session, citizen: Citizen, referral_id: int) -> Referral:
    """A referral to one of the citizen's firms that the seeker accepted."""
    referral = session.get(Referral, referral_id)
    if referral is None or referral.employer_id is None:
        raise Refused("not_found")
    verified_firm(session, citizen, referral.employer_id)
    if referral.status not in VISIBLE:
        raise Refused("not_allowed")
    return referral


def cv_file(session: Session, citizen: Citizen, referral_id: int) -> tuple[str, str]:
    """The PDF a candidate sent with their CV, for the firm they accepted a referral to:
    (the channel's file id, its name). Refused: not_found when there is none (or the CV
    was erased)."""
    referral = own_referral(session, citizen, referral_id)
    return registry.cv_file(session.get(JobSeeker, referral.seeker_id))


# --- Vacancies ---------------------------------------------------------------------------


def vacancies_of(session: Session, employer: Employer) -> list[Vacancy]:
    """The firm's vacancies, newest first."""
    return list(
        session.exec(
            select(Vacancy)
            .where(Vacancy.employer_id == employer.id)
            .order_by(col(Vacancy.created_at).desc(), col(Vacancy.id).desc())
        ).all()
    )


def candidates(session: Session, citizen: Citizen, vacancy_id: int) -> list[Candidate]:
    """The candidates of the citizen's vacancy whom the firm may see, first referred
    first."""
    vacancy = own_vacancy(session, citizen, vacancy_id)
    rows = session.exec(
        select(Referral)
        .where(Referral.vacancy_id == vacancy.id, col(Referral.status).in_(VISIBLE))
        .order_by(col(Referral.referred_at), col(Referral.id))
    ).all()
    return [found for row in rows if (found := candidate(session, row)) is not None]


def post_vacancy(
    session: Session,
    citizen: Citizen,
    employer_id: int,
    *,
    title: str,
    occupation: str,
    positions: int | str,
    district: str,
    work_time: str,
    requirements: str,
    valid_until: date | None,
    now: datetime,
    quota: bool = False,
) -> Vacancy:
    """A vacancy of the citizen's verified firm, sent at once to the centre for approval
    (pending); `quota`: a position under the disability quota."""
    employer = verified_firm(session, citizen, employer_id)
    vacancy = registry.create_vacancy(
        session,
        employer,
        title=title,
        occupation=occupation,
        positions=positions,
        district=district,
        work_time=work_time,
        requirements=requirements,
        valid_until=valid_until,
        now=now,
        quota=quota,
    )
    return registry.submit_vacancy(session, employer, vacancy)


def correct_vacancy(
    session: Session,
    citizen: Citizen,
    vacancy_id: int,
    *,
    title: str,
    occupation: str,
    positions: int | str,
    district: str,
    work_time: str,
    requirements: str,
    valid_until: date | None,
    now: datetime,
    quota: bool = False,
) -> Vacancy:
    """A vacancy staff sent back (draft) corrected by its firm and sent again for
    approval (pending): the same row, not a new vacancy. Checked as a new one is;
    Refused: not_found, not_allowed (another citizen's), not_verified, wrong_status (it
    is not a draft any more), and the fields' own refusals."""
    vacancy = own_vacancy(session, citizen, vacancy_id)
    employer = verified_firm(session, citizen, vacancy.employer_id)
    if vacancy.status != "draft":
        raise Refused("wrong_status")
    fields = registry.vacancy_fields(
        title=title,
        occupation=occupation,
        positions=positions,
        district=district,
        work_time=work_time,
        requirements=requirements,
        valid_until=valid_until,
        now=now,
        quota=quota,
    )
    for column, value in fields.items():
        setattr(vacancy, column, value)
    session.add(vacancy)
    return registry.submit_vacancy(session, employer, vacancy)


def close_vacancy(
    session: Session, citizen: Citizen, vacancy_id: int, now: datetime
) -> list[Referral]:
    """The firm closes its vacancy (filled, or no longer needed); the referrals still
    waiting on it end (referrals.end_with_vacancy). Returns those."""
    vacancy = own_vacancy(session, citizen, vacancy_id)
    if vacancy.status == "closed":
        raise Refused("wrong_status")
    vacancy.status, vacancy.closed_at = "closed", now
    session.add(vacancy)
    return referrals.end_with_vacancy(session, vacancy, now)


def record_outcome(
    session: Session,
    citizen: Citizen,
    referral_id: int,
    to: str,
    now: datetime,
    *,
    interview_at: datetime | None = None,
    start_date: date | None = None,
    reason: str | None = None,
) -> ReferralEvent:
    """The firm records what happened with a candidate: an interview (on `interview_at`),
    hired (job_found, starting on `start_date`), started, or not hired with one of
    codes.NOT_HIRED_REASONS. An interview more than INTERVIEW_DAYS_AHEAD ahead is
    refused (too_far_ahead), one more than a year back too (too_long_ago); a start date
    more than a year away either way (bad_date). Recorded by core.employment.referrals
    with its time and actor."""
    referral = own_referral(session, citizen, referral_id)
    if to not in OUTCOMES.get(referral.status, ()):
        raise Refused("wrong_status")
    if to == NOT_HIRED and reason not in codes.NOT_HIRED_REASONS:
        raise Refused("unknown_reason")
    # A job found's start date (date_required, bad_date) is checked by referrals.change.
    if interview_at is not None:
        ahead = (interview_at.date() - now.date()).days
        if ahead > INTERVIEW_DAYS_AHEAD:
            raise Refused("too_far_ahead")
        if -ahead > INTERVIEW_DAYS_BACK:
            raise Refused("too_long_ago")
    event = referrals.employer_change(
        session,
        citizen,
        referral,
        to,
        now,
        reason=reason if to == NOT_HIRED else None,
        start_date=start_date if to == JOB_FOUND else None,
    )
    if to == INTERVIEW and interview_at is not None:
        referral.interview_at = interview_at
        session.add(referral)
    return event
