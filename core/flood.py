"""Per-citizen flood control: how many new requests an hour and messages a minute."""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from db.models import Request


class MessageWindow:
    """Messages per person in the last minute. Kept in memory on purpose: only the
    active instance polls, and forgetting the window on restart costs nothing."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._seen: dict[int, deque[datetime]] = {}

    def allow(self, user_id: int, now: datetime) -> bool:
        window = self._seen.setdefault(user_id, deque())
        while window and window[0] <= now - timedelta(minutes=1):
            window.popleft()
        if len(window) >= self.per_minute:
            return False
        window.append(now)
        if len(self._seen) > 50_000:  # forget idle people so memory stays bounded
            for stale in [
                u for u, w in self._seen.items() if not w or w[-1] < now - timedelta(minutes=1)
            ]:
                del self._seen[stale]
        return True


def requests_last_hour(session: Session, citizen_id: int, now: datetime) -> int:
    """Counted from the database, so the limit holds across restarts."""
    return int(
        session.exec(
            select(func.count())
            .select_from(Request)
            .where(
                col(Request.citizen_id) == citizen_id,
                col(Request.created_at) > now - timedelta(hours=1),
            )
        ).one()
    )
