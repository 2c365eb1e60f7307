"""A citizen's conversation state: the one step they are at, with what it has collected.

It is a database row (ConversationState), written as the citizen goes, so a restart
loses nothing; each feature owns its steps (handlers.feature.Steps) and the step router
reads the row to know which feature a typed message is for. What a flow collects is a
typed model (a `State`), stored as JSON in the row."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ConfigDict
from sqlmodel import Session

from db.models import Citizen, ConversationState
from db.types import utcnow


class State(BaseModel):
    """What a flow's steps have collected. A key an earlier version stored and this one
    no longer knows is ignored on reading."""

    model_config = ConfigDict(extra="ignore")


S = TypeVar("S", bound=State)


def set_step(session: Session, citizen: Citizen, step: str, state: State | None = None) -> None:
    """The citizen is now at `step`, with `state`; whatever step they were at is over."""
    assert citizen.id is not None
    draft = session.get(ConversationState, citizen.id) or ConversationState(
        citizen_id=citizen.id, step=step
    )
    draft.step, draft.message_id, draft.updated_at = step, None, utcnow()
    draft.data = state.model_dump(mode="json", exclude_none=True) if state is not None else {}
    session.add(draft)


def state_of(draft: ConversationState, kind: type[S]) -> S:
    """The draft's state, read as the flow's model."""
    return kind.model_validate(draft.data)


def clear(session: Session, citizen: Citizen) -> None:
    """The citizen is at no step any more."""
    draft = session.get(ConversationState, citizen.id)
    if draft is not None:
        session.delete(draft)
