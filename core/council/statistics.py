"""The council's figures for the indicators, as SQL aggregates.

An event is *held* in a period when it starts in the period, was not cancelled, and is
over (its end is before the period's end and before now): an event next week is not
held yet, whatever the period. Every figure below counts held events only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func
from sqlmodel import Session, col, select

from core.council.coordinators import COUNCIL
from core.dates import aware
from db.models import Assembly, CouncilEvent, Registration

# A registration that held a seat: the person was expected at the door.
SEATED = ("registered", "attended", "no_show")
ATTENDED = "attended"


def _held(start: datetime, end: datetime, now: datetime) -> ColumnElement[bool]:
    over_by = min(aware(end), aware(now))
    return and_(
        col(CouncilEvent.assembly_code) == col(Assembly.code),
        # The employment centre's trainings and fairs are counted in goal 4.3.1, not here.
        col(CouncilEvent.kind) == COUNCIL,
        col(CouncilEvent.cancelled_at).is_(None),
        col(CouncilEvent.starts_at) >= aware(start),
        col(CouncilEvent.starts_at) < aware(end),
        col(CouncilEvent.ends_at) < over_by,
    )


def events_per_assembly(
    session: Session, start: datetime, end: datetime, *, now: datetime
) -> dict[str, int]:
    """Events held in [start, end) as of `now`, per assembly (0 included)."""
    rows = session.exec(
        select(Assembly.code, func.count(col(CouncilEvent.id)))
        .select_from(Assembly)
        .outerjoin(CouncilEvent, _held(start, end, now))
        .group_by(col(Assembly.code))
    ).all()
    return {code: int(count) for code, count in rows}


def participants_per_assembly(
    session: Session, start: datetime, end: datetime, *, now: datetime
) -> dict[str, int]:
    """Attendances (checked-in registrations) at events held in [start, end), per assembly.

    A person who attends three events counts three times, as the programme's
    participant figures do; for the General Assembly it is its participant count.
    """
    return {code: attended for code, (_, attended) in attendance(session, start, end, now).items()}


def attendance(
    session: Session, start: datetime, end: datetime, now: datetime
) -> dict[str, tuple[int, int]]:
    """(seats taken, checked in) at events held in [start, end), per assembly.

    Seats taken are the registrations that held a seat when the event took place
    (registered, attended or no-show; not the waiting list, not those who withdrew).
    Seats taken minus checked in are the no-shows, whether or not the after-event sweep
    has marked them yet.
    """
    seated = and_(
        col(Registration.event_id) == col(CouncilEvent.id),
        col(Registration.status).in_(SEATED),
    )
    checked_in = func.sum(case((col(Registration.status) == ATTENDED, 1), else_=0))
    rows = session.exec(
        select(Assembly.code, func.count(col(Registration.id)), checked_in)
        .select_from(Assembly)
        .outerjoin(CouncilEvent, _held(start, end, now))
        .outerjoin(Registration, seated)
        .group_by(col(Assembly.code))
    ).all()
    return {code: (int(seats), int(came or 0)) for code, seats, came in rows}
