"""`kentbot backup` and `kentbot restore` on SQLite and on a whole PostgreSQL database: a
database with requests and their history, council events and registrations comes back
whole in a fresh one;
a SQLite backup taken while another connection writes is consistent; restore refuses to
replace a database, or one a bot runs on, unless told."""

from __future__ import annotations

import sqlite3
import subprocess
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import col, func, select

from bot.app import prepare_database
from bot.backup import BackupError, backup, libpq_target, restore
from bot.health import Heart, check
from bot.leadership import leadership_for
from common.config import Config
from core import council, staff, workflow
from core.working_time import WorkingCalendar
from db.engine import make_engine, transaction
from db.models import Citizen, CouncilEvent, Registration, Request, RequestEvent
from tests.builders import file_request, make_citizen
from tests.databases import PG_URL, require_postgres
from tests.processes import KENTBOT, REPO, clean_env

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
History = list[tuple[str, str, str, str | None, datetime]]
Contents = tuple[list[str], list[str], list[tuple[int, int, str]], History]


def fill(engine: Engine, config: Config) -> Contents:
    """Three requests (one answered and resolved), two council events and three
    registrations, as the bot makes them."""
    prepare_database(engine, config)
    calendar = WorkingCalendar.from_config(config)
    people = [make_citizen(engine, 7000 + n) for n in range(3)]
    for n, citizen in enumerate(people):
        file_request(engine, calendar, citizen, text=f"Şikâyet {n}: sokak lambası yanmıyor.")
    with transaction(engine) as session:
        # The history a citizen reads in /taleplerim: more than the request's creation.
        member = staff.upsert(session, 901, "staff", "temizlik")
        first = session.exec(select(Request).order_by(col(Request.id))).first()
        assert first is not None and first.id is not None
        workflow.staff_action(session, first.id, member, "answer", "Ekip yolda.", now=NOW)
        workflow.staff_action(session, first.id, member, "resolve", now=NOW)
        coordinator = staff.upsert(session, 900, "coordinator", "kent_konseyi")
        events = [
            council.create_event(
                session,
                coordinator,
                "kadin",
                title,
                "Açıklama",
                NOW + timedelta(days=7),
                NOW + timedelta(days=7, hours=2),
                "Kültür Merkezi",
                10,
                None,
                False,
            )
            for title in ("Mahalle buluşması", "Gençlik forumu")
        ]
        for citizen_id, event in zip(people, [*events, events[0]], strict=True):
            person = session.get(Citizen, citizen_id)
            assert person is not None and event.id is not None
            council.register(session, person, event.id, NOW)
    return contents(engine)


def contents(engine: Engine) -> Contents:
    with transaction(engine) as session:
        numbers = list(session.exec(select(Request.number).order_by(col(Request.number))))
        titles = list(session.exec(select(CouncilEvent.title).order_by(col(CouncilEvent.title))))
        registrations = [
            (row.event_id, row.citizen_id, row.status)
            for row in session.exec(select(Registration).order_by(col(Registration.id)))
        ]
        history = [
            (number, event.kind, event.actor, event.text, event.at)
            for event, number in session.exec(
                select(RequestEvent, Request.number)
                .join(Request, col(Request.id) == col(RequestEvent.request_id))
                .order_by(col(RequestEvent.id))
            )
        ]
    return numbers, titles, registrations, history


# --- SQLite ------------------------------------------------------------------------------


def test_a_sqlite_database_comes_back_whole(tmp_path: Path, config: Config) -> None:
    source = make_engine(f"sqlite:///{tmp_path / 'live.sqlite'}")
    before = fill(source, config)
    assert len(before[0]) == 3 and len(before[1]) == 2 and len(before[2]) == 3
    assert [kind for _, kind, *_ in before[3]] == [*["created"] * 3, "answered", "resolved"]
    Heart(source, "polling").beat("polling")  # a bot ran while the backup was taken
    file = tmp_path / "kentbot.backup"
    assert "backed up" in backup(source, file)
    with pytest.raises(BackupError, match="already exists; add --force"):
        backup(source, file)
    backup(source, file, force=True)
    assert not Path(f"{file}-wal").exists()  # one self-contained file
    source.dispose()

    fresh = make_engine(f"sqlite:///{tmp_path / 'restored' / 'kentbot.sqlite'}")
    assert "restored" in restore(fresh, file)
    assert contents(fresh) == before
    assert check(fresh).line == "no bot running: no heartbeat recorded"
    prepare_database(fresh, config)  # the bot starts on it
    # Now it holds tables: replacing them takes --force.
    with pytest.raises(BackupError, match=r"is not empty .*add --force"):
        restore(fresh, file)
    restore(fresh, file, force=True)
    assert contents(fresh) == before
    fresh.dispose()


