"""/start, /yardim (/help), /dil and the main menu's own buttons."""

from __future__ import annotations

import html
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode

from common.config import SUPPORTED_LANGUAGES
from common.i18n import N_, resolve_language, translator
from core import citizens
from db.engine import transaction
from handlers import council
from handlers.buttons import Button, Buttons
from handlers.common import KentContext, as_id
from handlers.feature import Command, Feature, MenuButton
from handlers.menu import greeting, help_text, main_menu

LANGUAGE_NAMES = {"tr": "🇹🇷 Türkçe", "en": "🇬🇧 English"}


async def start(update: Update, context: KentContext) -> None:
    """Greets the citizen by name and shows the main menu."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    event_id = (
        as_id(context.args[0][3:]) if context.args and context.args[0].startswith("ev_") else None
    )
    if event_id is not None:
        # A poster's deep link: t.me/<bot>?start=ev_<id> opens that event.
        await council.show_event(update, context, event_id)
        return
    config = context.config
    with transaction(context.engine) as session:
        citizen = citizens.get_or_create(session, user.id, user.language_code)
        t = translator(resolve_language(citizen.language, user.language_code))
    await message.reply_text(
        greeting(t, html.escape(user.first_name), html.escape(config.municipality.name)),
        reply_markup=main_menu(t, context.deps.features),
        parse_mode=ParseMode.HTML,
    )


async def help_command(update: Update, context: KentContext) -> None:
    """Explains what the bot does."""
    message = update.effective_message
    if message is None:
        return
    t = context.texts()
    municipality = context.config.municipality
    await message.reply_text(
        help_text(t, html.escape(municipality.name), municipality.phone),
        parse_mode=ParseMode.HTML,
        reply_markup=main_menu(t, context.deps.features),
    )


@dataclass(frozen=True)
class ChooseLanguage(Button, prefix="lang"):
    code: str


@dataclass(frozen=True)
class Languages(Button, prefix="menu:language"):
    """🌐 Language in the main menu: the languages, in place of the menu."""


@dataclass(frozen=True)
class Help(Button, prefix="menu:help"):
    """❓ Help in the main menu."""


@dataclass(frozen=True)
class Home(Button, prefix="menu:home"):
    """Back to the main menu, on the screen that had the button."""


# Data no kind unpacks (an unknown language code) is answered quietly.
buttons = Buttons("lang", Languages.prefix, Help.prefix, Home.prefix)


def _language_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[ChooseLanguage(code).button(LANGUAGE_NAMES[code])] for code in SUPPORTED_LANGUAGES]
    )


async def language_command(update: Update, context: KentContext) -> None:
    """Offers the languages; with an argument (`/dil en`) switches at once."""
    message = update.effective_message
    if message is None:
        return
    if context.args and context.args[0].lower() in SUPPORTED_LANGUAGES:
        await _switch_language(update, context, context.args[0].lower())
        return
    t = context.texts()
    await message.reply_text(t._("Please choose your language:"), reply_markup=_language_keyboard())


async def _switch_language(update: Update, context: KentContext, code: str) -> None:
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    with transaction(context.engine) as session:
        citizens.set_language(session, user.id, code, user.language_code)
    t = translator(code)
    await message.reply_text(
        t._("Language set to English.") if code == "en" else t._("Language set to Turkish."),
        reply_markup=main_menu(t, context.deps.features),
    )


@buttons.on(ChooseLanguage)
async def language_chosen(update: Update, context: KentContext, button: ChooseLanguage) -> None:
    query = update.callback_query
    assert query is not None
    code = button.code
    if code not in SUPPORTED_LANGUAGES:
        await query.answer()
        return
    user = query.from_user
    with transaction(context.engine) as session:
        citizens.set_language(session, user.id, code, user.language_code)
    t = translator(code)
    await query.answer()
    done = t._("Language set to English.") if code == "en" else t._("Language set to Turkish.")
    await query.edit_message_text(done, reply_markup=main_menu(t, context.deps.features))


@buttons.on(Languages)
async def languages(update: Update, context: KentContext, button: Languages) -> None:
    query = update.callback_query
    assert query is not None
    t = context.texts()
    await query.answer()
    await query.edit_message_text(
        t._("Please choose your language:"), reply_markup=_language_keyboard()
    )


@buttons.on(Home)
async def home(update: Update, context: KentContext, button: Home) -> None:
    query = update.callback_query
    assert query is not None
    t = context.texts()
    await query.answer()
    await query.edit_message_text(
        t._("What would you like to do?"), reply_markup=main_menu(t, context.deps.features)
    )


@buttons.on(Help)
async def help_pressed(update: Update, context: KentContext, button: Help) -> None:
    query = update.callback_query
    assert query is not None
    t = context.texts()
    await query.answer()
    municipality = context.config.municipality
    await query.edit_message_text(
        help_text(t, html.escape(municipality.name), municipality.phone),
        parse_mode=ParseMode.HTML,
        reply_markup=main_menu(t, context.deps.features),
    )


FEATURE = Feature(
    name="start",
    commands=(
        Command(("start",), start, N_("Main menu"), place=10),
        Command(("yardim", "help"), help_command, N_("What the bot can do"), place=80),
        Command(("dil", "language"), language_command, N_("Change the language"), place=90),
    ),
    handlers=(buttons.handler(),),
    menu=(
        MenuButton(Languages().pack(), N_("🌐 Language"), row=40),
        MenuButton(Help().pack(), N_("❓ Help"), row=40),
    ),
)
