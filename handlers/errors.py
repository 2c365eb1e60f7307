"""The error handler: log with context, apologise to the user, never crash the bot."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

from core import citizens
from core.fencing import Deposed
from db.engine import transaction
from handlers.common import KentContext

log = logging.getLogger("kentbot.errors")


def _describe(update: object) -> str:
    """Ids only: logs must not carry message texts, phone numbers or locations."""
    if not isinstance(update, Update):
        return "no update"
    parts = [f"update_id={update.update_id}"]
    if update.effective_user:
        parts.append(f"user_id={update.effective_user.id}")
    if update.effective_chat:
        parts.append(f"chat_id={update.effective_chat.id}")
    if update.callback_query:
        parts.append("kind=callback_query")
    elif update.effective_message:
        parts.append("kind=message")
    return " ".join(parts)


async def on_error(update: object, context: KentContext) -> None:
    error = context.error
    if error is None:
        return
    shared = context.deps
    if isinstance(error, Deposed):
        # A newer leader took over while this update was handled: the database refused
        # its claim, and this instance sends nothing more (no apology either) and steps down.
        log.error("update not finished, deposed: %s: %s", error, _describe(update))
        shared.deposed()
        return
    if isinstance(error, BadRequest) and "not modified" in str(error).lower():
        # The same button pressed twice: the screen already shows what was asked for.
        return
    if isinstance(error, Forbidden) and isinstance(update, Update) and update.effective_user:
        # The citizen blocked the bot: stop writing to them until they come back.
        with transaction(shared.engine) as session:
            citizens.mark_blocked(session, update.effective_user.id)
        log.info("user blocked the bot: %s", _describe(update))
        return
    if isinstance(error, RetryAfter | TimedOut | NetworkError):
        log.warning("Telegram unavailable (%s): %s", type(error).__name__, _describe(update))
    else:
        log.error("handler failed: %s", _describe(update), exc_info=error)
    if shared.errors is not None:
        shared.errors.append(error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != "private":
        return
    try:
        t = context.texts()
        await context.bot.send_message(
            update.effective_chat.id,
            t._(
                "Sorry, something went wrong on our side. Your earlier entries are safe; "
                "please try again in a moment, or type /start."
            ),
        )
    except Exception:  # the apology itself failed (Telegram down?): the log has the cause
        log.warning("could not send the apology: %s", _describe(update))


def register(app: Application) -> None:
    app.add_error_handler(on_error)