def test_a_sqlite_backup_taken_while_another_connection_writes_is_consistent(
    tmp_path: Path, config: Config
) -> None:
    """Each of the writer's transactions adds two rows; a backup holding one without the
    other would have caught a transaction half-way."""
    live = make_engine(f"sqlite:///{tmp_path / 'live.sqlite'}")
    prepare_database(live, config)
    stop = threading.Event()
    written = [0]

    def write() -> None:
        writer = sqlite3.connect(tmp_path / "live.sqlite", timeout=30)
        n = 0
        while not stop.is_set():
            with writer:
                writer.executemany(
                    "INSERT INTO processed_update (update_id, processed_at) VALUES (?, ?)",
                    [(2 * n, "2026-12-01 09:00:00"), (2 * n + 1, "2026-12-01 09:00:00")],
                )
            n += 1
            written[0] = n
        writer.close()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        copies = []
        for k in range(5):
            while written[0] < 50 * (k + 1):
                stop.wait(0.005)
            copies.append(tmp_path / f"copy{k}.backup")
            backup(live, copies[-1])
    finally:
        stop.set()
        thread.join()
    counts = []
    for copy in copies:
        connection = sqlite3.connect(copy)
        ids = [row[0] for row in connection.execute("SELECT update_id FROM processed_update")]
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        connection.close()
        assert len(ids) % 2 == 0 and set(ids) == set(range(len(ids))), copy
        counts.append(len(ids))
    assert counts == sorted(counts) and counts[-1] < 2 * written[0]
    live.dispose()


def test_restore_refuses_while_a_bot_runs_and_rejects_what_is_no_backup(
    tmp_path: Path, config: Config
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'kentbot.sqlite'}")
    fill(engine, config)
    file = tmp_path / "kentbot.backup"
    backup(engine, file)
    running = leadership_for(engine)
    assert running.try_acquire()  # what `kentbot run` holds while it runs
    try:
        with pytest.raises(BackupError, match="a bot is running on this database"):
            restore(engine, file, force=True)
    finally:
        running.release()
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    with pytest.raises(BackupError, match="is not a SQLite backup"):
        restore(engine, junk, force=True)
    with pytest.raises(BackupError, match="no such file"):
        restore(engine, tmp_path / "missing.backup")
    engine.dispose()


def test_the_commands_say_in_one_line_why_they_refuse(tmp_path: Path, config: Config) -> None:
    url = f"sqlite:///{tmp_path / 'kentbot.sqlite'}"
    engine = make_engine(url)
    fill(engine, config)
    engine.dispose()
    file = tmp_path / "kentbot.backup"

    def kentbot(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [KENTBOT, *args, "--database-url", url],
            cwd=REPO,
            env=clean_env(),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    done = kentbot("backup", str(file))
    assert done.returncode == 0 and done.stdout.startswith("backed up"), done
    refused = kentbot("restore", str(file))
    assert refused.returncode == 1, refused
    assert refused.stderr.count("\n") == 1, refused.stderr
    assert "is not empty" in refused.stderr and "--force" in refused.stderr
    forced = kentbot("restore", str(file), "--force")
    assert forced.returncode == 0, forced


# --- PostgreSQL: a whole database, as pg_dump takes one --------------------------------------


@pytest.fixture
def throwaway_databases() -> Iterator[tuple[str, str]]:
    """Two new databases on the test server (the live one and the fresh one), dropped after."""
    require_postgres()
    admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
    names = [f"kentbot_backup_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    base = make_url(PG_URL)
    try:
        live, fresh = (base.set(database=name).render_as_string(False) for name in names)
        yield live, fresh
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_a_postgresql_database_comes_back_whole(
    throwaway_databases: tuple[str, str], tmp_path: Path, config: Config
) -> None:
    live_url, fresh_url = throwaway_databases
    live = make_engine(live_url)
    before = fill(live, config)
    file = tmp_path / "kentbot.dump"
    assert "backed up" in backup(live, file)
    assert file.read_bytes().startswith(b"PGDMP")
    live.dispose()

    fresh = make_engine(fresh_url)
    assert "restored" in restore(fresh, file)
    assert contents(fresh) == before
    with transaction(fresh) as session:  # the sequences came back too: new rows get new ids
        highest = session.exec(select(func.max(Request.id))).one()
    prepare_database(fresh, config)
    with pytest.raises(BackupError, match=r"is not empty .*add --force"):
        restore(fresh, file)
    restore(fresh, file, force=True)
    assert contents(fresh) == before
    calendar = WorkingCalendar.from_config(config)
    added = file_request(fresh, calendar, make_citizen(fresh, 7100))
    assert highest is not None and added.id is not None and added.id > highest
    fresh.dispose()


def test_the_password_goes_through_the_environment_not_the_command_line() -> None:
    uri, env = libpq_target(
        make_url("postgresql+psycopg://kentbot:s3cret@db:5432/kentbot?sslmode=require")
    )
    assert uri == "postgresql://kentbot@db:5432/kentbot?sslmode=require"
    assert env["PGPASSWORD"] == "s3cret"


def test_a_missing_pg_dump_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    engine = make_engine("postgresql://kentbot@127.0.0.1:1/kentbot")
    with pytest.raises(BackupError, match="pg_dump is not on PATH; install"):
        backup(engine, tmp_path / "kentbot.dump")
