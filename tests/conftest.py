"""Fixtures of unit and end-to-end tests alike: the configuration, databases (SQLite and
PostgreSQL), and the Bot API emulator. End-to-end fixtures (a running bot, an emulator
process) are in e2e/conftest.py, unit ones in unit/conftest.py."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

# The helper modules' asserts explain their failures as the tests' own do.
pytest.register_assert_rewrite(
    "tests.builders",
    "tests.databases",
    "tests.harness",
    "tests.journeys",
    "tests.processes",
)

from sqlalchemy.engine import Engine  # noqa: E402

from common.config import Config, load_config  # noqa: E402
from emulator.client import EmulatorClient  # noqa: E402
from emulator.server import RunningEmulator, start_in_thread  # noqa: E402
from tests.databases import postgres_engine, postgres_url, sqlite_engine  # noqa: E402
from tests.harness import BOT_TOKEN, Kent, start_kent, stop_kent  # noqa: E402
from tests.templates import Template, sqlite_template  # noqa: E402


@pytest.fixture(scope="session")
def config() -> Config:
    return load_config()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of each kind; tests using it run twice."""
    if request.param == "sqlite":
        sqlite = sqlite_engine(tmp_path)
        yield sqlite
        sqlite.dispose()
    else:
        yield from postgres_engine()


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory, config: Config) -> Template:
    """The migrated database `db` and `pg` start from (tests/templates.py)."""
    return sqlite_template(tmp_path_factory.mktemp("template"), config)


@pytest.fixture
def db(engine: Engine, template: Template) -> Engine:
    """A migrated database with config's departments, categories and assemblies."""
    template.copy_into(engine)
    return engine


@pytest.fixture
def pg(template: Template) -> Iterator[Engine]:
    """A migrated PostgreSQL database only, for what SQLite cannot show (two writers at
    once, a server that makes the client wait)."""
    for engine in postgres_engine():
        template.copy_into(engine)
        yield engine


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A schema of its own (so migrations do not meet other tests' tables) in the test DB,
    for processes and locks that connect by URL."""
    yield from postgres_url()


@pytest.fixture
def leader_key() -> str:
    """Advisory locks are per database, not per schema: a key per test keeps tests apart."""
    return f"kentbot-test-{uuid.uuid4().hex}"


# --- The Bot API emulator ------------------------------------------------------------------


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[RunningEmulator]:
    server = start_in_thread()
    yield server
    server.stop()


@pytest.fixture
def emu(emulator_server: RunningEmulator) -> Iterator[EmulatorClient]:
    """The emulator, reset, with one bot (BOT_TOKEN) and no Kent Bot polling it."""
    client = EmulatorClient(emulator_server.base_url)
    client.reset()
    client.create_bot(token=BOT_TOKEN, username="kentbot_test", first_name="Kent Bot")
    yield client
    client.close()


@pytest.fixture
def kent_web(emulator_server: RunningEmulator, db: Engine, config: Config) -> Iterator[Kent]:
    """Kent Bot against the emulator, with its web application on a free port (its address:
    `kent_web.site.url`), for the web's and the browser's tests."""
    harness, _ = start_kent(emulator_server, db, config, web=True)
    try:
        yield harness
    finally:
        stop_kent(harness)
