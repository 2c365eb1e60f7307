"""One active instance: only the process that holds leadership polls Telegram and runs jobs.

Two `kentbot run` processes may point at the same database (a second host, or a restart
overlapping the old process). Both compete for a lock; the loser logs "standing by" and
retries every few seconds, and never calls getUpdates or runs a job, because the Application
is not even built before the lock is ours. `kentbot run` also migrates the database only
once it leads: two fresh instances would otherwise race on CREATE TABLE, and a standby of a
newer version would change the schema and reference data under the running leader.

How the lock is held, by database:

* PostgreSQL: a session advisory lock, `pg_try_advisory_lock(key)`, on a dedicated
  connection detached from SQLAlchemy's pool. A pooled connection would be handed to other
  work, reset or recycled, silently dropping the lock. When the leader dies its connection
  closes and the server drops the lock at once, so a standby takes over on its next try (a
  few seconds). The key is derived from $KENTBOT_LEADER_KEY (default "kentbot"); advisory
  locks are per database, so two deployments sharing one database (in different schemas)
  must use different keys.
* SQLite: there is no advisory lock, and a lease row (holder, expires_at) would need a new
  table, i.e. a migration. An OS file lock (`flock`) on a file next to the database gives the
  same guarantee more simply: the kernel releases it when the process dies, however it dies,
  and both processes must share the database file anyway, so they share its directory.
  (flock is unreliable on some network filesystems; SQLite itself is too.)
* Anything else (or an in-memory SQLite, which no two processes can share): the same file
  lock in the system's temporary directory, which only guards one host.

Leadership also has an epoch, a fencing token (core.fencing): once it holds the lock (and
has migrated), the new leader increments its key's epoch in the `leadership` table
(`take_epoch`). Every claim of work and every outbox send checks that epoch in the same SQL
statement, so a leader that lost its lock without noticing yet (paused, cut off for a few
seconds) has its late claims and sends refused by the database; told so
(`core.fencing.Deposed`), it steps down as below.

While leading, a repeating job checks that the lock is still held (the PostgreSQL connection
may be cut by a restart of the server, a network fault or an administrator). If it is lost
the bot steps down: it shuts down as on SIGTERM, the process exits with status 1 and its
supervisor (systemd `Restart=always`, Docker `restart: unless-stopped`) starts it again as a
standby. The check runs more often than the server needs to notice a dead client (see the
keepalive settings below), so an isolated old leader normally stops before a new one starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import logging
import os
import signal
import tempfile
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

from sqlalchemy.engine import Engine
from telegram.ext import Application, CallbackContext

from core import fencing
from core.fencing import Fence
from db.engine import transaction
from db.types import utcnow

log = logging.getLogger("kentbot.leadership")

KEY_ENV = "KENTBOT_LEADER_KEY"
DEFAULT_KEY = "kentbot"
RETRY_EVERY = 3.0  # seconds between a standby's attempts: takeover well within 30 s
CHECK_EVERY = 5.0  # seconds between a leader's checks that it still holds the lock
CHECK_TIMEOUT = 5.0  # a check that hangs this long (a dead network) counts as lost


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory lock key for a name (Python's hash() is salted)."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def configured_key() -> str:
    return os.environ.get(KEY_ENV) or DEFAULT_KEY


class Leadership(ABC):
    """A lock that at most one process holds; released when the holder closes it or dies."""

    #: Set by `step_down_when_lost` when the lock was lost while leading.
    lost: bool = False

    @property
    @abstractmethod
    def held(self) -> bool:
        """Whether this object believes it holds the lock (see `still_leading`)."""

    @abstractmethod
    def try_acquire(self) -> bool:
        """Take the lock if it is free; never blocks for long. True if held afterwards."""

    @abstractmethod
    def still_leading(self) -> bool:
        """Check, against the real lock, that it is still ours."""

    @abstractmethod
    def release(self) -> None:
        """Give the lock up (idempotent)."""

    @abstractmethod
    def describe(self) -> str:
        """Where the lock lives, for the log (never a password)."""


class PostgresLeadership(Leadership):
    """A session advisory lock on a connection of its own, outside the engine's pool."""

    def __init__(self, engine: Engine, key: str | None = None) -> None:
        self.engine = engine
        self.name = key or configured_key()
        self.key = lock_key(self.name)
        self._connection: Any = None  # psycopg.Connection, typed loosely as the DBAPI is
        self._held = False

    @property
    def held(self) -> bool:
        return self._held

    def describe(self) -> str:
        url = self.engine.url
        return f"PostgreSQL advisory lock {self.name!r} in {url.host}/{url.database}"

    def _connect(self) -> Any:
        # raw_connection() goes through the engine, so its connect_args (search_path, SSL)
        # apply; detach() takes the connection out of the pool for good, so nothing else
        # ever uses, resets or recycles it while it carries the lock.
        proxied = self.engine.raw_connection()
        proxied.detach()
        connection: Any = proxied.dbapi_connection
        connection.rollback()
        # Autocommit: an open transaction would hold a snapshot and could be ended by
        # idle_in_transaction_session_timeout, taking the lock with it.
        connection.autocommit = True
        for setting, value in (
            ("application_name", "kentbot leader"),  # visible in pg_stat_activity
            ("idle_session_timeout", "0"),  # the lock connection is idle by design
            ("idle_in_transaction_session_timeout", "0"),
            # If the leader's host vanishes without closing the socket, the server only
            # notices through keepalives (2 hours by default); ~25 s lets a standby in.
            ("tcp_keepalives_idle", "10"),
            ("tcp_keepalives_interval", "5"),
            ("tcp_keepalives_count", "3"),
        ):
            # Older servers lack some settings; none is essential to the lock itself.
            with contextlib.suppress(Exception):
                connection.execute("SELECT set_config(%s, %s, false)", (setting, value))
        return connection

    def _close(self) -> None:
        connection, self._connection = self._connection, None
        self._held = False
        if connection is not None:
            with contextlib.suppress(Exception):
                connection.close()

    def try_acquire(self) -> bool:
        if self._held:
            # pg_try_advisory_lock nests: taking it twice would need two unlocks.
            return True
        try:
            if self._connection is None or self._connection.closed:
                self._connection = self._connect()
            row = self._connection.execute(
                "SELECT pg_try_advisory_lock(%s)", (self.key,)
            ).fetchone()
        except Exception as exc:
            # The database is down or unreachable: stay a standby and try again later.
            log.warning("cannot reach the database for leadership: %s", type(exc).__name__)
            self._close()
            return False
        self._held = bool(row and row[0])
        return self._held

    def still_leading(self) -> bool:
        if not self._held or self._connection is None:
            return False
        try:
            # The lock is the only advisory lock this dedicated session takes.
            row = self._connection.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND pid = pg_backend_pid()"
            ).fetchone()
        except Exception as exc:
            log.error("leadership connection lost: %s", type(exc).__name__)
            self._close()
            return False
        if not (row and row[0]):
            self._close()
            return False
        return True

    def release(self) -> None:
        # Closing the session would release the lock too, but only once the server has
        # processed the disconnection; unlocking first lets a standby in without that race.
        if self._held and self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.execute("SELECT pg_advisory_unlock_all()")
        self._close()


