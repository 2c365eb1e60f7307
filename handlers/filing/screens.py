"""Showing the filing flow's screens (flows.filing.screens) in Telegram: by editing the
flow's message in place, or as a new one (a reply keyboard cannot be edited in)."""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from core import intake
from db.engine import autocommit, transaction
from db.models import Citizen, ConversationState
from flows.filing.screens import screen_of
from flows.screen import Screen
from handlers.common import KentContext, translator_of
from handlers.render import inline_keyboard, markup

log = logging.getLogger("kentbot.filing")


async def show(
    update: Update,
    context: KentContext,
    citizen_id: int,
    screen: Screen,
    flow_message: int | None,
    edit: bool,
    draft: ConversationState | None = None,
) -> None:
    """Edit the flow's message (`flow_message`, as the caller loaded it) when the citizen
    pressed one of its buttons; otherwise send a new one and remember it. A reply keyboard
    (location, contact) can only come with a new message.

    A caller that passes its `draft` before committing the step saves the new message's
    id with the step, in one statement; otherwise it is saved here."""
    chat = update.effective_chat
    assert chat is not None
    query = update.callback_query
    if (
        edit
        and not screen.replies
        and query is not None
        and query.message is not None
        and query.message.message_id == flow_message
    ):
        try:
            await query.edit_message_text(
                screen.text, parse_mode=ParseMode.HTML, reply_markup=inline_keyboard(screen.choices)
            )
        except BadRequest as exc:
            if "not modified" not in str(exc):
                raise
        return
    sent: Message = await context.bot.send_message(
        chat.id,
        screen.text,
        parse_mode=ParseMode.HTML,
        reply_markup=markup(screen),
    )
    if draft is not None:
        _shown(draft, sent, screen)
        return
    with autocommit(context.engine) as session:  # one UPDATE: the draft is loaded
        draft = session.get(ConversationState, citizen_id)
        if draft is not None:
            _shown(draft, sent, screen)
            session.add(draft)


def _shown(draft: ConversationState, sent: Message, screen: Screen) -> None:
    """The flow's message is now `sent`."""
    draft.message_id = sent.message_id
    intake.record(draft, keyboard=bool(screen.replies))


async def show_step(update: Update, context: KentContext, citizen_id: int, edit: bool) -> None:
    with transaction(context.engine) as session:
        draft = intake.load(session, citizen_id)
        citizen = session.get(Citizen, citizen_id)
        if draft is None or citizen is None:
            return
        screen = screen_of(session, draft, translator_of(citizen), context.config)
        flow_message = draft.message_id
    await show(update, context, citizen_id, screen, flow_message, edit)
