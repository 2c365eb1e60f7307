"""Citizens as the bot knows them: their Telegram id, language and consent.

Until a citizen accepts the KVKK notice we keep only what is needed to talk to
them (their Telegram id and language); names and phone numbers come later.
"""

from __future__ import annotations

from sqlmodel import Session, select

from bot.config import SUPPORTED_LANGUAGES
from bot.i18n import resolve_language
from db.models import Citizen
from db.types import utcnow


def get_or_create(session: Session, telegram_id: int, telegram_language: str | None) -> Citizen:
    citizen = session.exec(select(Citizen).where(Citizen.telegram_id == telegram_id)).first()
    if citizen is None:
        citizen = Citizen(telegram_id=telegram_id, telegram_language=telegram_language)
        session.add(citizen)
        session.flush()
    elif telegram_language and citizen.telegram_language != telegram_language:
        citizen.telegram_language = telegram_language
    if citizen.blocked_at is not None:
        # They wrote to us, so they no longer block the bot.
        citizen.blocked_at = None
    return citizen


def language_of(session: Session, telegram_id: int, telegram_language: str | None) -> str:
    citizen = session.exec(select(Citizen).where(Citizen.telegram_id == telegram_id)).first()
    if citizen is None:
        return resolve_language(None, telegram_language)
    return resolve_language(citizen.language, telegram_language or citizen.telegram_language)


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
    citizen = session.exec(select(Citizen).where(Citizen.telegram_id == telegram_id)).first()
    if citizen is not None and citizen.blocked_at is None:
        citizen.blocked_at = utcnow()