class FileLeadership(Leadership):
    """An exclusive flock on a file; the kernel drops it when the process dies."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def describe(self) -> str:
        return f"file lock {self.path}"

    def try_acquire(self) -> bool:
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            # flock (not fcntl/lockf) locks belong to the open file, not to the process,
            # so two objects in one process exclude each other too.
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except BaseException:
            os.close(fd)
            raise
        # Who holds it, for a person looking at the file; the lock itself is what counts.
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return True

    def still_leading(self) -> bool:
        if self._fd is None:
            return False
        # If someone deleted or replaced the file, another process can lock the new one:
        # only the file at the path counts.
        try:
            same = os.stat(self.path).st_ino == os.fstat(self._fd).st_ino
        except OSError:
            same = False
        if not same:
            self.release()
        return same

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # closing the only descriptor drops the flock


def leadership_for(engine: Engine, key: str | None = None) -> Leadership:
    """The lock that fits the engine's database."""
    url = engine.url
    backend = url.get_backend_name()
    if backend == "postgresql":
        return PostgresLeadership(engine, key)
    name = key or configured_key()
    if backend == "sqlite" and url.database and url.database != ":memory:":
        return FileLeadership(Path(url.database).with_name(Path(url.database).name + ".leader"))
    log.warning("no shared lock for %s databases: one instance per host only", backend)
    digest = hashlib.blake2b(f"{url!s}|{name}".encode(), digest_size=8).hexdigest()
    return FileLeadership(Path(tempfile.gettempdir()) / f"kentbot-{digest}.leader")


