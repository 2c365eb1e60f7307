"""Check-in at the door (a registration's code, typed or read from its QR) and marking
no-shows once an event is over.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, select

from core.checkin import normalise_code
from core.council.coordinators import authorize_event
from core.council.seats import (
    EVENT_TABLE,
    REGISTRATION_TABLE,
)
from core.dates import aware
from core.refusals import Refused
from db.models import CouncilEvent, Registration, StaffMember


def check_in(
    session: Session, actor: StaffMember | None, event_id: int, code: str, now: datetime
) -> Registration:
    """A coordinator at the door enters a code: the registration is marked attended."""
    event = session.get(CouncilEvent, event_id)
    if event is None:
        raise Refused("not_found")
    authorize_event(actor, event)
    if event.cancelled_at is not None:
        raise Refused("event_cancelled")
    registration = session.exec(
        select(Registration).where(Registration.code == normalise_code(code)).with_for_update()
    ).first()
    if (
        registration is None
        or registration.event_id != event_id
        or registration.status == "cancelled"
    ):
        raise Refused("bad_code")
    if registration.status == "attended":
        raise Refused("already_checked_in")
    if registration.status == "waitlisted":
        raise Refused("waitlisted")
    # A late arrival after the no-show sweep is still an attendance.
    registration.status, registration.checked_in_at = "attended", aware(now)
    registration.updated_at = now
    session.add(registration)
    session.flush()
    return registration


def mark_no_shows(session: Session, now: datetime) -> int:
    """After an event ends, seats never checked in become no-shows; safe to run again."""
    ended = select(EVENT_TABLE.c.id).where(
        EVENT_TABLE.c.ends_at <= aware(now), EVENT_TABLE.c.cancelled_at.is_(None)
    )
    result = session.execute(
        update(REGISTRATION_TABLE)
        .where(
            REGISTRATION_TABLE.c.status == "registered",
            REGISTRATION_TABLE.c.checked_in_at.is_(None),
            REGISTRATION_TABLE.c.event_id.in_(ended),
        )
        .values(status="no_show", updated_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
