"""Filing a request step by step: the draft, its steps, validation and submission.

The draft lives in the database and is saved after every step, so a restart
of the bot, or a citizen who comes back tomorrow, continues where they were.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import delete
from sqlmodel import Session, col, select

from core.codes import CHANNELS, REQUEST_TYPES
from core.filing import (
    MAX_ADDRESS,
    MAX_TEXT,
    Filing,
    check_location,
    checked,
    clean_text,
    file_request,
    phone_number,
)
from core.refusals import Refused
from core.text_match import CategoryKeywords, suggest
from core.working_time import WorkingCalendar
from db import reference
from db.models import Category, Citizen, ConversationState, Request, RequestEvent
from db.types import utcnow


# The order of the filing steps; Back walks it backwards. The type (talep, şikayet, ...) is
# chosen on the topic screen ("category"), and the location and the photos are given in
# one step ("location"), so that a complete request takes as few messages as possible.
class FlowStep(StrEnum):
    """The steps of filing a request (stored as their values, so drafts saved by earlier
    versions read the same)."""

    KVKK = "kvkk"  # the personal data notice, before the first request
    OFFER = "offer"  # typed text outside any flow, offered to become a request
    CHANNEL = "channel"  # /kayit only: how the request came
    CATEGORY = "category"  # the topic, with the type as a toggle
    TEXT = "text"
    LOCATION = "location"  # a location, an address and up to three photos
    PHONE = "phone"
    SUMMARY = "summary"


STEPS = (FlowStep.CATEGORY, FlowStep.TEXT, FlowStep.LOCATION, FlowStep.PHONE, FlowStep.SUMMARY)
# Staff registering a request that came by phone, in person, CİMER, ... (/kayit).
RECORD_STEPS = (
    FlowStep.CHANNEL,
    FlowStep.CATEGORY,
    FlowStep.TEXT,
    FlowStep.PHONE,
    FlowStep.SUMMARY,
)
# Steps of earlier versions that drafts saved before an upgrade may still be at.
RENAMED_STEPS = {"type": FlowStep.CATEGORY, "photos": FlowStep.LOCATION}
# Every step a filing draft can be at: the flow's own and those of earlier versions.
FLOW_STEPS = frozenset((*FlowStep, *RENAMED_STEPS))
# Preselected on the topic screen. Most of what citizens send the municipality by chat is a
# report that something is wrong (rubbish not collected, a broken lamp, a pothole), which is
# a complaint, so "şikayet" saves most citizens a tap; the choice stays visible as a toggle
# on the topic screen and in the summary, where it can be changed.
DEFAULT_TYPE = "sikayet"
MAX_PHOTOS = 3
# MAX_TEXT, MAX_ADDRESS and clean_text are core.filing's, shared with the forms that file a
# request at once (Open311, the staff desk): one limit for every door.


class Photo(BaseModel):
    file_id: str
    file_unique_id: str


class FilingState(BaseModel):
    """What a filing draft has collected: its ConversationState's data, typed. Stored as
    the same JSON as ever, so drafts saved before keep working; a key that is not here
    cannot be written (a typo fails at once), and one that an earlier version wrote is
    dropped the next time the draft is saved."""

    model_config = ConfigDict(extra="ignore")

    type: str | None = None
    category: str | None = None
    text: str | None = None
    # Topics suggested from the text typed before the flow began; all of them on request.
    suggested: list[str] = []
    all_topics: bool = False
    # The page of the topic list shown (flows.filing.screens.TOPICS_PER_PAGE to a page).
    topic_page: int = 0
    # Changing one part from the summary: finishing it returns to the summary.
    editing: bool = False
    # Staff entering a request from another channel (/kayit), and that channel.
    mode: Literal["record"] | None = None
    channel: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = None
    photos: list[Photo] = []
    phone: str | None = None
    # Free text typed outside any flow, offered to become the description.
    offer: str | None = None
    # The channel's bookkeeping: the last message that moved the flow on (a redelivered
    # one is recognised), and whether the flow's message carries a reply keyboard.
    input: int | None = None
    keyboard: bool = False


def state_of(draft: ConversationState) -> FilingState:
    return FilingState.model_validate(draft.data)


def record(draft: ConversationState, **changes: Any) -> None:
    """Writes `changes` into the draft's state, checked against FilingState (a new dict, so
    that SQLAlchemy sees the JSON column change)."""
    unknown = changes.keys() - FilingState.model_fields.keys()
    if unknown:
        raise TypeError(f"not part of a filing draft: {sorted(unknown)}")
    state = FilingState.model_validate({**draft.data, **changes})
    draft.data = state.model_dump(mode="json", exclude_unset=True)


@dataclass(frozen=True)
class Submitted:
    request: Request
    department_code: str
    # What the request's card shows besides the request, as stored with it.
    event: RequestEvent
    photo_ids: list[str]


def draft_of(session: Session, citizen: Citizen) -> ConversationState | None:
    assert citizen.id is not None
    return load(session, citizen.id)


def load(session: Session, citizen_id: int) -> ConversationState | None:
    """The citizen's draft, its step brought up to date (see `upgrade`)."""
    draft = session.get(ConversationState, citizen_id)
    return upgrade(draft) if draft is not None else None


