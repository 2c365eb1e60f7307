"""The council's personal data: memberships, registrations, and the children a guardian
registered. /verilerim shows them; /verilerimi_sil erases the children's names and birth
dates with their guardian's, and keeps the rows that count members and participants."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from core.privacy import Erased, PersonalData, anonymise, iso, profile
from db.models import (
    Citizen,
    ConversationState,
    CouncilEvent,
    Membership,
    Registration,
)


def _memberships(session: Session, citizen_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Membership)
        .where(Membership.citizen_id == citizen_id)
        .order_by(col(Membership.joined_at), col(Membership.id))
    ).all()
    return [
        {
            "assembly": m.assembly_code,
            "joined_at": iso(m.joined_at),
            "left_at": iso(m.left_at),
            "guardian_id": m.guardian_id,
            "guardian_confirmed_at": iso(m.guardian_confirmed_at),
        }
        for m in rows
    ]


def _registrations(session: Session, citizen_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Registration, CouncilEvent)
        .join(CouncilEvent, col(CouncilEvent.id) == col(Registration.event_id))
        .where(Registration.citizen_id == citizen_id)
        .order_by(col(CouncilEvent.starts_at), col(Registration.id))
    ).all()
    return [
        {
            "event_id": event.id,
            "event_title": event.title,
            "assembly": event.assembly_code,
            "event_starts_at": iso(event.starts_at),
            "status": r.status,
            "code": r.code,
            "registered_at": iso(r.created_at),
            "updated_at": iso(r.updated_at),
            "checked_in_at": iso(r.checked_in_at),
        }
        for r, event in rows
    ]


def _children(session: Session, guardian_id: int) -> list[Citizen]:
    """Children a guardian registered (any membership naming them, current or ended)."""
    ids = select(Membership.citizen_id).where(Membership.guardian_id == guardian_id)
    return list(
        session.exec(
            select(Citizen)
            .where(col(Citizen.id).in_(ids), col(Citizen.id) != guardian_id)
            .order_by(col(Citizen.id))
        ).all()
    )


def export(session: Session, citizen: Citizen) -> dict[str, Any]:
    assert citizen.id is not None
    children = []
    for child in _children(session, citizen.id):
        assert child.id is not None
        children.append(
            {
                "profile": profile(child),
                "memberships": _memberships(session, child.id),
                "registrations": _registrations(session, child.id),
            }
        )
    return {
        "memberships": _memberships(session, citizen.id),
        "registrations": _registrations(session, citizen.id),
        "children": children,
    }


def erase(session: Session, citizen: Citizen, now: datetime) -> Erased:
    """The children they registered lose their names and birth dates."""
    assert citizen.id is not None
    children = _children(session, citizen.id)
    for child in children:
        assert child.id is not None
        session.execute(
            delete(ConversationState).where(col(ConversationState.citizen_id) == child.id)
        )
        anonymise(session, child, now)
    return Erased(children=len(children))


PERSONAL_DATA = PersonalData(tables=(Membership, Registration), export=export, erase=erase)