def _exit_quietly(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)


def wait_for_leadership(
    leadership: Leadership,
    retry_every: float = RETRY_EVERY,
    sleep: Callable[[float], None] = time.sleep,
    on_wait: Callable[[], None] | None = None,
) -> None:
    """Block until `leadership` is acquired, logging once that this process stands by;
    `on_wait` is called before each wait (the standby's heartbeat, bot.health).

    A standby stopped with SIGTERM or Ctrl-C exits with status 0 and no traceback: standing
    by is a normal state, and stopping it is a normal operation.
    """
    if leadership.try_acquire():
        return
    log.info(
        "standing by: another instance leads (%s); retrying every %.0f s",
        leadership.describe(),
        retry_every,
    )
    previous: dict[signal.Signals, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, _exit_quietly)
    try:
        while not leadership.try_acquire():
            if on_wait is not None:
                on_wait()
            sleep(retry_every)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def leading(
    engine: Engine,
    retry_every: float = RETRY_EVERY,
    on_wait: Callable[[], None] | None = None,
) -> Iterator[Leadership]:
    """Wait for leadership, hold it for the body, release it however the body ends."""
    leadership = leadership_for(engine)
    try:
        wait_for_leadership(leadership, retry_every, on_wait=on_wait)
        log.info("leading (%s)", leadership.describe())
        yield leadership
    finally:
        leadership.release()


def take_epoch(engine: Engine, holder: str) -> Fence:
    """Become leader in the database: the next epoch of this deployment's key. Call it
    holding the lock, after migrating (the table must exist)."""
    with transaction(engine) as session:
        fence = fencing.take(session, configured_key(), holder, utcnow())
    log.info("leadership epoch %d", fence.epoch)
    return fence


def step_down(leadership: Leadership, why: str) -> None:
    """Stop this process as an operator would (SIGTERM), once; it exits with status 1 for
    its supervisor to restart it as a standby (see `step_down_when_lost`)."""
    if leadership.lost:
        return  # already stepping down
    leadership.lost = True
    log.error("%s (%s): stopping so that a standby takes over", why, leadership.describe())
    os.kill(os.getpid(), signal.SIGTERM)


def step_down_when_lost(
    app: Application[Any, Any, Any, Any, Any, Any],
    leadership: Leadership,
    check_every: float = CHECK_EVERY,
    timeout: float = CHECK_TIMEOUT,
) -> None:
    """Check the lock from the application's job queue; stop the process if it is gone.

    Stepping down sends SIGTERM to this process, as an operator would: every way of running
    the Application (`run_polling`, `bot.service`) already shuts down cleanly on it, whereas
    `Application.stop_running()` only suits `run_polling`. The check blocks on the network,
    so it runs in a worker thread, with a bound.
    """
    if app.job_queue is None:
        raise RuntimeError("leadership checks need python-telegram-bot[job-queue]")

    async def check(_context: CallbackContext[Any, Any, Any, Any]) -> None:
        if leadership.lost:
            return  # already stepping down
        try:
            ok = await asyncio.wait_for(asyncio.to_thread(leadership.still_leading), timeout)
        except TimeoutError:
            ok = False
        if not ok:
            step_down(leadership, "lost leadership")

    app.job_queue.run_repeating(
        check, interval=check_every, first=check_every, name="leadership check"
    )
