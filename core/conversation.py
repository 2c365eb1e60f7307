"""A citizen's conversation state: the one step they are at, with what it has collected.

It is a database row (ConversationState), written as the citizen goes, so a restart loses
nothing; each feature owns its steps (handlers.feature.Steps) and the step router reads
the row to know which feature a typed message is for."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from db.models import Citizen, ConversationState
from db.types import utcnow


def set_step(session: Session, citizen: Citizen, step: str, **data: Any) -> None:
    """The citizen is now at `step`, with `data`; whatever step they were at is over."""
    assert citizen.id is not None
    draft = session.get(ConversationState, citizen.id) or ConversationState(
        citizen_id=citizen.id, step=step
    )
    draft.step, draft.data, draft.message_id, draft.updated_at = step, data, None, utcnow()
    session.add(draft)


def clear(session: Session, citizen: Citizen) -> None:
    """The citizen is at no step any more."""
    draft = session.get(ConversationState, citizen.id)
    if draft is not None:
        session.delete(draft)
