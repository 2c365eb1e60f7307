"""Creating the database engine and sessions for SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DisconnectionError
from sqlmodel import Session, create_engine

from db import nonblocking, reference
from db.models import Citizen, ConversationState

T = TypeVar("T")


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
    # A failed statement's error (logged with its traceback) would carry the citizen's
    # texts, names and phone numbers it was writing: the logs get the SQL without them.
    kwargs.setdefault("hide_parameters", True)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # TCP keepalives find a connection that a firewall or load balancer dropped while it
    # was idle (they stay silent, so the checkout's look at the socket cannot see it).
    kwargs["connect_args"] = {**KEEPALIVES, **kwargs.get("connect_args", {})}
    # Each update in hand holds a connection (bot.polling.CONCURRENT_UPDATES), and the
    # pool closes a connection returned beyond pool_size: enough stay open for them all.
    kwargs.setdefault("pool_size", 12)
    engine = create_engine(url, **kwargs)
    _listen_postgres(engine)
    _twin_recipes[engine] = (url, kwargs)
    return engine


def _listen_postgres(engine: Engine) -> None:
    event.listen(engine, "connect", _drop_nul_characters)
    event.listen(engine, "checkout", _replace_if_closed_by_server)
    event.listen(engine, "engine_disposed", _dispose_twin)


# A PostgreSQL engine's twin on psycopg's async driver, for code under db.nonblocking.run.
# It has a pool of its own; made on first use, so processes that never need it (the CLI, a
# SQLite deployment) do not load the asyncio machinery.
_twin_recipes: WeakKeyDictionary[Engine, tuple[str, dict[str, Any]]] = WeakKeyDictionary()
_twins: WeakKeyDictionary[Engine, Engine] = WeakKeyDictionary()


async def without_blocking(engine: Engine, coroutine: Coroutine[Any, Any, T]) -> T:
    """Await `coroutine`; on PostgreSQL, under db.nonblocking.run so that its waits for the
    server let the event loop go on. SQLite answers in-process: nothing to gain there."""
    if engine in _twin_recipes:
        return await nonblocking.run(coroutine)
    return await coroutine


def here(engine: Engine) -> Engine:
    """The engine to use from this code: the non-blocking twin under db.nonblocking.run."""
    if engine not in _twin_recipes or not nonblocking.active():
        return engine
    twin = _twins.get(engine)
    if twin is None:
        from sqlalchemy.ext.asyncio import create_async_engine

        url, kwargs = _twin_recipes[engine]
        twin = _twins[engine] = create_async_engine(url, **kwargs).sync_engine
        _listen_postgres(twin)
        reference.same_database(twin, engine)
    return twin


def _dispose_twin(engine: Engine) -> None:
    """Disposing of an engine closes its twin's pooled connections too."""
    twin = _twins.pop(engine, None)
    if twin is None:
        return
    # The async driver's close is a coroutine, awaited through a greenlet; closing a
    # psycopg connection never waits, so one step runs it to its end, from any thread.
    from sqlalchemy.util import greenlet_spawn

    steps = greenlet_spawn(twin.dispose)
    try:
        steps.send(None)
    except StopIteration:
        return
    steps.close()
    raise RuntimeError("closing the async driver's connections had to wait")


KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 60,
    "keepalives_interval": 10,
    "keepalives_count": 3,
}


def _drop_nul_characters(dbapi_connection: Any, _record: Any) -> None:
    """PostgreSQL refuses NUL in text, so a message carrying one ("/takip \\x00") would fail
    its handler; SQLite stores it. Nobody types one on purpose: the driver drops them from
    every text it sends, whatever handler it comes from."""
    adapters = getattr(dbapi_connection, "driver_connection", dbapi_connection).adapters
    for dumper in _nul_free_dumpers():
        adapters.register_dumper(str, dumper)


@cache
def _nul_free_dumpers() -> tuple[type, ...]:
    # Imported here: a SQLite deployment need not load psycopg at start-up.
    from psycopg.types.string import StrBinaryDumper, StrDumperUnknown

    class Text(StrDumperUnknown):
        def dump(self, obj: str) -> Any:
            return super().dump(obj.replace("\x00", ""))

    class Binary(StrBinaryDumper):
        def dump(self, obj: str) -> Any:
            return super().dump(obj.replace("\x00", ""))

    # Per type, the dumper registered last serves plain %s parameters: Text, which leaves
    # the string untyped for PostgreSQL to cast (to a date, a number), as psycopg does.
    return Binary, Text


