"""Typed input of the filing flow: a message while the citizen is at a step (a text, a
location, a photo, a contact, a reply-keyboard choice), and free text outside any flow,
offered to become a request."""

from __future__ import annotations

import logging

from sqlmodel import Session
from telegram import Message, Update
from telegram.error import TelegramError

from common.i18n import Translator
from core import intake
from core.refusals import Refused
from db.engine import untouched
from db.models import ConversationState
from flows.filing import steps
from flows.filing.screens import CANCEL, input_error, matches, offer, screen_of
from flows.screen import Screen
from handlers.common import KentContext, translator_of
from handlers.filing.commands import cancel_flow
from handlers.filing.screens import show, show_step
from handlers.render import present

log = logging.getLogger("kentbot.filing")


async def on_message(update: Update, context: KentContext) -> bool:
    """A private message while filing; returns False when no filing step wants it."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return False
    text = message.text
    length = len(text or "")
    error: str | None = None
    cancelling = False
    screen: Screen | None = None
    unsent: TelegramError | None = None
    t: Translator | None = None
    try:
        # One transaction: find the draft, take the input, render the next screen.
        with context.citizen_transaction() as (session, citizen, _):
            draft = intake.draft_of(session, citizen)
            if draft is None or draft.step not in (*intake.steps_of(draft), "kvkk"):
                return False
            if (intake.state_of(draft).input or 0) >= message.message_id:
                # Delivered again after a crash: this message already moved the flow on.
                return True
            t = translator_of(citizen)
            step, citizen_id = draft.step, citizen.id
            if matches(text, CANCEL):
                cancelling = True
            else:
                if step == "text":
                    length = len(text or message.caption or "")
                _take(session, draft, message, user.id)
                # In the same transaction as the step it caused, so a redelivery is
                # recognised.
                intake.record(draft, input=message.message_id)
                # Within the location step, what the citizen sent shows in the chat: no
                # message answers it. Every other input moves to a screen.
                if not (step == draft.step == "location"):
                    screen = screen_of(session, draft, t, context.config)
                    flow_message = draft.message_id
                    if untouched(session):
                        # Sent before the step is saved, so that the step and the new
                        # message's id go in one statement: nothing has gone to the
                        # database yet, so the wait for Telegram holds no lock. A failed
                        # send loses the screen, never the citizen's answer.
                        try:
                            await show(
                                update,
                                context,
                                draft.citizen_id,
                                screen,
                                flow_message,
                                edit=False,
                                draft=draft,
                            )
                        except TelegramError as exc:
                            unsent = exc
                        screen = None
    except Refused as exc:
        error = exc.reason
    if unsent is not None:
        raise unsent  # the step is saved; the usual apology follows
    assert t is not None and citizen_id is not None
    if cancelling:
        await cancel_flow(update, context, citizen_id)
        return True
    if error is not None:
        template = input_error(t, error)
        await message.reply_text(template.format(length=length))
        if error == "use_buttons":
            await show_step(update, context, citizen_id, edit=False)
        return True
    if screen is not None:
        await show(update, context, citizen_id, screen, flow_message, edit=False)
    return True


def _take(session: Session, draft: ConversationState, message: Message, user_id: int) -> None:
    """The message as the flow reads any channel's (flows.filing.steps.Input)."""
    venue, photo, contact = message.venue, message.photo, message.contact
    located = venue.location if venue is not None else message.location
    steps.take(
        session,
        draft,
        steps.Input(
            text=message.text,
            caption=message.caption,
            location=(located.latitude, located.longitude) if located is not None else None,
            place=", ".join(p for p in (venue.title, venue.address) if p) if venue else None,
            photo=(photo[-1].file_id, photo[-1].file_unique_id) if photo else None,
            contact=(contact.phone_number, contact.user_id) if contact is not None else None,
        ),
        user_id,
    )


async def offer_filing(update: Update, context: KentContext) -> bool:
    """Free text outside any flow that looks like a request: offer to file it."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or not message.text:
        return False
    text = message.text.strip()
    with context.citizen_transaction() as (session, citizen, t):
        if not intake.offer(session, citizen, text, context.deps.keywords):
            return False
    await present(update, offer(t))
    return True
