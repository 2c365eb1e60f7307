"""How the engine treats PostgreSQL: connections the server closed, and text it refuses (a
citizen's message with it: e2e/test_database_connections_e2e.py)."""

from __future__ import annotations

import multiprocessing
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from db.engine import make_engine, transaction
from tests.databases import PG_URL, postgres_engine


@pytest.fixture
def pg() -> Iterator[Engine]:
    """A PostgreSQL database, not migrated: these tests need no table."""
    yield from postgres_engine()


def test_a_connection_the_server_closed_is_replaced(pg: Engine) -> None:
    with pg.connect() as connection:
        old = connection.execute(text("SELECT pg_backend_pid()")).scalar()
    # Back in the pool: now the server ends it, as a restart or an administrator would.
    admin = make_engine(PG_URL)
    try:
        with admin.connect() as connection:
            # With a timeout, the call returns only once the backend has exited, so its
            # goodbye has been sent to the pooled socket. (Polling pg_stat_activity instead
            # was flaky: a transaction keeps its first snapshot of that view.)
            assert connection.execute(
                text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": old}
            ).scalar(), "the backend did not end"
    finally:
        admin.dispose()
    with transaction(pg) as session:
        new = session.execute(text("SELECT pg_backend_pid()")).scalar()
    assert new is not None and new != old


def test_text_parameters_stay_untyped_for_postgresql_to_cast(pg: Engine) -> None:
    """Dropping NUL must not type every string as text: PostgreSQL casts an untyped
    parameter to what it is compared with (a timestamp, a number)."""
    with transaction(pg) as session:
        assert session.execute(text("SELECT now() > :day"), {"day": "2020-01-01"}).scalar()
        assert session.execute(text("SELECT 1 = :one"), {"one": "1"}).scalar()
        assert session.execute(text("SELECT :word"), {"word": "a\x00b"}).scalar() == "ab"


def _open_each(paths: list[str], barrier: Any, failures: Any) -> None:
    """One process opening each new file at the same moment as the others."""
    for path in paths:
        barrier.wait()
        engine = make_engine(f"sqlite:///{path}")
        try:
            with engine.begin() as connection:
                connection.execute(text("CREATE TABLE IF NOT EXISTS t (x INTEGER)"))
                connection.execute(text("INSERT INTO t VALUES (1)"))
        except Exception as exc:
            failures.put(f"{path}: {exc}")
        finally:
            engine.dispose()


def test_processes_opening_a_fresh_sqlite_file_together(tmp_path: Path) -> None:
    """Two instances start together on a new file, as a leader and a standby do. Switching
    the file to WAL needs it alone, and SQLite answers "database is locked" at once instead
    of waiting its busy timeout (before the fix one start in ~15 failed so); every process
    now waits for its turn, and the file ends in WAL."""
    paths = [str(tmp_path / f"kentbot{n}.sqlite") for n in range(40)]
    fork = multiprocessing.get_context("fork")
    barrier, failures = fork.Barrier(3), fork.Queue()
    workers = [fork.Process(target=_open_each, args=(paths, barrier, failures)) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=100)
    assert [worker.exitcode for worker in workers] == [0, 0, 0]
    seen = []
    while not failures.empty():
        seen.append(failures.get())
    assert seen == []
    for path in paths:
        with sqlite3.connect(path) as connection:
            assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert connection.execute("SELECT count(*) FROM t").fetchone()[0] == 3
