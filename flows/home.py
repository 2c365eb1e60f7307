"""Home: the greeting, help, the language choice and the main menu's own actions,
channel-neutral. The menu's rows come from the features that are running (the caller
passes them), so every screen here that ends in the menu takes them as `menu`."""

from __future__ import annotations

from dataclasses import dataclass

from common.config import SUPPORTED_LANGUAGES
from common.i18n import Translator
from flows.actions import Action
from flows.screen import Rows, Screen

LANGUAGE_NAMES = {"tr": "🇹🇷 Türkçe", "en": "🇬🇧 English"}


@dataclass(frozen=True)
class ChooseLanguage(Action, prefix="lang"):
    code: str


@dataclass(frozen=True)
class Languages(Action, prefix="menu:language"):
    """🌐 Language in the main menu: the languages, in place of the menu."""


@dataclass(frozen=True)
class Help(Action, prefix="menu:help"):
    """❓ Help in the main menu."""


@dataclass(frozen=True)
class Home(Action, prefix="menu:home"):
    """Back to the main menu, on the screen that had the button."""


def greeting(t: Translator, first_name: str, municipality: str, menu: Rows) -> Screen:
    """/start. The names come escaped for HTML."""
    return Screen(
        t._(
            "Hello {name}! 👋\n"
            "I am the digital assistant of {municipality}. You can send your requests, "
            "complaints and suggestions to the right department, follow them, and join "
            "the City Council's assemblies and events.\n\n"
            "What would you like to do?"
        ).format(name=first_name, municipality=municipality),
        menu,
    )


def help_screen(t: Translator, municipality: str, phone: str, menu: Rows) -> Screen:
    """/yardim and ❓ Help. The municipality's name comes escaped for HTML."""
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
    return Screen(text, menu)


def home(t: Translator, menu: Rows) -> Screen:
    """The main menu on its own: after a flow ends, or from a 🏠 button."""
    return Screen(t._("What would you like to do?"), menu)


def unknown(t: Translator, menu: Rows) -> Screen:
    """A message nothing understood."""
    return Screen(
        t._(
            "Sorry, I did not understand that. 🙏 Please choose from the menu below, "
            "or type /yardim to see what I can do."
        ),
        menu,
    )


def languages(t: Translator) -> Screen:
    return Screen(
        t._("Please choose your language:"),
        tuple((ChooseLanguage(code).choice(LANGUAGE_NAMES[code]),) for code in SUPPORTED_LANGUAGES),
    )


def language_set(t: Translator, menu: Rows) -> Screen:
    """In the language just chosen (`t`)."""
    text = (
        t._("Language set to English.") if t.language == "en" else t._("Language set to Turkish.")
    )
    return Screen(text, menu)
