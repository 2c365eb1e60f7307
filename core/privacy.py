"""Personal data under KVKK (Law 6698): what we hold about a citizen, erasing it, retention.

Each feature declares what it stores about a citizen as a `PersonalData` (the bot's
feature list gathers them, handlers/features.py); this module goes over whatever it is
given, and itself handles only what belongs to no feature: the citizen's profile and
their conversation state.

- `export` gathers everything stored about a citizen (art. 11: the right to know);
- `erase` removes their personal data on request (art. 7) but keeps every row that an
  indicator counts, so a citizen leaving never changes last year's figures;
- `retention_sweep` erases what the features keep longer than the configured retention
  period, whoever it belongs to.

Erasing overwrites in place rather than deleting rows: request counts per channel and
type, response times, satisfaction scores, members and participants are all computed
from these rows. A free text overwritten with `ERASED` counts as done; that is what makes
the sweep idempotent.

Copies of the citizen's data also sit in the staff groups, where Telegram holds them, not
us: the photos (`Erased.photos`) and the other messages the bot put there that show what
the citizen wrote or who they are (`Erased.copies`: their messages relayed under a card,
cards retired by a redirection, the employment centre's referral reminders). Both kinds of
erasure return them for the caller to take out once the erasure is committed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, SQLModel, col, select

from db.models import Citizen, ConversationState, FailedDelivery
from db.types import utcnow

# What an erased free text reads; the same in every language, and the sweep's marker.
ERASED = "[silindi]"
EXPORT_FORMAT = "kentbot-kvkk-export/1"
# The tables this module erases itself: the citizen's row, their conversation state, and
# the record of messages to them that could not be delivered.
OWN_TABLES: tuple[type[SQLModel], ...] = (Citizen, ConversationState, FailedDelivery)
# Telegram lets a bot delete a group message only within 48 hours of sending it; after that
# the message can only be edited. A message's id is stored just after it went out; the
# hour's margin covers that and clock drift.
DELETE_WINDOW = timedelta(hours=47)


def deletable(sent_at: datetime, now: datetime) -> bool:
    """Whether Telegram still lets the bot delete a group message sent at `sent_at`."""
    return sent_at > now - DELETE_WINDOW


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


# What a GroupCopy is, which tells the caller how to blank it.
# A citizen's note, answer or photo, relayed under the request's card.
RELAYED = "relayed"
# A request's text card left in its old group by a redirection: re-rendered, without data.
RETIRED_CARD = "retired_card"
# The employment centre's reminder of a referral, with the candidate's name and phone.
REFERRAL_REMINDER = "referral_reminder"
# The PDF of a job seeker's CV, sent into the employment centre's group at staff's request.
CV_FILE = "cv_file"
# The employment desk's message in the centre's group while it shows a job seeker's data
# (a candidate list, a referral's card).
DESK_SCREEN = "desk_screen"


@dataclass(frozen=True)
class GroupCopy:
    """A message the bot put in a staff group that shows a citizen's data, other than a
    request's current card and its photos; to be deleted (while Telegram allows it) or
    edited blank after their data was erased."""

    chat_id: int
    message_id: int
    # RELAYED, RETIRED_CARD, REFERRAL_REMINDER, CV_FILE or DESK_SCREEN.
    purpose: str
    deletable: bool
    # The request it belongs to, for a relayed message or a retired card.
    request_id: int | None = None


@dataclass(frozen=True)
class Erased:
    """What an erasure touched: the requests (their staff cards need re-rendering), the
    photos they left in staff groups, and the other copies there of the citizen's data."""

    request_ids: list[int] = field(default_factory=list)
    children: int = 0
    photos: list[GroupPhoto] = field(default_factory=list)
    copies: list[GroupCopy] = field(default_factory=list)

    def __add__(self, other: Erased) -> Erased:
        return Erased(
            request_ids=self.request_ids + other.request_ids,
            children=self.children + other.children,
            photos=self.photos + other.photos,
            copies=self.copies + other.copies,
        )


@dataclass(frozen=True)
class PersonalData:
    """What one feature stores about a citizen, and how it is exported and erased."""

    # The tables it is kept in: a test checks that every table tied to a citizen is named
    # by some feature, so none is forgotten by /verilerim or /verilerimi_sil.
    tables: tuple[type[SQLModel], ...]
    # Its entries in the citizen's export, JSON-serialisable (times in ISO 8601, UTC).
    export: Callable[[Session, Citizen], dict[str, Any]]
    # Erases it for this citizen before their profile is anonymised (their Telegram id is
    # still there to find what it names). None would be a gap, and fails a test.
    erase: Callable[[Session, Citizen, datetime], Erased] | None
    # Erases, whoever it belongs to, what was kept longer than the retention period
    # (`days`); None where the feature keeps nothing beyond its purpose.
    expire: Callable[[Session, datetime, int], Erased] | None = None


