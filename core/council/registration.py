"""Registering for an event and withdrawing: a seat when one is free, else the waiting
list; a withdrawal promotes the next in line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from core.checkin import new_code
from core.council.membership import (
    is_member,
)
from core.council.seats import (
    ACTIVE,
    Notice,
    claim_seat,
    lock_event,
    next_arrival,
    notice,
    promote,
    refresh,
    release_seat,
    waiting_position,
)
from core.dates import aware
from core.refusals import Refused
from db.models import Citizen, CouncilEvent, Registration


@dataclass(frozen=True)
class Booking:
    """The result of registering: the registration and, when waiting, the place in line."""

    registration: Registration
    position: int | None

    @property
    def status(self) -> str:
        return self.registration.status

    @property
    def code(self) -> str:
        return self.registration.code


def _unique_code(session: Session) -> str:
    """A check-in code not used yet; the unique constraint guards the rare race."""
    for _attempt in range(10):
        code = new_code()
        taken = session.exec(select(Registration.id).where(Registration.code == code)).first()
        if taken is None:
            return code
    raise RuntimeError("could not find a free check-in code")


def register(session: Session, citizen: Citizen, event_id: int, now: datetime) -> Booking:
    """Register for an event: a seat while there is one, else a place on the waiting list.

    Registering again after withdrawing reuses the registration (and its code) but
    joins the end of the line.
    """
    assert citizen.id is not None
    event = lock_event(session, event_id)
    existing = session.exec(
        select(Registration).where(
            Registration.event_id == event_id,
            Registration.citizen_id == citizen.id,
        )
    ).first()
    _check_registrable(session, event, citizen, existing, aware(now))
    seq = claim_seat(session, event_id, arrival=True)
    status = "registered"
    if seq is None:
        seq, status = next_arrival(session, event_id), "waitlisted"
    registration = existing or Registration(
        event_id=event_id,
        citizen_id=citizen.id,
        status=status,
        code=_unique_code(session),
        created_at=now,
    )
    registration.status, registration.seq = status, seq
    registration.updated_at, registration.checked_in_at = now, None
    session.add(registration)
    session.flush()
    refresh(session, event)
    return Booking(registration, waiting_position(session, registration))


def _check_registrable(
    session: Session,
    event: CouncilEvent,
    citizen: Citizen,
    existing: Registration | None,
    now: datetime,
) -> None:
    if event.cancelled_at is not None:
        raise Refused("event_cancelled")
    if existing is not None and existing.status in ACTIVE:
        raise Refused("already_registered")
    if now >= event.starts_at:
        raise Refused("event_past")
    if event.registration_deadline is not None and now > event.registration_deadline:
        raise Refused("deadline_passed")
    if citizen.consent_at is None:
        raise Refused("consent_required")
    assert citizen.id is not None
    if event.members_only and (
        event.assembly_code is None or not is_member(session, citizen.id, event.assembly_code)
    ):
        raise Refused("members_only")


def withdraw(session: Session, citizen: Citizen, event_id: int, now: datetime) -> Notice | None:
    """Withdraw until the event starts; a freed seat goes to the first in line at once.

    Returns that person (to tell them they have a seat), or None.
    """
    event = lock_event(session, event_id)
    registration = session.exec(
        select(Registration).where(
            Registration.event_id == event_id,
            Registration.citizen_id == citizen.id,
            col(Registration.status).in_(("registered", "waitlisted")),
        )
    ).first()
    if registration is None:
        raise Refused("not_registered")
    if event.cancelled_at is not None:
        raise Refused("event_cancelled")
    if aware(now) >= event.starts_at:
        raise Refused("event_past")
    had_seat = registration.status == "registered"
    registration.status, registration.updated_at = "cancelled", now
    session.add(registration)
    session.flush()
    promoted: list[Registration] = []
    if had_seat:
        release_seat(session, event_id)
        promoted = promote(session, event_id, now, limit=1)
    refresh(session, event)
    return notice(promoted[0], promoted=True) if promoted else None
