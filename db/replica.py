"""Heavy reads on a streaming replica, with the primary as the fallback.

`KENTBOT_READ_DATABASE_URL` names a PostgreSQL hot standby (streaming replication). The
reports, the dashboard, Open311's GETs, the desk's exports and the digests' aggregates read
from `Reads.engine()`; everything that writes, and every read that must see its own write,
uses the primary. The replica is used only while it answers and is not too far behind:

- it is checked at most every `check_every` seconds (a connection with a short timeout and
  one query), so a page never waits long for a replica that is down;
- its lag is how long ago it replayed the last transaction it has received, or 0 when it has
  replayed everything it received (an idle primary sends nothing, and a replica that is up
  to date must not look late);
- a replica that is down or lags more than `max_lag` is left for the primary, said once in
  the log, and said again when it is used again.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger("kentbot.db")

# 0 when everything received is replayed; else seconds since the last replayed commit.
# A standby that lost its primary replays all it got and then looks in step forever: it
# must also be receiving (its WAL receiver streaming).
_LAG = text(
    "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END, "
    "pg_is_in_recovery(), "
    "COALESCE((SELECT status FROM pg_stat_wal_receiver), 'stopped')"
)


@dataclass
class Reads:
    primary: Engine
    replica: Engine | None = None
    max_lag: timedelta = timedelta(seconds=30)
    check_every: float = 5.0
    _healthy: bool | None = field(default=None, init=False)
    _checked_at: float = field(default=float("-inf"), init=False)
    _checking: bool = field(default=False, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def engine(self) -> Engine:
        """Where a heavy read goes now: the replica while it is fit, else the primary.

        Never waits for the replica: a check that is due runs in a thread of its own (the
        bot's event loop calls this), and the answer is the last check's."""
        if self.replica is None:
            return self.primary
        with self._lock:
            due = not self._checking and time.monotonic() - self._checked_at >= self.check_every
            if due:
                self._checking = True
        if due:
            threading.Thread(target=self.check, name="replica-check", daemon=True).start()
        return self.replica if self._healthy else self.primary

    def check(self) -> bool:
        """Checks the replica now, in the caller's thread; whether heavy reads go there."""
        state = self._fit()
        with self._lock:
            self._checked_at = time.monotonic()
            self._checking = False
            self._update(state)
            return bool(self._healthy)

    def _fit(self) -> tuple[bool, str]:
        if self.replica is None:
            return False, "not set"
        try:
            with self.replica.connect() as connection:
                lag, in_recovery, receiver = connection.execute(_LAG).one()
        except SQLAlchemyError as exc:
            return False, f"unreachable ({type(exc).__name__})"
        if not in_recovery:
            # Promoted, or a primary named by mistake: reading it is safe, but say so.
            return True, "not a standby"
        if receiver != "streaming":
            return False, f"not receiving from the primary (its WAL receiver is {receiver})"
        if float(lag) > self.max_lag.total_seconds():
            return False, f"{float(lag):.0f} s behind (more than {self.max_lag.seconds} s)"
        return True, "in step"

    def _update(self, state: tuple[bool, str]) -> None:
        healthy, why = state
        if healthy == self._healthy:
            return
        if healthy:
            log.info("heavy reads go to the read replica (%s)", why)
        else:
            log.warning("the read replica is %s: heavy reads go to the primary", why)
        self._healthy = healthy


def reads_for(primary: Engine, read_url: str | None) -> Reads:
    """The heavy reads' router for a deployment: the replica at `read_url`
    (common.config.read_database_url) beside the primary, or the primary alone."""
    if not read_url:
        return Reads(primary)
    from db.engine import make_engine

    # A replica that is down must cost a page two seconds at most, not the OS's timeout.
    return Reads(primary, make_engine(read_url, connect_args={"connect_timeout": 2}))
