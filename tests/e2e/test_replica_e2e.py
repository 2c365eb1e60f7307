"""Heavy reads on a real streaming replica (KENTBOT_READ_DATABASE_URL), and the primary when
the replica lags or is down.

The test starts its own pair: a PostgreSQL primary in a temporary data directory, and a hot
standby made from it with `pg_basebackup -R`, each on its own port on 127.0.0.1. Without
PostgreSQL's server programs it is skipped on a developer's machine and fails in CI."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from bot.app import prepare_database
from common.config import Config
from core import filing
from core.working_time import WorkingCalendar
from db.engine import make_engine, transaction
from db.models import Request
from db.replica import Reads
from tests.replica_pair import Pair, bin_dir, streaming_pair
from web.app import create_app
from web.site import Site


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    programs = bin_dir()
    if programs is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL's server programs (pg_basebackup) must be installed in CI")
        pytest.skip("PostgreSQL's server programs are not installed")
    with streaming_pair(programs) as started:
        yield started


def _file(engine: Engine, config: Config, text_: str) -> None:
    with transaction(engine) as session:
        filing.file_request(
            session,
            WorkingCalendar.from_config(config),
            filing.Filing(
                channel="phone", type="talep", category_code="yol", text=text_, actor="staff"
            ),
        )


def _requests(engine: Engine) -> int:
    with transaction(engine) as session:
        return int(session.execute(select(func.count()).select_from(Request)).scalar_one())


def _until(check: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("the replica did not catch up")
        time.sleep(0.1)


def _on_replica(pair: Pair, statement: str) -> None:
    """A statement that may not run in a transaction (ALTER SYSTEM), on the replica."""
    engine = make_engine(pair.replica_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
            connection.execute(text("SELECT pg_reload_conf()"))
    finally:
        engine.dispose()


def test_a_standby_cut_off_from_its_primary_is_not_read(
    pair: Pair, caplog: pytest.LogCaptureFixture
) -> None:
    """A standby that lost its primary replays all it got and then shows no lag at all:
    its WAL receiver no longer streaming sends heavy reads to the primary, and they come
    back once it streams again. (Runs first: the next test stops the replica.)"""
    primary = make_engine(pair.primary_url)
    replica = make_engine(pair.replica_url, connect_args={"connect_timeout": 2})
    reads = Reads(primary, replica, max_lag=timedelta(hours=1), check_every=3600)
    with replica.connect() as connection:
        conninfo = connection.execute(text("SHOW primary_conninfo")).scalar_one()
    try:
        assert reads.check() and reads.engine() is replica
        _on_replica(pair, "ALTER SYSTEM SET primary_conninfo = ''")  # the link is cut
        with caplog.at_level(logging.INFO, logger="kentbot"):
            _until(lambda: not reads.check())
            assert reads.engine() is primary
        assert "not receiving from the primary" in caplog.text
    finally:
        quoted = conninfo.replace("'", "''")
        _on_replica(pair, f"ALTER SYSTEM SET primary_conninfo = '{quoted}'")
    try:
        _until(reads.check)
        assert reads.engine() is replica
    finally:
        primary.dispose()
        replica.dispose()


def test_heavy_reads_follow_the_replica_and_fall_back_to_the_primary(
    pair: Pair, config: Config, caplog: pytest.LogCaptureFixture
) -> None:
    primary = make_engine(pair.primary_url)
    replica = make_engine(pair.replica_url, connect_args={"connect_timeout": 2})
    # Checked by hand (check()) until the end, where engine() checks by itself.
    reads = Reads(primary, replica, max_lag=timedelta(hours=1), check_every=3600)
    try:
        prepare_database(primary, config)
        _file(primary, config, "Birinci talep")
        _until(lambda: _requests(replica) == 1)
        with caplog.at_level(logging.INFO, logger="kentbot"):
            assert reads.check() and reads.engine() is replica
        assert "heavy reads go to the read replica (in step)" in caplog.text

        # The dashboard reads through the replica and writes its snapshot on the primary:
        # a hot standby refuses writes, so a page that wrote there would fail.
        site = Site(engine=primary, config=config, reads=reads)
        with TestClient(create_app(site)) as browser:
            assert browser.get("/").status_code == 200

        # Replay paused: what the replica shows is behind the primary. Within max_lag the
        # replica still serves (its answer is the older one, which proves where it came from).
        with replica.connect() as connection:
            connection.execute(text("SELECT pg_wal_replay_pause()"))
            connection.commit()
        _file(primary, config, "İkinci talep")
        time.sleep(1.2)
        assert reads.check() and _requests(reads.engine()) == 1
        # Beyond max_lag the primary answers, and the log says why.
        reads.max_lag = timedelta(seconds=1)
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="kentbot"):
            assert not reads.check() and reads.engine() is primary
            assert _requests(reads.engine()) == 2
        assert "the read replica is" in caplog.text and "behind" in caplog.text
        with replica.connect() as connection:
            connection.execute(text("SELECT pg_wal_replay_resume()"))
            connection.commit()
        _until(lambda: _requests(replica) == 2)
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="kentbot"):
            assert reads.check() and reads.engine() is replica
        assert "heavy reads go to the read replica" in caplog.text

        # The replica down: engine() never waits for it (the check runs in a thread of its
        # own), reads go to the primary as soon as the check has failed, said once.
        pair.run("pg_ctl", "-D", str(pair.replica_dir), "-m", "fast", "-w", "stop")
        replica.dispose()
        reads.check_every = 0
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="kentbot"):
            slowest = 0.0
            deadline = time.monotonic() + 10
            while reads.engine() is not primary and time.monotonic() < deadline:
                started = time.monotonic()
                reads.engine()
                slowest = max(slowest, time.monotonic() - started)
                time.sleep(0.05)
            assert reads.engine() is primary
            assert slowest < 0.2, f"engine() waited {slowest:.2f} s for the replica"
            time.sleep(0.5)  # more checks in the background, all failing
        assert caplog.text.count("the read replica is unreachable") == 1
        with TestClient(create_app(site)) as browser:
            assert browser.get("/").status_code == 200
    finally:
        primary.dispose()
        replica.dispose()
