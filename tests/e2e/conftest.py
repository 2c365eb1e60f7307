"""Fixtures of the end-to-end tests: the bot running against the session's emulator, and an
emulator of its own in a subprocess for `kentbot` processes to talk to."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from common.config import Config
from emulator.client import EmulatorClient
from emulator.server import RunningEmulator
from tests.harness import Kent, running_kent
from tests.processes import TOKEN, emulator_process


@pytest.fixture
def kent(emulator_server: RunningEmulator, db: Engine, config: Config) -> Iterator[Kent]:
    """Kent Bot running against the emulator on a migrated database (each kind in turn)."""
    with running_kent(emulator_server, db, config) as harness:
        yield harness


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[EmulatorClient]:
    """`python -m emulator` in a process of its own, with TOKEN's bot, for `kentbot run`."""
    with emulator_process(tmp_path / "emulator.log") as port:
        client = EmulatorClient(f"http://127.0.0.1:{port}", bot=TOKEN, timeout=15)
        yield client
        client.close()
