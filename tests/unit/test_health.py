"""The heartbeat and `kentbot status`'s verdict, on both databases: a live leader, a standby,
a stale row, a process that stopped, a schema without the table, no database at all."""

from __future__ import annotations

import logging
import os
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.health import NO_DATABASE, NOT_RUNNING, OK, Heart, check, host_name
from db.engine import make_engine, transaction
from db.models import Heartbeat
from db.types import utcnow
from tests.processes import free_port


def rows(db: Engine) -> list[Heartbeat]:
    with transaction(db) as session:
        return list(session.exec(select(Heartbeat)))


def test_a_leaders_heartbeat_says_the_deployment_runs(db: Engine) -> None:
    assert check(db) == (NOT_RUNNING, "no bot running: no heartbeat recorded")
    assert check(db, "vm7").line == "no bot running on vm7: no heartbeat recorded"
    leader = Heart(db, "polling")
    leader.beat("polling")
    health = check(db)
    assert health.code == OK, health
    assert health.line.startswith(f"ok: {host_name()}:{os.getpid()} leads (polling)")
    leader.beat("polling")  # the same row, written again
    assert len(rows(db)) == 1

    standby = Heart(db, "polling")
    standby.instance = "other-host:42"
    standby.host = "other-host"
    standby.standing_by()
    standby.standing_by()  # within HEARTBEAT_EVERY: not written again
    assert check(db).line.endswith("; 1 standing by")
    assert check(db, "other-host").line.startswith("ok: other-host:42 is standing by")

    leader.stop()  # a clean exit removes the row at once
    health = check(db)
    assert health.code == NOT_RUNNING
    assert health.line.startswith("no instance leads: 1 standing by"), health
    # Standing by is healthy for the supervisor of that host, not for this one.
    assert check(db, "other-host").code == OK
    assert check(db, host_name()).code == NOT_RUNNING


def test_a_heartbeat_goes_stale_and_old_ones_are_forgotten(db: Engine) -> None:
    heart = Heart(db, "webhook")
    heart.beat("webhook")
    later = utcnow() + timedelta(seconds=61)
    health = check(db, now=later)
    assert health.code == NOT_RUNNING
    assert "the last heartbeat, of" in health.line and "(webhook), was 61 s ago" in health.line
    assert "stale after 60 s" in health.line
    assert check(db, stale_after=120, now=later).code == OK
    with transaction(db) as session:
        session.add(
            Heartbeat(
                instance="gone:1",
                host="gone",
                pid=1,
                state="polling",
                beat_at=utcnow() - timedelta(days=2),
            )
        )
    heart.beat("webhook")  # any beat forgets processes dead for a day
    assert [row.instance for row in rows(db)] == [heart.instance]


def test_a_schema_without_the_heartbeat_table(engine: Engine) -> None:
    with engine.connect():
        pass  # an empty database, never migrated
    health = check(engine)
    assert health.code == NOT_RUNNING and "no heartbeat table" in health.line


def test_a_database_that_does_not_answer(tmp_path: Path) -> None:
    missing = make_engine(f"sqlite:///{tmp_path / 'nothing.sqlite'}")
    health = check(missing)
    assert (health.code, health.line) == (NO_DATABASE, f"no database at {tmp_path}/nothing.sqlite")
    assert not (tmp_path / "nothing.sqlite").exists()  # and none was created
    dead = make_engine(
        f"postgresql://postgres@127.0.0.1:{free_port()}/kentbot",
        connect_args={"connect_timeout": 3},
    )
    health = check(dead)
    assert health.code == NO_DATABASE
    assert health.line.startswith("the database does not answer: OperationalError: ")
    assert "\n" not in health.line
    dead.dispose()


def test_a_failing_heartbeat_is_logged_once(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """A standby never migrates: on a schema without the table it beats in vain."""
    heart = Heart(engine, "polling", every=0)
    with caplog.at_level(logging.INFO, logger="kentbot.health"):
        for _ in range(3):
            heart.standing_by()
    assert len(caplog.records) == 1, caplog.records
    assert caplog.records[0].getMessage().startswith("cannot write the heartbeat: ")