def upgrade(draft: ConversationState) -> ConversationState:
    """A draft saved at a step that no longer exists continues at the step that took it over.

    The change is saved with whatever the caller's transaction does next."""
    step = RENAMED_STEPS.get(draft.step)
    if step is not None:
        draft.step = step
        if not state_of(draft).type:
            record(draft, type=DEFAULT_TYPE)
    return draft


def _save(
    session: Session, draft: ConversationState, step: str, **changes: Any
) -> ConversationState:
    record(draft, **changes)
    draft.step = step
    draft.updated_at = utcnow()
    session.add(draft)
    return draft


def start(
    session: Session,
    citizen: Citizen,
    prefilled_text: str | None = None,
    keywords: list[CategoryKeywords] | None = None,
) -> ConversationState:
    """Begin (or restart) filing; free text the citizen wrote first becomes the description."""
    assert citizen.id is not None
    draft = draft_of(session, citizen) or ConversationState(citizen_id=citizen.id, step="category")
    draft.data, draft.message_id = {}, None
    data: dict[str, Any] = {"type": DEFAULT_TYPE}
    if prefilled_text:
        try:
            data["text"] = clean_text(prefilled_text)
        except Refused:
            pass
        else:
            data["suggested"] = suggest(prefilled_text, keywords or category_keywords(session))
    step = "category" if citizen.consent_at else "kvkk"
    return _save(session, draft, step, **data)


def offer(
    session: Session, citizen: Citizen, text: str, keywords: list[CategoryKeywords] | None = None
) -> bool:
    """Free text outside any flow: keep it, so "Yes, file it" can start a request with it.

    Short greetings ("merhaba") that match no topic are not offered."""
    assert citizen.id is not None
    value = text.strip()[:MAX_TEXT]
    if len(value) < 15 and not suggest(value, keywords or category_keywords(session)):
        return False
    draft = draft_of(session, citizen) or ConversationState(citizen_id=citizen.id, step="offer")
    draft.data, draft.message_id = {}, None
    _save(session, draft, "offer", offer=value)
    return True


def category_keywords(session: Session) -> list[CategoryKeywords]:
    rows = session.exec(select(Category).where(Category.active == True)).all()  # noqa: E712
    return [
        CategoryKeywords(
            code=c.code,
            keywords=tuple(c.keywords),
            names=tuple(n for n in (c.name_tr, c.name_en) if n),
        )
        for c in rows
    ]


def accept_consent(
    session: Session,
    citizen: Citizen,
    draft: ConversationState,
    first_name: str | None,
    last_name: str | None,
    username: str | None,
) -> None:
    """KVKK accepted: from now on the citizen's name may be stored with their requests."""
    citizen.consent_at = utcnow()
    citizen.first_name, citizen.last_name, citizen.username = first_name, last_name, username
    session.add(citizen)
    _save(session, draft, "category")


def steps_of(draft: ConversationState) -> tuple[str, ...]:
    return RECORD_STEPS if state_of(draft).mode == "record" else STEPS


def next_step(draft: ConversationState, current: str) -> str:
    if state_of(draft).editing:
        return "summary"
    steps = steps_of(draft)
    index = steps.index(current)
    step = steps[index + 1]
    if step == "text" and state_of(draft).text:
        # The description was written before the flow began: no need to ask again.
        step = steps[index + 2]
    return step


def previous_step(draft: ConversationState) -> str:
    if draft.step == "kvkk":
        return "kvkk"  # there is nothing before the consent notice, and no way around it
    upgrade(draft)
    steps = steps_of(draft)
    if draft.step not in steps or draft.step == steps[0]:
        return steps[0]
    return steps[steps.index(draft.step) - 1]


def go_back(session: Session, draft: ConversationState) -> ConversationState:
    return _save(session, draft, previous_step(draft), editing=False)


def go_to(session: Session, draft: ConversationState, step: str) -> ConversationState:
    """Jump to a step from the summary's Edit menu; finishing it returns to the summary."""
    step = RENAMED_STEPS.get(step, step)  # an Edit menu sent before an upgrade
    if step not in steps_of(draft) or step == "summary":
        raise Refused("unknown_step")
    return _save(session, draft, step, editing=True)


def start_record(session: Session, staff_citizen: Citizen) -> ConversationState:
    """A staff member begins registering a request received by another channel."""
    assert staff_citizen.id is not None
    draft = draft_of(session, staff_citizen) or ConversationState(
        citizen_id=staff_citizen.id, step="channel"
    )
    draft.data, draft.message_id = {}, None
    return _save(session, draft, "channel", mode="record", type=DEFAULT_TYPE)


def set_channel(session: Session, draft: ConversationState, code: str) -> ConversationState:
    if code not in CHANNELS or code == "telegram":
        raise Refused("unknown_channel")
    return _save(session, draft, next_step(draft, "channel"), channel=code)


