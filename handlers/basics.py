"""/start, /yardim (/help), /dil, the main menu, and an answer for anything unexpected."""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from common.config import SUPPORTED_LANGUAGES
from common.i18n import resolve_language, translator
from core import citizens
from db.engine import autocommit, transaction
from db.models import RequestDraft
from handlers import council, filing, my_requests, staff_desk, survey
from handlers.common import as_id, citizen_of, deps, is_private, texts
from handlers.menu import greeting, help_text, main_menu, unknown_text

LANGUAGE_NAMES = {"tr": "🇹🇷 Türkçe", "en": "🇬🇧 English"}


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greets the citizen by name and shows the main menu."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    event_id = as_id(context.args[0][3:]) if context.args and \
        context.args[0].startswith("ev_") else None
    if event_id is not None:
        # A poster's deep link: t.me/<bot>?start=ev_<id> opens that event.
        await council.show_event(update, context, event_id)
        return
    config = deps(context).config
    with transaction(deps(context).engine) as session:
        citizen = citizens.get_or_create(session, user.id, user.language_code)
        t = translator(resolve_language(citizen.language, user.language_code))
    await message.reply_text(
        greeting(t, html.escape(user.first_name), html.escape(config.municipality.name)),
        reply_markup=main_menu(t),
        parse_mode=ParseMode.HTML,
    )


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explains what the bot does."""
    message = update.effective_message
    if message is None:
        return
    t = texts(update, context)
    municipality = deps(context).config.municipality
    await message.reply_text(
        help_text(t, html.escape(municipality.name), municipality.phone),
        parse_mode=ParseMode.HTML,
        reply_markup=main_menu(t),
    )


def _language_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(LANGUAGE_NAMES[code], callback_data=f"lang:{code}")]
         for code in SUPPORTED_LANGUAGES]
    )


async def language_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offers the languages; with an argument (`/dil en`) switches at once."""
    message = update.effective_message
    if message is None:
        return
    if context.args and context.args[0].lower() in SUPPORTED_LANGUAGES:
        await _switch_language(update, context, context.args[0].lower())
        return
    t = texts(update, context)
    await message.reply_text(t._("Please choose your language:"), reply_markup=_language_keyboard())


async def _switch_language(update: Update, context: ContextTypes.DEFAULT_TYPE, code: str) -> None:
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    with transaction(deps(context).engine) as session:
        citizens.set_language(session, user.id, code, user.language_code)
    t = translator(code)
    await message.reply_text(
        t._("Language set to English.") if code == "en" else t._("Language set to Turkish."),
        reply_markup=main_menu(t),
    )


async def language_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    code = query.data.split(":", 1)[1]
    if code not in SUPPORTED_LANGUAGES:
        await query.answer()
        return
    user = query.from_user
    with transaction(deps(context).engine) as session:
        citizens.set_language(session, user.id, code, user.language_code)
    t = translator(code)
    await query.answer()
    done = t._("Language set to English.") if code == "en" else t._("Language set to Turkish.")
    await query.edit_message_text(done, reply_markup=main_menu(t))


async def menu_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The menu entries that only change this screen: language, help, back to the menu."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    t = texts(update, context)
    await query.answer()
    action = query.data.split(":", 1)[1]
    if action == "language":
        await query.edit_message_text(
            t._("Please choose your language:"), reply_markup=_language_keyboard()
        )
    elif action == "home":
        await query.edit_message_text(t._("What would you like to do?"), reply_markup=main_menu(t))
    elif action == "help":
        municipality = deps(context).config.municipality
        await query.edit_message_text(
            help_text(t, html.escape(municipality.name), municipality.phone),
            parse_mode=ParseMode.HTML,
            reply_markup=main_menu(t),
        )


async def any_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Messages no command took: a staff reply in a group, a step of a flow, free text that
    can become a request; anything else in a private chat gets a helpful answer."""
    message = update.effective_message
    if message is None or update.effective_user is None:
        return
    if not is_private(update):
        await staff_desk.on_group_message(update, context)
        return
    if not (message.text or "").startswith("/"):
        for handler in (*_candidates(update, context), filing.offer_filing):
            if await handler(update, context):
                return
    t = texts(update, context)
    await message.reply_text(unknown_text(t), reply_markup=main_menu(t))


MessageCallback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[bool]]


def _candidates(update: Update, context: ContextTypes.DEFAULT_TYPE) -> list[MessageCallback]:
    """The flows that may want this message, read from the citizen's one pending state.

    Asking every flow in turn cost a transaction each; the state row says which to ask.
    A reply to a staff question belongs to that request whatever else is pending."""
    with autocommit(deps(context).engine) as session:
        citizen = citizen_of(session, update)
        draft = session.get(RequestDraft, citizen.id)
        step = draft.step if draft is not None else None
    message = update.effective_message
    replying = message is not None and message.reply_to_message is not None
    if step == "survey_comment":
        return [survey.on_message]
    first: list[MessageCallback] = [my_requests.on_message] if replying else []
    if step in ("note", "reply"):
        return [my_requests.on_message]
    if step is not None and step.startswith("c_"):
        return [*first, council.on_message]
    if step is not None:
        return [*first, filing.on_message]
    return first


async def unknown_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button from an old or forged message: tell the user instead of spinning forever."""
    query = update.callback_query
    if query is None:
        return
    t = texts(update, context)
    await query.answer(t._("This button is no longer valid. Please use /start."), show_alert=True)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler(["yardim", "help"], help_command))
    app.add_handler(CommandHandler(["dil", "language"], language_command))
    app.add_handler(CallbackQueryHandler(language_chosen, pattern=r"^lang:"))
    app.add_handler(CallbackQueryHandler(menu_pressed, pattern=r"^menu:(language|help|home)$"))


def register_fallbacks(app: Application) -> None:
    """Added last: within a group the first matching handler wins, so these catch the rest."""
    app.add_handler(CallbackQueryHandler(unknown_callback))
    app.add_handler(MessageHandler(filters.ALL & ~filters.UpdateType.EDITED, any_message))
