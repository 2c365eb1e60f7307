"""Long polling that confirms an update to Telegram only after it has been handled.

python-telegram-bot's Updater asks for the next batch (which confirms the last one)
while the previous batch is still being handled, so a process killed at that moment
loses the updates in hand. Here each batch is handled first and confirmed by the
next getUpdates; a batch interrupted by a crash is delivered again, and the
processed-update table (handlers/guard.py) keeps what was already done from being
done twice. Only a poller's first batch can hold such redeliveries, so only its
updates are looked up there.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

from bot.sending import retry_seconds
from db.engine import one_connection, without_blocking
from handlers import guard

log = logging.getLogger("kentbot.polling")


async def poll(app: Application, stop: asyncio.Event, timeout: int = 10) -> None:
    offset: int | None = None
    delay = 1.0
    # A new poller's first batch may hold updates handled but not confirmed before.
    maybe_redelivered = True
    while not stop.is_set():
        try:
            updates = await app.bot.get_updates(
                offset=offset, timeout=timeout, allowed_updates=Update.ALL_TYPES,
                read_timeout=timeout + 10)
        except InvalidToken:
            raise
        except RetryAfter as exc:
            await asyncio.sleep(retry_seconds(exc))
            continue
        except (NetworkError, TimedOut, Conflict) as exc:
            # Another poller of this bot (a leadership hand-over) may hand back updates
            # it did not confirm.
            maybe_redelivered = maybe_redelivered or isinstance(exc, Conflict)
            log.warning("getUpdates failed (%s); retrying in %.0f s", type(exc).__name__, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay)
            delay = min(delay * 2, 30.0)
            continue
        delay = 1.0
        if updates:
            with contextlib.nullcontext() if maybe_redelivered else guard.first_deliveries():
                await handle_batch(app, updates)
            maybe_redelivered = False
            offset = updates[-1].update_id + 1


# Updates in hand at once. Each holds a database connection (the pool has 5 + 10), and a
# checkout from an exhausted pool would block the event loop: see test_batch_handling.
CONCURRENT_UPDATES = 8


async def handle(app: Application, update: Update) -> None:
    """One update, its handlers sharing one database connection."""
    limit: asyncio.Semaphore = app.bot_data.setdefault(
        "update_slots", asyncio.Semaphore(CONCURRENT_UPDATES))
    async with limit:
        await without_blocking(app.bot_data["deps"].engine, _handle(app, update))


async def _handle(app: Application, update: Update) -> None:
    with one_connection(app.bot_data["deps"].engine):
        await app.process_update(update)


def chat_key(update: Update) -> int:
    """Updates with the same key are handled in the order they came."""
    chat = update.effective_chat
    if chat is not None:
        return chat.id
    user = update.effective_user
    return user.id if user is not None else 0


async def handle_batch(app: Application, updates: list[Update]) -> None:
    """Handle a batch chat by chat, the chats side by side.

    While one citizen's handler waits for Telegram (or for a send slot behind a
    broadcast), the others need not wait behind it; within a chat the order stays, so
    a flow sees its steps one after another."""
    by_chat: dict[int, list[Update]] = {}
    for update in updates:
        by_chat.setdefault(chat_key(update), []).append(update)

    async def in_order(chat_updates: list[Update]) -> None:
        for update in chat_updates:
            await handle(app, update)

    await asyncio.gather(*(in_order(group) for group in by_chat.values()))
