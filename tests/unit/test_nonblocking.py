"""An update waiting for PostgreSQL no longer stops the others (db.nonblocking). The bot
through the emulator while a row is locked: e2e/test_nonblocking_e2e.py."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from db import nonblocking
from db.engine import autocommit, here, make_engine, one_connection, transaction
from db.models import Citizen
from tests.databases import PG_URL, waiting_on_locks
from tests.processes import wait_until

SLOW = "SELECT pg_sleep(0.5)"


async def _ticks_while(work: asyncio.Future[object] | asyncio.Task[object]) -> int:
    """How often the loop ran a 10 ms timer while `work` was in hand."""
    ticks = 0
    while not work.done():
        await asyncio.sleep(0.01)
        ticks += 1
    await work
    return ticks


async def _slow_transaction(db: Engine) -> None:
    with transaction(db) as session:
        session.execute(text(SLOW))


def test_an_update_waiting_for_postgresql_lets_the_loop_run(pg: Engine) -> None:
    async def main() -> tuple[int, int]:
        blocking = await _ticks_while(asyncio.ensure_future(_slow_transaction(pg)))
        waiting = await _ticks_while(asyncio.ensure_future(nonblocking.run(_slow_transaction(pg))))
        return blocking, waiting

    blocking, waiting = asyncio.run(main())
    # The blocking driver holds the loop for the whole half second; the async one lets a
    # 10 ms timer fire throughout it (dozens of times; 10 leaves room for a busy machine).
    assert blocking <= 2
    assert waiting >= 10


def test_only_code_under_run_gets_the_twin_and_tasks_it_starts_still_work(pg: Engine) -> None:
    marker: contextvars.ContextVar[str] = contextvars.ContextVar("marker", default="")

    async def update() -> tuple[bool, bool, str, list[str]]:
        marker.set("seen inside")
        inside = here(pg) is not pg

        async def background() -> bool:
            # A task outlives the greenlet's step: it must get the blocking engine, and
            # the update's shared connection (async) must not be handed to it.
            with transaction(pg) as session:
                session.add(Citizen(telegram_id=2, first_name="Arka"))
            return here(pg) is pg

        with one_connection(pg):
            with transaction(pg) as session:
                session.add(Citizen(telegram_id=1, first_name="Ön"))
            task_used_blocking = await asyncio.create_task(background())
            with autocommit(pg) as session:
                names = sorted(c.first_name or "" for c in session.exec(select(Citizen)))
        return inside, task_used_blocking, marker.get(), names

    assert here(pg) is pg
    inside, task_used_blocking, seen, names = asyncio.run(nonblocking.run(update()))
    assert inside and task_used_blocking
    assert seen == "seen inside"
    assert names == ["Arka", "Ön"]


def test_a_cancelled_update_rolls_back_and_leaves_the_pool_usable(pg: Engine) -> None:
    async def update() -> None:
        with one_connection(pg), transaction(pg) as session:
            session.add(Citizen(telegram_id=3, first_name="Yarım"))
            session.flush()
            session.execute(text("SELECT pg_sleep(5)"))

    async def main() -> list[str]:
        task = asyncio.ensure_future(nonblocking.run(update()))
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

        async def after() -> list[str]:
            with transaction(pg) as session:
                session.add(Citizen(telegram_id=4, first_name="Sonra"))
            with transaction(pg) as session:
                return [c.first_name or "" for c in session.exec(select(Citizen))]

        return await nonblocking.run(after())

    assert asyncio.run(main()) == ["Sonra"]


def test_errors_reach_the_caller_and_sqlite_keeps_its_engine(db: Engine) -> None:
    async def failing() -> None:
        with transaction(db) as session:
            session.add(Citizen(telegram_id=5, first_name="Hata"))
            session.flush()
            raise LookupError("handler failed")

    async def main() -> bool:
        with pytest.raises(LookupError, match="handler failed"):
            await nonblocking.run(failing())
        return await nonblocking.run(_is_here(db))

    same = asyncio.run(main())
    assert same == (db.dialect.name == "sqlite")
    with transaction(db) as session:
        assert session.exec(select(Citizen)).all() == []


async def _is_here(db: Engine) -> bool:
    return here(db) is db


def test_disposing_the_engine_closes_the_twins_connections(pg: Engine) -> None:
    name = f"kentbot-twin-{uuid.uuid4().hex[:8]}"
    engine = make_engine(PG_URL, connect_args={"application_name": name})

    async def use() -> None:
        with transaction(engine) as session:
            session.execute(text("SELECT 1"))

    def connections() -> int:
        with pg.connect() as connection:
            return int(
                connection.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name"),
                    {"name": name},
                ).scalar_one()
            )

    asyncio.run(nonblocking.run(use()))
    assert connections() == 1  # the twin's, back in its pool
    engine.dispose()
    assert connections() == 0


def test_a_citizen_another_transaction_creates_meanwhile_is_taken_not_refused(pg: Engine) -> None:
    """Transactions now interleave at every round trip, so a job and a person's first
    message can both find no citizen and both insert one: the second takes the first's."""
    from core import citizens

    result: dict[str, object] = {}

    def first_message() -> None:
        try:
            with transaction(pg) as session:
                result["id"] = citizens.get_or_create(session, 77, "tr").id
        except Exception as exc:  # reported below
            result["error"] = exc

    with Session(pg) as job:
        job.add(Citizen(telegram_id=77, first_name="Önce"))
        job.flush()  # inserted, not yet committed: the other insert waits for its key
        thread = threading.Thread(target=first_message)
        thread.start()
        wait_until(lambda: waiting_on_locks(pg) == 1, 5.0, "the second insert waits")
        job.commit()
        created = job.exec(select(Citizen)).one().id
    thread.join(10)
    assert result == {"id": created}
