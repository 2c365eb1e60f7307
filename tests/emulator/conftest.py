"""One emulator per test session, reset before each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.emulator.client import EmulatorClient, SimUser
from bot.emulator.server import RunningEmulator, start_in_thread

TOKEN = "123456:TEST"


@pytest.fixture(scope="session")
def running() -> Iterator[RunningEmulator]:
    server = start_in_thread()
    yield server
    server.stop()


@pytest.fixture
def emu(running: RunningEmulator) -> Iterator[EmulatorClient]:
    client = EmulatorClient(running.base_url)
    client.reset()
    client.create_bot(token=TOKEN, username="kentbot_test", first_name="Kent Bot")
    yield client
    client.close()


@pytest.fixture
def ayse(emu: EmulatorClient) -> SimUser:
    return emu.create_user(first_name="Ayşe", last_name="Yılmaz", language_code="tr")
