"""Council events: creating, editing and cancelling them (coordinators), and listing
them with their seats for citizens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from core.council.coordinators import COUNCIL, authorize, authorize_event
from core.council.membership import (
    active_assembly,
)
from core.council.seats import (
    Notice,
    lock_event,
    notices,
    promote,
    refresh,
    waiting_counts,
    waiting_position,
)
from core.dates import aware
from core.refusals import Refused
from db.models import Assembly, CouncilEvent, Registration, StaffMember

TITLE_MAX = 200
PLACE_MAX = 300


@dataclass(frozen=True)
class EventSummary:
    event: CouncilEvent
    seats_left: int
    waiting: int


@dataclass(frozen=True)
class EventDetails:
    event: CouncilEvent
    # None for the employment centre's events (a training, a job fair).
    assembly: Assembly | None
    seats_left: int
    waiting: int
    registration: Registration | None
    position: int | None


class _Keep(Enum):
    """Marks an edit_event argument that stays as it is (None means "no deadline")."""

    KEEP = "keep"


KEEP = _Keep.KEEP


def _validate_event(
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    capacity: int,
    deadline: datetime | None,
) -> None:
    for moment in (starts_at, ends_at, deadline):
        if moment is not None:
            aware(moment)
    if not 1 <= len(title.strip()) <= TITLE_MAX:
        raise Refused("bad_title")
    if len(place) > PLACE_MAX:
        raise Refused("bad_place")
    if ends_at <= starts_at:
        raise Refused("bad_times")
    if capacity < 1:
        raise Refused("bad_capacity")
    if deadline is not None and deadline > starts_at:
        raise Refused("bad_deadline")


def create_event(
    session: Session,
    actor: StaffMember | None,
    assembly_code: str,
    title: str,
    description: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    capacity: int,
    registration_deadline: datetime | None,
    members_only: bool,
    *,
    now: datetime | None = None,
) -> CouncilEvent:
    """A coordinator (or supervisor, admin) adds an event; with `now`, it must be ahead."""
    member = authorize(actor)
    active_assembly(session, assembly_code)
    return add_event(
        session,
        member,
        COUNCIL,
        assembly_code,
        title,
        description,
        starts_at,
        ends_at,
        place,
        capacity,
        registration_deadline,
        members_only,
        now=now,
    )


def add_event(
    session: Session,
    member: StaffMember,
    kind: str,
    assembly_code: str | None,
    title: str,
    description: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    capacity: int,
    registration_deadline: datetime | None,
    members_only: bool,
    *,
    now: datetime | None = None,
) -> CouncilEvent:
    """An event of any kind, validated; the caller has checked `member`'s role for it
    (create_event for the council, core.employment.events for the centre's)."""
    _validate_event(title, starts_at, ends_at, place, capacity, registration_deadline)
    if now is not None and starts_at <= aware(now):
        raise Refused("event_past")
    event = CouncilEvent(
        kind=kind,
        assembly_code=assembly_code,
        title=title.strip(),
        description=description.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        capacity=capacity,
        registration_deadline=registration_deadline,
        members_only=members_only,
        created_by=member.telegram_id,
    )
    session.add(event)
    session.flush()
    return event


def edit_event(
    session: Session,
    actor: StaffMember | None,
    event_id: int,
    now: datetime,
    *,
    title: str | None = None,
    description: str | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    place: str | None = None,
    capacity: int | None = None,
    registration_deadline: datetime | _Keep | None = KEEP,
    members_only: bool | None = None,
) -> list[Notice]:
    """Change an event (None / KEEP leave a field as it is); returns everyone to tell.

    More seats promote people from the waiting list at once (flagged `promoted`);
    fewer seats than are already taken is refused.
    """
    event = lock_event(session, event_id)
    authorize_event(actor, event)
    _check_editable(event, aware(now))
    deadline = (
        event.registration_deadline if registration_deadline is KEEP else registration_deadline
    )
    new_capacity = event.capacity if capacity is None else capacity
    _validate_event(
        title if title is not None else event.title,
        starts_at or event.starts_at,
        ends_at or event.ends_at,
        place if place is not None else event.place,
        new_capacity,
        deadline,
    )
    if new_capacity < event.registered:
        raise Refused("capacity_below_registered")
    _apply_edit(
        event,
        title=title,
        description=description,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        capacity=capacity,
        members_only=members_only,
    )
    event.registration_deadline = deadline
    event.revision += 1
    session.add(event)
    session.flush()
    promoted = promote(session, event_id, now, limit=new_capacity)
    refresh(session, event)
    return notices(session, event_id, promoted={r.id for r in promoted})


def _check_editable(event: CouncilEvent, now: datetime) -> None:
    if event.cancelled_at is not None:
        raise Refused("event_cancelled")
    if now >= event.ends_at:
        raise Refused("event_past")


def _apply_edit(event: CouncilEvent, **changes: Any) -> None:
    for name, value in changes.items():
        if value is not None:
            setattr(event, name, value.strip() if isinstance(value, str) else value)


def cancel_event(
    session: Session, actor: StaffMember | None, event_id: int, now: datetime
) -> list[Notice]:
    """Cancel an event; returns everyone registered or waiting, to tell them.

    Registrations keep their status (the event's cancelled_at says it all), so
    who had signed up stays on record.
    """
    event = lock_event(session, event_id)
    authorize_event(actor, event)
    _check_editable(event, aware(now))
    event.cancelled_at = now
    event.revision += 1
    session.add(event)
    session.flush()
    return notices(session, event_id, promoted=set())


def upcoming_events(
    session: Session,
    now: datetime,
    assembly_code: str | None = None,
    limit: int = 50,
    *,
    kinds: tuple[str, ...] = (COUNCIL,),
) -> list[EventSummary]:
    """Events not cancelled and not started yet, soonest first, with seats left: the
    council's (of active assemblies), or those of `kinds` (the employment centre's)."""
    query = (
        select(
            CouncilEvent,
            col(CouncilEvent.capacity) - col(CouncilEvent.registered),
            waiting_counts(),
        )
        .outerjoin(Assembly, col(Assembly.code) == col(CouncilEvent.assembly_code))
        .where(
            col(CouncilEvent.kind).in_(kinds),
            col(CouncilEvent.cancelled_at).is_(None),
            col(CouncilEvent.starts_at) > aware(now),
            or_(col(CouncilEvent.assembly_code).is_(None), col(Assembly.active).is_(True)),
        )
        .order_by(col(CouncilEvent.starts_at), col(CouncilEvent.id))
        .limit(limit)
    )
    if assembly_code is not None:
        query = query.where(CouncilEvent.assembly_code == assembly_code)
    return [
        EventSummary(event, int(left), int(waiting))
        for event, left, waiting in session.exec(query).all()
    ]


def event_details(session: Session, event_id: int, citizen_id: int | None = None) -> EventDetails:
    """One event with its assembly, seats left, the waiting list's length and, given a
    citizen, their registration and place in line."""
    row = session.exec(
        select(CouncilEvent, Assembly, waiting_counts())
        .outerjoin(Assembly, col(Assembly.code) == col(CouncilEvent.assembly_code))
        .where(CouncilEvent.id == event_id)
    ).first()
    if row is None:
        raise Refused("not_found")
    event, assembly, waiting = row
    registration = None
    if citizen_id is not None:
        registration = session.exec(
            select(Registration).where(
                Registration.event_id == event_id,
                Registration.citizen_id == citizen_id,
            )
        ).first()
    return EventDetails(
        event=event,
        assembly=assembly,
        seats_left=event.capacity - event.registered,
        waiting=int(waiting),
        registration=registration,
        position=waiting_position(session, registration) if registration else None,
    )


def registrations_of(
    session: Session, citizen_id: int, now: datetime
) -> list[tuple[CouncilEvent, Registration]]:
    """The citizen's registrations (seat or waiting) for events that have not ended."""
    rows = session.exec(
        select(CouncilEvent, Registration)
        .join(Registration, col(Registration.event_id) == col(CouncilEvent.id))
        .where(
            Registration.citizen_id == citizen_id,
            col(Registration.status).in_(("registered", "waitlisted")),
            col(CouncilEvent.ends_at) > aware(now),
        )
        .order_by(col(CouncilEvent.starts_at))
    ).all()
    return [(event, registration) for event, registration in rows]
