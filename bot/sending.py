"""How the bot talks to Telegram under load and faults: Telegram's rate limits, retries
with backoff for passing errors, and a record of every message that finally failed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import AIORateLimiter

log = logging.getLogger("kentbot.sending")

# Methods that change what people see; getUpdates and friends retry on their own.
RETRIED = ("send", "edit", "answer", "delete", "copy", "forward", "set")


class PatientRateLimiter(AIORateLimiter):
    """AIORateLimiter (30/s overall, 20/min per group, waits out 429s), plus retries of
    5xx and network errors with exponential backoff, which it does not do by itself.

    A message that still fails is logged and handed to `on_failure`, which stores it:
    nothing is dropped silently. Errors that retrying cannot fix (400, 403) are raised
    at once for the caller to handle.
    """

    def __init__(self, on_failure: Callable[[int | None, str, str, int], None] | None = None,
                 network_retries: int = 5, first_delay: float = 0.2, **kwargs: Any) -> None:
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
                return await super().process_request(callback, args, kwargs, endpoint, data,
                                                     rate_limit_args)
            except BadRequest:
                raise
            except (NetworkError, TimedOut, RetryAfter) as exc:
                if not retried or attempt > self._network_retries:
                    self._failed(data, endpoint, exc, attempt, retried)
                    raise
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
        raise AssertionError("unreachable")

    def _failed(self, data: dict[str, Any], endpoint: str, exc: Exception, attempts: int,
                retried: bool) -> None:
        if not retried:
            return
        chat = data.get("chat_id")
        chat_id = int(chat) if isinstance(chat, int | str) and str(chat).lstrip("-").isdigit() \
            else None
        log.error("%s to chat %s failed after %d attempts: %s", endpoint, chat_id, attempts,
                  type(exc).__name__)
        if self._on_failure is not None:
            try:
                self._on_failure(chat_id, endpoint, f"{type(exc).__name__}: {exc}"[:300],
                                 attempts)
            except Exception:  # recording must never hide the original error
                log.exception("could not record the failed delivery")
