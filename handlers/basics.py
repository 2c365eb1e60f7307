"""/start, /yardim (/help), /dil and the main menu's own buttons, in Telegram (screens
and actions: flows.home)."""

from __future__ import annotations

import html

from telegram import Update

from common.config import SUPPORTED_LANGUAGES
from common.i18n import N_, Translator, resolve_language, translator
from core import citizens
from db.engine import transaction
from flows import home as screens
from flows.home import ChooseLanguage, Help, Home, Languages
from flows.screen import Screen
from handlers import council
from handlers.buttons import Buttons
from handlers.common import KentContext, as_id
from handlers.feature import Command, Feature, MenuButton
from handlers.menu import menu_choices
from handlers.render import present


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
        # This update's language, not the stored one (translator_of): when Telegram sends
        # none, /start falls back to the default rather than to a language of the past.
        t = translator(resolve_language(citizen.language, user.language_code))
    menu = menu_choices(t, context.deps.features)
    name, municipality = html.escape(user.first_name), html.escape(config.municipality.name)
    await present(update, screens.greeting(t, name, municipality, menu))


async def help_command(update: Update, context: KentContext) -> None:
    """Explains what the bot does."""
    message = update.effective_message
    if message is None:
        return
    await present(update, _help(context, context.texts()))


# Data no kind unpacks (an unknown language code) is answered quietly.
buttons = Buttons("lang", Languages.prefix, Help.prefix, Home.prefix)


def _help(context: KentContext, t: Translator) -> Screen:
    municipality = context.config.municipality
    menu = menu_choices(t, context.deps.features)
    return screens.help_screen(t, html.escape(municipality.name), municipality.phone, menu)


async def language_command(update: Update, context: KentContext) -> None:
    """Offers the languages; with an argument (`/dil en`) switches at once."""
    message = update.effective_message
    if message is None:
        return
    if context.args and context.args[0].lower() in SUPPORTED_LANGUAGES:
        await _switch_language(update, context, context.args[0].lower())
        return
    await present(update, screens.languages(context.texts()))


async def _switch_language(update: Update, context: KentContext, code: str) -> None:
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    with transaction(context.engine) as session:
        citizens.set_language(session, user.id, code, user.language_code)
    t = translator(code)
    await present(update, screens.language_set(t, menu_choices(t, context.deps.features)))


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
    await present(
        update, screens.language_set(t, menu_choices(t, context.deps.features)), edit=True
    )


@buttons.on(Languages)
async def languages(update: Update, context: KentContext, button: Languages) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    await present(update, screens.languages(context.texts()), edit=True)


@buttons.on(Home)
async def home(update: Update, context: KentContext, button: Home) -> None:
    query = update.callback_query
    assert query is not None
    t = context.texts()
    await query.answer()
    await present(update, screens.home(t, menu_choices(t, context.deps.features)), edit=True)


@buttons.on(Help)
async def help_pressed(update: Update, context: KentContext, button: Help) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    await present(update, _help(context, context.texts()), edit=True)


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
