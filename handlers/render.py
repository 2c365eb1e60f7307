"""Channel-neutral screens (flows.screen) as Telegram shows them: choices as an inline
keyboard, ready answers as a reply keyboard whose buttons may ask for the location or
the phone number."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode

from flows.screen import Ask, Reply, Rows, Screen


def inline_keyboard(choices: Rows) -> InlineKeyboardMarkup | None:
    if not choices:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(c.label, callback_data=c.data) for c in row] for row in choices]
    )


def _key(reply: Reply) -> KeyboardButton:
    return KeyboardButton(
        reply.label,
        request_location=True if reply.asks is Ask.LOCATION else None,
        request_contact=True if reply.asks is Ask.CONTACT else None,
    )


def reply_keyboard(screen: Screen) -> ReplyKeyboardMarkup | None:
    if not screen.replies:
        return None
    return ReplyKeyboardMarkup(
        [[_key(reply) for reply in row] for row in screen.replies],
        # One-time: it folds away once used, so the next screen needs no extra call to
        # remove it (each call counts against Telegram's 30 messages a second).
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def markup(screen: Screen) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | None:
    """The keyboard a new message of this screen carries."""
    return reply_keyboard(screen) or inline_keyboard(screen.choices)


async def present(update: Update, screen: Screen, edit: bool = False) -> None:
    """Show `screen`: in place of the pressed message when `edit` (a reply keyboard
    cannot be edited in, so such a screen always comes as a new message), otherwise as a
    reply in the chat."""
    query = update.callback_query
    if edit and query is not None and not screen.replies:
        await query.edit_message_text(
            screen.text, parse_mode=ParseMode.HTML, reply_markup=inline_keyboard(screen.choices)
        )
        return
    message = update.effective_message
    if message is not None:
        await message.reply_text(
            screen.text, parse_mode=ParseMode.HTML, reply_markup=markup(screen)
        )
