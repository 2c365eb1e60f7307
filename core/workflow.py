"""What happens to a request after it is filed: staff actions, citizen follow-ups, history.

Every change is written as a RequestEvent with its time and actor. The first
message from staff that reaches the citizen (an answer, a question, a
resolution or a rejection with its reason) sets `first_response_at`, the
figure behind the municipality's "average response time" indicator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from core.codes import OPEN_STATUSES
from core.refusals import Refused
from core.staff import authorize
from db.inserts import insert_unless_exists
from db.models import (
    Attachment,
    Citizen,
    Department,
    MessageLink,
    Request,
    RequestEvent,
    StaffMember,
)
from db.types import utcnow

# Staff actions that answer the citizen, and so count as a first response.
RESPONDING = frozenset({"answered", "question", "resolved", "rejected"})

# Purposes of the message links a request's card writes in its staff group.
CARD = "card"
# The card is the caption of the request's only photo: its edits change the caption.
PHOTO_CARD = "card_photo"
# A citizen's photo posted as a reply under a text card. Nothing is done with a reply to
# it; the link exists so that erasing the citizen's data can take the photo away too.
PHOTO = "photo"
# A citizen's note, answer or photo relayed under the card; a staff reply to it answers them.
CITIZEN = "citizen"
# In the citizen's private chat: the summary they pressed Send on, now its receipt. A Send
# pressed on it again (redelivered after a crash) shows the receipt of this request.
RECEIPT = "receipt"


class NotFound(LookupError):
    """No such request for this person: the same answer whether it exists or not."""


@dataclass(frozen=True)
class Change:
    request: Request
    event: RequestEvent
    actor: StaffMember | None = None
    previous_department: str | None = None


def _record(
    session: Session,
    request: Request,
    kind: str,
    actor: str,
    actor_id: int | None,
    now: datetime,
    text: str | None = None,
    **data: Any,
) -> RequestEvent:
    assert request.id is not None
    event = RequestEvent(
        request_id=request.id,
        at=now,
        kind=kind,
        actor=actor,
        actor_telegram_id=actor_id,
        text=text,
        data=data,
    )
    request.updated_at = now
    if kind in RESPONDING and request.first_response_at is None:
        request.first_response_at = now
    session.add(event)
    session.add(request)
    session.flush()  # the caller needs the event's id to notify about it
    return event


def load_for_update(session: Session, request_id: int) -> Request:
    """The request row, locked on PostgreSQL so two staff presses apply one after the other."""
    request = session.exec(
        select(Request).where(Request.id == request_id).with_for_update()
    ).first()
    if request is None:
        raise NotFound(request_id)
    return request


def _open(request: Request) -> None:
    if request.status not in OPEN_STATUSES:
        raise Refused("closed")


def staff_action(
    session: Session,
    request_id: int,
    actor: StaffMember | None,
    action: str,
    text: str | None = None,
    department_code: str | None = None,
    now: datetime | None = None,
) -> Change:
    """Apply one staff action after checking, on the server, that this person may."""
    now = now or utcnow()
    request = load_for_update(session, request_id)
    member = authorize(actor, request)
    _open(request)
    if action in ("answer", "ask") and not text:
        raise Refused("text_required")
    if action == "reject" and not text:
        raise Refused("reason_required")
    if text is not None and len(text) > 4000:
        raise Refused("too_long")
    previous = request.department_code
    if action == "assign":
        if request.assignee_id == member.id and request.status == "assigned":
            raise Refused("already_assigned")
        request.assignee_id = member.id
        request.status = "assigned"
        kind = "assigned"
    elif action == "answer":
        request.status = "answered"
        kind = "answered"
    elif action == "ask":
        kind = "question"
    elif action == "resolve":
        request.status = "resolved"
        request.resolved_at = now
        kind = "resolved"
    elif action == "reject":
        request.status = "rejected"
        kind = "rejected"
    elif action == "redirect":
        target = session.get(Department, department_code) if department_code else None
        if target is None or not target.active:
            raise Refused("unknown_department")
        if target.code == request.department_code:
            raise Refused("same_department")
        request.department_code = target.code
        request.status = "new"
        request.assignee_id = None
        kind = "redirected"
    else:
        raise Refused("unknown_action")
    event = _record(
        session,
        request,
        kind,
        "staff",
        member.telegram_id,
        now,
        text,
        **({"from": previous, "to": request.department_code} if kind == "redirected" else {}),
    )
    return Change(
        request=request,
        event=event,
        actor=member,
        previous_department=previous if kind == "redirected" else None,
    )


def citizen_request(session: Session, citizen: Citizen, request_id: int) -> Request:
    """The citizen's own request, or NotFound: nobody sees another citizen's request."""
    request = session.get(Request, request_id)
    if request is None or citizen.id is None or request.citizen_id != citizen.id:
        raise NotFound(request_id)
    return request


def citizen_request_by_number(session: Session, citizen: Citizen, number: str) -> Request:
    request = session.exec(select(Request).where(Request.number == number.strip())).first()
    if request is None or request.citizen_id != citizen.id:
        raise NotFound(number)
    return request


def citizen_action(
    session: Session,
    citizen: Citizen,
    request_id: int,
    action: str,
    text: str | None = None,
    photo: tuple[str, str] | None = None,
    now: datetime | None = None,
) -> Change:
    """A note, a photo, an answer to staff's question, or withdrawal, on the citizen's own
    open request."""
    now = now or utcnow()
    request = citizen_request(session, citizen, request_id)
    _open(request)
    if action == "withdraw":
        request.status = "cancelled"
        kind = "cancelled"
    elif action == "note":
        if not text:
            raise Refused("text_required")
        kind = "note"
    elif action == "reply":
        if not text:
            raise Refused("text_required")
        kind = "citizen_reply"
    elif action == "photo":
        if photo is None:
            raise Refused("photo_required")
        assert request.id is not None
        session.add(
            Attachment(
                request_id=request.id,
                telegram_file_id=photo[0],
                file_unique_id=photo[1],
                created_at=now,
            )
        )
        kind = "photo"
    else:
        raise Refused("unknown_action")
    event = _record(session, request, kind, "citizen", citizen.telegram_id, now, text)
    return Change(request=request, event=event)


def list_for_citizen(
    session: Session, citizen: Citizen, page: int = 0, per_page: int = 5
) -> tuple[list[Request], int]:
    """The citizen's requests, newest first, one page at a time, and how many there are."""
    where = Request.citizen_id == citizen.id
    total = session.exec(select(func.count()).select_from(Request).where(where)).one()
    rows = session.exec(
        select(Request)
        .where(where)
        .order_by(col(Request.created_at).desc(), col(Request.id).desc())
        .offset(page * per_page)
        .limit(per_page)
    ).all()
    return list(rows), int(total)


