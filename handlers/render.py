"""Channel-neutral screens (flows.screen) as Telegram shows them: choices as an inline
keyboard, ready answers as a reply keyboard whose buttons may ask for the location or
the phone number."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

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