def set_type(session: Session, draft: ConversationState, code: str) -> ConversationState:
    """The type toggle of the topic screen (or the summary's): the step stays where it is."""
    if code not in REQUEST_TYPES:
        raise Refused("unknown_type")
    if draft.step not in ("category", "summary"):
        raise Refused("use_buttons")
    return _save(session, draft, draft.step, type=code)


def show_all_topics(session: Session, draft: ConversationState, page: int = 0) -> ConversationState:
    """ "Other topics": the topic screen lists every topic, not only the suggested ones, a
    page at a time."""
    if draft.step != "category":
        raise Refused("use_buttons")
    return _save(session, draft, draft.step, all_topics=True, topic_page=page)


# How many of the latest requests say which topics are in use now: a fixed number, read
# by the primary key, so the topic screen costs the same at any size of the table.
RECENT_REQUESTS = 1000


def recent_topics(session: Session) -> Counter[str]:
    """How often each topic was chosen in the latest requests."""
    codes = session.exec(
        select(Request.category_code).order_by(col(Request.id).desc()).limit(RECENT_REQUESTS)
    ).all()
    return Counter(codes)


def set_category(session: Session, draft: ConversationState, code: str) -> ConversationState:
    category = reference.get(session, Category, code)
    if category is None or not category.active:
        raise Refused("unknown_category")
    return _save(session, draft, next_step(draft, "category"), category=code)


def set_text(session: Session, draft: ConversationState, text: str | None) -> ConversationState:
    return _save(session, draft, next_step(draft, "text"), text=clean_text(text))


# The location step takes a map location (or venue), a typed address and up to MAX_PHOTOS
# photos, in any order and each as often as the citizen likes (a later one replaces an
# earlier one); it stays on the step until Continue (`skip`).


def set_location(
    session: Session, draft: ConversationState, latitude: float, longitude: float
) -> ConversationState:
    check_location(latitude, longitude)
    return _save(session, draft, draft.step, latitude=latitude, longitude=longitude)


def set_address(
    session: Session, draft: ConversationState, address: str | None
) -> ConversationState:
    return _save(session, draft, draft.step, address=clean_text(address, MAX_ADDRESS))


def skip(session: Session, draft: ConversationState) -> ConversationState:
    """Continue (or skip) past an optional step (location and photos, phone)."""
    upgrade(draft)
    if draft.step not in ("location", "phone") or draft.step not in steps_of(draft):
        raise Refused("not_optional")
    return _save(session, draft, next_step(draft, draft.step))


def add_photo(
    session: Session, draft: ConversationState, file_id: str, file_unique_id: str
) -> ConversationState:
    photos = state_of(draft).photos
    if len(photos) >= MAX_PHOTOS:
        raise Refused("too_many_photos")
    photos.append(Photo(file_id=file_id, file_unique_id=file_unique_id))
    return _save(session, draft, draft.step, photos=photos)


def clear_photos(session: Session, draft: ConversationState) -> ConversationState:
    return _save(session, draft, draft.step, photos=[])


def set_phone(session: Session, draft: ConversationState, phone: str) -> ConversationState:
    return _save(session, draft, next_step(draft, "phone"), phone=phone_number(phone))


def cancel(session: Session, citizen: Citizen) -> bool:
    draft = draft_of(session, citizen)
    if draft is None:
        return False
    session.delete(draft)
    return True


def submit(
    session: Session,
    citizen: Citizen,
    draft: ConversationState,
    calendar: WorkingCalendar,
    now: datetime | None = None,
) -> Submitted:
    """Store the request, route it by its category and start its SLA clock.

    The draft is deleted in the same transaction, so pressing Send twice files once.
    """
    state = state_of(draft)
    recorded = state.mode == "record"
    if draft.step != "summary" or not state.type or not state.category or not state.text:
        raise Refused("incomplete")
    if not recorded and citizen.consent_at is None:
        raise Refused("consent_required")
    filing = Filing(
        channel=state.channel or "" if recorded else "telegram",
        type=state.type,
        category_code=state.category,
        text=state.text,
        latitude=state.latitude,
        longitude=state.longitude,
        address=state.address,
        phone=state.phone,
        photos=tuple((photo.file_id, photo.file_unique_id) for photo in state.photos),
        actor="staff" if recorded else "citizen",
        actor_telegram_id=citizen.telegram_id,
    )
    # Every field is checked before the draft is claimed: a refusal leaves it in place, at
    # its summary, for the citizen to correct.
    filing, category = checked(filing, session)
    # Claim the draft first: of two Send presses racing each other, only the one that
    # deletes it files the request (the other deletes nothing and stops here).
    claimed = session.execute(
        delete(ConversationState)
        .where(
            ConversationState.citizen_id == draft.citizen_id,  # type: ignore[arg-type]
            ConversationState.step == "summary",  # type: ignore[arg-type]
        )
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise Refused("incomplete")
    now = now or utcnow()
    request, event = file_request(
        session, calendar, filing, citizen=None if recorded else citizen, now=now
    )
    assert request.id is not None
    if state.phone and not recorded:
        citizen.phone = state.phone
        session.add(citizen)
    session.expunge(draft)
    return Submitted(
        request=request,
        department_code=category.department_code,
        event=event,
        photo_ids=[photo.file_id for photo in state.photos],
    )
