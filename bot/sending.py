"""How the bot talks to Telegram under load and faults: Telegram's rate limits, with
replies to people ahead of bulk sends, retries with backoff for passing errors, and a
record of every message that finally failed.

Two classes of sends share Telegram's overall cap:

- **interactive** (the default): anything sent while handling an update, and jobs that
  are not marked otherwise. These always get the next token.
- **bulk**: announcements, event notices, reminders and digests, sent inside
  `with bulk():`. A bulk send takes a token only when no interactive send is waiting, and
  a 429 on a bulk send pauses the bulk class alone.

The class travels in a context variable, so tasks created inside `with bulk():` (or
inside a task started there) inherit it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Coroutine, Iterator
from contextvars import ContextVar
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

log = logging.getLogger("kentbot.sending")

# Methods that change what people see; getUpdates and friends retry on their own.
RETRIED = ("send", "edit", "answer", "delete", "copy", "forward", "set")

# A little under Telegram's 30 messages/s: our clock and Telegram's differ, and requests
# leave this process in small clumps (event-loop lag, the HTTP pool) and arrive with
# jitter, so sending at exactly 30/s would now and then draw a 429. A 429 on the bulk
# class costs its whole retry_after (at least 1 s, ~30 messages), far more than the
# 1/60 of the cap given up here.
OVERALL_PER_SECOND = 29.5
# Tokens that may pile up while nothing is sent. A few absorb the event loop's timer
# lag on a busy machine; Telegram's own burst allowance is much larger.
OVERALL_BURST = 5.0

_bulk: ContextVar[bool] = ContextVar("kentbot_bulk_send", default=False)
_gate: ContextVar[Callable[[], None] | None] = ContextVar("kentbot_send_gate", default=None)


@contextlib.contextmanager
def bulk() -> Iterator[None]:
    """Mark every Bot API call made inside (and in tasks started inside) as bulk."""
    token = _bulk.set(True)
    try:
        yield
    finally:
        _bulk.reset(token)


def is_bulk() -> bool:
    return _bulk.get()


@contextlib.contextmanager
def gated(gate: Callable[[], None]) -> Iterator[None]:
    """Call `gate` right before each HTTP request of the Bot API calls made inside, after
    the rate limiter's wait and before every retry; an exception it raises stops the call
    unsent. The outbox records there, epoch-checked, that a message is about to leave
    (core.outbox.start), so that a deposed leader sends nothing more and a message that
    may have left is never sent again by another. Without a rate limiter nothing calls
    it: the caller does (`pass_gate`)."""
    token = _gate.set(gate)
    try:
        yield
    finally:
        _gate.reset(token)


def pass_gate() -> None:
    gate = _gate.get()
    if gate is not None:
        gate()


def retry_seconds(exc: RetryAfter) -> float:
    # `retry_after` is an int or a timedelta depending on PTB_TIMEDELTA, and warns as an
    # int; the timedelta behind it is what AIORateLimiter reads too.
    wait: Any = getattr(exc, "_retry_after", None)
    if wait is None:
        wait = exc.retry_after
    return float(wait.total_seconds() if hasattr(wait, "total_seconds") else wait)


class PriorityBucket:
    """One token bucket, two waiting lines. Tokens go to the interactive line first; the
    bulk line gets one only when no interactive request waits and it is not paused.
    Each line is served first come, first served. Nothing is dropped: a waiter leaves
    only with a token or when its task is cancelled."""

    def __init__(self, rate: float, burst: float = OVERALL_BURST) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate = rate
        self.burst = burst
        self._tokens = burst
        self._stamp: float | None = None
        self._interactive: deque[asyncio.Future[None]] = deque()
        self._bulk: deque[asyncio.Future[None]] = deque()
        self._bulk_paused_until = 0.0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = 0.0

    # -- public ---------------------------------------------------------------------------

    async def acquire(self, bulk: bool) -> None:
        loop = self._bind()
        now = loop.time()
        self._refill(now)
        if (
            self._tokens >= 1
            and not self._waiting(self._interactive)
            and (not bulk or (now >= self._bulk_paused_until and not self._waiting(self._bulk)))
        ):
            self._tokens -= 1
            return
        waiter: asyncio.Future[None] = loop.create_future()
        (self._bulk if bulk else self._interactive).append(waiter)
        self._schedule(now)
        await waiter

    def pause_bulk(self, seconds: float) -> None:
        """No bulk request gets a token for `seconds` (a longer pause already set wins)."""
        loop = self._bind()
        now = loop.time()
        self._bulk_paused_until = max(self._bulk_paused_until, now + seconds)
        self._schedule(now)

    def waiting(self) -> tuple[int, int]:
        """(interactive, bulk) requests waiting for a token."""
        return (sum(not w.done() for w in self._interactive), sum(not w.done() for w in self._bulk))

    # -- inside ---------------------------------------------------------------------------

    def _bind(self) -> asyncio.AbstractEventLoop:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new event loop (tests, restarts): start afresh
            if self._timer is not None:
                self._timer.cancel()
            self._loop, self._timer, self._stamp = loop, None, None
            self._tokens, self._bulk_paused_until = self.burst, 0.0
            self._interactive.clear()
            self._bulk.clear()
        return loop

    def _refill(self, now: float) -> None:
        if self._stamp is not None:
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    @staticmethod
    def _waiting(line: deque[asyncio.Future[None]]) -> bool:
        while line and line[0].done():  # cancelled while waiting
            line.popleft()
        return bool(line)

    def _next(self, now: float) -> asyncio.Future[None] | None:
        if self._waiting(self._interactive):
            return self._interactive.popleft()
        if now >= self._bulk_paused_until and self._waiting(self._bulk):
            return self._bulk.popleft()
        return None

    def _dispatch(self) -> None:
        self._timer = None
        assert self._loop is not None
        now = self._loop.time()
        self._refill(now)
        while self._tokens >= 1:
            waiter = self._next(now)
            if waiter is None:
                break
            self._tokens -= 1
            waiter.set_result(None)
        self._schedule(now)

    def _schedule(self, now: float) -> None:
        """Make sure _dispatch runs when the first waiter can be served."""
        token_at = now + max(0.0, 1 - self._tokens) / self.rate
        if self._waiting(self._interactive):
            at = token_at
        elif self._waiting(self._bulk):
            at = max(token_at, self._bulk_paused_until)
        else:
            return
        if self._timer is not None:
            if self._timer_at <= at:
                return  # an earlier dispatch will look again
            self._timer.cancel()
        assert self._loop is not None
        self._timer, self._timer_at = self._loop.call_at(at, self._dispatch), at


class PriorityRateLimiter(BaseRateLimiter[int]):
    """Telegram's limits with priorities: one overall token bucket (`overall_max_rate`
    per `overall_time_period`, for every request aimed at a chat), and for groups and
    channels also `group_max_rate` per `group_time_period` each, as AIORateLimiter does.

    A 429 is retried up to `max_retries` times (or `rate_limit_args` for one call). On a
    bulk send it pauses the bulk class for `retry_after` (+0.1 s); interactive sends go
    on. On an interactive send only that request waits out its `retry_after`.
    """

    def __init__(
        self,
        overall_max_rate: float = OVERALL_PER_SECOND,
        overall_time_period: float = 1,
        group_max_rate: float = 20,
        group_time_period: float = 60,
        max_retries: int = 0,
        burst: float = OVERALL_BURST,
    ) -> None:
        self._bucket = (
            PriorityBucket(overall_max_rate / overall_time_period, burst)
            if overall_max_rate and overall_time_period
            else None
        )
        self._group_max_rate = group_max_rate if group_time_period else 0
        self._group_time_period = group_time_period
        self._group_limiters: dict[str | int, AsyncLimiter] = {}
        self._max_retries = max_retries

    async def initialize(self) -> None:
        """Nothing to set up: the bucket binds to the running loop on first use."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    @property
    def bucket(self) -> PriorityBucket | None:
        return self._bucket

    def _group_limiter(self, group: str | int) -> AsyncLimiter:
        if len(self._group_limiters) > 512:  # forget groups that are idle again
            for key, limiter in list(self._group_limiters.items()):
                if key != group and limiter.has_capacity(limiter.max_rate):
                    del self._group_limiters[key]
        if group not in self._group_limiters:
            self._group_limiters[group] = AsyncLimiter(
                self._group_max_rate, self._group_time_period
            )
        return self._group_limiters[group]

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        max_retries = rate_limit_args if rate_limit_args is not None else self._max_retries
        chat_id = data.get("chat_id")
        with contextlib.suppress(ValueError, TypeError):
            chat_id = int(chat_id)  # type: ignore[arg-type]
        group = (
            chat_id
            if (isinstance(chat_id, int) and chat_id < 0) or isinstance(chat_id, str)
            else None
        )
        bulk_send = is_bulk()
        for attempt in range(max_retries + 1):
            if group is not None and self._group_max_rate:
                await self._group_limiter(group).acquire()
            if chat_id is not None and self._bucket is not None:
                await self._bucket.acquire(bulk_send)
            pass_gate()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt == max_retries:
                    log.warning("%s: rate limited after %d retries", endpoint, max_retries)
                    raise
                wait = retry_seconds(exc) + 0.1
                log.info(
                    "%s (%s) rate limited; retrying in %.1f s",
                    endpoint,
                    "bulk" if bulk_send else "interactive",
                    wait,
                )
                if bulk_send and self._bucket is not None:
                    self._bucket.pause_bulk(wait)  # the retry then waits for the bulk line
                else:
                    await asyncio.sleep(wait)
        raise AssertionError("unreachable")


