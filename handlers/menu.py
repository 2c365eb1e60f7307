"""The main menu (the features' buttons) and the texts of /start and /yardim."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from common.i18n import Translator
from handlers.feature import Feature, menu_rows


def main_menu(t: Translator, features: Sequence[Feature]) -> InlineKeyboardMarkup:
    """The features' menu buttons, row by row (handlers.feature.MenuButton)."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t._(button.label), callback_data=button.data) for button in row]
            for row in menu_rows(features)
        ]
    )


def greeting(t: Translator, first_name: str, municipality: str) -> str:
    return t._(
        "Hello {name}! 👋\n"
        "I am the digital assistant of {municipality}. You can send your requests, "
        "complaints and suggestions to the right department, follow them, and join "
        "the City Council's assemblies and events.\n\n"
        "What would you like to do?"
    ).format(name=first_name, municipality=municipality)


def help_text(t: Translator, municipality: str, phone: str) -> str:
    text = t._(
        "ℹ️ <b>What can I do?</b>\n\n"
        "/talep — file a request, complaint, suggestion or question; it goes to the "
        "responsible department and you get a tracking number\n"
        "/taleplerim — follow your requests and their answers\n"
        "/meclis — the City Council's assemblies\n"
        "/etkinlikler — upcoming City Council events\n"
        "/dil — change the language\n"
        "/iptal — stop what you are doing\n\n"
        "Your requests are answered by {municipality} staff during working hours."
    ).format(municipality=municipality)
    if phone:
        text += "\n" + t._("For urgent matters call {phone}.").format(phone=phone)
    return text


def unknown_text(t: Translator) -> str:
    return t._(
        "Sorry, I did not understand that. 🙏 Please choose from the menu below, "
        "or type /yardim to see what I can do."
    )
