"""Who to tell: the chats that reach citizens (a child's messages go to their guardian),
an assembly's members and an event's registrants; and a coordinator's announcement to
them, queued in the outbox.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from core import outbox
from core.council.coordinators import authorize, authorize_event
from core.council.membership import (
    active_membership_clause,
)
from core.refusals import Refused
from db.models import Assembly, Citizen, CouncilEvent, Membership, Registration, StaffMember


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


def announce(
    session: Session,
    actor: StaffMember | None,
    text: str,
    now: datetime,
    *,
    assembly_code: str | None = None,
    event_id: int | None = None,
    language: str | None = None,
) -> int:
    """A coordinator's announcement to an assembly's members or an event's registrants,
    queued in the outbox in the caller's transaction; returns how many it goes to.

    Refused("not_allowed") unless the actor may manage events (whatever the channel that
    looked them up); Refused("not_found") for an assembly that does not exist."""
    # An event's registrants are told by those who manage it: the council's coordinators,
    # or for a training or a job fair the employment centre's staff.
    event = session.get(CouncilEvent, event_id) if assembly_code is None and event_id else None
    member = authorize_event(actor, event) if event is not None else authorize(actor)
    if assembly_code is not None:
        if session.get(Assembly, assembly_code) is None:
            raise Refused("not_found")
        audience = assembly_audience(session, assembly_code)
    else:
        audience = event_audience(session, event_id or 0)
    outbox.enqueue(
        session,
        dict.fromkeys(audience, text),
        kind="announcement",
        now=now,
        requester_chat_id=member.telegram_id,
        language=language,
    )
    return len(audience)
