"""Watching response times: requests nearing their due time, and ones that passed it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from core import job_runs
from core.codes import OPEN_STATUSES
from core.fencing import Fence, check, only_current
from core.working_time import WorkingCalendar
from db.models import JobRun, Request, StaffMember

REMIND_AT = 0.8  # share of the working-time target used before staff are reminded
# The SLA sweep's claims of the cards it posts again (`without_card`), kept a day.
CARD_REPOST = "card-repost"
CARD_REPOST_KEPT = timedelta(days=1)
CARD_REPOST_WINDOW = timedelta(minutes=10)  # the SLA sweep runs every five


@dataclass(frozen=True)
class Reminder:
    request_id: int
    number: str
    department_code: str
    assignee_telegram_id: int | None


def _unanswered_open() -> ColumnElement[bool]:
    return and_(
        col(Request.status).in_(OPEN_STATUSES),
        col(Request.first_response_at).is_(None),
        col(Request.due_at).is_not(None),
    )


def due_for_reminder(
    session: Session, calendar: WorkingCalendar, now: datetime, fence: Fence | None = None
) -> list[Reminder]:
    """Requests that have used 80 % of their target without an answer; each is returned
    (and marked) once, so running the sweep late or twice reminds nobody twice. With a
    `fence`, the marking UPDATE checks the leadership epoch: a deposed leader gets
    `Deposed` and reminds nobody."""
    rows = session.exec(
        select(Request)
        .where(
            _unanswered_open(), col(Request.sla_reminded_at).is_(None), col(Request.due_at) > now
        )
        .with_for_update(skip_locked=True)
    ).all()
    candidates = [
        request
        for request in rows
        if request.due_at is not None
        and calendar.elapsed_fraction(request.created_at, request.due_at, now) >= REMIND_AT
    ]
    marked = _mark(session, "sla_reminded_at", candidates, now, fence)
    out = []
    for request in candidates:
        assert request.id is not None
        if request.id not in marked:
            continue
        assignee = session.get(StaffMember, request.assignee_id) if request.assignee_id else None
        out.append(
            Reminder(
                request.id,
                request.number,
                request.department_code,
                assignee.telegram_id if assignee and assignee.active else None,
            )
        )
    return out


def mark_newly_overdue(session: Session, now: datetime, fence: Fence | None = None) -> list[int]:
    """Open requests past their due time with no answer, not yet marked; marks them.

    Marking in the same transaction makes the sweep idempotent: run late, twice,
    or after a restart, each request is reported once; with a `fence`, only by the
    current leader (see `due_for_reminder`).
    """
    rows = session.exec(
        select(Request)
        .where(
            _unanswered_open(), col(Request.overdue_marked_at).is_(None), col(Request.due_at) < now
        )
        .with_for_update(skip_locked=True)
    ).all()
    marked = _mark(session, "overdue_marked_at", list(rows), now, fence)
    return [r.id for r in rows if r.id in marked]


def _mark(
    session: Session,
    column: str,
    requests: list[Request],
    now: datetime,
    fence: Fence | None,
) -> set[int]:
    """Set the column named `column` to `now` on those of `requests` where it is still
    NULL, in one UPDATE that also checks the leadership epoch; the ids it marked. This is
    the claim of a reminder or an escalation."""
    ids = [r.id for r in requests if r.id is not None]
    if not ids:
        return set()
    condition: list[ColumnElement[bool]] = [
        col(Request.id).in_(ids),
        col(getattr(Request, column)).is_(None),
    ]
    condition += only_current(fence)
    marked = set(
        session.execute(
            update(Request)
            .where(*condition)
            .values({column: now})
            .returning(col(Request.id))
            .execution_options(synchronize_session=False)
        ).scalars()
    )
    if not marked:
        check(session, fence)
    for request in requests:  # the loaded objects say what the database now holds
        if request.id in marked:
            set_committed_value(request, column, now)
    return marked


def without_card(
    session: Session, now: datetime, grace: timedelta, fence: Fence | None = None
) -> list[int]:
    """Open requests whose card never reached a staff group (a crash, a Telegram outage),
    each claimed for its ten-minute window (a `job_run` row, `card-repost`), so
    that of two leaders only one posts it: the claim checks the leadership epoch in its
    INSERT (a deposed leader gets `Deposed`), and a successor sweeping in the same window
    finds it claimed. A card claimed and then not posted (the leader died) is claimed again
    in the next window."""
    rows = session.exec(
        select(Request.id)
        .where(
            col(Request.status).in_(OPEN_STATUSES),
            col(Request.card_message_id).is_(None),
            col(Request.created_at) < now - grace,
            *only_current(fence),
        )
        .order_by(col(Request.id))
        .limit(200)
    ).all()
    if not rows:
        check(session, fence)
    window = int(now.timestamp() // CARD_REPOST_WINDOW.total_seconds())
    # Claims of windows long past have done their work: without this, a card that keeps
    # failing would leave a row every window, for ever.
    session.execute(
        delete(JobRun).where(
            col(JobRun.job) == CARD_REPOST, col(JobRun.done_at) < now - CARD_REPOST_KEPT
        )
    )
    return [
        r
        for r in rows
        if r is not None and job_runs.claim(session, CARD_REPOST, f"{r}@{window}", now, fence)
    ]
