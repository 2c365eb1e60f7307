"""Creating the database engine and sessions for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlmodel import Session, create_engine


def normalise_url(url: str) -> str:
    """Accept the usual postgres:// spellings and use the psycopg 3 driver for them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the scheduler read while a handler writes; foreign keys are off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# The connection an update's handlers share (see `one_connection`).
_shared: ContextVar[Connection | None] = ContextVar("kentbot_shared_connection", default=None)


@contextmanager
def one_connection(engine: Engine) -> Iterator[None]:
    """Let every `transaction` in this block (and this task) use one pooled connection.

    A handler opens several short transactions around its Telegram calls. Each took a
    connection from the pool, which on PostgreSQL costs a liveness ping on the way out
    and a rollback on the way back: two extra round trips per transaction. Held for one
    update, the connection is pinged once. Each transaction still commits on its own."""
    with engine.connect() as connection:
        token = _shared.set(connection)
        try:
            yield
        finally:
            _shared.reset(token)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    shared = _shared.get()
    # Nested, or a task that outlived its update: take a connection of its own.
    usable = (shared is not None and shared.engine is engine and not shared.closed
              and not shared.in_transaction())
    with Session(shared if usable else engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
