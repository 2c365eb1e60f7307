"""Watching response times: which requests have just passed their due time."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from core.codes import OPEN_STATUSES
from db.models import Request


def mark_newly_overdue(session: Session, now: datetime) -> list[int]:
    """Open requests past their due time with no answer, not yet marked; marks them.

    Marking in the same transaction makes the sweep idempotent: run late, twice,
    or after a restart, each request is reported once.
    """
    rows = session.exec(
        select(Request).where(
            col(Request.status).in_(OPEN_STATUSES),
            col(Request.first_response_at).is_(None),
            col(Request.overdue_marked_at).is_(None),
            col(Request.due_at) < now,
        ).with_for_update(skip_locked=True)
    ).all()
    for request in rows:
        request.overdue_marked_at = now
        session.add(request)
    return [r.id for r in rows if r.id is not None]