def history(session: Session, request: Request) -> list[RequestEvent]:
    return list(
        session.exec(
            select(RequestEvent)
            .where(RequestEvent.request_id == request.id)
            .order_by(col(RequestEvent.at), col(RequestEvent.id))
        ).all()
    )


def attachments(session: Session, request: Request) -> list[Attachment]:
    return list(
        session.exec(
            select(Attachment)
            .where(Attachment.request_id == request.id, col(Attachment.deleted_at).is_(None))
            .order_by(col(Attachment.id))
        ).all()
    )


def link_message(
    session: Session, chat_id: int, message_id: int, request_id: int, purpose: str
) -> None:
    """Link a message to its request; a message linked already keeps its link."""
    link = MessageLink(
        chat_id=chat_id, message_id=message_id, request_id=request_id, purpose=purpose
    )
    session.execute(
        insert_unless_exists(
            session, MessageLink, ("chat_id", "message_id"), [link.model_dump(exclude={"id"})]
        )
    )


def linked(session: Session, chat_id: int, message_id: int) -> MessageLink | None:
    return session.exec(
        select(MessageLink).where(
            MessageLink.chat_id == chat_id, MessageLink.message_id == message_id
        )
    ).first()


def unlink(session: Session, chat_id: int, message_id: int) -> None:
    """Forget a message's link (the message was deleted)."""
    session.execute(
        delete(MessageLink).where(
            col(MessageLink.chat_id) == chat_id, col(MessageLink.message_id) == message_id
        )
    )


def set_card(
    session: Session, request_id: int, chat_id: int, message_id: int, purpose: str = CARD
) -> None:
    """Remember the request's card; `purpose` tells later edits what kind of message it is."""
    session.execute(
        update(Request)
        .where(col(Request.id) == request_id)
        .values(card_chat_id=chat_id, card_message_id=message_id)
    )
    link_message(session, chat_id, message_id, request_id, purpose)


def forget_card(session: Session, request_id: int, chat_id: int, message_id: int) -> None:
    """The request's card message was deleted: no later edit may aim at it. Until a new card
    is stored, an open request counts as one without a card, which the SLA sweep posts."""
    request = session.get(Request, request_id)
    if request is not None and (request.card_chat_id, request.card_message_id) == (
        chat_id,
        message_id,
    ):
        request.card_chat_id = request.card_message_id = None
        session.add(request)
    unlink(session, chat_id, message_id)


def is_overdue(request: Request, now: datetime | None = None) -> bool:
    """Past its due time with no answer yet (the first response is what the SLA measures)."""
    if request.first_response_at is not None or request.status not in OPEN_STATUSES:
        return False
    if request.overdue_marked_at is not None:
        return True  # the SLA sweep found it overdue (its clock may differ from ours)
    now = now or utcnow()
    return request.due_at is not None and now > request.due_at
