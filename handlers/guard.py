"""Runs before every other handler: drops redelivered updates, slows down floods, keeps
the bot quiet in groups it does not serve, and reads the citizen."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from core import citizens, routing, staff, updates
from core.flood import MessageWindow
from db.engine import autocommit, transaction
from handlers.common import KentContext, is_private
from handlers.feature import Every, Feature

log = logging.getLogger("kentbot.guard")


# False while the updates in hand are known to reach this process for the first time.
_maybe_redelivered: ContextVar[bool] = ContextVar("kentbot_maybe_redelivered", default=True)


@contextmanager
def first_deliveries() -> Iterator[None]:
    """The updates handled in this block cannot have been handled before, so `once_only`
    need not look them up: one transaction fewer per update.

    The poller knows this of every batch after its first (bot/polling.py): each
    getUpdates confirms the batch before it, and Telegram redelivers only what was never
    confirmed, which is all in the first batch a new poller gets."""
    token = _maybe_redelivered.set(False)
    try:
        yield
    finally:
        _maybe_redelivered.reset(token)


async def once_only(update: Update, context: KentContext) -> None:
    """The same update delivered twice (a webhook retry, a poller restart) acts once."""
    if not _maybe_redelivered.get():
        return
    with autocommit(context.engine) as session:
        done = updates.seen(session, update.update_id)
    if done:
        log.info("update %s delivered again; ignored", update.update_id)
        skipped(context.application).add(update.update_id)
        raise ApplicationHandlerStop


def skipped(app: Application) -> set[int]:
    """Ids `once_only` skipped as delivered again, until the poller records them: it
    must not take them for handled twice."""
    ids: set[int] = app.bot_data.setdefault("redelivered_skipped", set())
    return ids


# True while the poller records the updates it handles itself (bot/polling.py).
_recorded_by_poller: ContextVar[bool] = ContextVar("kentbot_recorded_by_poller", default=False)


@contextmanager
def recorded_by_poller() -> Iterator[None]:
    """`mark_done` leaves the updates started in this block to the poller, which records
    each batch in one statement before the getUpdates that confirms it: one statement
    per batch instead of one per update."""
    token = _recorded_by_poller.set(True)
    try:
        yield
    finally:
        _recorded_by_poller.reset(token)


async def mark_done(update: Update, context: KentContext) -> None:
    """After every handler: a crash before this point gets the update handled again
    (the webhook answers Telegram only after it is handled), a crash after it does not."""
    if _recorded_by_poller.get():
        return
    with autocommit(context.engine) as session:
        first = updates.record(session, [update.update_id], context.deps.clock())
    if not first:
        # Handled twice without a lookup: two pollers at once (a leadership hand-over)
        # or two webhook deliveries racing each other.
        log.warning("update %s was handled twice", update.update_id)


async def flood_control(update: Update, context: KentContext) -> None:
    """More than the configured messages a minute get one polite refusal; staff are exempt."""
    user = update.effective_user
    if user is None or not is_private(update):
        return
    window: MessageWindow = context.application.bot_data.setdefault(
        "flood", MessageWindow(context.config.limits.messages_per_minute)
    )
    ok = window.allow(user.id, context.deps.clock())
    if ok:
        return
    with transaction(context.engine) as session:
        exempt = staff.is_staff(context.staff_member(session))
    if exempt:
        return
    warned: set[int] = context.application.bot_data.setdefault("flood_warned", set())
    if user.id not in warned:
        warned.add(user.id)
        t = context.texts()
        if update.callback_query:
            await update.callback_query.answer(
                t._("You are sending messages very fast. Please wait a minute."), show_alert=True
            )
        elif update.effective_message:
            await update.effective_message.reply_text(
                t._(
                    "You are sending messages very fast. Please wait a minute and try again; "
                    "nothing you sent before is lost."
                )
            )
    raise ApplicationHandlerStop


async def load_citizen(update: Update, context: KentContext) -> None:
    """Read the citizen of a private chat, with their draft, before any handler runs.

    Nearly every handler of a citizen's update reads them first. Read here, alone (no
    BEGIN, no COMMIT), into the update's session, which keeps them
    (db.engine.one_connection): a handler's transaction then sends only its writes, and
    one that only saves a step sends it alone too (db.engine.transaction)."""
    user = update.effective_user
    if user is None or not is_private(update):
        return
    with autocommit(context.engine) as session:
        citizens.find(session, user.id)


def setup_command(text: str | None, features: Iterable[Feature], username: str | None) -> bool:
    """The text is one of the features' setup commands (`Command.setup`), as `/kimlik` or
    `/kimlik@this_bot`."""
    if not text or not text.startswith("/"):
        return False
    name, _, addressee = text.split(maxsplit=1)[0][1:].partition("@")
    if addressee and (username is None or addressee.lower() != username.lower()):
        return False
    return any(
        command.setup and name.lower() in command.names
        for feature in features
        for command in feature.commands
    )


async def unserved_groups(update: Update, context: KentContext) -> None:
    """In a group config.toml does not name (a department's, the supervisors', a digest's)
    nothing reaches the features but the setup commands and the bot's own membership
    changes: strangers who add the bot to their group get no menus and no refusals, and
    nothing a citizen wrote can be shown there. The setup handlers decide who they answer
    (handlers/setup.py)."""
    chat = update.effective_chat
    if chat is None or chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        return
    if chat.id in routing.served_chats(context.config) or update.my_chat_member is not None:
        return
    message = update.message
    if message is not None and setup_command(
        message.text, context.deps.features, context.bot.username
    ):
        return
    if update.callback_query is not None:
        await update.callback_query.answer()  # no spinner, and nothing said
    raise ApplicationHandlerStop


async def before_features(update: Update, context: KentContext) -> None:
    """One handler group (python-telegram-bot runs one handler per group): the group
    gate, then the citizen."""
    await unserved_groups(update, context)
    await load_citizen(update, context)


async def calm_again(update: Update, context: KentContext) -> None:
    """A message that passed the window: the next flood gets its warning again."""
    user = update.effective_user
    if user is not None:
        context.application.bot_data.setdefault("flood_warned", set()).discard(user.id)


async def housekeeping(context: KentContext) -> None:
    """Job: forget old update ids."""
    with transaction(context.engine) as session:
        updates.prune(session, context.deps.clock())


def register(app: Application) -> None:
    app.add_handler(TypeHandler(Update, once_only), group=-3)
    app.add_handler(TypeHandler(Update, flood_control), group=-2)
    app.add_handler(TypeHandler(Update, before_features), group=-1)
    app.add_handler(TypeHandler(Update, calm_again), group=1)
    app.add_handler(TypeHandler(Update, mark_done), group=100)


# The pipeline above is the shell's (bot/app.py registers it); its clean-up is a job.
FEATURE = Feature(
    name="updates", jobs=(Every("housekeeping", housekeeping, seconds=3600, first=300),)
)