def _replace_if_closed_by_server(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """A pooled connection the server closed (a restart, an administrator, an idle
    timeout) is replaced before anyone uses it.

    An idle PostgreSQL connection receives nothing unasked except the server's goodbye,
    so a socket with something to read is one to drop. This looks at the socket, where
    SQLAlchemy's `pool_pre_ping` sends a query: one round trip per checkout, which is one
    per update. The pool retries the checkout with a new connection."""
    from select import POLLIN, poll  # not on Windows, where only SQLite is supported

    try:
        socket = getattr(dbapi_connection, "driver_connection", dbapi_connection).fileno()
    except Exception as exc:  # psycopg already knows the connection is lost
        raise DisconnectionError(str(exc)) from exc
    waiting = poll()
    waiting.register(socket, POLLIN)
    if waiting.poll(0):
        raise DisconnectionError("the server closed this connection")


WAL_WAIT = 30.0  # seconds a new connection waits to switch a fresh file to WAL


def _wal(cursor: Any, wait: float = WAL_WAIT) -> None:
    """Switch the file to WAL, which stays set in the file once done.

    The switch needs the file to itself, and SQLite answers "database is locked" at once
    rather than through its busy timeout: two processes opening a fresh file together (a
    leader that migrates beside a standby that beats its heart) met that error at start.
    Asking first costs nothing on a file that is already WAL; otherwise retry briefly."""
    deadline = time.monotonic() + wait
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                return
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the scheduler read while a handler writes; foreign keys are off by default.
    cursor = dbapi_connection.cursor()
    _wal(cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@dataclass
class _Update:
    """What the transactions of one update share (see `one_connection`)."""

    connection: Connection
    session: UpdateSession
    owner: asyncio.Task[Any] | None  # the update's task; None outside an event loop
    busy: bool = False  # a transaction of this update is open on them


_shared: ContextVar[_Update | None] = ContextVar("kentbot_shared_connection", default=None)

# Rows nearly every transaction of a citizen's update reads: the citizen and their draft.
KEPT_BETWEEN_TRANSACTIONS: tuple[type, ...] = (Citizen, ConversationState)


class UpdateSession(Session):
    """The session of one update's transactions: it holds on to the rows it keeps.

    A session's identity map refers to its rows weakly, so a row nobody else refers to
    would be gone by the next transaction (SQLAlchemy's "session referencing behavior";
    `kept` is its strong-reference recipe, for the kept types only)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kept: dict[int, object] = {}
        # The kept citizens by Telegram id (a broadcast's update may load hundreds).
        self.citizens: dict[int, Citizen] = {}
        # What a read of this update found missing, so that asking again costs no query:
        # Telegram ids with no citizen (a first message's sender), ids of citizens with no
        # draft (most updates outside a flow). Forgotten when such a row is added, and on
        # a rollback.
        self.strangers: set[int] = set()
        self.draftless: set[int] = set()

    def kept_citizen(self, telegram_id: int) -> Citizen | None:
        """The kept citizen with this Telegram id, if it is still theirs and in the session."""
        row = self.citizens.get(telegram_id)
        return row if row is not None and row.telegram_id == telegram_id and row in self else None

    def get(self, entity: Any, ident: Any, **kwargs: Any) -> Any:
        if entity is ConversationState and ident in self.draftless and not kwargs:
            return None
        return super().get(entity, ident, **kwargs)

    def forget_kept(self) -> None:
        """After a rollback: nothing loaded is to be trusted."""
        self.expunge_all()
        for collection in (self.kept, self.citizens, self.strangers, self.draftless):
            collection.clear()


@event.listens_for(UpdateSession, "transient_to_pending")
def _no_longer_missing(session: Session, row: object) -> None:
    if isinstance(session, UpdateSession):
        if isinstance(row, ConversationState):
            session.draftless.discard(row.citizen_id)
        elif isinstance(row, Citizen) and row.telegram_id is not None:
            session.strangers.discard(row.telegram_id)


@event.listens_for(UpdateSession, "loaded_as_persistent")
@event.listens_for(UpdateSession, "pending_to_persistent")
def _hold(session: Session, row: object) -> None:
    if isinstance(session, UpdateSession) and isinstance(row, KEPT_BETWEEN_TRANSACTIONS):
        session.kept[id(row)] = row
        if isinstance(row, Citizen) and row.telegram_id is not None:
            session.citizens[row.telegram_id] = row


@contextmanager
def one_connection(engine: Engine) -> Iterator[None]:
    """Let every `transaction` in this block (and this task) use one pooled connection and
    one session.

    A handler opens several short transactions around its Telegram calls. Each took a
    connection from the pool, with a liveness check on the way out and a reset on the
    way back. Held for one update, the connection is checked out once. Each transaction
    still commits on its own.

    The session keeps the rows of `KEPT_BETWEEN_TRANSACTIONS` loaded from one
    transaction to the next, so the update reads the citizen and their draft once
    instead of in every transaction. The update's own changes keep them current. A
    change another update or a job makes while this update is in hand (its Telegram
    calls included) is seen by the next update; a write over a row deleted meanwhile
    fails (StaleDataError) and is answered with the usual apology. Every other row is
    let go at each commit, as a closed session would. Tasks the update starts get
    connections of their own (`_usable`)."""
    with (
        here(engine).connect() as connection,
        UpdateSession(connection, expire_on_commit=False) as session,
    ):
        token = _shared.set(_Update(connection, session, _current_task()))
        try:
            yield
        finally:
            _shared.reset(token)


def _usable(engine: Engine) -> _Update | None:
    """The update's shared connection, unless this transaction cannot share it: it is
    nested in another, or runs in a task the update started (a card post, say), which
    inherits the update's context variables.

    Such a task runs interleaved with its update, and on PostgreSQL that includes the
    moments either waits for the server (db.nonblocking): sharing the connection, one
    could find it in the other's transaction, or closed under it when the update ends."""
    shared = _shared.get()
    if (
        shared is None
        or shared.busy
        or shared.owner is not _current_task()
        or shared.connection.engine is not here(engine)
        or shared.connection.closed
        or shared.connection.in_transaction()
    ):
        return None
    return shared


def _current_task() -> asyncio.Task[Any] | None:
    try:
        return asyncio.current_task()
    except RuntimeError:  # no event loop: a script, a test, the CLI
        return None


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error.

    In an update's shared connection, a unit of work whose only statement is the UPDATE
    of one row at commit (a filing step saving its draft: the citizen and the draft were
    read before) sends it alone, without BEGIN and COMMIT: one statement is atomic by
    itself, and on PostgreSQL that is one round trip instead of three."""
    shared = _usable(engine)
    if shared is None:
        with Session(here(engine), expire_on_commit=False) as session:
            yield from _committed(session)
        return
    session = shared.session
    shared.busy = True
    try:
        yield from _committed(session, shared.connection)
        for row in list(session.identity_map.values()):
            if not isinstance(row, KEPT_BETWEEN_TRANSACTIONS):
                session.expunge(row)
    except BaseException:
        session.forget_kept()  # rolled back
        raise
    finally:
        shared.busy = False


def _committed(session: Session, shared: Connection | None = None) -> Iterator[Session]:
    try:
        yield session
        if shared is not None and _one_update_left(session, shared):
            with _autocommitting(shared):
                session.commit()
        else:
            session.commit()
    except BaseException:
        session.rollback()
        raise


def untouched(session: Session) -> bool:
    """Nothing of this update's unit of work has gone to the database yet: waiting inside
    it (for Telegram, say) holds no lock and no transaction open."""
    shared = _shared.get()
    return (
        shared is not None and shared.session is session and not shared.connection.in_transaction()
    )


def _one_update_left(session: Session, connection: Connection) -> bool:
    """Nothing was sent in this transaction yet, and committing it sends one UPDATE (or
    nothing): no new or deleted rows, at most one changed (every table maps one class)."""
    if (
        connection.in_transaction()
        or session.new
        or session.deleted
        or connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT"
    ):
        return False
    return sum(1 for row in session.dirty if session.is_modified(row)) <= 1


@contextmanager
def _autocommitting(connection: Connection) -> Iterator[None]:
    connection.execution_options(isolation_level="AUTOCOMMIT")
    try:
        yield
    finally:
        connection.execution_options(isolation_level=connection.dialect.default_isolation_level)


@contextmanager
def autocommit(engine: Engine) -> Iterator[Session]:
    """Each statement commits on its own: for reads, and for writes that need no other.

    On PostgreSQL a transaction costs a BEGIN and a COMMIT round trip besides its
    statements, which more than doubles the cost of a lone read or insert."""
    shared = _usable(engine)
    if shared is None:
        with here(engine).connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT")
            with Session(connection, expire_on_commit=False) as session:
                yield from _committed(session)
        return
    with _autocommitting(shared.connection), transaction(engine) as session:
        yield session
