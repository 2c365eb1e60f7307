"""Personal data under KVKK (Law 6698): what we hold about a citizen, erasing it, retention.

- `export` gathers everything stored about a citizen (art. 11: the right to know);
- `erase` removes their personal data on request (art. 7) but keeps every row that an
  indicator counts, so a citizen leaving never changes last year's figures;
- `retention_sweep` does the same for requests closed longer ago than the configured
  retention period, whoever filed them.

Erasing overwrites in place rather than deleting rows: request counts per channel and
type, response times, satisfaction scores, members and participants are all computed
from these rows. The schema has no "erased" flag (adding one needs a migration), so a
request whose text is `ERASED` counts as done; that is what makes the sweep idempotent.

Copies of the citizen's photos also sit in the staff groups, where Telegram holds them, not
us: both kinds of erasure return them (`Erased.photos`) for the caller to take out once the
erasure is committed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, type_coerce, update
from sqlmodel import Session, col, select

from core.workflow import PHOTO, PHOTO_CARD
from db.models import (
    Attachment,
    Citizen,
    CouncilEvent,
    Membership,
    MessageLink,
    OutboxMessage,
    Registration,
    Request,
    RequestDraft,
    RequestEvent,
    SatisfactionAnswer,
)
from db.types import UTCDateTime, utcnow

# What an erased free text reads; the same in every language, and the sweep's marker.
ERASED = "[silindi]"
CLOSED_STATUSES = ("resolved", "rejected", "cancelled")
CLOSING_EVENTS = CLOSED_STATUSES
EXPORT_FORMAT = "kentbot-kvkk-export/1"
# Rows per UPDATE ... WHERE id IN (...): keeps statements small when the first sweep
# after installation finds years of closed requests.
_CHUNK = 500
# Telegram lets a bot delete a group message only within 48 hours of sending it. A link is
# written just after its message went out; the hour's margin covers that and clock drift.
DELETE_WINDOW = timedelta(hours=47)


@dataclass(frozen=True)
class GroupPhoto:
    """A citizen's photo in a staff group, to be taken out after their data was erased."""

    request_id: int
    chat_id: int
    message_id: int
    # PHOTO (a reply under a text card) or PHOTO_CARD (a card on the photo's caption).
    purpose: str
    # The request's card is this photo's caption: it must be shown again without the photo.
    current_card: bool
    # Recent enough for Telegram to delete; an older one can only be replaced.
    deletable: bool


@dataclass(frozen=True)
class Erased:
    """What an erasure touched: the requests (their staff cards need re-rendering) and the
    photos they left in staff groups."""

    request_ids: list[int]
    children: int
    photos: list[GroupPhoto] = field(default_factory=list)


def citizen_of(session: Session, telegram_id: int) -> Citizen | None:
    """The citizen using this Telegram account, without creating one (unlike get_or_create:
    asking what we hold must not make us hold something)."""
    return session.exec(select(Citizen).where(Citizen.telegram_id == telegram_id)).first()


# --- Export -------------------------------------------------------------------------------


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _profile(citizen: Citizen) -> dict[str, Any]:
    return {
        "id": citizen.id,
        "telegram_id": citizen.telegram_id,
        "first_name": citizen.first_name,
        "last_name": citizen.last_name,
        "username": citizen.username,
        "phone": citizen.phone,
        "language": citizen.language,
        "telegram_language": citizen.telegram_language,
        "birth_date": _iso(citizen.birth_date),
        "consent_at": _iso(citizen.consent_at),
        "blocked_at": _iso(citizen.blocked_at),
        "deleted_at": _iso(citizen.deleted_at),
        "created_at": _iso(citizen.created_at),
    }


def _event(event: RequestEvent) -> dict[str, Any]:
    # Staff members' Telegram ids are their personal data, not the citizen's: only the
    # kind of actor is given.
    return {"at": _iso(event.at), "kind": event.kind, "actor": event.actor,
            "text": event.text, "data": event.data}


def _attachment(attachment: Attachment) -> dict[str, Any]:
    return {"kind": attachment.kind, "telegram_file_id": attachment.telegram_file_id,
            "file_unique_id": attachment.file_unique_id,
            "created_at": _iso(attachment.created_at), "deleted_at": _iso(attachment.deleted_at)}


def _request(session: Session, request: Request) -> dict[str, Any]:
    events = session.exec(select(RequestEvent).where(RequestEvent.request_id == request.id)
                          .order_by(col(RequestEvent.at), col(RequestEvent.id))).all()
    files = session.exec(select(Attachment).where(Attachment.request_id == request.id)
                         .order_by(col(Attachment.id))).all()
    answer = session.exec(select(SatisfactionAnswer)
                          .where(SatisfactionAnswer.request_id == request.id)).first()
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
        "created_at": _iso(request.created_at),
        "first_response_at": _iso(request.first_response_at),
        "resolved_at": _iso(request.resolved_at),
        "due_at": _iso(request.due_at),
        "events": [_event(e) for e in events],
        "attachments": [_attachment(a) for a in files],
        "satisfaction": None if answer is None else {
            "score": answer.score, "comment": answer.comment,
            "answered_at": _iso(answer.answered_at)},
    }


