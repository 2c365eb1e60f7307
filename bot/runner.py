"""Running the bot's Application on its own event loop in a thread (tests and demo mode)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from telegram.ext import Application

from bot.polling import poll
from web.server import WebServer

T = TypeVar("T")


class BotThread:
    """Polls in a daemon thread so that the caller's thread stays free to drive a chat."""

    def __init__(self, app: Application, site: WebServer | None = None) -> None:
        self.app = app
        # The web application, served on the same loop as the bot (as `kentbot run` does).
        self.site = site
        self._loop = asyncio.new_event_loop()
        self._started = threading.Event()
        self._failure: BaseException | None = None
        self._stop: asyncio.Event | None = None
        self._poller: asyncio.Task[None] | None = None
        self._thread = threading.Thread(target=self._run, name="kentbot", daemon=True)

    def start(self, timeout: float = 15) -> BotThread:
        self._thread.start()
        if not self._started.wait(timeout):
            raise TimeoutError("the bot did not start in time")
        if self._failure is not None:
            raise RuntimeError("the bot failed to start") from self._failure
        return self

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._main())

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        try:
            await self.app.initialize()
            if self.app.post_init:
                await self.app.post_init(self.app)
            await self.app.start()
            if self.site is not None:
                await self.site.start()
            self._poller = asyncio.create_task(poll(self.app, self._stop, timeout=5))
        except BaseException as exc:  # reported to the starting thread
            self._failure = exc
            self._started.set()
            return
        self._started.set()
        await self._stop.wait()
        self._poller.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._poller
        if self.site is not None:
            await self.site.stop()
        await self.app.stop()
        await self.app.shutdown()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        """Run a coroutine on the bot's loop (e.g. a scheduled job, from a test) and wait."""
        return self.submit(coroutine).result(timeout)

    def submit(self, coroutine: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Start a coroutine on the bot's loop; its future tells when it is done."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    def stop(self, timeout: float = 15) -> None:
        if self._stop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout)
