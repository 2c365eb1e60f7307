"""Watching response times: requests nearing their due time, and ones that passed it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_
from sqlmodel import Session, col, select

from core.codes import OPEN_STATUSES
from core.working_time import WorkingCalendar
from db.models import Request, StaffMember

REMIND_AT = 0.8  # share of the working-time target used before staff are reminded


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


def due_for_reminder(session: Session, calendar: WorkingCalendar, now: datetime) -> list[Reminder]:
    """Requests that have used 80 % of their target without an answer; each is returned
    (and marked) once, so running the sweep late or twice reminds nobody twice."""
    rows = session.exec(
        select(Request)
        .where(
            _unanswered_open(), col(Request.sla_reminded_at).is_(None), col(Request.due_at) > now
        )
        .with_for_update(skip_locked=True)
    ).all()
    out = []
    for request in rows:
        assert request.due_at is not None and request.id is not None
        if calendar.elapsed_fraction(request.created_at, request.due_at, now) < REMIND_AT:
            continue
        request.sla_reminded_at = now
        session.add(request)
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


def mark_newly_overdue(session: Session, now: datetime) -> list[int]:
    """Open requests past their due time with no answer, not yet marked; marks them.

    Marking in the same transaction makes the sweep idempotent: run late, twice,
    or after a restart, each request is reported once.
    """
    rows = session.exec(
        select(Request)
        .where(
            _unanswered_open(), col(Request.overdue_marked_at).is_(None), col(Request.due_at) < now
        )
        .with_for_update(skip_locked=True)
    ).all()
    for request in rows:
        request.overdue_marked_at = now
        session.add(request)
    return [r.id for r in rows if r.id is not None]


def without_card(session: Session, now: datetime, grace: timedelta) -> list[int]:
    """Open requests whose card never reached a staff group (a crash, a Telegram outage)."""
    rows = session.exec(
        select(Request.id)
        .where(
            col(Request.status).in_(OPEN_STATUSES),
            col(Request.card_message_id).is_(None),
            col(Request.created_at) < now - grace,
        )
        .order_by(col(Request.id))
        .limit(200)
    ).all()
    return [r for r in rows if r is not None]
