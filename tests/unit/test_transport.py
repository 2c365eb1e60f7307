"""The Bot API client under every call (bot/transport.py): against the emulator, and
against servers that refuse, stall or stand in as a proxy."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.transport import AiohttpRequest
from emulator.client import EmulatorClient
from emulator.server import RunningEmulator
from tests.harness import BOT_TOKEN as TOKEN


def with_bot(api_url: str, use: Callable[[Bot], Awaitable[Any]]) -> Any:
    async def run() -> Any:
        async with Bot(TOKEN, base_url=api_url, request=AiohttpRequest()) as bot:
            return await use(bot)

    return asyncio.run(run())


def test_a_message_with_turkish_text_and_buttons_reaches_the_chat(
    emu: EmulatorClient, emulator_server: RunningEmulator
) -> None:
    ayse = emu.create_user(first_name="Ayşe", language_code="tr")
    ayse.send("/start")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Şikâyet", callback_data="ş:1")]])

    sent = with_bot(
        emulator_server.api_url,
        lambda bot: bot.send_message(
            ayse.id, "Talebiniz alındı: çöp konteynerı, Ğ ü ş ı ö ç", reply_markup=keyboard
        ),
    )

    seen = ayse.wait_message("Talebiniz alındı")
    assert seen.text == "Talebiniz alındı: çöp konteynerı, Ğ ü ş ı ö ç"
    assert seen.callback_data("Şikâyet") == "ş:1"
    assert sent.message_id == seen.message_id


def test_an_uploaded_file_arrives_byte_for_byte(
    emu: EmulatorClient, emulator_server: RunningEmulator
) -> None:
    ayse = emu.create_user(first_name="Ayşe", language_code="tr")
    ayse.send("/start")
    payload = bytes(range(256)) * 40

    with_bot(
        emulator_server.api_url,
        lambda bot: bot.send_document(
            ayse.id, InputFile(payload, filename="performans-2025.xlsx"), caption="Rapor"
        ),
    )

    seen = ayse.wait_message(predicate=lambda m: m.document is not None)
    assert seen.document is not None
    assert seen.document["file_name"] == "performans-2025.xlsx"
    assert seen.caption == "Rapor"
    assert emu.download(seen.document["file_id"], token=TOKEN) == payload


def test_telegrams_refusal_keeps_its_reason(
    emu: EmulatorClient, emulator_server: RunningEmulator
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        with_bot(emulator_server.api_url, lambda bot: bot.send_message(424242, "Merhaba"))


async def post_once(url: str, **timeouts: float) -> Any:
    """One call on a client opened for it and closed after."""
    request = AiohttpRequest()
    await request.initialize()
    try:
        return await request.post(url, None, **timeouts)
    finally:
        await request.shutdown()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_refused_connection_is_a_network_error() -> None:
    with pytest.raises(NetworkError) as raised:
        asyncio.run(post_once(f"http://127.0.0.1:{free_port()}/bot{TOKEN}/getMe"))
    assert not isinstance(raised.value, TimedOut)


async def serve(
    on_connect: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]],
) -> tuple[asyncio.Server, int]:
    server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


def test_a_server_that_never_answers_is_a_timeout() -> None:
    async def stall(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(65536)
        await asyncio.sleep(30)

    async def run() -> None:
        server, port = await serve(stall)
        try:
            await post_once(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe", read_timeout=0.3)
        finally:
            server.close()

    with pytest.raises(TimedOut):
        asyncio.run(run())


def test_calls_go_through_the_proxy_the_environment_names(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bytes] = []
    body = b'{"ok": true, "result": true}'

    async def proxy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(await reader.readline())
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body)
        )
        await writer.drain()
        writer.close()

    async def run() -> Any:
        server, port = await serve(proxy)
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
        for name in ("NO_PROXY", "no_proxy", "http_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.delenv(name, raising=False)
        try:
            return await post_once(f"http://api.telegram.invalid/bot{TOKEN}/close")
        finally:
            server.close()

    assert asyncio.run(run()) is True
    assert seen == [f"POST http://api.telegram.invalid/bot{TOKEN}/close HTTP/1.1\r\n".encode()]


def test_it_is_used_only_while_open_and_can_be_opened_again(
    emu: EmulatorClient, emulator_server: RunningEmulator
) -> None:
    async def username(request: AiohttpRequest, url: str) -> str:
        me = await request.post(url)
        assert isinstance(me, dict)
        return str(me["username"])

    async def run() -> tuple[str, str]:
        request = AiohttpRequest()
        url = f"{emulator_server.api_url}{TOKEN}/getMe"
        with pytest.raises(NetworkError, match="not initialized"):
            await request.post(url)
        await request.initialize()
        first = await username(request, url)
        await request.shutdown()
        with pytest.raises(NetworkError, match="not initialized"):
            await request.post(url)
        await request.initialize()
        second = await username(request, url)
        await request.shutdown()
        return first, second

    assert asyncio.run(run()) == ("kentbot_test", "kentbot_test")


def test_a_host_the_environment_exempts_is_reached_directly(
    emu: EmulatorClient, emulator_server: RunningEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("http_proxy", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{free_port()}")  # nobody there
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")

    me = with_bot(emulator_server.api_url, lambda bot: bot.get_me())

    assert me.username == "kentbot_test"


def test_a_failed_call_does_not_carry_the_token() -> None:
    """aiohttp names the URL in some errors; those reach logs and failed_delivery."""

    async def garbled(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(65536)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: nonsense\r\n\r\n{}")
        await writer.drain()
        writer.close()

    async def run() -> None:
        server, port = await serve(garbled)
        try:
            await post_once(f"http://127.0.0.1:{port}/bot{TOKEN}/sendMessage")
        finally:
            server.close()

    with pytest.raises(NetworkError) as raised:
        asyncio.run(run())
    error = raised.value
    told = (
        str(error)
        + repr(error.__cause__)
        + repr(error.__context__ if not error.__suppress_context__ else None)
    )
    assert "aiohttp." in str(error)
    assert TOKEN not in told
