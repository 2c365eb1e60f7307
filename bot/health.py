"""Liveness: the heartbeat a running bot writes, and `kentbot status`, which reads it.

Each `kentbot run` process keeps a row in the `heartbeat` table (db.models.Heartbeat),
named `host:pid`:

* the leader writes it every HEARTBEAT_EVERY seconds from its job queue, with its state,
  `polling` or `webhook`: a written row means the event loop that handles updates and
  runs the jobs is alive;
* a standby writes it, with the state `standing by`, from its wait for the leadership lock
  (once the schema has the table: a standby never migrates);
* a process that stops deletes its row.

A row not written for STALE_AFTER seconds (six missed beats) belongs to a process that
died without deleting it (SIGKILL, a power cut) or hangs. Rows not written for a day are
deleted by the next beat of any process. Ages are measured with the clocks of the hosts,
which NTP keeps together.

`kentbot status` exits 0 when the database answers and
* (by default) a leader's row is fresh: the deployment is answering citizens;
* with `--this-host`: a row of this host (its name: $KENTBOT_INSTANCE or the host name)
  is fresh, whether it leads or stands by: the process a supervisor here runs is healthy.
Otherwise it exits 1 (2 when the database cannot be reached) with one line saying why.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import delete, inspect
from sqlalchemy.engine import Engine
from sqlmodel import col, select
from telegram.ext import Application, CallbackContext

from db.engine import transaction
from db.models import Heartbeat
from db.types import utcnow

log = logging.getLogger("kentbot.health")

HEARTBEAT_EVERY = 10.0  # seconds between a process's beats
STALE_AFTER = 60.0  # seconds without a beat after which a process counts as dead
FORGET_AFTER = timedelta(days=1)  # rows of processes long dead are deleted
INSTANCE_ENV = "KENTBOT_INSTANCE"
STANDING_BY = "standing by"


def host_name() -> str:
    """This host's name in the heartbeat table ($KENTBOT_INSTANCE, or the host name)."""
    return (os.environ.get(INSTANCE_ENV) or socket.gethostname())[:64]


class Heart:
    """The heartbeat of this process; every write is best effort: a database that does not
    answer is the bot's problem to report elsewhere, not a reason to stop."""

    def __init__(self, engine: Engine, state: str, every: float = HEARTBEAT_EVERY) -> None:
        self.engine = engine
        self.state = state  # what the process does once it leads: polling or webhook
        self.every = every
        self.host = host_name()
        self.instance = f"{self.host}:{os.getpid()}"
        self.started_at = utcnow()
        self._last = -float("inf")
        self._failing = False

    def beat(self, state: str) -> None:
        now = utcnow()
        try:
            with transaction(self.engine) as session:
                row = session.get(Heartbeat, self.instance)
                if row is None:
                    row = Heartbeat(
                        instance=self.instance,
                        host=self.host,
                        pid=os.getpid(),
                        state=state,
                        started_at=self.started_at,
                    )
                row.state, row.beat_at = state, now
                session.add(row)
                session.execute(
                    delete(Heartbeat).where(col(Heartbeat.beat_at) < now - FORGET_AFTER)
                )
        except Exception as exc:
            # Once per failing spell; a standby on a schema without the table lands here too.
            if not self._failing:
                log.warning("cannot write the heartbeat: %s", type(exc).__name__)
            self._failing = True
            return
        if self._failing:
            log.info("the heartbeat is written again")
        self._failing = False
        self._last = time.monotonic()

    def standing_by(self) -> None:
        """Called from the standby's wait for the lock, every few seconds."""
        if time.monotonic() - self._last >= self.every:
            self.beat(STANDING_BY)

    def start(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Beat from the leader's job queue, from the moment the Application runs."""
        if app.job_queue is None:
            raise RuntimeError("the heartbeat needs python-telegram-bot[job-queue]")

        async def beat(_context: CallbackContext[Any, Any, Any, Any]) -> None:
            await asyncio.to_thread(self.beat, self.state)

        app.job_queue.run_repeating(beat, interval=self.every, first=0.0, name="heartbeat")

    def stop(self) -> None:
        """The process stops: its row goes, so status says so at once."""
        try:
            with transaction(self.engine) as session:
                session.execute(delete(Heartbeat).where(col(Heartbeat.instance) == self.instance))
        except Exception as exc:
            log.warning("cannot delete the heartbeat: %s", type(exc).__name__)


# --- kentbot status --------------------------------------------------------------------------

OK, NOT_RUNNING, NO_DATABASE = 0, 1, 2


class Health(NamedTuple):
    code: int  # the exit status: OK, NOT_RUNNING or NO_DATABASE
    line: str  # why, in one line


def _ago(moment: datetime, now: datetime) -> str:
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 120:
        return f"{seconds} s ago"
    if seconds < 7200:
        return f"{seconds // 60} min ago"
    return f"{seconds // 3600} h ago"


def _one_line(exc: BaseException) -> str:
    cause = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(cause).splitlines() if line.strip()]
    return f"{type(cause).__name__}: {lines[0]}" if lines else type(cause).__name__


def check(
    engine: Engine,
    this_host: str | None = None,
    stale_after: float = STALE_AFTER,
    now: datetime | None = None,
) -> Health:
    """The health of the deployment (or of this host's processes) on `engine`'s database."""
    url = engine.url
    file = url.database if url.get_backend_name() == "sqlite" else None
    if file and file != ":memory:" and not Path(file).is_file():
        # Connecting would create an empty one.
        return Health(NO_DATABASE, f"no database at {file}")
    try:
        if not inspect(engine).has_table(Heartbeat.__tablename__):
            return Health(
                NOT_RUNNING,
                "the database has no heartbeat table: no bot of this version has run on it "
                "(`kentbot db upgrade` creates it)",
            )
        with transaction(engine) as session:
            rows = list(session.exec(select(Heartbeat).order_by(col(Heartbeat.beat_at).desc())))
    except Exception as exc:
        return Health(NO_DATABASE, f"the database does not answer: {_one_line(exc)}")
    now = now or utcnow()
    fresh = [row for row in rows if (now - row.beat_at).total_seconds() <= stale_after]
    scope = rows
    if this_host is not None:
        fresh = [row for row in fresh if row.host == this_host]
        scope = [row for row in rows if row.host == this_host]
    leaders = [row for row in fresh if row.state != STANDING_BY]
    standbys = len(fresh) - len(leaders)
    where = f" on {this_host}" if this_host is not None else ""
    if leaders or (this_host is not None and fresh):
        row = (leaders or fresh)[0]
        doing = "is standing by" if row.state == STANDING_BY else f"leads ({row.state})"
        others = f"; {standbys} standing by" if leaders and standbys else ""
        return Health(
            OK, f"ok: {row.instance} {doing}, last heartbeat {_ago(row.beat_at, now)}{others}"
        )
    if fresh:
        return Health(
            NOT_RUNNING,
            f"no instance leads: {standbys} standing by, and no leader's heartbeat within "
            f"{stale_after:.0f} s",
        )
    if scope:
        last = scope[0]
        return Health(
            NOT_RUNNING,
            f"no bot running{where}: the last heartbeat, of {last.instance} ({last.state}), "
            f"was {_ago(last.beat_at, now)} (stale after {stale_after:.0f} s)",
        )
    return Health(NOT_RUNNING, f"no bot running{where}: no heartbeat recorded")
