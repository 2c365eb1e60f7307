"""The command list shown in Telegram's menu, registered with setMyCommands per language:
the features' commands that have a description (handlers.feature.Command), by place."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Bot, BotCommand

from common.config import SUPPORTED_LANGUAGES
from common.i18n import translator
from handlers.feature import Feature, commands_of


def commands_for(language: str, features: Sequence[Feature]) -> list[BotCommand]:
    t = translator(language)
    listed = sorted(
        (c for c in commands_of(features) if c.description is not None), key=lambda c: c.place
    )
    return [BotCommand(c.names[0], t._(text)) for c in listed if (text := c.description)]


async def register_commands(
    bot: Bot, features: Sequence[Feature], default_language: str = "tr"
) -> None:
    """The default list is in the municipality's language; each language gets its own."""
    await bot.set_my_commands(commands_for(default_language, features))
    for language in SUPPORTED_LANGUAGES:
        await bot.set_my_commands(commands_for(language, features), language_code=language)
