"""Let a coroutine's synchronous database code wait for PostgreSQL without blocking the loop.

The domain code is synchronous (`with transaction(engine) as session: ...`) and runs inside
async handlers. With a blocking driver every round trip to PostgreSQL stops the event loop,
and with it every other update in hand. `run` executes the whole coroutine inside a
greenlet, the mechanism SQLAlchemy's asyncio extension is built on: there, `db.engine`
hands out connections of psycopg's async driver, whose round trips suspend the greenlet
and let the loop run other updates until PostgreSQL answers. The code itself is unchanged.
Outside `run` (the CLI, the tests' own threads, tasks the coroutine starts) the same calls
use the blocking driver, so nothing needs to know which one it got.
"""

from __future__ import annotations

from collections.abc import Coroutine, Generator
from typing import Any, TypeVar

T = TypeVar("T")


def active() -> bool:
    """Whether this code runs under `run` (so a driver may wait without blocking)."""
    # Imported here: a SQLite deployment never needs greenlet.
    from greenlet import getcurrent

    return bool(getattr(getcurrent(), "__sqlalchemy_greenlet_provider__", False))


async def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Await `coroutine`, with its synchronous code in a greenlet of SQLAlchemy's."""
    from sqlalchemy.util import greenlet_spawn

    return await greenlet_spawn(_drive, coroutine)


class _Pass:
    """Hands what the coroutine yields (a future) to the task, and the task's reply back."""

    __slots__ = ("item",)

    def __init__(self, item: Any) -> None:
        self.item = item

    def __await__(self) -> Generator[Any, Any, Any]:
        return (yield self.item)


def _drive(coroutine: Coroutine[Any, Any, T]) -> T:
    """Step the coroutine from inside the greenlet; each of its suspensions goes to the
    task through SQLAlchemy's `await_`, as a driver's round trip does."""
    from sqlalchemy.util import await_

    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            yielded = coroutine.send(value) if error is None else coroutine.throw(error)
        except StopIteration as done:
            return done.value
        try:
            value, error = await_(_Pass(yielded)), None
        except BaseException as exc:  # a cancellation, thrown into the coroutine
            value, error = None, exc
