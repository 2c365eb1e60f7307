"""The emulator's own tests: the session's emulator (tests/conftest.py), reset before
each test, with one bot and no Kent Bot on it."""

from __future__ import annotations

import pytest

from emulator.client import EmulatorClient, SimUser
from tests.conftest import BOT_TOKEN as TOKEN

__all__ = ["TOKEN"]


@pytest.fixture
def ayse(emu: EmulatorClient) -> SimUser:
    return emu.create_user(first_name="Ayşe", last_name="Yılmaz", language_code="tr")
