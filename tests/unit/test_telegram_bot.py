"""KentBot's answers to button presses (bot/telegram_bot.py), against the emulator."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram_bot import KentBot, handling
from emulator.client import EmulatorClient, SimUser
from tests.harness import BOT_TOKEN as TOKEN


def pressed(
    emu: EmulatorClient, ayse: SimUser, then: Callable[[KentBot, CallbackQuery], Awaitable[Any]]
) -> Any:
    """Ayşe presses a button of a message the bot sent her; `then` gets her press."""
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Evet", callback_data="yes")]])

    async def run() -> Any:
        async with KentBot(TOKEN, base_url=emu.api_url) as bot:
            await bot.send_message(ayse.id, "Onaylıyor musunuz?", reply_markup=keyboard)
            ayse.wait_message(contains="Onaylıyor")
            ayse.press("Evet")
            query = (await bot.get_updates(timeout=5))[-1].callback_query
            assert query is not None
            return await then(bot, query)

    return asyncio.run(run())


def test_a_late_answers_text_comes_as_a_message_in_the_private_chat(emu: EmulatorClient) -> None:
    emu.set_answer_window(0)
    ayse = emu.create_user(first_name="Ayşe", language_code="tr", started=True)

    async def answer(bot: KentBot, query: CallbackQuery) -> bool:
        with handling(query):
            return await query.answer("Bu form kapandı.", show_alert=True)

    assert pressed(emu, ayse, answer) is False
    assert ayse.wait_message().text == "Bu form kapandı."
    assert emu.events(kinds="callback_answer") == []


def test_a_late_answer_without_text_sends_nothing(emu: EmulatorClient) -> None:
    emu.set_answer_window(0)
    ayse = emu.create_user(first_name="Ayşe", language_code="tr", started=True)

    async def answer(bot: KentBot, query: CallbackQuery) -> bool:
        with handling(query):
            return await query.answer()

    assert pressed(emu, ayse, answer) is False
    ayse.expect_no_message(within=0.3)


def test_a_press_answered_twice_is_a_bug_not_lateness(emu: EmulatorClient) -> None:
    """Telegram would answer the second with the same 'query is too old' error."""
    ayse = emu.create_user(first_name="Ayşe", language_code="tr", started=True)

    async def answer_twice(bot: KentBot, query: CallbackQuery) -> None:
        with handling(query):
            assert await query.answer("Tamam")
            with pytest.raises(RuntimeError, match="answered twice"):
                await query.answer("Yine")
        # Outside an update's handling the press is unknown: Telegram's refusal is taken
        # for lateness, and with no chat to send it to the text goes nowhere.
        assert await query.answer("Yine") is False

    pressed(emu, ayse, answer_twice)
    alert = ayse.last_alert()
    assert alert is not None and alert.text == "Tamam"
    ayse.expect_no_message(within=0.3)