class PatientRateLimiter(PriorityRateLimiter):
    """PriorityRateLimiter (29.5/s overall with replies first, 20/min per group, waits
    out 429s), plus retries of 5xx and network errors with exponential backoff.

    A message that still fails is logged and handed to `on_failure`, which stores it:
    nothing is dropped silently. Errors that retrying cannot fix (400, 403) are raised
    at once for the caller to handle.
    """

    def __init__(
        self,
        on_failure: Callable[[int | None, str, str, int], None] | None = None,
        network_retries: int = 5,
        first_delay: float = 0.2,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("max_retries", 5)
        super().__init__(**kwargs)
        self._on_failure = on_failure
        self._network_retries = network_retries
        self._first_delay = first_delay

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        retried = endpoint.lower().startswith(RETRIED)
        delay = self._first_delay
        for attempt in range(1, self._network_retries + 2):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except BadRequest:
                raise
            except RetryAfter as exc:  # the 429 retries above are spent
                self._failed(data, endpoint, exc, attempt, retried)
                raise
            except (NetworkError, TimedOut) as exc:
                if not retried or attempt > self._network_retries:
                    self._failed(data, endpoint, exc, attempt, retried)
                    raise
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
        raise AssertionError("unreachable")

    def _failed(
        self, data: dict[str, Any], endpoint: str, exc: Exception, attempts: int, retried: bool
    ) -> None:
        if not retried:
            return
        chat = data.get("chat_id")
        chat_id = (
            int(chat) if isinstance(chat, int | str) and str(chat).lstrip("-").isdigit() else None
        )
        log.error(
            "%s to chat %s failed after %d attempts: %s",
            endpoint,
            chat_id,
            attempts,
            type(exc).__name__,
        )
        if self._on_failure is not None:
            try:
                self._on_failure(chat_id, endpoint, f"{type(exc).__name__}: {exc}"[:300], attempts)
            except Exception:  # recording must never hide the original error
                log.exception("could not record the failed delivery")
