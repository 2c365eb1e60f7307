"""What every handler needs: the database, the configuration and the user's language."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session
from telegram import Update
from telegram.ext import ContextTypes

from common.config import Config
from common.i18n import Translator, resolve_language, translator
from core import citizens
from core.privacy import PersonalData
from core.text_match import CategoryKeywords
from core.working_time import WorkingCalendar
from db.engine import transaction
from db.models import Citizen
from db.types import utcnow
from handlers.feature import Feature, personal_data_of


@dataclass
class Deps:
    """Shared by all handlers through `application.bot_data['deps']`."""

    engine: Engine
    config: Config
    calendar: WorkingCalendar
    # Each category's keywords, folded once at start for suggesting topics from free text.
    keywords: list[CategoryKeywords]
    # Filled only in tests: handler errors are collected here so a test can fail on them.
    errors: list[BaseException] | None = None
    # What scheduled jobs take as "now"; tests freeze it.
    clock: Callable[[], datetime] = utcnow
    # The bot's features (handlers/features.py), for the menu, the step router and KVKK.
    features: Sequence[Feature] = ()

    @property
    def personal_data(self) -> list[PersonalData]:
        """What every feature stores about a citizen (core.privacy goes over it)."""
        return personal_data_of(self.features)


def deps(context: ContextTypes.DEFAULT_TYPE) -> Deps:
    value = context.application.bot_data["deps"]
    assert isinstance(value, Deps)
    return value


def user_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    user = update.effective_user
    if user is None:
        return deps(context).config.municipality.default_language
    with transaction(deps(context).engine) as session:
        return citizens.language_of(session, user.id, user.language_code)


def texts(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Translator:
    return translator(user_language(update, context))


def is_private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == "private"


def citizen_of(session: Session, update: Update) -> Citizen:
    """The citizen behind the update (created on first contact, without personal data)."""
    user = update.effective_user
    assert user is not None
    return citizens.get_or_create(session, user.id, user.language_code)


def translator_of(citizen: Citizen) -> Translator:
    return translator(resolve_language(citizen.language, citizen.telegram_language))


# Row ids are 32-bit integers in the database; Telegram ids fit in 52 bits.
MAX_ROW_ID = 2**31 - 1
MAX_TELEGRAM_ID = 2**52


def as_id(text: str | None, limit: int = MAX_ROW_ID) -> int | None:
    """A number typed or sent in button data, if it can be an id; None otherwise.

    str.isdigit() also accepts "²" and "٣", and Python's int has no size limit, so
    both are checked here before anything reaches the database."""
    if text is None or not (text.isascii() and text.isdigit()) or len(text) > 20:
        return None
    value = int(text)
    return value if 0 < value <= limit else None
