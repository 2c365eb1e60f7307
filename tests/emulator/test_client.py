"""The control client's waiting helpers against a tiny echo bot."""

from __future__ import annotations

import asyncio
import datetime as dtm
import threading
import time
from collections.abc import Iterator

import pytest
from telegram import Bot

from emulator.client import EmulatorClient, SimUser
from tests.emulator.helpers import TOKEN

POLL = dtm.timedelta(seconds=0.2)


@pytest.fixture
def echo_bot(emu: EmulatorClient) -> Iterator[None]:
    """Replies "echo: <text>" to every message, polling like a real bot."""
    stop = threading.Event()

    async def loop() -> None:
        async with Bot(TOKEN, base_url=emu.api_url, base_file_url=emu.file_url) as bot:
            offset = 0
            while not stop.is_set():
                for update in await bot.get_updates(offset=offset, timeout=POLL):
                    offset = update.update_id + 1
                    if update.message and update.message.text:
                        await asyncio.sleep(0.05)
                        await bot.send_message(
                            update.message.chat_id, f"echo: {update.message.text}"
                        )

    thread = threading.Thread(target=lambda: asyncio.run(loop()), daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(5)


def test_wait_message_walks_forward(emu: EmulatorClient, ayse: SimUser, echo_bot: None) -> None:
    ayse.send("bir")
    ayse.send("iki")
    assert ayse.wait_message(contains="echo").text == "echo: bir"
    assert ayse.wait_message(contains="echo").text == "echo: iki"
    ayse.expect_no_message(within=0.3)
    ayse.send("üç")
    emu.wait_idle(timeout=5)
    assert [m.text for m in ayse.transcript()] == ["echo: bir", "echo: iki", "echo: üç"]
    assert emu.pending_updates() == 0
    assert emu.stats()["methods"]["sendMessage"] == 3
    assert len(emu.calls(method="sendMessage")) == 3


def test_wait_message_timeout_shows_transcript(
    emu: EmulatorClient, ayse: SimUser, echo_bot: None
) -> None:
    ayse.send("merhaba")
    started = time.monotonic()
    with pytest.raises(TimeoutError, match="echo: merhaba"):
        ayse.wait_message(contains="olmayan", timeout=0.7)
    assert time.monotonic() - started < 3


def test_expect_no_message_fails_on_message(
    emu: EmulatorClient, ayse: SimUser, echo_bot: None
) -> None:
    ayse.send("x")
    with pytest.raises(AssertionError, match="echo: x"):
        ayse.expect_no_message(within=2)
