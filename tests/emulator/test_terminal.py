"""The terminal demo, driven with scripted input."""

from __future__ import annotations

import datetime as dtm
import threading
import time
from collections.abc import Awaitable, Callable

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update

from emulator.client import EmulatorClient, SimUser
from emulator.terminal import chat_in_terminal
from tests.emulator.helpers import with_bot


class Script:
    """Feeds lines, each only once the output so far contains what it waits for."""

    def __init__(self, steps: list[tuple[str | None, str]]) -> None:
        self.steps = list(steps)
        self.output: list[str] = []
        self.changed = threading.Condition()

    def out(self, text: str) -> None:
        with self.changed:
            self.output.append(text)
            self.changed.notify_all()

    def text(self) -> str:
        return "\n".join(self.output)

    def input(self, prompt: str = "") -> str:
        if not self.steps:
            raise EOFError
        wait_for, line = self.steps.pop(0)
        with self.changed:
            ok = self.changed.wait_for(lambda: wait_for is None or wait_for in self.text(), 5)
        assert ok, f"never saw {wait_for!r} in:\n{self.text()}"
        return line


POLL = dtm.timedelta(seconds=0.2)


def run_bot(
    emu: EmulatorClient, handle: Callable[[Bot, Update], Awaitable[None]]
) -> threading.Event:
    """A minimal bot answering in a thread until the returned event is set."""
    import asyncio

    from tests.emulator.helpers import TOKEN

    stop = threading.Event()

    async def loop() -> None:
        async with Bot(TOKEN, base_url=emu.api_url, base_file_url=emu.file_url) as bot:
            offset = 0
            while not stop.is_set():
                for update in await bot.get_updates(offset=offset, timeout=POLL):
                    offset = update.update_id + 1
                    await handle(bot, update)

    threading.Thread(target=lambda: asyncio.run(loop()), daemon=True).start()
    return stop


def test_terminal_chat(emu: EmulatorClient, ayse: SimUser) -> None:
    staff = emu.create_user(first_name="Can")
    group = emu.create_group("Fen İşleri", members=[staff])
    menu = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Şikayet", callback_data="c"),
                InlineKeyboardButton("Talep", callback_data="t"),
            ]
        ]
    )

    async def handle(bot: Bot, update: Update) -> None:
        if update.callback_query:
            await update.callback_query.answer(
                "Seçildi: " + str(update.callback_query.data), show_alert=True
            )
            await update.callback_query.edit_message_text("Şikayet seçildi")
        elif update.message and update.message.location:
            await bot.send_message(update.message.chat_id, "Konum alındı")
        elif update.message and update.message.photo:
            await bot.send_message(update.message.chat_id, "Foto alındı")
        elif update.message and update.message.chat.type != "private":
            await bot.send_message(update.message.chat_id, "Grup: " + str(update.message.text))
        elif update.message:
            await bot.send_message(update.message.chat_id, "Merhaba!", reply_markup=menu)

    stop = run_bot(emu, handle)
    script = Script(
        [
            (None, ":help"),
            (":loc LAT LON", "/start"),
            ("[1] Şikayet  [2] Talep", ":1"),
            ("Şikayet seçildi", ":loc 41.0 29.0"),
            ("Konum alındı", ":photo"),
            ("Foto alındı", ":as staff"),
            ("now Can", "selam ekip"),
            ("Grup: selam ekip", ":quit"),
        ]
    )
    try:
        started = time.monotonic()
        chat_in_terminal(emu, ayse, group, input_fn=script.input, output_fn=script.out, staff=staff)
        assert time.monotonic() - started < 10
    finally:
        stop.set()
    text = script.text()
    assert "(UYARI/ALERT) Seçildi: c" in text
    assert "(düzenlendi / edited)" in text
    assert "[Fen İşleri]" in text


def test_terminal_eof_and_unknown_command(emu: EmulatorClient, ayse: SimUser) -> None:
    script = Script([(None, ":nope"), (None, ":7")])
    chat_in_terminal(emu, ayse, input_fn=script.input, output_fn=script.out)
    assert "unknown command" in script.text()
    with_bot(emu, lambda bot: bot.get_me())
