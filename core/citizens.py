"""Citizens as the bot knows them: their Telegram id, language and consent.

Until a citizen accepts the KVKK notice we keep only what is needed to talk to
them (their Telegram id and language); names and phone numbers come later.
"""

from __future__ import annotations

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from common.config import SUPPORTED_LANGUAGES
from common.i18n import resolve_language
from db.engine import UpdateSession
from db.inserts import insert_unless_exists
from db.models import Citizen, ConversationState
from db.types import utcnow


def find(session: Session, telegram_id: int) -> Citizen | None:
    """The citizen with this Telegram id; no query when the session holds them already
    (an update's transactions keep its citizen loaded: db.engine.one_connection), or
    found already that there is none.

    Their draft comes in the same query: nearly every handler of a citizen's message
    reads it next, and then finds it (or that there is none) in the session."""
    if isinstance(session, UpdateSession):
        kept = session.kept_citizen(telegram_id)
        if kept is not None or telegram_id in session.strangers:
            return kept
    return _read(session, telegram_id)


# Built once: the statement nearly every update runs (building it each time was a tenth of
# its cost).
_WITH_DRAFT = (
    select(Citizen, ConversationState)
    .outerjoin(ConversationState, col(ConversationState.citizen_id) == col(Citizen.id))
    .where(col(Citizen.telegram_id) == bindparam("telegram_id"))
)


def _read(session: Session, telegram_id: int) -> Citizen | None:
    found = session.exec(_WITH_DRAFT, params={"telegram_id": telegram_id}).first()
    if isinstance(session, UpdateSession):  # what is missing is remembered too
        if found is None:
            session.strangers.add(telegram_id)
        elif found[0].id is not None:
            if found[1] is None:
                session.draftless.add(found[0].id)
            else:
                session.draftless.discard(found[0].id)
    return found[0] if found is not None else None


def get_or_create(session: Session, telegram_id: int, telegram_language: str | None) -> Citizen:
    citizen = find(session, telegram_id)
    if citizen is None:
        citizen = _create(session, telegram_id, telegram_language)
    elif telegram_language and citizen.telegram_language != telegram_language:
        citizen.telegram_language = telegram_language
    if citizen.blocked_at is not None:
        # They wrote to us, so they no longer block the bot.
        citizen.blocked_at = None
    return citizen


def _create(session: Session, telegram_id: int, telegram_language: str | None) -> Citizen:
    """A new citizen; or, if another transaction created them a moment ago (a job and
    their first message, each waiting for PostgreSQL in turn), theirs."""
    values = Citizen(telegram_id=telegram_id, telegram_language=telegram_language)
    session.execute(
        insert_unless_exists(session, Citizen, "telegram_id", [values.model_dump(exclude={"id"})])
    )
    if isinstance(session, UpdateSession):
        session.strangers.discard(telegram_id)
    created = _read(session, telegram_id)
    assert created is not None
    return created


def language_of(session: Session, telegram_id: int, telegram_language: str | None) -> str:
    citizen = find(session, telegram_id)
    if citizen is None:
        return resolve_language(None, telegram_language)
    return resolve_language(citizen.language, telegram_language or citizen.telegram_language)


def languages_of(session: Session, telegram_ids: list[int], default: str) -> dict[int, str]:
    """Each person's language as language_of gives it (their /dil choice, else the language
    their Telegram reported), in one query; `default` for those the bot knows no language
    of, or has never met."""
    found = (
        session.exec(
            select(Citizen.telegram_id, Citizen.language, Citizen.telegram_language).where(
                col(Citizen.telegram_id).in_(telegram_ids)
            )
        ).all()
        if telegram_ids
        else []
    )
    languages = dict.fromkeys(telegram_ids, default)
    for telegram_id, chosen, telegram_language in found:
        if telegram_id is not None:  # always, by the query; the column allows erasing it
            languages[telegram_id] = resolve_language(chosen, telegram_language, default)
    return languages


def set_language(
    session: Session, telegram_id: int, language: str, telegram_language: str | None = None
) -> Citizen:
    if language not in SUPPORTED_LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    citizen = get_or_create(session, telegram_id, telegram_language)
    citizen.language = language
    return citizen


def mark_blocked(session: Session, telegram_id: int) -> None:
    """Telegram answered 403: the citizen blocked the bot; stop sending until they write again."""
    citizen = find(session, telegram_id)
    if citizen is not None and citizen.blocked_at is None:
        citizen.blocked_at = utcnow()