def citizen_of(session: Session, telegram_id: int) -> Citizen | None:
    """The citizen using this Telegram account, without creating one (unlike get_or_create:
    asking what we hold must not make us hold something)."""
    return session.exec(select(Citizen).where(Citizen.telegram_id == telegram_id)).first()


# --- Export -------------------------------------------------------------------------------


def iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def profile(citizen: Citizen) -> dict[str, Any]:
    return {
        "id": citizen.id,
        "telegram_id": citizen.telegram_id,
        "first_name": citizen.first_name,
        "last_name": citizen.last_name,
        "username": citizen.username,
        "phone": citizen.phone,
        "language": citizen.language,
        "telegram_language": citizen.telegram_language,
        "birth_date": iso(citizen.birth_date),
        "consent_at": iso(citizen.consent_at),
        "blocked_at": iso(citizen.blocked_at),
        "deleted_at": iso(citizen.deleted_at),
        "created_at": iso(citizen.created_at),
    }


def export(
    session: Session, citizen: Citizen, parts: Sequence[PersonalData], now: datetime | None = None
) -> dict[str, Any]:
    """Everything stored about the citizen: their profile, what each feature holds, and the
    conversation they are in the middle of."""
    assert citizen.id is not None
    data: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "generated_at": iso(now or utcnow()),
        "profile": profile(citizen),
    }
    for part in parts:
        data.update(part.export(session, citizen))
    if citizen.telegram_id is not None:
        failed = session.exec(
            select(FailedDelivery)
            .where(FailedDelivery.chat_id == citizen.telegram_id)
            .order_by(col(FailedDelivery.id))
        ).all()
        # The messages themselves are not kept (they may be personal); what failed, when.
        data["failed_deliveries"] = [
            {"method": f.method, "error": f.error, "failed_at": iso(f.failed_at)} for f in failed
        ]
    draft = session.get(ConversationState, citizen.id)
    data["draft"] = (
        None
        if draft is None
        else {"step": draft.step, "data": draft.data, "updated_at": iso(draft.updated_at)}
    )
    return data


# --- Erasure ------------------------------------------------------------------------------


def anonymise(session: Session, citizen: Citizen, now: datetime) -> None:
    citizen.first_name = citizen.last_name = citizen.username = citizen.phone = None
    citizen.birth_date = None
    # The Telegram id is what ties the remaining rows to a person: without it the row is
    # an anonymous counter. If they write again they start afresh, as a new citizen.
    citizen.telegram_id = None
    citizen.telegram_language = None
    citizen.blocked_at = None
    citizen.deleted_at = citizen.deleted_at or now
    session.add(citizen)


def erase(
    session: Session, citizen: Citizen, parts: Sequence[PersonalData], now: datetime
) -> Erased:
    """Erase the citizen's personal data, feature by feature, while keeping the rows that
    indicators count; then their conversation state and their profile.

    Their open requests stay open, without text or contact details, so staff can still
    close them; the citizen can no longer be notified about them.
    """
    assert citizen.id is not None
    erased = Erased()
    for part in parts:
        assert part.erase is not None, "a feature with personal data must erase it"
        erased += part.erase(session, citizen, now)
    session.execute(
        delete(ConversationState).where(col(ConversationState.citizen_id) == citizen.id)
    )
    if citizen.telegram_id is not None:
        session.execute(
            delete(FailedDelivery).where(col(FailedDelivery.chat_id) == citizen.telegram_id)
        )
    anonymise(session, citizen, now)
    session.flush()
    return erased


# --- Retention ----------------------------------------------------------------------------


def retention_sweep(
    session: Session, parts: Sequence[PersonalData], now: datetime, retention_days: int
) -> Erased:
    """Erase what the features kept longer than the retention period, whether or not its
    citizen still uses the bot. Running it again finds nothing new to do."""
    if retention_days < 1:
        raise ValueError("retention_days must be positive")
    erased = Erased()
    for part in parts:
        if part.expire is not None:
            erased += part.expire(session, now, retention_days)
    return erased
