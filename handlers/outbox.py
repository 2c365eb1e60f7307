"""The outbox worker: sends what core.outbox holds through the rate limiter's bulk line,
records each outcome, and tells a coordinator once their announcement is through.

There is one drain per Application, and an Application exists only on the instance that
leads (see bot.leadership), so one process sends. The drain runs until nothing is due,
then ends; it is started

- by `outbox_tick`, a repeating job (scheduler.schedule): at boot, which resumes whatever
  a stopped or crashed process left, and every few seconds after, which catches rows
  whose retry came due and rows written by anything that did not wake us;
- by `wake`, right after a handler enqueues a batch, so an announcement starts at once
  rather than up to a tick later.

Asking for a drain while one runs only makes it look again before it ends, so the two
never send side by side and a row enqueued during a drain is not left for the next tick.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, ExtBot

from bot.sending import bulk, gated, pass_gate
from common.i18n import translator
from core import citizens, fencing, outbox
from db.engine import transaction, without_blocking
from db.types import utcnow
from flows.screen import from_pairs
from handlers.common import Deps, KentContext
from handlers.feature import Daily, Every, Feature
from handlers.render import inline_keyboard

log = logging.getLogger("kentbot.outbox")

# Messages claimed at a time: about one second of the bulk line (29.5/s). They are sent
# side by side, so a slow answer from Telegram does not hold the others up, and a batch is
# small enough that a crash leaves few messages to be tried again after their claim.
BATCH = 30
# Closed batches are kept this long for operators to look into, then forgotten.
KEEP_FINISHED = timedelta(days=30)


@dataclass
class _Drain:
    running: bool = False
    again: bool = False  # asked for while running: look for due rows once more


def _state(app: Application[Any, Any, Any, Any, Any, Any]) -> _Drain:
    state = app.bot_data.setdefault("outbox", _Drain())
    assert isinstance(state, _Drain)
    return state


def _deps(app: Application[Any, Any, Any, Any, Any, Any]) -> Deps:
    value = app.bot_data["deps"]
    assert isinstance(value, Deps)
    return value


def wake(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Start draining the outbox now, unless a drain is running (it will look again)."""
    state = _state(app)
    if state.running:
        state.again = True
        return
    if not app.running:
        return  # the boot tick of the next start will find the rows
    state.running = True
    # A fresh context: the drain outlives the update that woke it, and must not inherit
    # its database connection (db.engine.one_connection) or anything else it set.
    drain = without_blocking(_deps(app).engine, _drain(app, state))
    contextvars.Context().run(app.create_task, drain, name="outbox drain")


async def outbox_tick(context: KentContext) -> None:
    """The repeating job: only starts a drain, so that a drain lasting minutes neither
    blocks the job queue nor makes APScheduler skip (and warn about) later ticks."""
    wake(context.application)


async def outbox_cleanup(context: KentContext) -> None:
    with transaction(context.engine) as session:
        gone = outbox.prune(session, utcnow() - KEEP_FINISHED)
    if gone:
        log.info("forgot %d finished announcement(s)", gone)


async def _drain(app: Application[Any, Any, Any, Any, Any, Any], state: _Drain) -> None:
    try:
        _take_over(app)
        # Stopping (app.running turns False) waits for the batch in hand only; the rest
        # stays pending for the next start.
        while app.running:
            state.again = False
            while app.running and await _send_batch(app):
                pass
            await _report_finished(app)
            if not state.again:
                break
    except fencing.Deposed as exc:
        # A newer leader has the outbox: send nothing more, and step down.
        log.error("outbox drain stopped: %s", exc)
        _deps(app).deposed()
    finally:
        state.running = False


