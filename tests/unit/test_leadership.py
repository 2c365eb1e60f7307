"""Issue 6.4's locks (bot/leadership.py): one holder at a time of a PostgreSQL advisory lock
or of a lock file next to the SQLite database, freed when its holder dies or its session is
cut, and a standby that waits for it. The two `kentbot run` processes that use them are in
e2e/test_leadership_e2e.py."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.leadership import (
    FileLeadership,
    Leadership,
    PostgresLeadership,
    leadership_for,
    wait_for_leadership,
)
from db.engine import make_engine
from tests.databases import terminate_lock_holder
from tests.processes import REPO, clean_env, stop, wait_until


def test_postgres_lock_has_one_holder_until_released_or_cut(pg_url: str, leader_key: str) -> None:
    engine = make_engine(pg_url)
    first = leadership_for(engine, leader_key)
    second = leadership_for(engine, leader_key)
    other = leadership_for(engine, leader_key + "-other")
    assert isinstance(first, PostgresLeadership)
    try:
        assert first.try_acquire()
        assert first.try_acquire()  # idempotent: no nested lock to unlock twice
        assert not second.try_acquire()
        assert other.try_acquire()  # another key is another lock
        assert first.still_leading()
        # The lock is on a connection of its own: using and disposing of the pool keeps it.
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        assert first.still_leading() and not second.try_acquire()

        first.release()
        assert not first.held and second.try_acquire()

        # The holder's session is cut: it notices, and the lock is free for another.
        assert terminate_lock_holder(leader_key) == 1
        assert not second.still_leading() and not second.held
        wait_until(first.try_acquire, 5, "the lock of a cut session is free again")
    finally:
        for leadership in (first, second, other):
            leadership.release()
        engine.dispose()


def test_postgres_lock_is_freed_when_its_holder_process_dies(pg_url: str, leader_key: str) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from bot.leadership import leadership_for\n"
            "from db.engine import make_engine\n"
            f"held = leadership_for(make_engine({pg_url!r}), {leader_key!r})\n"
            "assert held.try_acquire()\n"
            "print('held', flush=True)\n"
            "time.sleep(60)\n",
        ],
        cwd=REPO,
        env=clean_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    engine = make_engine(pg_url)
    waiting = leadership_for(engine, leader_key)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert not waiting.try_acquire()
        holder.kill()  # SIGKILL: no chance to unlock; the server frees it as the socket closes
        wait_until(waiting.try_acquire, 5, "the dead holder's lock is free")
    finally:
        stop(holder)
        waiting.release()
        engine.dispose()


def test_file_lock_has_one_holder_and_follows_the_file(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'k.sqlite'}")
    first, second = leadership_for(engine), leadership_for(engine)
    assert isinstance(first, FileLeadership)
    assert first.path == tmp_path / "k.sqlite.leader"  # next to the database it guards
    try:
        assert first.try_acquire() and first.try_acquire()
        assert not second.try_acquire()  # flock excludes even within one process
        assert first.still_leading()
        first.release()
        assert second.try_acquire() and not first.try_acquire()
        # A deleted lock file could be recreated and locked by another: step down.
        first.path.unlink()
        assert not second.still_leading() and not second.held
    finally:
        first.release()
        second.release()
        engine.dispose()


def test_in_memory_sqlite_falls_back_to_a_host_wide_file_lock(leader_key: str) -> None:
    engine = make_engine("sqlite://")
    leadership = leadership_for(engine, leader_key)
    assert isinstance(leadership, FileLeadership)
    assert leadership.path.parent == Path(tempfile.gettempdir())
    engine.dispose()


def test_standby_retries_until_the_leader_is_gone(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    leader = FileLeadership(tmp_path / "x.leader")
    standby: Leadership = FileLeadership(tmp_path / "x.leader")
    assert leader.try_acquire()
    naps: list[float] = []

    def sleep(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 3:
            leader.release()  # the leader dies while the standby naps

    try:
        with caplog.at_level("INFO", logger="kentbot.leadership"):
            wait_for_leadership(standby, retry_every=2.5, sleep=sleep)
        assert standby.held
        assert naps == [2.5, 2.5, 2.5]
        assert sum("standing by" in r.getMessage() for r in caplog.records) == 1
    finally:
        leader.release()
        standby.release()
