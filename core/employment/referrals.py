"""Referrals: a seeker sent to a vacancy, and every status change after it.

    referred → interested → interview → job_found → started
       ↘ declined · not_hired (with a reason) · cancelled · expired

Each change is checked against the state machine and against who may make it (the
seeker answers for themselves, the employer records outcomes, staff may do anything but
accept a referral for the seeker through the ordinary path, the system expires and ends),
and recorded as a ReferralEvent with its time and actor. The times
the indicators count (`job_found_at`, `started_at`) are set on the referral itself.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, select

from core.employment import codes
from core.employment.codes import (
    CANCELLED,
    DECLINED,
    EXPIRED,
    INTERESTED,
    INTERVIEW,
    JOB_FOUND,
    NOT_HIRED,
    REFERRED,
    STARTED,
)
from core.employment.registry import authorize
from core.refusals import Refused
from db.models import Citizen, Employer, JobSeeker, Referral, ReferralEvent, StaffMember, Vacancy

# status -> the statuses it may change to.
TRANSITIONS: dict[str, frozenset[str]] = {
    REFERRED: frozenset({INTERESTED, DECLINED, CANCELLED, EXPIRED}),
    INTERESTED: frozenset({INTERVIEW, JOB_FOUND, DECLINED, NOT_HIRED, CANCELLED, EXPIRED}),
    INTERVIEW: frozenset({JOB_FOUND, DECLINED, NOT_HIRED, CANCELLED, EXPIRED}),
    JOB_FOUND: frozenset({STARTED, DECLINED, NOT_HIRED, CANCELLED}),
    STARTED: frozenset(),
    DECLINED: frozenset(),
    NOT_HIRED: frozenset(),
    CANCELLED: frozenset(),
    EXPIRED: frozenset(),
}

# How a seeker told the centre they accept a referral (accept_for_seeker's reason).
ACCEPTED_BY = ("by_phone", "in_person")
# An interview or a start date more than a year before or after today is a typo.
MAX_DAYS_AWAY = 366

# actor kind -> the statuses it may set (staff may set any).
ALLOWED: dict[str, frozenset[str]] = {
    codes.SEEKER: frozenset({INTERESTED, DECLINED, STARTED}),
    codes.EMPLOYER: frozenset({INTERVIEW, JOB_FOUND, STARTED, NOT_HIRED}),
    # Not "interested": that shares the seeker's data with the firm, so only the seeker
    # says it, or staff with `accept_for_seeker`, which records how the seeker told them.
    codes.STAFF: frozenset(codes.REFERRAL_STATUSES) - {REFERRED, INTERESTED},
    # Expiry, and what a closed vacancy does to the referrals still open on it.
    codes.SYSTEM: frozenset({EXPIRED, CANCELLED, NOT_HIRED}),
}


def _record(
    session: Session,
    referral: Referral,
    from_status: str | None,
    actor_kind: str,
    actor_id: int | None,
    now: datetime,
    reason: str | None = None,
) -> ReferralEvent:
    assert referral.id is not None
    event = ReferralEvent(
        referral_id=referral.id,
        at=now,
        from_status=from_status,
        status=referral.status,
        actor_kind=actor_kind,
        actor_id=actor_id,
        reason=reason,
    )
    session.add(event)
    return event


def refer(
    session: Session,
    actor: StaffMember | None,
    vacancy: Vacancy,
    seeker: JobSeeker,
    now: datetime,
    today: date,
) -> Referral:
    """Staff refer a seeker to a published vacancy still valid on `today` (the
    municipality's date), once: a seeker who was referred to it before, whatever came of
    it (declined, not hired…), is not referred again. Refused: not_allowed, not_published,
    vacancy_expired, seeker_unavailable, already_referred."""
    member = authorize(actor)
    if vacancy.status != "published":
        raise Refused("not_published")
    if vacancy.valid_until is not None and vacancy.valid_until < today:
        raise Refused("vacancy_expired")
    # Paused, erased, or imported from the old portal (nobody to send the referral to).
    if seeker.paused or seeker.erased_at is not None or seeker.citizen_id is None:
        raise Refused("seeker_unavailable")
    before = session.exec(
        select(Referral.id).where(
            Referral.vacancy_id == vacancy.id,
            Referral.seeker_id == seeker.id,
        )
    ).first()
    if before is not None:
        raise Refused("already_referred")
    assert seeker.id is not None
    referral = Referral(
        vacancy_id=vacancy.id,
        employer_id=vacancy.employer_id,
        seeker_id=seeker.id,
        occupation=vacancy.occupation,
        status=REFERRED,
        referred_at=now,
        updated_at=now,
    )
    session.add(referral)
    session.flush()
    _record(session, referral, None, codes.STAFF, member.id, now)
    return referral


def change(
    session: Session,
    referral: Referral,
    to: str,
    actor_kind: str,
    actor_id: int | None,
    now: datetime,
    *,
    reason: str | None = None,
    start_date: date | None = None,
) -> ReferralEvent:
    """Move the referral to `to`, as `actor_kind`; Refused: wrong_status (not from its
    status), not_allowed (not for this kind of actor), reason_required / unknown_reason
    (not_hired takes one of NOT_HIRED_REASONS), date_required / bad_date (a job found
    takes its start date, within MAX_DAYS_AWAY of `now`)."""
    if to not in TRANSITIONS:
        raise Refused("unknown_status")
    if actor_kind not in ALLOWED or to not in ALLOWED[actor_kind]:
        raise Refused("not_allowed")
    if to not in TRANSITIONS[referral.status]:
        raise Refused("wrong_status")
    if to == NOT_HIRED:
        if reason is None:
            raise Refused("reason_required")
        if reason not in codes.NOT_HIRED_REASONS:
            raise Refused("unknown_reason")
    elif reason is not None:
        raise Refused("unknown_reason")
    if to == JOB_FOUND:
        if start_date is None:
            raise Refused("date_required")
        check_day(start_date, now)
    return _move(session, referral, to, actor_kind, actor_id, now, reason, start_date)


def check_day(day: date, now: datetime) -> None:
    """An interview or start date near enough to be meant (a year either way of `now`);
    Refused: bad_date. A window this wide does not hang on which day it is in Türkiye."""
    if abs((day - now.date()).days) > MAX_DAYS_AWAY:
        raise Refused("bad_date")


def _move(
    session: Session,
    referral: Referral,
    to: str,
    actor_kind: str,
    actor_id: int | None,
    now: datetime,
    reason: str | None,
    start_date: date | None,
) -> ReferralEvent:
    previous = referral.status
    referral.status = to
    referral.updated_at = now
    if to == INTERVIEW:
        referral.interview_at = now
    elif to == JOB_FOUND:
        referral.job_found_at = now
        referral.start_date = start_date
    elif to == STARTED:
        referral.started_at = now
    if to == NOT_HIRED:
        referral.reason = reason
    if to in codes.CLOSED_STATUSES:
        referral.closed_at = now
    session.add(referral)
    return _record(session, referral, previous, actor_kind, actor_id, now, reason)


def staff_change(
    session: Session,
    actor: StaffMember | None,
    referral: Referral,
    to: str,
    now: datetime,
    *,
    reason: str | None = None,
    start_date: date | None = None,
) -> ReferralEvent:
    member = authorize(actor)
    return change(
        session, referral, to, codes.STAFF, member.id, now, reason=reason, start_date=start_date
    )


def seeker_change(
    session: Session, citizen: Citizen, referral: Referral, to: str, now: datetime
) -> ReferralEvent:
    """The seeker answers (interested, not interested, I started): only on their own, and
    not once their CV is deleted (not_found: an old offer's button does nothing)."""
    seeker = session.get(JobSeeker, referral.seeker_id)
    if seeker is None or seeker.citizen_id is None or seeker.citizen_id != citizen.id:
        raise Refused("not_allowed")
    if seeker.erased_at is not None:
        raise Refused("not_found")
    seeker.last_active_at = now
    session.add(seeker)
    return change(session, referral, to, codes.SEEKER, citizen.id, now)


def accept_for_seeker(
    session: Session, actor: StaffMember | None, referral: Referral, how: str, now: datetime
) -> ReferralEvent:
    """The seeker told staff (`how`: one of ACCEPTED_BY) that they accept the referral:
    referred → interested, recorded as staff's change with `how` as its reason, so the
    history shows who passed the seeker's word on and how it came. Staff confirm before
    this is called (the firm then sees the candidate). Refused: not_allowed,
    unknown_reason, wrong_status (answered already), seeker_unavailable (CV deleted)."""
    member = authorize(actor)
    if how not in ACCEPTED_BY:
        raise Refused("unknown_reason")
    if referral.status != REFERRED:
        raise Refused("wrong_status")
    seeker = session.get(JobSeeker, referral.seeker_id)
    if seeker is None or seeker.erased_at is not None:
        raise Refused("seeker_unavailable")
    return _move(session, referral, INTERESTED, codes.STAFF, member.id, now, how, None)


def employer_change(
    session: Session,
    citizen: Citizen,
    referral: Referral,
    to: str,
    now: datetime,
    *,
    reason: str | None = None,
    start_date: date | None = None,
) -> ReferralEvent:
    """The firm records an outcome: only the citizen who registered it, once verified."""
    employer = session.get(Employer, referral.employer_id) if referral.employer_id else None
    if employer is None or employer.citizen_id is None or employer.citizen_id != citizen.id:
        raise Refused("not_allowed")
    if employer.verified_at is None:
        raise Refused("not_verified")
    return change(
        session,
        referral,
        to,
        codes.EMPLOYER,
        citizen.id,
        now,
        reason=reason,
        start_date=start_date,
    )


def history(session: Session, referral: Referral) -> list[ReferralEvent]:
    return list(
        session.exec(
            select(ReferralEvent)
            .where(ReferralEvent.referral_id == referral.id)
            .order_by(col(ReferralEvent.at), col(ReferralEvent.id))
        ).all()
    )


def end_for_erased_seeker(session: Session, seeker: JobSeeker, now: datetime) -> list[Referral]:
    """The seeker's CV was deleted: a referral they had not answered is cancelled, one
    they were interested in or at interview for ends as not hired (the candidate
    withdrew), each as the system's change, so no old button or question goes on with
    nobody behind it. A job found or started stays, with its milestones."""
    waiting = session.exec(
        select(Referral).where(
            Referral.seeker_id == seeker.id,
            col(Referral.status).in_((REFERRED, INTERESTED, INTERVIEW)),
        )
    ).all()
    for referral in waiting:
        if referral.status == REFERRED:
            change(session, referral, CANCELLED, codes.SYSTEM, None, now)
        else:
            change(
                session, referral, NOT_HIRED, codes.SYSTEM, None, now, reason="candidate_declined"
            )
    return list(waiting)


def end_with_vacancy(session: Session, vacancy: Vacancy, now: datetime) -> list[Referral]:
    """A vacancy was closed: a referral nobody answered yet is cancelled, a candidate who
    was interested or at interview is not hired (the position filled), each recorded as the
    system's change; a job found stays, waiting for its start. Returns those it ended, so
    their seekers can be told."""
    waiting = session.exec(
        select(Referral).where(
            Referral.vacancy_id == vacancy.id,
            col(Referral.status).in_((REFERRED, INTERESTED, INTERVIEW)),
        )
    ).all()
    for referral in waiting:
        if referral.status == REFERRED:
            change(session, referral, CANCELLED, codes.SYSTEM, None, now)
        else:
            change(session, referral, NOT_HIRED, codes.SYSTEM, None, now, reason="position_filled")
    return list(waiting)
