"""The council's figures for the indicators, as SQL aggregates."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func
from sqlmodel import Session, col, select

from core.dates import aware
from db.models import Assembly, CouncilEvent, Registration


def events_per_assembly(session: Session, start: datetime, end: datetime) -> dict[str, int]:
    """Events held (not cancelled) starting in [start, end), per assembly (0 included)."""
    held = and_(
        col(CouncilEvent.assembly_code) == col(Assembly.code),
        col(CouncilEvent.cancelled_at).is_(None),
        col(CouncilEvent.starts_at) >= aware(start),
        col(CouncilEvent.starts_at) < aware(end),
    )
    rows = session.exec(
        select(Assembly.code, func.count(col(CouncilEvent.id)))
        .select_from(Assembly)
        .outerjoin(CouncilEvent, held)
        .group_by(col(Assembly.code))
    ).all()
    return {code: int(count) for code, count in rows}


def participants_per_assembly(session: Session, start: datetime, end: datetime) -> dict[str, int]:
    """Attendances (checked-in registrations) at events held in [start, end), per assembly.

    A person who attends three events counts three times, as the programme's
    participant figures do; for the General Assembly it is its participant count.
    """
    held = and_(
        col(CouncilEvent.assembly_code) == col(Assembly.code),
        col(CouncilEvent.cancelled_at).is_(None),
        col(CouncilEvent.starts_at) >= aware(start),
        col(CouncilEvent.starts_at) < aware(end),
    )
    attended = and_(
        col(Registration.event_id) == col(CouncilEvent.id), col(Registration.status) == "attended"
    )
    rows = session.exec(
        select(Assembly.code, func.count(col(Registration.id)))
        .select_from(Assembly)
        .outerjoin(CouncilEvent, held)
        .outerjoin(Registration, attended)
        .group_by(col(Assembly.code))
    ).all()
    return {code: int(count) for code, count in rows}
