"""Who to tell: the chats that reach citizens (a child's messages go to their guardian),
an assembly's members and an event's registrants.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from core.council.membership import (
    active_membership_clause,
)
from db.models import Citizen, Membership, Registration


def recipients(session: Session, citizen_ids: list[int]) -> dict[int, int]:
    """The Telegram id to message for each citizen: their own, or a child's guardian's.

    Citizens who blocked the bot or were erased are left out.
    """
    if not citizen_ids:
        return {}
    own = session.exec(
        select(Citizen.id, Citizen.telegram_id).where(
            col(Citizen.id).in_(citizen_ids),
            col(Citizen.telegram_id).is_not(None),
            col(Citizen.blocked_at).is_(None),
            col(Citizen.deleted_at).is_(None),
        )
    ).all()
    found: dict[int, int] = {cid: tg for cid, tg in own if cid is not None and tg is not None}
    missing = [cid for cid in citizen_ids if cid not in found]
    if missing:
        guardians = session.exec(
            select(Membership.citizen_id, Citizen.telegram_id)
            .join(Citizen, col(Citizen.id) == col(Membership.guardian_id))
            .where(
                col(Membership.citizen_id).in_(missing),
                col(Citizen.telegram_id).is_not(None),
                col(Citizen.blocked_at).is_(None),
                col(Citizen.deleted_at).is_(None),
            )
        ).all()
        found.update({cid: tg for cid, tg in guardians if tg is not None})
    return found


def assembly_audience(session: Session, assembly_code: str) -> list[int]:
    """Telegram ids to reach every member of an assembly, each once (guardians for children)."""
    ids = session.exec(
        select(Membership.citizen_id).where(
            Membership.assembly_code == assembly_code,
            active_membership_clause(),
        )
    ).all()
    return sorted(set(recipients(session, list(ids)).values()))


def event_audience(session: Session, event_id: int) -> list[int]:
    """Telegram ids to reach everyone registered or waiting for an event, each once."""
    ids = session.exec(
        select(Registration.citizen_id).where(
            Registration.event_id == event_id,
            col(Registration.status).in_(("registered", "waitlisted", "attended")),
        )
    ).all()
    return sorted(set(recipients(session, list(ids)).values()))
