"""The bot goes on answering while PostgreSQL makes one update or job wait (db.nonblocking,
tested on its own in unit/test_nonblocking.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from common.config import Config
from db.engine import transaction
from db.models import ProcessedUpdate
from db.types import utcnow
from emulator.server import RunningEmulator
from tests.databases import waiting_on_locks
from tests.harness import Kent, running_kent
from tests.journeys import to_the_text_step
from tests.processes import wait_until


@pytest.fixture
def kent_pg(emulator_server: RunningEmulator, pg: Engine, config: Config) -> Iterator[Kent]:
    """Kent Bot against the emulator on PostgreSQL only: SQLite has no row locks to wait on."""
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
        wait_until(lambda: waiting_on_locks(kent.engine) == 1, 5.0, "the job waits on the row")
        ayse.send("/yardim")
        assert "/talep" in ayse.wait_message(contains="Neler yapabilirim?", timeout=5).text
        assert not job.done()
        locker.rollback()
    job.result(timeout=10)
    with transaction(kent.engine) as session:
        assert session.get(ProcessedUpdate, 1) is None


def _step_of(engine: Engine, telegram_id: int) -> str | None:
    with engine.connect() as connection:
        return connection.execute(
            text(
                "SELECT step FROM conversation_state JOIN citizen ON citizen.id = "
                "conversation_state.citizen_id WHERE citizen.telegram_id = :id"
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
                "SELECT 1 FROM conversation_state JOIN citizen "
                "ON citizen.id = conversation_state.citizen_id "
                "WHERE citizen.telegram_id = :id FOR UPDATE OF conversation_state"
            ),
            {"id": ayse.id},
        )
        ayse.send("Sokağımızdaki çöpler üç gündür toplanmadı.")
        # Her next screen goes out first; saving her step (with its id) waits.
        ayse.wait_message(contains="Nerede?")
        wait_until(lambda: waiting_on_locks(kent.engine) == 1, 5.0, "her step waits")
        mehmet.send("/yardim")
        assert "/talep" in mehmet.wait_message(contains="Neler yapabilirim?", timeout=5).text
        assert _step_of(kent.engine, ayse.id) == "text"
        locker.rollback()
    # Nothing of hers was lost: her step is saved once the row is free.
    wait_until(lambda: _step_of(kent.engine, ayse.id) == "location", 5.0, "her step saved")
