"""A broadcast wake-up for long-polling waiters inside one event loop."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class Signal:
    """Wakes every current waiter on `fire()`; later waiters wait for the next fire."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> bool:
        if timeout <= 0:
            return False
        event = self._event
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def wait_until(self, condition: Callable[[], bool], timeout: float) -> bool:
        """Re-checks `condition` after every fire until it holds or `timeout` passes."""
        deadline = time.monotonic() + timeout
        while not condition():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            await self.wait(remaining)
        return True
