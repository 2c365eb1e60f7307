"""An event's seats: the row lock every change of seats takes first, taking and releasing a
seat, the waiting list's order and promotions, and who to tell about them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, update
from sqlmodel import Session, col, select

from core.refusals import Refused
from db.models import CouncilEvent, Registration

# Statuses that hold a seat; the event's `registered` counter counts exactly these.
SEATED = ("registered", "attended", "no_show")
# Statuses of a registration the citizen still has (they cannot register again).
ACTIVE = ("registered", "waitlisted", "attended", "no_show")

EVENT_TABLE: Table = CouncilEvent.__table__  # type: ignore[attr-defined]
REGISTRATION_TABLE: Table = Registration.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Notice:
    """Someone to tell about a change: their registration and whether they just got a seat."""

    citizen_id: int
    registration_id: int
    code: str
    status: str
    promoted: bool = False


def lock_event(session: Session, event_id: int) -> CouncilEvent:
    """The event's row, locked until the transaction ends, freshly read."""
    if session.get_bind().dialect.name == "sqlite":
        # SQLite has no row locks but one writer at a time; this no-op write takes
        # the write lock now (waiting on the busy timeout), so what follows reads
        # counts no other transaction can change before we commit.
        session.execute(
            update(EVENT_TABLE)
            .where(EVENT_TABLE.c.id == event_id)
            .values(last_seq=EVENT_TABLE.c.last_seq)
        )
    event = session.exec(
        select(CouncilEvent)
        .where(CouncilEvent.id == event_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if event is None:
        raise Refused("not_found")
    return event


def refresh(session: Session, event: CouncilEvent) -> CouncilEvent:
    # The counters change through Core UPDATEs; read them back into the object.
    session.refresh(event)
    return event


def claim_seat(session: Session, event_id: int, *, arrival: bool) -> int | None:
    """Take a seat if one is free, in one conditional UPDATE; returns the arrival number
    (a new one when `arrival`), or None when the event is full."""
    values: dict[str, Any] = {"registered": EVENT_TABLE.c.registered + 1}
    if arrival:
        values["last_seq"] = EVENT_TABLE.c.last_seq + 1
    row = session.execute(
        update(EVENT_TABLE)
        .where(EVENT_TABLE.c.id == event_id, EVENT_TABLE.c.registered < EVENT_TABLE.c.capacity)
        .values(**values)
        .returning(EVENT_TABLE.c.last_seq)
    ).first()
    return None if row is None else int(row[0])


def next_arrival(session: Session, event_id: int) -> int:
    row = session.execute(
        update(EVENT_TABLE)
        .where(EVENT_TABLE.c.id == event_id)
        .values(last_seq=EVENT_TABLE.c.last_seq + 1)
        .returning(EVENT_TABLE.c.last_seq)
    ).one()
    return int(row[0])


def release_seat(session: Session, event_id: int) -> None:
    session.execute(
        update(EVENT_TABLE)
        .where(EVENT_TABLE.c.id == event_id)
        .values(registered=EVENT_TABLE.c.registered - 1)
    )


def promote(session: Session, event_id: int, now: datetime, limit: int) -> list[Registration]:
    """Give free seats to the waiting list in arrival order, up to `limit` people."""
    promoted: list[Registration] = []
    while len(promoted) < limit:
        first = session.exec(
            select(Registration)
            .where(Registration.event_id == event_id, Registration.status == "waitlisted")
            .order_by(col(Registration.seq))
            .limit(1)
        ).first()
        if first is None or claim_seat(session, event_id, arrival=False) is None:
            break
        first.status, first.updated_at = "registered", now
        session.add(first)
        session.flush()
        promoted.append(first)
    return promoted


def waiting_position(session: Session, registration: Registration) -> int | None:
    """1 for the first in line; None when the registration is not waiting."""
    if registration.status != "waitlisted":
        return None
    ahead = session.exec(
        select(func.count(col(Registration.id))).where(
            Registration.event_id == registration.event_id,
            Registration.status == "waitlisted",
            col(Registration.seq) <= registration.seq,
        )
    ).one()
    return int(ahead)


def notices(session: Session, event_id: int, promoted: set[int | None]) -> list[Notice]:
    rows = session.exec(
        select(Registration)
        .where(
            Registration.event_id == event_id,
            col(Registration.status).in_(("registered", "waitlisted")),
        )
        .order_by(col(Registration.seq))
    ).all()
    return [notice(r, promoted=r.id in promoted) for r in rows]


def notice(registration: Registration, promoted: bool = False) -> Notice:
    assert registration.id is not None
    return Notice(
        citizen_id=registration.citizen_id,
        registration_id=registration.id,
        code=registration.code,
        status=registration.status,
        promoted=promoted,
    )


def waiting_counts() -> Any:
    return (
        select(func.count(col(Registration.id)))
        .where(Registration.event_id == CouncilEvent.id, Registration.status == "waitlisted")
        .correlate(CouncilEvent)
        .scalar_subquery()
    )
