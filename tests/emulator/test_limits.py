"""Flood limits and fault injection."""

from __future__ import annotations

import httpx
import pytest
from telegram import Bot
from telegram.error import RetryAfter

from emulator.client import EmulatorClient, SimUser
from tests.emulator.helpers import TOKEN, with_bot

# RetryAfter's message reads its deprecated float retry_after.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


def test_flood_limit_per_private_chat(emu: EmulatorClient, ayse: SimUser) -> None:
    ayse.send("/start")
    emu.set_flood(True, private_burst=3, private_per_second=1)

    async def go(bot: Bot) -> None:
        for i in range(3):
            await bot.send_message(ayse.id, f"m{i}")
        with pytest.raises(RetryAfter, match=r"(?i)flood control exceeded"):
            await bot.send_message(ayse.id, "too much")

    with_bot(emu, go)
    assert [m.text for m in ayse.transcript()] == ["m0", "m1", "m2"]
    assert emu.stats()["429"] == 1
    raw = httpx.post(f"{emu.api_url}{TOKEN}/sendMessage", json={"chat_id": ayse.id, "text": "x"})
    assert raw.status_code == 429
    body = raw.json()
    assert body["description"].startswith("Too Many Requests: retry after ")
    assert body["parameters"]["retry_after"] >= 1


def test_flood_limit_per_group_and_off_by_default(emu: EmulatorClient, ayse: SimUser) -> None:
    group = emu.create_group("Zabıta", members=[ayse])

    async def burst(bot: Bot) -> int:
        sent = 0
        for _ in range(25):
            try:
                await bot.send_message(group.id, "x")
                sent += 1
            except RetryAfter:
                pass
        return sent

    assert with_bot(emu, burst) == 25
    emu.set_flood(True, group_burst=20)
    assert with_bot(emu, burst) == 20
    emu.set_flood(False)


def test_fault_injection_rate(emu: EmulatorClient, ayse: SimUser) -> None:
    ayse.send("/start")
    emu.set_fault_rate(0.2, seed=7)
    with httpx.Client() as http:
        statuses = [
            http.post(
                f"{emu.api_url}{TOKEN}/sendMessage", json={"chat_id": ayse.id, "text": f"n{i}"}
            ).status_code
            for i in range(200)
        ]
    failures = statuses.count(500)
    assert 20 <= failures <= 60
    assert emu.stats()["500"] == failures
    assert len(ayse.transcript()) == 200 - failures  # failed sends were not performed
    assert httpx.get(f"{emu.api_url}{TOKEN}/getMe").status_code == 200
    emu.set_fault_rate(0.0)