def _take_over(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """At each drain's start: messages a previous leader claimed are due again now, or
    failed as unknown if their request had started (core.outbox.take_over). Each drain,
    not once: rows a paused predecessor held locked were skipped the first time."""
    shared = _deps(app)
    if shared.fence is None:
        return
    with transaction(shared.engine) as session:
        again, unknown = outbox.take_over(session, shared.fence, utcnow())
    if again or unknown:
        log.warning(
            "took over the outbox at epoch %d: %d message(s) the previous leader had claimed "
            "are due again, %d whose sending had started are failed as unknown",
            shared.fence.epoch,
            again,
            unknown,
        )


async def _send_batch(app: Application[Any, Any, Any, Any, Any, Any]) -> bool:
    """Claim due messages and send them; False when nothing was due."""
    shared = _deps(app)
    engine, fence = shared.engine, shared.fence
    with transaction(engine) as session:
        messages = outbox.claim(session, utcnow(), BATCH, fence)
    if not messages:
        return False
    with bulk():  # replies to people chatting go first; a 429 pauses only this line
        # gather runs each in a task of its own, outside this greenlet: each needs its own.
        outcomes = await asyncio.gather(
            *(without_blocking(engine, _deliver(app.bot, engine, fence, m)) for m in messages),
            return_exceptions=True,
        )
    for outcome in outcomes:  # every send has ended; now the first surprise counts
        if isinstance(outcome, BaseException):
            raise outcome
    await _report_finished(app)
    return True


class _NoLongerClaimed(Exception):
    """The row was closed meanwhile (by this leader): nothing to send."""


async def _deliver(
    bot: ExtBot[Any], engine: Any, fence: fencing.Fence | None, message: outbox.Due
) -> None:
    """Send one message and record how it went (each in its own transaction, so a crash
    repeats as few sends as possible).

    Right before each HTTP request (after the rate limiter's wait, and before each
    retry) the row is marked started, epoch-checked (`outbox.start`): a deposed leader
    gets fencing.Deposed there and sends nothing, and a message that may have left is
    never sent again by a successor. So what a hand-over can cost is the requests in
    flight at that moment: recorded as failed, never sent twice."""

    def gate() -> None:
        with transaction(engine) as session:
            if not outbox.start(session, message.id, utcnow(), fence):
                raise _NoLongerClaimed

    try:
        with gated(gate):
            if bot.rate_limiter is None:
                pass_gate()  # no rate limiter to call it before the request
            await bot.send_message(
                message.chat_id,
                message.text,
                reply_markup=inline_keyboard(from_pairs(message.buttons or [])),
            )
    except _NoLongerClaimed:
        return
    except fencing.Deposed:
        raise  # nothing to record: the rows are the new leader's now
    except Exception as exc:  # recorded below, whatever it was: the row must not hang
        error: Exception | None = exc
    else:
        error = None
    with transaction(engine) as session:
        if error is None:
            outbox.mark_sent(session, message.id, fence)
        elif isinstance(error, Forbidden):
            outbox.mark_blocked(session, message, fence)
        elif isinstance(error, BadRequest):
            # 400 (chat not found, text too long, ...): the same request fails again.
            outbox.mark_failed(session, message.id, _describe(error), fence)
        else:
            again = outbox.retry_later(session, message, utcnow(), _describe(error), fence)
            log.log(
                logging.WARNING if isinstance(error, TelegramError) else logging.ERROR,
                "outbox message %s to chat %s not sent (%s); %s",
                message.id,
                message.chat_id,
                type(error).__name__,
                "will retry" if again else "giving up",
                exc_info=not isinstance(error, TelegramError),
            )


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"


async def _report_finished(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Tell each requester of a batch that just closed how many got it, once."""
    shared = _deps(app)
    with transaction(shared.engine) as session:
        finished = outbox.finish_ready(session, utcnow())
    for batch in finished:
        counts = batch.counts
        log.info(
            "announcement %s (%s) done: %d sent, %d blocked, %d failed of %d",
            batch.announcement_id,
            batch.kind,
            counts.sent,
            counts.blocked,
            counts.failed,
            counts.total,
        )
        if batch.requester_chat_id is None:
            continue
        t = translator(batch.language or shared.config.municipality.default_language)
        try:
            await app.bot.send_message(
                batch.requester_chat_id,
                t._("📣 Announcement delivered to {sent} of {total}.").format(
                    sent=counts.sent, total=counts.total
                ),
            )
        except Forbidden:
            with transaction(shared.engine) as session:
                citizens.mark_blocked(session, batch.requester_chat_id)
        except TelegramError as exc:
            # Told at most once: the batch is closed before the report is sent.
            log.warning(
                "announcement %s report not sent to %s: %s",
                batch.announcement_id,
                batch.requester_chat_id,
                type(exc).__name__,
            )


FEATURE = Feature(
    name="outbox",
    jobs=(
        # A tick at boot resumes what a stopped or crashed process left, and one every 5 s
        # catches retries that came due. New batches do not wait for it (their handler
        # wakes the worker at once); an idle tick is two indexed reads, and a tick during a
        # drain only asks it to look again.
        Every("outbox", outbox_tick, seconds=5, first=1),
        Daily("outbox-cleanup", outbox_cleanup, at=lambda schedule: schedule.indicator_snapshot),
    ),
    personal_data=(outbox.PERSONAL_DATA,),
)
