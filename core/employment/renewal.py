"""Asking an idle job seeker whether their CV should stay.

The employment KVKK notice promises it: after ASK_AFTER without activity (12 months, or
half the retention period when that is shorter) the seeker is asked once whether they
are still looking; keeping the CV counts as activity, so the retention job
(personal_data.expire) blanks only the CVs of people who did not answer for the rest of
the retention period. Activity is anything that sets `last_active_at`: saving or
pausing the CV, answering a referral, renewing.

A question is claimed in the database (`renewal_asked_at`) before it is sent, so two
runs or two instances never ask twice; renewing clears nothing, since a later
`last_active_at` makes the seeker due again a year on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlmodel import Session, col

from common.i18n import resolve_language
from core.fencing import Fence, check, only_current
from db.models import Citizen, JobSeeker

ASK_AFTER = timedelta(days=365)
BATCH = 200  # questions claimed per run; the next run takes the rest


def ask_after(retention_days: int) -> timedelta:
    """When to ask: a year of silence, or half the retention period if that is shorter, so
    there is always time to answer before the CV is blanked."""
    return min(ASK_AFTER, timedelta(days=retention_days) / 2)


@dataclass(frozen=True)
class RenewalDue:
    seeker_id: int
    telegram_id: int
    language: str
    erase_on: datetime  # when the retention job blanks the CV if nobody answers


def claim_due(
    session: Session,
    now: datetime,
    retention_days: int,
    limit: int = BATCH,
    fence: Fence | None = None,
) -> list[RenewalDue]:
    """Seekers idle for `ask_after` and not asked since their last activity, marked as
    asked now. Only CVs written through the bot (imported ones have nobody to ask). With
    a `fence`, the marking UPDATE checks the leadership epoch: a deposed leader gets
    `Deposed` and asks nobody."""
    idle_since = func.coalesce(col(JobSeeker.last_active_at), col(JobSeeker.registered_at))
    not_asked = or_(
        col(JobSeeker.renewal_asked_at).is_(None),
        col(JobSeeker.renewal_asked_at) < idle_since,
    )
    rows = session.execute(
        select(
            col(JobSeeker.id),
            col(Citizen.telegram_id),
            col(Citizen.language),
            col(Citizen.telegram_language),
            idle_since,
        )
        .join(Citizen, col(Citizen.id) == col(JobSeeker.citizen_id))
        .where(
            col(JobSeeker.erased_at).is_(None),
            col(Citizen.telegram_id).is_not(None),
            col(Citizen.blocked_at).is_(None),
            idle_since < now - ask_after(retention_days),
            not_asked,
        )
        .order_by(idle_since)
        .limit(limit)
    ).all()
    due = [
        RenewalDue(
            seeker,
            telegram,
            resolve_language(language, telegram_language),
            idle + timedelta(days=retention_days),
        )
        for seeker, telegram, language, telegram_language, idle in rows
        if seeker is not None and telegram is not None
    ]
    if not due:
        return []
    # The claim: still not asked (another run may have been first), under a current epoch.
    marked = set(
        session.execute(
            update(JobSeeker)
            .where(
                col(JobSeeker.id).in_([item.seeker_id for item in due]),
                not_asked,
                *only_current(fence),
            )
            .values(renewal_asked_at=now)
            .returning(col(JobSeeker.id))
            .execution_options(synchronize_session=False)
        ).scalars()
    )
    if not marked:
        check(session, fence)
    return [item for item in due if item.seeker_id in marked]


def renew(session: Session, seeker: JobSeeker, now: datetime) -> None:
    """ "Keep my CV": an answer is activity, so the retention clock starts again."""
    seeker.last_active_at = now
    session.add(seeker)