def _memberships(session: Session, citizen_id: int) -> list[dict[str, Any]]:
    rows = session.exec(select(Membership).where(Membership.citizen_id == citizen_id)
                        .order_by(col(Membership.joined_at), col(Membership.id))).all()
    return [{"assembly": m.assembly_code, "joined_at": _iso(m.joined_at),
             "left_at": _iso(m.left_at), "guardian_id": m.guardian_id,
             "guardian_confirmed_at": _iso(m.guardian_confirmed_at)} for m in rows]


def _registrations(session: Session, citizen_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Registration, CouncilEvent)
        .join(CouncilEvent, col(CouncilEvent.id) == col(Registration.event_id))
        .where(Registration.citizen_id == citizen_id)
        .order_by(col(CouncilEvent.starts_at), col(Registration.id))
    ).all()
    return [{"event_id": event.id, "event_title": event.title, "assembly": event.assembly_code,
             "event_starts_at": _iso(event.starts_at), "status": r.status, "code": r.code,
             "registered_at": _iso(r.created_at), "updated_at": _iso(r.updated_at),
             "checked_in_at": _iso(r.checked_in_at)} for r, event in rows]


def _children(session: Session, guardian_id: int) -> list[Citizen]:
    """Children a guardian registered (any membership naming them, current or ended)."""
    ids = select(Membership.citizen_id).where(Membership.guardian_id == guardian_id)
    return list(session.exec(select(Citizen).where(col(Citizen.id).in_(ids),
                                                   col(Citizen.id) != guardian_id)
                             .order_by(col(Citizen.id))).all())


def export(session: Session, citizen: Citizen, now: datetime | None = None) -> dict[str, Any]:
    """Everything stored about the citizen, JSON-serialisable (times in ISO 8601, UTC)."""
    assert citizen.id is not None
    requests = session.exec(select(Request).where(Request.citizen_id == citizen.id)
                            .order_by(col(Request.created_at), col(Request.id))).all()
    draft = session.get(RequestDraft, citizen.id)
    children = []
    for child in _children(session, citizen.id):
        assert child.id is not None
        children.append({"profile": _profile(child),
                         "memberships": _memberships(session, child.id),
                         "registrations": _registrations(session, child.id)})
    return {
        "format": EXPORT_FORMAT,
        "generated_at": _iso(now or utcnow()),
        "profile": _profile(citizen),
        "requests": [_request(session, r) for r in requests],
        "memberships": _memberships(session, citizen.id),
        "registrations": _registrations(session, citizen.id),
        "children": children,
        "draft": None if draft is None else {
            "step": draft.step, "data": draft.data, "updated_at": _iso(draft.updated_at)},
    }


# --- Erasure ------------------------------------------------------------------------------


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def _blank_requests(session: Session, ids: Sequence[int], now: datetime) -> None:
    """Free text, place, phone and photos of these requests; their counted fields (channel,
    type, category, status and times) stay, and so do the scores of their surveys."""
    for chunk in _chunks(ids):
        session.execute(
            update(Request).where(col(Request.id).in_(chunk))
            .values(text=ERASED, address=None, contact_phone=None, latitude=None,
                    longitude=None))
        # Staff answers are blanked too: they are addressed to the citizen and often
        # quote them. Kind, time and actor stay for the audit trail and response times.
        session.execute(
            update(RequestEvent).where(col(RequestEvent.request_id).in_(chunk),
                                       col(RequestEvent.text).is_not(None))
            .values(text=ERASED))
        session.execute(
            update(Attachment).where(col(Attachment.request_id).in_(chunk),
                                     col(Attachment.deleted_at).is_(None))
            .values(deleted_at=now))
        session.execute(
            update(Attachment).where(col(Attachment.request_id).in_(chunk))
            .values(telegram_file_id=None, file_unique_id=None)
            )
        session.execute(
            update(SatisfactionAnswer).where(col(SatisfactionAnswer.request_id).in_(chunk),
                                             col(SatisfactionAnswer.comment).is_not(None))
            .values(comment=None))


def _group_photos(session: Session, ids: Sequence[int], now: datetime) -> list[GroupPhoto]:
    """The photos these requests left in staff groups: replies under text cards, and cards on
    a photo (the current one, or one retired by a redirection).

    The replies' links go now: nothing else uses them, and the caller deletes or replaces
    their messages. A photo card's link stays until the card itself is deleted, since staff
    may still act on it."""
    found: list[GroupPhoto] = []
    for chunk in _chunks(ids):
        rows = session.exec(
            select(MessageLink, Request)
            .join(Request, col(Request.id) == col(MessageLink.request_id))
            .where(col(MessageLink.request_id).in_(chunk),
                   col(MessageLink.purpose).in_((PHOTO, PHOTO_CARD)))
            .order_by(col(MessageLink.id))
        ).all()
        found += [GroupPhoto(
            request_id=link.request_id, chat_id=link.chat_id, message_id=link.message_id,
            purpose=link.purpose,
            current_card=link.purpose == PHOTO_CARD and (
                request.card_chat_id, request.card_message_id) == (link.chat_id,
                                                                   link.message_id),
            deletable=link.created_at > now - DELETE_WINDOW,
        ) for link, request in rows]
        session.execute(delete(MessageLink).where(col(MessageLink.request_id).in_(chunk),
                                                  col(MessageLink.purpose) == PHOTO))
    return found


