"""Reminding registrants 24 hours and 2 hours before their event, each reminder once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from db.models import CouncilEvent, Registration

WINDOWS = (("24h", timedelta(hours=24)), ("2h", timedelta(hours=2)))


@dataclass(frozen=True)
class EventReminder:
    registration_id: int
    citizen_id: int
    event_id: int
    code: str
    which: str  # "24h" or "2h"


def due(session: Session, now: datetime) -> list[EventReminder]:
    """Reminders to send now, marked as sent in this transaction.

    The 24-hour reminder goes out between 24 h and 2 h before the start, the 2-hour one
    in the last 2 hours; a bot that was down during the first window sends only the
    second, never both at once."""
    out: list[EventReminder] = []
    for which, ahead in WINDOWS:
        column = col(getattr(Registration, f"reminded_{which}_at"))
        later = dict(WINDOWS).get("2h") if which == "24h" else timedelta(0)
        assert later is not None
        rows = session.exec(
            select(Registration, CouncilEvent)
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
        for registration, event in rows:
            setattr(registration, f"reminded_{which}_at", now)
            session.add(registration)
            assert registration.id is not None and event.id is not None
            out.append(
                EventReminder(
                    registration.id, registration.citizen_id, event.id, registration.code, which
                )
            )
    return out
