"""Channel-neutral screens (flows.screen) as Telegram shows them: choices as an inline
keyboard, ready answers as a reply keyboard whose buttons may ask for the location or
the phone number; and a button press whose work produces the next screen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session
from telegram import (
    Bot,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
    Update,
)
from telegram.constants import ParseMode

from common.i18n import Translator
from core.refusals import Refused
from db.models import Citizen
from db.types import utcnow
from flows.screen import Ask, Media, MediaKind, Reply, Rows, Screen
from handlers.common import KentContext


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


Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply


def markup(screen: Screen) -> Markup | None:
    """The keyboard a new message of this screen carries; a screen that expects a reply
    opens the reply to it (selective: in a group, for the person it answers only). A
    one-time reply keyboard folds away once used, yet stays a tap away (and stays up
    when the answer is typed): only a message that removes it takes it away."""
    if screen.expects_reply is not None:
        return ForceReply(selective=True, input_field_placeholder=screen.expects_reply or None)
    if screen.clears_replies:
        return ReplyKeyboardRemove()
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


async def send(
    bot: Bot, chat_id: int, screen: Screen, reply_to: int | None = None
) -> Message | None:
    """Send `screen` to a chat as new messages: its text with its keyboard (as a reply to
    the message `reply_to`, when given), then each of its media. Returns the text's
    message (None for a screen of media alone)."""
    sent = None
    if screen.text:
        sent = await bot.send_message(
            chat_id,
            screen.text,
            parse_mode=ParseMode.HTML,
            reply_markup=markup(screen),
            reply_parameters=ReplyParameters(message_id=reply_to) if reply_to else None,
        )
    for media in screen.media:
        await _send_media(bot, chat_id, media)
    return sent


async def _send_media(bot: Bot, chat_id: int, media: Media) -> None:
    # Bytes are uploaded under their name; a string is a file Telegram holds already.
    content = (
        InputFile(media.content, filename=media.filename)
        if isinstance(media.content, bytes)
        else media.content
    )
    caption = media.caption or None
    if media.kind is MediaKind.PHOTO:
        await bot.send_photo(chat_id, content, caption=caption)
    else:
        await bot.send_document(chat_id, content, caption=caption)


Act = Callable[[Session, Citizen, Translator, datetime], Screen]


async def press(
    update: Update, context: KentContext, act: Act, refusal: Callable[[Translator, str], str]
) -> bool:
    """A button's work: `act` runs in one transaction with the presser, and the screen it
    returns is shown in place of the pressed message. A refusal (or data naming nothing,
    a ValueError) rolls everything back and comes as an alert, in `refusal`'s words. Says
    whether the screen was shown (the button's follow-up may then go on)."""
    query = update.callback_query
    assert query is not None
    now = utcnow()
    with context.citizen_transaction() as (session, citizen, t):
        try:
            screen = act(session, citizen, t, now)
        except (Refused, ValueError) as exc:
            session.rollback()
            reason = exc.reason if isinstance(exc, Refused) else "not_found"
            await query.answer(refusal(t, reason), show_alert=True)
            return False
    await query.answer()
    await present(update, screen, edit=True)
    return True


# Finds a stored file for the presser, checking who may have it: (file id, its name).
FileLookup = Callable[[Session, Citizen, Translator], tuple[str, str]]


async def send_file(
    update: Update,
    context: KentContext,
    lookup: FileLookup,
    refusal: Callable[[Translator, str], str],
) -> Message | None:
    """A button that puts a stored file (the PDF sent with a CV) into the chat where it was
    pressed; `lookup` runs in the presser's transaction, and a refusal comes as an alert.
    Returns the file's message (None when refused)."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and chat is not None
    with context.citizen_transaction() as (session, citizen, t):
        try:
            file_id, name = lookup(session, citizen, t)
        except (Refused, ValueError) as exc:
            reason = exc.reason if isinstance(exc, Refused) else "not_found"
            await query.answer(refusal(t, reason), show_alert=True)
            return None
    await query.answer()
    sent: Message = await context.bot.send_document(chat.id, file_id, caption=name)
    return sent
