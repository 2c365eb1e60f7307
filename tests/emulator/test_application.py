"""A whole python-telegram-bot Application (polling, handlers, callback answers) end to end."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from emulator.client import EmulatorClient, SimUser
from tests.emulator.helpers import TOKEN


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Şikayet", callback_data="c")]])
    await update.effective_message.reply_text("Merhaba! Seçin:", reply_markup=keyboard)


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Tamam")
    await query.edit_message_text("Şikayetinizi yazın")


@pytest.fixture
def application(emu: EmulatorClient) -> Iterator[None]:
    stop = threading.Event()
    errors: list[object] = []

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        errors.append(context.error)

    async def run() -> None:
        app = (
            Application.builder()
            .token(TOKEN)
            .base_url(emu.api_url)
            .base_file_url(emu.file_url)
            .build()
        )
        app.add_handler(CommandHandler("start", start))
        app.add_handler(CallbackQueryHandler(pressed))
        app.add_error_handler(on_error)
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0, timeout=1)
            while not stop.is_set():
                await asyncio.sleep(0.05)
            await app.updater.stop()
            await app.stop()

    thread = threading.Thread(target=lambda: asyncio.run(run()), daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(10)
    assert errors == []


def test_application_conversation(emu: EmulatorClient, ayse: SimUser, application: None) -> None:
    ayse.send("/start")
    menu = ayse.wait_message(contains="Merhaba")
    assert menu.buttons == [["Şikayet"]]
    ayse.press("Şikayet")
    edited = ayse.wait_message(contains="Şikayetinizi yazın")
    assert edited.edited and edited.message_id == menu.message_id and edited.buttons == []
    alert = ayse.last_alert()
    assert alert is not None and alert.text == "Tamam" and not alert.show_alert
    emu.wait_idle()
