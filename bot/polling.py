"""Long polling that confirms an update to Telegram only after it has been handled.

python-telegram-bot's Updater asks for the next batch (which confirms the last one)
while the previous batch is still being handled, so a process killed at that moment
loses the updates in hand. Here the offset a getUpdates confirms never passes an update
still in hand; updates interrupted by a crash are delivered again, and the
processed-update table (handlers/guard.py) keeps what was already done from being
done twice. Only a poller's first batch can hold such redeliveries, so only its
updates are looked up there.

Usually a batch is done before the next is asked for. When an update takes longer than
`PATIENCE`, the poller asks again from the oldest update in hand and starts only the
new ones, so one slow update does not hold up everyone else's.

The poller records the updates it handled in the processed-update table itself, all
those done since its last getUpdates in one statement before the next one, instead of
one statement per update in `guard.mark_done`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from datetime import datetime

from sqlalchemy.engine import Engine
from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

from bot.sending import retry_seconds
from bot.telegram_bot import handling
from core import updates
from db.engine import autocommit, one_connection, without_blocking
from handlers import guard

log = logging.getLogger("kentbot.polling")


async def poll(app: Application, stop: asyncio.Event, timeout: int = 10) -> None:
    in_hand = InHand(app)
    delay = 1.0
    # A new poller's first batch may hold updates handled but not confirmed before.
    maybe_redelivered = True
    try:
        while not stop.is_set():
            # Lagging behind a slow update: ask without waiting, since Telegram hands back
            # the unconfirmed ones in hand at once anyway.
            in_hand.raise_failure()  # before its update could be confirmed
            await in_hand.record_handled()  # before they are confirmed
            lagging = bool(in_hand)
            try:
                batch = await app.bot.get_updates(
                    offset=in_hand.confirm_offset,
                    timeout=0 if lagging else timeout,
                    allowed_updates=Update.ALL_TYPES,
                    read_timeout=timeout + 10,
                )
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
                await in_hand.record_handled()  # not left unrecorded through the wait
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=delay)
                delay = min(delay * 2, 30.0)
                continue
            delay = 1.0
            with (
                guard.recorded_by_poller(),
                contextlib.nullcontext() if maybe_redelivered else guard.first_deliveries(),
            ):
                started = in_hand.start(batch)
            maybe_redelivered = maybe_redelivered and not started
            await in_hand.settle(PATIENCE)
        await in_hand.settle(None)
    finally:
        await in_hand.cancel()
        # Handled but never confirmed: the next poller gets them again, and skips them.
        try:
            await in_hand.record_handled()
        except Exception:
            log.exception(
                "could not record the updates handled last; a redelivery of "
                "them will be handled again"
            )


# How long the updates in hand may take before the poller looks for new ones while they
# finish: a citizen's update waiting on a locked row, or on a staff group's 20 messages a
# minute, must not hold up everyone else's.
PATIENCE = 1.0


class InHand:
    """The updates being handled: chat by chat, the chats side by side.

    While one citizen's handler waits (for Telegram, a send slot behind a broadcast, or
    the database), the others need not wait behind it; within a chat the order stays, so
    a flow sees its steps one after another.

    Telegram confirms every update below the offset a getUpdates asks for, so the offset
    never passes the oldest update still in hand: a crash loses nothing. Asking again
    from there returns the updates in hand, and those done since, again; they are known
    by id and skipped."""

    def __init__(self, app: Application) -> None:
        self.app = app
        self.next_id: int | None = None  # every update below it has been started
        self.tasks: dict[int, asyncio.Task[None]] = {}  # by update id, until done
        self.last_of_chat: dict[int, asyncio.Task[None]] = {}
        self.failure: BaseException | None = None  # of an update, outside its handlers
        self.handled: list[int] = []  # ids done since the last `record_handled`

    def __bool__(self) -> bool:
        return bool(self.tasks)

    @property
    def confirm_offset(self) -> int | None:
        return min(self.tasks) if self.tasks else self.next_id

    def start(self, batch: list[Update]) -> int:
        """Start the updates not started before; returns how many."""
        fresh = [u for u in batch if self.next_id is None or u.update_id >= self.next_id]
        for update in fresh:
            key = chat_key(update)
            task = asyncio.create_task(self._in_turn(self.last_of_chat.get(key), update))
            self.tasks[update.update_id] = self.last_of_chat[key] = task
            task.add_done_callback(functools.partial(self._done, update.update_id, key))
        if fresh:
            self.next_id = fresh[-1].update_id + 1
        return len(fresh)

    async def _in_turn(self, before: asyncio.Task[None] | None, update: Update) -> None:
        if before is not None:
            await asyncio.wait([before])  # whatever became of it
        await handle(self.app, update)

    def _done(self, update_id: int, key: int, task: asyncio.Task[None]) -> None:
        if task.cancelled():
            pass
        elif task.exception() is not None:
            self.failure = self.failure or task.exception()
        else:
            self.handled.append(update_id)
        self.tasks.pop(update_id, None)
        if self.last_of_chat.get(key) is task:
            del self.last_of_chat[key]

    async def record_handled(self) -> None:
        """Record the updates handled since the last call as processed, in one statement.

        Called before every getUpdates, which confirms them to Telegram: an update
        confirmed is never delivered again, and one delivered again (after a crash or a
        hand-over to another poller) is found here and skipped (`guard.once_only`)."""
        if not self.handled:
            return
        handled, self.handled = self.handled, []
        deps = self.app.bot_data["deps"]
        try:
            new = await without_blocking(deps.engine, _record(deps.engine, handled, deps.clock()))
        except BaseException:
            self.handled[:0] = handled  # to be tried again, or the poller stops
            raise
        skipped = guard.skipped(self.app)
        twice = set(handled) - new - skipped
        skipped.difference_update(handled)
        if twice:
            # Not looked up, yet recorded before: two pollers at once (a hand-over).
            log.warning("updates %s were handled twice", sorted(twice))

    def raise_failure(self) -> None:
        """An update that failed outside its handlers (the database unreachable, say)
        stops the poller before the next getUpdates could confirm it."""
        if self.failure is not None:
            raise self.failure

    async def settle(self, patience: float | None) -> None:
        """Wait until every update in hand is done, or `patience` seconds pass."""
        if self.tasks:
            await asyncio.wait(list(self.tasks.values()), timeout=patience)
        self.raise_failure()

    async def cancel(self) -> None:
        """Cancel the updates in hand and wait until they have cleaned up (rolled back,
        given their connections back)."""
        waiting = list(self.tasks.values())
        for task in waiting:
            task.cancel()
        if waiting:
            await asyncio.wait(waiting)


# Updates in hand at once. Each holds a database connection (the pool has 5 + 10 on
# SQLite, 12 + 10 on PostgreSQL), and a checkout from an exhausted blocking pool would
# block the event loop: see test_batch_handling.
CONCURRENT_UPDATES = 8


async def handle(app: Application, update: Update) -> None:
    """One update, its handlers sharing one database connection."""
    limit: asyncio.Semaphore = app.bot_data.setdefault(
        "update_slots", asyncio.Semaphore(CONCURRENT_UPDATES)
    )
    async with limit:
        await without_blocking(app.bot_data["deps"].engine, _handle(app, update))


async def _handle(app: Application, update: Update) -> None:
    with one_connection(app.bot_data["deps"].engine), handling(update.callback_query):
        await app.process_update(update)


async def _record(engine: Engine, update_ids: list[int], now: datetime) -> set[int]:
    with autocommit(engine) as session:
        return updates.record(session, update_ids, now)


def chat_key(update: Update) -> int:
    """Updates with the same key are handled in the order they came."""
    chat = update.effective_chat
    if chat is not None:
        return chat.id
    user = update.effective_user
    return user.id if user is not None else 0
