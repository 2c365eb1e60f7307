"""The main menu: the running features' buttons (handlers.feature.MenuButton), row by row."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from common.i18n import Translator
from flows.screen import Choice, Rows
from handlers.feature import Feature, menu_rows
from handlers.render import inline_keyboard


def menu_choices(t: Translator, features: Sequence[Feature]) -> Rows:
    return tuple(
        tuple(Choice(t._(button.label), button.data) for button in row)
        for row in menu_rows(features)
    )


def main_menu(t: Translator, features: Sequence[Feature]) -> InlineKeyboardMarkup:
    """The menu as a Telegram keyboard, for a message that is not a whole screen."""
    markup = inline_keyboard(menu_choices(t, features))
    assert markup is not None  # the start feature always has buttons in the menu
    return markup
