"""The command list shown in Telegram's menu, registered with setMyCommands per language."""

from __future__ import annotations

from telegram import Bot, BotCommand

from common.config import SUPPORTED_LANGUAGES
from common.i18n import N_, translator

COMMANDS: list[tuple[str, str]] = [
    ("start", N_("Main menu")),
    ("talep", N_("File a request or complaint")),
    ("taleplerim", N_("Follow my requests")),
    ("meclis", N_("City Council assemblies")),
    ("etkinlikler", N_("Upcoming City Council events")),
    ("iptal", N_("Stop what I am doing")),
    ("verilerim", N_("The data you hold about me")),
    ("yardim", N_("What the bot can do")),
    ("dil", N_("Change the language")),
]


def commands_for(language: str) -> list[BotCommand]:
    t = translator(language)
    return [BotCommand(name, t._(description)) for name, description in COMMANDS]


async def register_commands(bot: Bot, default_language: str = "tr") -> None:
    """The default list is in the municipality's language; each language gets its own."""
    await bot.set_my_commands(commands_for(default_language))
    for language in SUPPORTED_LANGUAGES:
        await bot.set_my_commands(commands_for(language), language_code=language)
