"""An update waiting for PostgreSQL no longer stops the others (db.nonblocking)."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from common.config import Config
from db import nonblocking
from db.engine import autocommit, here, make_engine, one_connection, transaction
from db.models import Citizen, ProcessedUpdate
from db.types import utcnow
from emulator.server import RunningEmulator
from tests.conftest import PG_URL, Kent, running_kent
from tests.test_leadership import wait_until
from tests.test_requests_e2e import to_the_text_step

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


@pytest.fixture
def kent_pg(emulator_server: RunningEmulator, pg: Engine, config: Config) -> Iterator[Kent]:
    with running_kent(emulator_server, pg, config) as harness:
        yield harness


def test_a_job_waiting_on_a_locked_row_does_not_hold_up_citizens(kent_pg: Kent) -> None:
    kent = kent_pg
    with transaction(kent.engine) as session:
        session.add(ProcessedUpdate(update_id=1, processed_at=utcnow() - timedelta(days=10)))
    housekeeping = kent.app.job_queue.get_jobs_by_name("housekeeping")[0]
    ayse = kent.citizen()
    with kent.engine.connect() as locker:
        # Another writer (an administrator's transaction, a migration) holds the old row
        # the job prunes: the job's DELETE waits for PostgreSQL to let go of it.
        locker.execute(text("SELECT 1 FROM processed_update WHERE update_id = 1 FOR UPDATE"))
        job = kent.thread.submit(housekeeping.run(kent.app))
        wait_until(lambda: _waiting_on_locks(kent.engine) == 1, 5.0, "the job waits on the row")
        ayse.send("/yardim")
        assert "/talep" in ayse.wait_message(contains="Neler yapabilirim?", timeout=5).text
        assert not job.done()
        locker.rollback()
    job.result(timeout=10)
    with transaction(kent.engine) as session:
        assert session.get(ProcessedUpdate, 1) is None


def _waiting_on_locks(engine: Engine) -> int:
    # A connection of its own: within a transaction pg_stat_activity is a snapshot.
    with engine.connect() as connection:
        return int(
            connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database()"
                )
            ).scalar_one()
        )


def _step_of(engine: Engine, telegram_id: int) -> str | None:
    with engine.connect() as connection:
        return connection.execute(
            text(
                "SELECT step FROM request_draft JOIN citizen ON citizen.id = "
                "request_draft.citizen_id WHERE citizen.telegram_id = :id"
            ),
            {"id": telegram_id},
        ).scalar()


def test_a_citizen_waiting_on_a_locked_row_does_not_hold_up_another(kent_pg: Kent) -> None:
    """Needs both: the loop free while PostgreSQL makes Ayşe's update wait, and the poller
    fetching past an update still in hand (bot/polling.InHand)."""
    kent = kent_pg
    ayse, mehmet = kent.citizen(), kent.citizen("Mehmet", last_name="Kaya")
    to_the_text_step(ayse)
    with kent.engine.connect() as locker:
        # Another writer holds Ayşe's draft: her next step waits for it.
        locker.execute(
            text(
                "SELECT 1 FROM request_draft JOIN citizen "
                "ON citizen.id = request_draft.citizen_id "
                "WHERE citizen.telegram_id = :id FOR UPDATE OF request_draft"
            ),
            {"id": ayse.id},
        )
        ayse.send("Sokağımızdaki çöpler üç gündür toplanmadı.")
        # Her next screen goes out first; saving her step (with its id) waits.
        ayse.wait_message(contains="Nerede?")
        wait_until(lambda: _waiting_on_locks(kent.engine) == 1, 5.0, "her step waits")
        mehmet.send("/yardim")
        assert "/talep" in mehmet.wait_message(contains="Neler yapabilirim?", timeout=5).text
        assert _step_of(kent.engine, ayse.id) == "text"
        locker.rollback()
    # Nothing of hers was lost: her step is saved once the row is free.
    wait_until(lambda: _step_of(kent.engine, ayse.id) == "location", 5.0, "her step saved")


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
        wait_until(lambda: _waiting_on_locks(pg) == 1, 5.0, "the second insert waits")
        job.commit()
        created = job.exec(select(Citizen)).one().id
    thread.join(10)
    assert result == {"id": created}
