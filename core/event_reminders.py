"""Reminding registrants 24 hours and 2 hours before their event, each reminder once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from core.fencing import Fence, check, only_current
from db.models import CouncilEvent, Registration

WINDOWS = (("24h", timedelta(hours=24)), ("2h", timedelta(hours=2)))


@dataclass(frozen=True)
class EventReminder:
    registration_id: int
    citizen_id: int
    event_id: int
    code: str
    which: str  # "24h" or "2h"


def due(session: Session, now: datetime, fence: Fence | None = None) -> list[EventReminder]:
    """Reminders to send now, marked as sent in this transaction.

    The 24-hour reminder goes out between 24 h and 2 h before the start, the 2-hour one
    in the last 2 hours; a bot that was down during the first window sends only the
    second, never both at once. With a `fence`, the marking UPDATE checks the leadership
    epoch: a deposed leader gets `Deposed` and reminds nobody."""
    out: list[EventReminder] = []
    for which, ahead in WINDOWS:
        name = f"reminded_{which}_at"
        column = col(getattr(Registration, name))
        later = dict(WINDOWS).get("2h") if which == "24h" else timedelta(0)
        assert later is not None
        rows = session.exec(
            select(
                col(Registration.id),
                col(Registration.citizen_id),
                col(Registration.event_id),
                col(Registration.code),
            )
            .join(CouncilEvent, col(CouncilEvent.id) == col(Registration.event_id))
            .where(
                col(Registration.status) == "registered",
                column.is_(None),
                col(CouncilEvent.cancelled_at).is_(None),
                col(CouncilEvent.starts_at) <= now + ahead,
                col(CouncilEvent.starts_at) > now + later,
            )
            .with_for_update(of=Registration, skip_locked=True)
        ).all()
        if not rows:
            continue
        # The claim: one UPDATE that also checks the epoch, so a deposed leader marks none.
        marked = set(
            session.execute(
                update(Registration)
                .where(
                    col(Registration.id).in_([row[0] for row in rows]),
                    column.is_(None),
                    *only_current(fence),
                )
                .values({name: now})
                .returning(col(Registration.id))
                .execution_options(synchronize_session=False)
            ).scalars()
        )
        if not marked:
            check(session, fence)
        out += [
            EventReminder(registration, citizen, event, code, which)
            for registration, citizen, event, code in rows
            if registration is not None and registration in marked
        ]
    return out
