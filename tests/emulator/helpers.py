"""Run python-telegram-bot's real Bot against the emulator from sync tests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import Bot

from emulator.client import EmulatorClient
from tests.harness import BOT_TOKEN as TOKEN

__all__ = ["TOKEN", "with_bot"]

T = TypeVar("T")


def with_bot(emu: EmulatorClient, action: Callable[[Bot], Awaitable[T]]) -> T:
    async def run() -> T:
        bot = Bot(TOKEN, base_url=emu.api_url, base_file_url=emu.file_url)
        async with bot:
            return await action(bot)

    return asyncio.run(run())
