"""The databases tests run on, and what tests see of them and do to them: a SQLite file, a
PostgreSQL schema of a test's own, the statements a block sends, the sessions waiting on a
lock, and a session cut as a DBA or a network fault would."""

from __future__ import annotations

import os
import uuid
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from bot.leadership import lock_key
from db.engine import make_engine

PG_URL = os.environ.get("KENTBOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _postgres_available() -> str | None:
    try:
        engine = make_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


# Why PostgreSQL cannot be used, or None: asked once per test run.
POSTGRES_PROBLEM = _postgres_available()


def require_postgres() -> None:
    """Skips the test when PostgreSQL is not reachable; in CI, fails it instead."""
    if POSTGRES_PROBLEM:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL must be reachable in CI at {PG_URL}: {POSTGRES_PROBLEM}")
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {POSTGRES_PROBLEM}")


def sqlite_engine(folder: Path) -> Engine:
    return make_engine(f"sqlite:///{folder / 'kentbot.sqlite'}")


def sqlite_engines(folder: Path) -> Generator[Engine]:
    """A SQLite file's engine, as postgres_engine gives a schema's: disposed afterwards."""
    engine = sqlite_engine(folder)
    try:
        yield engine
    finally:
        engine.dispose()


def postgres_engine() -> Generator[Engine]:
    """A fresh schema per test, dropped afterwards, so tests never see each other's rows."""
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    # Named for its schema, so that what a test counts of pg_stat_activity is its own.
    engine = make_engine(
        PG_URL, connect_args={"options": f"-csearch_path={schema}", "application_name": schema}
    )
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def postgres_url() -> Iterator[str]:
    """The URL of a schema of its own in the test database, for processes that connect
    themselves (so their migrations do not meet other tests' tables); dropped afterwards."""
    require_postgres()
    schema = f"lead_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def statements(db: Engine) -> Iterator[list[str]]:
    """The SQL statements the database receives inside the block (their first word)."""
    seen: list[str] = []

    def record(_conn: object, _cursor: object, sql: str, *_rest: object) -> None:
        seen.append(sql.split()[0].upper())

    event.listen(db, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db, "before_cursor_execute", record)


def waiting_on_locks(engine: Engine) -> int:
    """How many sessions of this engine wait for a lock: those with its application name
    (the test's schema), so that another suite sharing the database cannot count."""
    # A connection of its own: within a transaction pg_stat_activity is a snapshot.
    with engine.connect() as connection:
        return int(
            connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database() "
                    "AND application_name = current_setting('application_name')"
                )
            ).scalar_one()
        )


def terminate_lock_holder(key: str) -> int:
    """Cut the PostgreSQL session that holds `key`'s advisory lock, as a DBA or a network
    fault would. A bigint key shows in pg_locks as classid (high half) and objid (low)."""
    value = lock_key(key) & 0xFFFFFFFFFFFFFFFF
    admin = make_engine(PG_URL)
    try:
        with admin.begin() as connection:
            return len(
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_locks"
                        " WHERE locktype = 'advisory' AND granted"
                        " AND classid = :high AND objid = :low AND objsubid = 1"
                    ),
                    {"high": value >> 32, "low": value & 0xFFFFFFFF},
                ).all()
            )
    finally:
        admin.dispose()
