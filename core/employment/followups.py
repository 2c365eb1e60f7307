"""A referral's follow-ups: the questions the bot asks after an interview and after the
agreed start date, their answers, the reminder to the centre's staff when nobody
answers, and the expiry of referrals that stopped moving.

- A day after a referral reached `interview` (`INTERVIEW_DELAY`), the seeker is asked
  whether the interview happened (yes / no), and the firm's registering citizen how it
  went: hired (its start date asked), not hired (its reason asked) or not yet decided.
  Each is asked once (`interview_asked_at`, `interview_firm_asked_at`); the firm's answer
  is an ordinary outcome of the firm (core.employment.firms), and the reminder to staff
  follows the seeker's question as before (a hire or refusal recorded ends it).
- Once its `start_date` has passed (the day after it), the seeker and the employer are
  both asked whether the work started: yes → started, no → declined (the seeker) or not
  hired, "did not come" (the employer). The first answer closes the referral.
- A question unanswered for `reminder_working_days` working days (config.toml
  [employment], 3 by default), or an interview the seeker says did not happen, is shown
  to the centre's group once, with buttons to set the outcome themselves.
- A referral still open before a job was found (referred, interested, interview) with no
  change for `referral_expiry_days` days (60 by default: two months, long after a
  vacancy is usually filled) expires, by the system. A job found is not expired: its
  start question settles it.

Only referrals made through the bot are followed up: those imported from the old portal
(`external_id` set, no vacancy, seekers nobody can be asked) are history, never asked,
reminded or expired. Each sweep goes through its backlog in batches of BATCH, until a
batch comes back short, so a backlog is settled by one sweep, not one batch a day.

Each question is asked once: the time it was asked is stored on the referral in the
same transaction that queues the message, so a crash neither loses it nor asks twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from core.employment import codes, referrals
from core.employment.codes import INTERVIEW, JOB_FOUND
from core.fencing import Fence, check, only_current
from core.refusals import Refused
from core.working_time import WorkingCalendar
from db.models import Citizen, JobSeeker, Referral, ReferralEvent

INTERVIEW_DELAY = timedelta(days=1)
# The questions (and what the staff reminder is about).
ASK_INTERVIEW = "interview"
ASK_START = "start"
# How many referrals one query reads; a sweep reads batches until one comes back short.
BATCH = 200
# What the employer's "no, they did not start" records.
DID_NOT_START = "did_not_come"
# Statuses that expire when nothing moves.
EXPIRING = (codes.REFERRED, codes.INTERESTED, INTERVIEW)


def _batches(session: Session, *where: ColumnElement[bool]) -> Iterator[Referral]:
    """The bot's own referrals matching `where`, in id order, BATCH rows per query until
    a batch comes back short; each batch starts after the last id read, so a row the
    caller leaves as it was is not read again."""
    after = 0
    while True:
        batch = session.exec(
            select(Referral)
            .where(col(Referral.external_id).is_(None), col(Referral.id) > after, *where)
            .order_by(col(Referral.id))
            .limit(BATCH)
        ).all()
        yield from batch
        if len(batch) < BATCH:
            return
        after = batch[-1].id or after


def interview_questions(session: Session, now: datetime) -> list[Referral]:
    """Referrals whose interview was a day ago or more and whose seeker was not asked
    yet: marked asked now (the caller queues the question in the same transaction)."""
    due = list(
        _batches(
            session,
            col(Referral.status) == INTERVIEW,
            col(Referral.interview_at) <= now - INTERVIEW_DELAY,
            col(Referral.interview_asked_at).is_(None),
        )
    )
    for referral in due:
        referral.interview_asked_at = now
        session.add(referral)
    return due


def firm_interview_questions(session: Session, now: datetime) -> list[Referral]:
    """Referrals whose interview was a day ago or more and whose firm was not asked yet
    how it went: marked asked now (the caller queues the question in the same
    transaction). A referral of a firm nobody registered is marked too: nobody to ask."""
    due = list(
        session.exec(
            select(Referral)
            .where(
                Referral.status == INTERVIEW,
                col(Referral.interview_at) <= now - INTERVIEW_DELAY,
                col(Referral.interview_firm_asked_at).is_(None),
            )
            .order_by(col(Referral.id))
            .limit(BATCH)
        ).all()
    )
    for referral in due:
        referral.interview_firm_asked_at = now
        session.add(referral)
    return due


def start_questions(session: Session, now: datetime, today: date) -> list[Referral]:
    """Referrals with a job found whose start date is past (`today` is the
    municipality's date) and not asked about yet: marked asked now."""
    due = list(
        _batches(
            session,
            col(Referral.status) == JOB_FOUND,
            col(Referral.start_date) < today,
            col(Referral.start_asked_at).is_(None),
        )
    )
    for referral in due:
        referral.start_asked_at = now
        session.add(referral)
    return due


def answer_interview(
    session: Session, citizen: Citizen, referral: Referral, held: bool, now: datetime
) -> Referral:
    """The seeker says whether the interview happened; Refused: not_allowed (not their
    referral), wrong_status (moved on since), already_answered."""
    _own(session, citizen, referral)
    if referral.status != INTERVIEW or referral.interview_asked_at is None:
        raise Refused("wrong_status")
    if referral.interview_answered_at is not None:
        raise Refused("already_answered")
    referral.interview_answered_at, referral.interview_held = now, held
    session.add(referral)
    return referral


def answer_start_as_seeker(
    session: Session, citizen: Citizen, referral: Referral, started: bool, now: datetime
) -> ReferralEvent:
    """ "Did you start work?" yes → started, no → declined (core's seeker rules)."""
    if referral.status != JOB_FOUND:
        raise Refused("wrong_status")
    to = codes.STARTED if started else codes.DECLINED
    return referrals.seeker_change(session, citizen, referral, to, now)


def answer_start_as_employer(
    session: Session, citizen: Citizen, referral: Referral, started: bool, now: datetime
) -> ReferralEvent:
    """ "Did they start work?" yes → started, no → not hired ("did not come")."""
    if referral.status != JOB_FOUND:
        raise Refused("wrong_status")
    if started:
        return referrals.employer_change(session, citizen, referral, codes.STARTED, now)
    return referrals.employer_change(
        session, citizen, referral, codes.NOT_HIRED, now, reason=DID_NOT_START
    )


def working_days_since(calendar: WorkingCalendar, since: datetime, now: datetime) -> int:
    """Whole working days after the day of `since` up to and including today (the
    municipality's dates): asked on a Friday, Monday is 1."""
    day = since.astimezone(calendar.tz).date()
    today = now.astimezone(calendar.tz).date()
    count = 0
    while day < today:
        day += timedelta(days=1)
        count += calendar.is_working_day(day)
    return count


def reminders(
    session: Session,
    calendar: WorkingCalendar,
    now: datetime,
    working_days: int,
    fence: Fence | None = None,
) -> list[tuple[Referral, str]]:
    """The referrals to show the centre's group, each with its question (ASK_INTERVIEW,
    ASK_START), each once: marked reminded now (the caller sends, and a failed send is
    rolled back with the mark, so the next sweep tries again). With a `fence`, the
    marking UPDATEs check the leadership epoch: a deposed leader gets `Deposed`."""
    # N working days are at least N calendar days: the database leaves out the rest, and
    # answered questions, so that they never fill a batch.
    earliest = now - timedelta(days=working_days)
    found: list[tuple[Referral, str]] = []
    for referral in _batches(
        session,
        col(Referral.status) == INTERVIEW,
        col(Referral.interview_reminded_at).is_(None),
        or_(
            and_(
                col(Referral.interview_answered_at).is_(None),
                col(Referral.interview_asked_at) <= earliest,
            ),
            col(Referral.interview_held).is_(False),
        ),
    ):
        asked = referral.interview_asked_at
        assert asked is not None
        unanswered = (
            referral.interview_answered_at is None
            and working_days_since(calendar, asked, now) >= working_days
        )
        if unanswered or referral.interview_held is False:
            found.append((referral, ASK_INTERVIEW))
    for referral in _batches(
        session,
        col(Referral.status) == JOB_FOUND,
        col(Referral.start_asked_at).is_not(None),
        col(Referral.start_asked_at) <= earliest,
        col(Referral.start_reminded_at).is_(None),
    ):
        assert referral.start_asked_at is not None
        if working_days_since(calendar, referral.start_asked_at, now) >= working_days:
            found.append((referral, ASK_START))
    if not found:
        return []
    marked: set[tuple[str, int]] = set()
    for kind, column in (
        (ASK_INTERVIEW, "interview_reminded_at"),
        (ASK_START, "start_reminded_at"),
    ):
        ids = [referral.id for referral, asked in found if asked == kind]
        if ids:
            marked |= {(kind, i) for i in _mark(session, column, ids, now, fence)}
    if not marked:
        check(session, fence)
    return [(referral, kind) for referral, kind in found if (kind, referral.id) in marked]


def _mark(
    session: Session, column: str, ids: list[int | None], now: datetime, fence: Fence | None
) -> list[int]:
    """The claim of a reminder: `column` set to `now` where it is still NULL, in one UPDATE
    that also checks the leadership epoch; the ids it marked. The loaded referrals are
    told, as the database now holds it."""
    marked = list(
        session.execute(
            update(Referral)
            .where(
                col(Referral.id).in_(ids),
                col(getattr(Referral, column)).is_(None),
                *only_current(fence),
            )
            .values({column: now})
            .returning(col(Referral.id))
            .execution_options(synchronize_session=False)
        ).scalars()
    )
    for referral_id in marked:
        referral = session.get(Referral, referral_id)
        if referral is not None:
            set_committed_value(referral, column, now)
    return marked


def expire(session: Session, now: datetime, days: int) -> list[Referral]:
    """Open referrals with no change for `days` days: expired by the system (recorded)."""
    stale = list(
        _batches(
            session,
            col(Referral.status).in_(EXPIRING),
            col(Referral.updated_at) < now - timedelta(days=days),
        )
    )
    for referral in stale:
        referrals.change(session, referral, codes.EXPIRED, codes.SYSTEM, None, now)
    return stale


def _own(session: Session, citizen: Citizen, referral: Referral) -> None:
    seeker = session.get(JobSeeker, referral.seeker_id)
    if seeker is None or seeker.citizen_id is None or seeker.citizen_id != citizen.id:
        raise Refused("not_allowed")


def forget_reminder(session: Session, referral_id: int, question: str) -> None:
    """A reminder that could not be sent: the next sweep tries again."""
    referral = session.get(Referral, referral_id)
    if referral is None:
        return
    if question == ASK_INTERVIEW:
        referral.interview_reminded_at = None
    else:
        referral.start_reminded_at = None
    session.add(referral)
