"""Fixtures: databases (SQLite and PostgreSQL), the Bot API emulator, a running bot."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from common.config import Config, load_config
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


_PG_PROBLEM = _postgres_available()


@pytest.fixture(scope="session")
def config() -> Config:
    return load_config()


def _sqlite_engine(tmp_path: Path) -> Engine:
    return make_engine(f"sqlite:///{tmp_path / 'kentbot.sqlite'}")


def _postgres_engine() -> Iterator[Engine]:
    """A fresh schema per test, dropped afterwards, so tests never see each other's rows."""
    if _PG_PROBLEM:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL must be reachable in CI at {PG_URL}: {_PG_PROBLEM}")
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {_PG_PROBLEM}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of each kind; tests using it run twice."""
    if request.param == "sqlite":
        sqlite = _sqlite_engine(tmp_path)
        yield sqlite
        sqlite.dispose()
    else:
        yield from _postgres_engine()


@pytest.fixture
def db(engine: Engine, config: Config) -> Engine:
    """A migrated database with config's departments, categories and assemblies."""
    from bot.app import prepare_database

    prepare_database(engine, config)
    return engine


@pytest.fixture
def pg(config: Config) -> Iterator[Engine]:
    """A migrated PostgreSQL database only, for what SQLite cannot show (two writers at
    once, a server that makes the client wait)."""
    from bot.app import prepare_database

    for engine in _postgres_engine():
        prepare_database(engine, config)
        yield engine


# --- End-to-end: the real bot against the Bot API emulator -------------------------------

from contextlib import contextmanager  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from typing import Any  # noqa: E402

from emulator.client import EmulatorClient, SimGroup, SimUser  # noqa: E402
from emulator.server import RunningEmulator, start_in_thread  # noqa: E402
from tests.wiring import with_staff_groups  # noqa: E402


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[RunningEmulator]:
    server = start_in_thread()
    yield server
    server.stop()


# The bot of `emu`, for tests that call the Bot API themselves.
BOT_TOKEN = "123456:TEST"


@pytest.fixture
def emu(emulator_server: RunningEmulator) -> Iterator[EmulatorClient]:
    """The emulator, reset, with one bot (BOT_TOKEN) and no Kent Bot polling it."""
    client = EmulatorClient(emulator_server.base_url)
    client.reset()
    client.create_bot(token=BOT_TOKEN, username="kentbot_test", first_name="Kent Bot")
    yield client
    client.close()


@dataclass
class Kent:
    """A running Kent Bot wired to the emulator, with a staff group per department."""

    emu: EmulatorClient
    engine: Engine
    config: Config
    groups: dict[str, SimGroup]
    supervisors: SimGroup
    app: Any = None
    thread: Any = None

    def run_job(self, job: Any) -> None:
        """Run a scheduled job's callback now, on the bot's event loop."""
        self.thread.run(job(self.app.context_types.context(self.app)))

    def citizen(
        self,
        first_name: str = "Ayşe",
        language_code: str | None = "tr",
        last_name: str | None = "Yılmaz",
    ) -> SimUser:
        return self.emu.create_user(
            first_name=first_name, last_name=last_name, language_code=language_code
        )

    def staff(
        self, department: str | None, role: str = "staff", first_name: str = "Mehmet"
    ) -> SimUser:
        """A staff member, recorded in the database and added to the department's group."""
        from core import staff as staff_core
        from db.engine import transaction

        user = self.emu.create_user(first_name=first_name, last_name="Kaya", language_code="tr")
        group = self.groups.get(department or "", self.supervisors)
        group.add_member(user)
        with transaction(self.engine) as session:
            staff_core.upsert(session, user.id, role, department, name=f"{first_name} Kaya")
        return user


def start_kent(
    emulator_server: RunningEmulator,
    db: Engine,
    config: Config,
    rate_limit: bool = False,
    features: Any = None,
) -> tuple[Kent, Any]:
    """The bot wired to a freshly reset emulator; returns the harness and its thread.
    `features`: another feature list than the bot's (handlers/features.py)."""
    from bot.app import build_application
    from bot.runner import BotThread
    from core.reference_data import sync_reference_data
    from db.engine import transaction
    from handlers.features import FEATURES

    emu = EmulatorClient(emulator_server.base_url)
    emu.reset()
    token = f"{uuid.uuid4().int % 10**9}:TEST"
    emu.create_bot(token=token, username="kentbot_test", first_name="Kent Bot")
    groups = {
        d.code: emu.create_group(f"{d.name.tr} — personel")
        for d in config.departments
        if d.chat_id is not None
    }
    supervisors = emu.create_group("Amirler")
    wired = with_staff_groups(config, {code: g.id for code, g in groups.items()}, supervisors.id)
    with transaction(db) as session:
        sync_reference_data(session, wired)
    app = build_application(
        wired,
        db,
        token,
        emulator_server.api_url,
        rate_limit=rate_limit,
        collect_errors=True,
        features=features or FEATURES,
    )
    thread = BotThread(app).start()
    harness = Kent(
        emu=emu,
        engine=db,
        config=wired,
        groups=groups,
        supervisors=supervisors,
        app=app,
        thread=thread,
    )
    return harness, thread


def stop_kent(harness: Kent) -> None:
    harness.thread.stop()
    harness.emu.close()
    errors = harness.app.bot_data["deps"].errors
    assert not errors, f"handler errors: {errors!r}"


@contextmanager
def running_kent(emulator_server: RunningEmulator, db: Engine, config: Config) -> Iterator[Kent]:
    harness, _ = start_kent(emulator_server, db, config)
    try:
        yield harness
    finally:
        stop_kent(harness)


@pytest.fixture
def kent(emulator_server: RunningEmulator, db: Engine, config: Config) -> Iterator[Kent]:
    with running_kent(emulator_server, db, config) as harness:
        yield harness
