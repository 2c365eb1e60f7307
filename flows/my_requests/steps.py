"""What a press or a message does to a citizen's own request, channel-neutral: after 📝
Add a note or ✍️ Answer, their next message goes to the request (a conversation step
holding which one); a withdrawal closes it. The channel finds the request, calls these in
its transaction, and shows the outcome its own way (flows.my_requests.screens). Each
raises core.refusals.Refused("closed") for a request that is no longer open, and
core.workflow.NotFound for one that is not the citizen's."""

from __future__ import annotations

from enum import StrEnum

from sqlmodel import Session

from core import conversation, intake, workflow
from core.codes import OPEN_STATUSES
from core.refusals import Refused
from db.models import Citizen, ConversationState, Request


class NoteStep(StrEnum):
    """What the citizen's next message is, after a button of one of their requests."""

    NOTE = "note"  # 📝 a note or a photo
    REPLY = "reply"  # ✍️ an answer to a staff question


NOTE_STEPS = frozenset(NoteStep)


class NoteState(conversation.State):
    """The request the citizen's next message goes to."""

    request_id: int


def must_be_open(request: Request) -> None:
    if request.status not in OPEN_STATUSES:
        raise Refused("closed")


def expect_message(session: Session, citizen: Citizen, request: Request, step: NoteStep) -> None:
    """The citizen's next message goes to `request`, as a note (or photo) or an answer."""
    must_be_open(request)
    conversation.set_step(session, citizen, step, NoteState(request_id=request.id or 0))


def withdraw(session: Session, citizen: Citizen, request_id: int) -> Request:
    """The citizen withdraws their request: it is closed as cancelled."""
    return workflow.citizen_action(session, citizen, request_id, "withdraw").request


def pending(session: Session, citizen: Citizen) -> tuple[int, NoteStep] | None:
    """The request the citizen's next message goes to, and as what; None when they are at
    no such step."""
    draft = session.get(ConversationState, citizen.id)
    if draft is None or draft.step not in NOTE_STEPS:
        return None
    return conversation.state_of(draft, NoteState).request_id, NoteStep(draft.step)


def take(
    session: Session,
    citizen: Citizen,
    request_id: int,
    step: NoteStep,
    text: str | None,
    photo: tuple[str, str] | None = None,
) -> workflow.Change:
    """Adds what the citizen sent to their request: a photo (with its caption), or a note
    or an answer; raises Refused("too_long") for a text over intake.MAX_TEXT. Once added,
    the step that expected it is over."""
    if photo is not None:
        change = workflow.citizen_action(session, citizen, request_id, "photo", text, photo=photo)
    elif text and len(text) > intake.MAX_TEXT:
        raise Refused("too_long")
    else:
        action = "note" if step is NoteStep.NOTE else "reply"
        change = workflow.citizen_action(session, citizen, request_id, action, text)
    if pending(session, citizen) is not None:
        conversation.clear(session, citizen)
    return change
