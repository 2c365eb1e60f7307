"""Webhook delivery to a tiny aiohttp receiver running in its own thread."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from telegram.error import Conflict

from emulator.client import EmulatorClient, SimUser
from tests.emulator.helpers import with_bot


@dataclass
class Receiver:
    url: str = ""
    received: list[tuple[dict[str, Any], str | None]] = field(default_factory=list)
    fail_first: int = 0
    got: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    async def hook(request: web.Request) -> web.Response:
        state.received.append(
            (await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        )
        state.got.set()
        if state.fail_first > 0:
            state.fail_first -= 1
            return web.Response(status=500)
        return web.Response(text="ok")

    async def start() -> web.AppRunner:
        app = web.Application()
        app.router.add_post("/hook", hook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        state.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
        return runner

    def run() -> None:
        runner_box.append(loop.run_until_complete(start()))
        ready.set()
        loop.run_forever()

    runner_box: list[web.AppRunner] = []
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(5)
    yield state
    asyncio.run_coroutine_threadsafe(runner_box[0].cleanup(), loop).result(5)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)


def wait_for(predicate: Any, timeout: float = 5.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def test_webhook_delivery_with_secret_and_conflict(
    emu: EmulatorClient, ayse: SimUser, receiver: Receiver
) -> None:
    with_bot(emu, lambda bot: bot.set_webhook(receiver.url, secret_token="s3cret"))
    ayse.send("/start")
    wait_for(lambda: len(receiver.received) == 1)
    update, secret = receiver.received[0]
    assert secret == "s3cret"
    assert update["message"]["text"] == "/start"
    emu.wait_idle(timeout=2)
    with pytest.raises(Conflict, match="webhook is active"):
        with_bot(emu, lambda bot: bot.get_updates())
    info = with_bot(emu, lambda bot: bot.get_webhook_info())
    assert info.url == receiver.url and info.pending_update_count == 0


def test_webhook_retries_failed_delivery(
    emu: EmulatorClient, ayse: SimUser, receiver: Receiver
) -> None:
    receiver.fail_first = 2
    with_bot(emu, lambda bot: bot.set_webhook(receiver.url))
    ayse.send("merhaba")
    wait_for(lambda: len(receiver.received) == 3)
    ids = {u["update_id"] for u, _ in receiver.received}
    assert len(ids) == 1  # the same update, delivered again after each failure
    info = with_bot(emu, lambda bot: bot.get_webhook_info())
    assert info.last_error_message is not None and "500" in info.last_error_message
    with_bot(emu, lambda bot: bot.delete_webhook())
    ayse.send("tekrar")
    message = with_bot(emu, lambda bot: bot.get_updates())[0].message
    assert message is not None and message.text == "tekrar"
