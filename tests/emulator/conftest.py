"""The emulator's own tests: the session's emulator (`emu` of tests/conftest.py), reset
before each test, with one bot (tests/harness.BOT_TOKEN, TOKEN of helpers.py) and no Kent
Bot on it."""

from __future__ import annotations

import pytest

from emulator.client import EmulatorClient, SimUser


@pytest.fixture
def ayse(emu: EmulatorClient) -> SimUser:
    return emu.create_user(first_name="Ayşe", last_name="Yılmaz", language_code="tr")
