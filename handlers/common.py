"""What every handler needs: the typed context (the database, the configuration, the
person behind the update and their language), and small helpers for reading updates."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import TYPE_CHECKING, Any, Concatenate, NamedTuple, ParamSpec

from sqlalchemy.engine import Engine
from sqlmodel import Session
from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.sending import gated
from common.config import Config
from common.i18n import Translator, resolve_language, translator
from core import citizens, fencing, staff
from core.fencing import Deposed, Fence
from core.privacy import PersonalData
from core.text_match import CategoryKeywords
from core.working_time import WorkingCalendar
from db.engine import transaction
from db.models import Citizen, StaffMember
from db.replica import Reads
from db.types import utcnow
from flows.actions import as_id as as_id  # flows' (its steps read typed ids too), for handlers

if TYPE_CHECKING:
    from handlers.feature import Feature


@dataclass
class Deps:
    """Shared by all handlers through `application.bot_data['deps']`."""

    engine: Engine
    config: Config
    calendar: WorkingCalendar
    # Each category's keywords, read once at start; the matcher (core.matching) builds its
    # index from them on the first suggestion.
    keywords: list[CategoryKeywords]
    # Filled only in tests: handler errors are collected here so a test can fail on them.
    errors: list[BaseException] | None = None
    # What scheduled jobs take as "now"; tests freeze it.
    clock: Callable[[], datetime] = utcnow
    # The bot's features (handlers/features.py), for the menu, the step router and KVKK.
    features: Sequence[Feature] = ()
    # Where heavy reads go (reports, digests' aggregates): a read replica when one is set
    # and fit (db/replica.py), else the primary.
    reads: Reads | None = None

    @property
    def reader(self) -> Engine:
        return self.reads.engine() if self.reads is not None else self.engine

    # The leadership epoch this instance leads under (core.fencing), which claims and
    # sends check; None where nothing competes (tests, one-off commands).
    fence: Fence | None = None
    # Called when the database says a newer leader took over: `kentbot run` steps down.
    deposed: Callable[[], None] = lambda: None

    @property
    def personal_data(self) -> list[PersonalData]:
        """What every feature stores about a citizen (core.privacy goes over it)."""
        return [part for feature in self.features for part in feature.personal_data]


class CitizenTransaction(NamedTuple):
    """A transaction with the citizen behind the update in it, and their language."""

    session: Session
    citizen: Citizen
    t: Translator


class KentContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """What every handler and job gets (python-telegram-bot's context_types): the shared
    dependencies, and for an update the person behind it.

    It takes the place of the openings every handler used to repeat: looking the
    dependencies up, the citizen in a transaction, and their translator."""

    _update: Update | None = None

    @classmethod
    def from_update(
        cls, update: object, application: Application[Any, Any, Any, Any, Any, Any]
    ) -> KentContext:
        context: KentContext = super().from_update(update, application)
        context._update = update if isinstance(update, Update) else None
        return context

    @property
    def deps(self) -> Deps:
        value = self.application.bot_data["deps"]
        assert isinstance(value, Deps)
        return value

    @property
    def engine(self) -> Engine:
        return self.deps.engine

    @property
    def config(self) -> Config:
        return self.deps.config

    @property
    def user_id(self) -> int:
        """The Telegram id of the person behind the update (a @private handler has one)."""
        assert self._user_id is not None, "an update without a person"
        return self._user_id

    def staff_member(self, session: Session) -> StaffMember | None:
        """The active staff member behind the update, or None (most people are citizens):
        the actor that core's staff and council functions check."""
        return staff.active_member(session, self.user_id)

    @contextmanager
    def citizen_transaction(self) -> Iterator[CitizenTransaction]:
        """`with context.citizen_transaction() as (session, citizen, t):` a transaction
        with the update's citizen (created on first contact, without personal data)."""
        assert self._update is not None, "only an update has a citizen"
        with transaction(self.engine) as session:
            citizen = citizen_of(session, self._update)
            yield CitizenTransaction(session, citizen, translator_of(citizen))

    def texts(self) -> Translator:
        """The translator for the person behind the update (the municipality's language
        for a job, or an update without a person)."""
        user = self._update.effective_user if self._update is not None else None
        if user is None:
            return translator(self.config.municipality.default_language)
        with transaction(self.engine) as session:
            return translator(citizens.language_of(session, user.id, user.language_code))


P = ParamSpec("P")
Handler = Callable[Concatenate[Update, KentContext, P], Coroutine[Any, Any, None]]


def private(handler: Handler[P]) -> Handler[P]:
    """The handler acts in private chats only, with a person behind the update: elsewhere
    (a group, a channel) it does nothing, so a citizen's flow never runs in a group."""

    @wraps(handler)
    async def in_private(
        update: Update, context: KentContext, /, *args: P.args, **kwargs: P.kwargs
    ) -> None:
        if is_private(update) and update.effective_user is not None:
            await handler(update, context, *args, **kwargs)

    return in_private


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


# Telegram ids fit in 52 bits (row ids in 32: flows.actions.MAX_ROW_ID).
MAX_TELEGRAM_ID = 2**52


@contextmanager
def fence_gate(engine: Engine, fence: Fence | None) -> Iterator[None]:
    """Inside, every Bot API request checks first that `fence` is still the current
    leadership (bot.sending.gated: after the rate limiter's wait, before every retry), so
    a deposed leader gets `Deposed` instead of sending. Nothing is checked without a fence.
    """
    if fence is None:
        yield
        return

    def gate() -> None:
        with transaction(engine) as session:
            fencing.check(session, fence)

    with gated(gate):
        yield


def steps_down_when_deposed(
    log: logging.Logger, what: str
) -> Callable[
    [Callable[[KentContext], Coroutine[Any, Any, None]]],
    Callable[[KentContext], Coroutine[Any, Any, None]],
]:
    """For a job: when the database refuses one of its claims because a newer leader took
    over (core.fencing.Deposed), it sends nothing more, logs "`what` stopped: …", and the
    bot steps down. Each of the job's Bot API requests, and each retry of one, is preceded
    by a check of the leadership epoch (`fence_gate`): a leader paused in the middle of a
    send, whose request then timed out, must not send it again once a successor leads."""

    def decorate(
        job: Callable[[KentContext], Coroutine[Any, Any, None]],
    ) -> Callable[[KentContext], Coroutine[Any, Any, None]]:
        @wraps(job)
        async def run(context: KentContext) -> None:
            try:
                with fence_gate(context.deps.engine, context.deps.fence):
                    await job(context)
            except Deposed as exc:
                log.error("%s stopped: %s", what, exc)
                context.deps.deposed()

        return run

    return decorate
