"""The personal data of requests: what `/verilerim` shows of a citizen's requests, and how
their texts, places, phone numbers and photos are erased, on the citizen's wish or once a
request has been closed longer than the retention period (core.privacy runs both).

Counted fields stay: channel, type, category, status, times and satisfaction scores.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, type_coerce, update
from sqlmodel import Session, col, select

from core.privacy import (
    ERASED,
    RELAYED,
    RETIRED_CARD,
    Erased,
    GroupCopy,
    GroupPhoto,
    PersonalData,
    deletable,
    iso,
)
from core.workflow import CARD, CITIZEN, PHOTO, PHOTO_CARD
from db.models import (
    Attachment,
    Citizen,
    MessageLink,
    Request,
    RequestEvent,
    SatisfactionAnswer,
)
from db.types import UTCDateTime

CLOSED_STATUSES = ("resolved", "rejected", "cancelled")
CLOSING_EVENTS = CLOSED_STATUSES
# Rows per UPDATE ... WHERE id IN (...): keeps statements small when the first sweep
# after installation finds years of closed requests.
_CHUNK = 500


# --- Export -------------------------------------------------------------------------------


def _event(event: RequestEvent) -> dict[str, Any]:
    # Staff members' Telegram ids are their personal data, not the citizen's: only the
    # kind of actor is given.
    return {
        "at": iso(event.at),
        "kind": event.kind,
        "actor": event.actor,
        "text": event.text,
        "data": event.data,
    }


def _attachment(attachment: Attachment) -> dict[str, Any]:
    return {
        "kind": attachment.kind,
        "telegram_file_id": attachment.telegram_file_id,
        "file_unique_id": attachment.file_unique_id,
        "created_at": iso(attachment.created_at),
        "deleted_at": iso(attachment.deleted_at),
    }


def _request(session: Session, request: Request) -> dict[str, Any]:
    events = session.exec(
        select(RequestEvent)
        .where(RequestEvent.request_id == request.id)
        .order_by(col(RequestEvent.at), col(RequestEvent.id))
    ).all()
    files = session.exec(
        select(Attachment).where(Attachment.request_id == request.id).order_by(col(Attachment.id))
    ).all()
    answer = session.exec(
        select(SatisfactionAnswer).where(SatisfactionAnswer.request_id == request.id)
    ).first()
    return {
        "number": request.number,
        "channel": request.channel,
        "type": request.type,
        "category": request.category_code,
        "department": request.department_code,
        "status": request.status,
        "text": request.text,
        "address": request.address,
        "latitude": request.latitude,
        "longitude": request.longitude,
        "contact_phone": request.contact_phone,
        "created_at": iso(request.created_at),
        "first_response_at": iso(request.first_response_at),
        "resolved_at": iso(request.resolved_at),
        "due_at": iso(request.due_at),
        "events": [_event(e) for e in events],
        "attachments": [_attachment(a) for a in files],
        "satisfaction": None
        if answer is None
        else {
            "score": answer.score,
            "comment": answer.comment,
            "answered_at": iso(answer.answered_at),
        },
    }


def export(session: Session, citizen: Citizen) -> dict[str, Any]:
    requests = session.exec(
        select(Request)
        .where(Request.citizen_id == citizen.id)
        .order_by(col(Request.created_at), col(Request.id))
    ).all()
    return {"requests": [_request(session, r) for r in requests]}


# --- Erasure ------------------------------------------------------------------------------


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _blank_requests(session: Session, ids: Sequence[int], now: datetime) -> None:
    """Free text, place, phone and photos of these requests; their counted fields (channel,
    type, category, status and times) stay, and so do the scores of their surveys."""
    for chunk in _chunks(ids):
        session.execute(
            update(Request)
            .where(col(Request.id).in_(chunk))
            .values(
                text=ERASED,
                address=None,
                contact_phone=None,
                latitude=None,
                longitude=None,
                # Nothing is left to publish (core.public_requests).
                publish_consent=False,
            )
        )
        # Staff answers are blanked too: they are addressed to the citizen and often
        # quote them. Kind, time and actor stay for the audit trail and response times.
        session.execute(
            update(RequestEvent)
            .where(col(RequestEvent.request_id).in_(chunk), col(RequestEvent.text).is_not(None))
            .values(text=ERASED)
        )
        session.execute(
            update(Attachment)
            .where(col(Attachment.request_id).in_(chunk), col(Attachment.deleted_at).is_(None))
            .values(deleted_at=now)
        )
        session.execute(
            update(Attachment)
            .where(col(Attachment.request_id).in_(chunk))
            .values(telegram_file_id=None, file_unique_id=None)
        )
        session.execute(
            update(SatisfactionAnswer)
            .where(
                col(SatisfactionAnswer.request_id).in_(chunk),
                col(SatisfactionAnswer.comment).is_not(None),
            )
            .values(comment=None)
        )


def _group_messages(
    session: Session, ids: Sequence[int], now: datetime
) -> tuple[list[GroupPhoto], list[GroupCopy]]:
    """What these requests left in staff groups besides their current text cards: their
    photos (replies under text cards, and cards on a photo, current or retired by a
    redirection), the citizen's messages relayed under their cards, and their text cards
    retired by a redirection.

    The links of photo replies and relayed messages go now: nothing else uses them, and
    the caller deletes or blanks their messages. A card's link stays: staff may still act
    on the current one, and a retired one is only edited."""
    photos: list[GroupPhoto] = []
    copies: list[GroupCopy] = []
    for chunk in _chunks(ids):
        rows = session.exec(
            select(MessageLink, Request)
            .join(Request, col(Request.id) == col(MessageLink.request_id))
            .where(
                col(MessageLink.request_id).in_(chunk),
                col(MessageLink.purpose).in_((PHOTO, PHOTO_CARD, CARD, CITIZEN)),
            )
            .order_by(col(MessageLink.id))
        ).all()
        for link, request in rows:
            current = (request.card_chat_id, request.card_message_id) == (
                link.chat_id,
                link.message_id,
            )
            if link.purpose in (PHOTO, PHOTO_CARD):
                photos.append(
                    GroupPhoto(
                        request_id=link.request_id,
                        chat_id=link.chat_id,
                        message_id=link.message_id,
                        purpose=link.purpose,
                        current_card=link.purpose == PHOTO_CARD and current,
                        deletable=deletable(link.created_at, now),
                    )
                )
            elif link.purpose == CITIZEN or not current:
                copies.append(
                    GroupCopy(
                        chat_id=link.chat_id,
                        message_id=link.message_id,
                        purpose=RELAYED if link.purpose == CITIZEN else RETIRED_CARD,
                        deletable=deletable(link.created_at, now),
                        request_id=link.request_id,
                    )
                )
        session.execute(
            delete(MessageLink).where(
                col(MessageLink.request_id).in_(chunk),
                col(MessageLink.purpose).in_((PHOTO, CITIZEN)),
            )
        )
    return photos, copies


def erase(session: Session, citizen: Citizen, now: datetime) -> Erased:
    """Blank the citizen's requests and take their photos' links; their open requests stay
    open, without text or contact details, so staff can still close them."""
    telegram_id = citizen.telegram_id
    requests = session.exec(
        select(Request.id, Request.text)
        .where(Request.citizen_id == citizen.id)
        .order_by(col(Request.id))
    ).all()
    request_ids = [rid for rid, _ in requests if rid is not None]
    # Requests the retention sweep erased earlier had their copies taken out then.
    photos, copies = _group_messages(
        session, [rid for rid, text in requests if rid is not None and text != ERASED], now
    )
    _blank_requests(session, request_ids, now)
    if request_ids and telegram_id is not None:
        # Their own notes and answers may have been filed on their requests under their
        # Telegram id; the id goes with the person.
        session.execute(
            update(RequestEvent)
            .where(
                col(RequestEvent.request_id).in_(request_ids), col(RequestEvent.actor) == "citizen"
            )
            .values(actor_telegram_id=None)
        )
    if telegram_id is not None:
        # Links from their private chat's messages to requests; links in staff groups
        # stay, so staff can still answer or close an open request from its card.
        session.execute(delete(MessageLink).where(col(MessageLink.chat_id) == telegram_id))
    return Erased(request_ids=request_ids, photos=photos, copies=copies)


# --- Retention ----------------------------------------------------------------------------


def _closed_at() -> Any:
    """When the request was closed: its resolution time, else its last closing event (a
    rejection or withdrawal), else its last change (imported rows have no events)."""
    closing = (
        select(func.max(RequestEvent.at))
        .where(
            col(RequestEvent.request_id) == col(Request.id),
            col(RequestEvent.kind).in_(CLOSING_EVENTS),
        )
        .scalar_subquery()
    )
    # type_coerce keeps UTCDateTime's conversion of the bound cutoff (aware -> naive UTC).
    return type_coerce(
        func.coalesce(col(Request.resolved_at), closing, col(Request.updated_at)), UTCDateTime
    )


def expired(session: Session, now: datetime, retention_days: int) -> list[int]:
    """Ids of requests closed more than `retention_days` ago whose data is still there."""
    cutoff = now - timedelta(days=retention_days)
    return [
        rid
        for rid in session.exec(
            select(Request.id)
            .where(
                col(Request.status).in_(CLOSED_STATUSES),
                col(Request.text) != ERASED,
                _closed_at() < cutoff,
            )
            .order_by(col(Request.id))
        ).all()
        if rid is not None
    ]


def expire(session: Session, now: datetime, retention_days: int) -> Erased:
    """Erase the personal data of requests closed longer ago than the retention period,
    whoever filed them. The citizen's profile is left alone (they may be filing new
    requests); only what the old requests hold goes."""
    ids = expired(session, now, retention_days)
    photos, copies = _group_messages(session, ids, now)
    _blank_requests(session, ids, now)
    return Erased(request_ids=ids, photos=photos, copies=copies)


PERSONAL_DATA = PersonalData(
    tables=(Request, RequestEvent, Attachment, SatisfactionAnswer, MessageLink),
    export=export,
    erase=erase,
    expire=expire,
)