def _anonymise(session: Session, citizen: Citizen, now: datetime) -> None:
    citizen.first_name = citizen.last_name = citizen.username = citizen.phone = None
    citizen.birth_date = None
    # The Telegram id is what ties the remaining rows to a person: without it the row is
    # an anonymous counter. If they write again they start afresh, as a new citizen.
    citizen.telegram_id = None
    citizen.telegram_language = None
    citizen.blocked_at = None
    citizen.deleted_at = citizen.deleted_at or now
    session.add(citizen)


def erase(session: Session, citizen: Citizen, now: datetime) -> Erased:
    """Erase the citizen's personal data (and that of the children they registered) while
    keeping the rows indicators count: requests, events, scores, memberships, registrations.

    Their open requests stay open, without text or contact details, so staff can still
    close them; the citizen can no longer be notified about them.
    """
    assert citizen.id is not None
    telegram_id = citizen.telegram_id
    requests = session.exec(select(Request.id, Request.text)
                            .where(Request.citizen_id == citizen.id)
                            .order_by(col(Request.id))).all()
    request_ids = [rid for rid, _ in requests if rid is not None]
    # Requests the retention sweep erased earlier had their photos taken out then.
    photos = _group_photos(session, [rid for rid, text in requests
                                     if rid is not None and text != ERASED], now)
    _blank_requests(session, request_ids, now)
    if request_ids and telegram_id is not None:
        # Their own notes and answers may have been filed on their requests under their
        # Telegram id; the id goes with the person.
        session.execute(
            update(RequestEvent).where(col(RequestEvent.request_id).in_(request_ids),
                                       col(RequestEvent.actor) == "citizen")
            .values(actor_telegram_id=None))
    session.execute(delete(RequestDraft).where(col(RequestDraft.citizen_id) == citizen.id))
    if telegram_id is not None:
        # Links from their private chat's messages to requests; links in staff groups
        # stay, so staff can still answer or close an open request from its card.
        session.execute(delete(MessageLink).where(col(MessageLink.chat_id) == telegram_id))
        # Announcements queued for their chat name it: they go (one not yet sent is not).
        session.execute(delete(OutboxMessage).where(col(OutboxMessage.chat_id) == telegram_id))
    children = _children(session, citizen.id)
    for child in children:
        assert child.id is not None
        session.execute(delete(RequestDraft).where(col(RequestDraft.citizen_id) == child.id))
        _anonymise(session, child, now)
    _anonymise(session, citizen, now)
    session.flush()
    return Erased(request_ids=request_ids, children=len(children), photos=photos)


# --- Retention ----------------------------------------------------------------------------


def _closed_at() -> Any:
    """When the request was closed: its resolution time, else its last closing event (a
    rejection or withdrawal), else its last change (imported rows have no events)."""
    closing = (select(func.max(RequestEvent.at))
               .where(col(RequestEvent.request_id) == col(Request.id),
                      col(RequestEvent.kind).in_(CLOSING_EVENTS))
               .scalar_subquery())
    # type_coerce keeps UTCDateTime's conversion of the bound cutoff (aware -> naive UTC).
    return type_coerce(func.coalesce(col(Request.resolved_at), closing, col(Request.updated_at)),
                       UTCDateTime)


def expired(session: Session, now: datetime, retention_days: int) -> list[int]:
    """Ids of requests closed more than `retention_days` ago whose data is still there."""
    cutoff = now - timedelta(days=retention_days)
    return [rid for rid in session.exec(
        select(Request.id).where(col(Request.status).in_(CLOSED_STATUSES),
                                 col(Request.text) != ERASED,
                                 _closed_at() < cutoff)
        .order_by(col(Request.id))
    ).all() if rid is not None]


def retention_sweep(session: Session, now: datetime, retention_days: int) -> Erased:
    """Erase the personal data of requests closed longer ago than the retention period,
    whether or not their citizen still uses the bot; returns the requests erased.

    The citizen's profile is left alone (they may be filing new requests); only what the
    old requests hold goes. Running it again finds nothing new to do.
    """
    if retention_days < 1:
        raise ValueError("retention_days must be positive")
    ids = expired(session, now, retention_days)
    photos = _group_photos(session, ids, now)
    _blank_requests(session, ids, now)
    return Erased(request_ids=ids, children=0, photos=photos)
