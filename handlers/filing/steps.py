"""Typed input of the filing flow: a message while the citizen is at a step (a text, a
location, a photo, a contact, a reply-keyboard choice), and free text outside any flow,
offered to become a request."""

from __future__ import annotations

import logging

from sqlmodel import Session
from telegram import (
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.error import TelegramError

from common.i18n import Translator
from core import intake
from core.refusals import Refused
from db.engine import untouched
from db.models import ConversationState
from handlers import request_buttons as flow
from handlers import request_views as views
from handlers.basics import Home
from handlers.common import KentContext, translator_of
from handlers.filing.commands import cancel_flow
from handlers.filing.screens import (
    input_error,
    matches,
    render,
    show,
    show_step,
)

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
    screen: views.Screen | None = None
    unsent: TelegramError | None = None
    t: Translator | None = None
    try:
        # One transaction: find the draft, take the input, render the next screen.
        with context.citizen_transaction() as (session, citizen, _):
            draft = intake.draft_of(session, citizen)
            if draft is None or draft.step not in (*intake.steps_of(draft), "kvkk"):
                return False
            if draft.data.get("input", 0) >= message.message_id:
                # Delivered again after a crash: this message already moved the flow on.
                return True
            t = translator_of(citizen)
            step, citizen_id = draft.step, citizen.id
            if matches(text, views.CANCEL):
                cancelling = True
            else:
                if step == "text":
                    length = len(text or message.caption or "")
                _take(session, draft, message, user.id)
                # In the same transaction as the step it caused, so a redelivery is
                # recognised.
                draft.data = {**draft.data, "input": message.message_id}
                # Within the location step, what the citizen sent shows in the chat: no
                # message answers it. Every other input moves to a screen.
                if not (step == draft.step == "location"):
                    screen = render(session, draft, t, context)
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
    """Apply a message to the draft's step; raises Refused when it does not fit."""
    text, step = message.text, draft.step
    if matches(text, views.BACK):
        intake.go_back(session, draft)
    elif step == "text" and (text is not None or message.caption is not None):
        intake.set_text(session, draft, text or message.caption)
        if message.photo:
            intake.add_photo(
                session, draft, message.photo[-1].file_id, message.photo[-1].file_unique_id
            )
    elif step == "location":
        # A location, a venue, an address and photos, in any order, until Continue.
        if message.venue is not None:
            venue = message.venue
            intake.set_location(session, draft, venue.location.latitude, venue.location.longitude)
            place = ", ".join(p for p in (venue.title, venue.address) if p)
            if place:
                intake.set_address(session, draft, place[: intake.MAX_ADDRESS])
        elif message.location is not None:
            intake.set_location(
                session, draft, message.location.latitude, message.location.longitude
            )
        elif message.photo:
            intake.add_photo(
                session, draft, message.photo[-1].file_id, message.photo[-1].file_unique_id
            )
        elif matches(text, views.DONE, typed=True) or matches(text, views.SKIP, typed=True):
            intake.skip(session, draft)
        elif text is not None:
            intake.set_address(session, draft, text)
        else:
            raise Refused("location_expected")
    elif step == "phone":
        if message.contact is not None:
            if message.contact.user_id not in (None, user_id):
                raise Refused("not_your_contact")
            intake.set_phone(session, draft, message.contact.phone_number)
        elif matches(text, views.SKIP):
            intake.skip(session, draft)
        else:
            intake.set_phone(session, draft, text or "")
    else:
        raise Refused("use_buttons")


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
    await message.reply_text(
        t._("Would you like to send this to the municipality as a request or complaint?"),
        reply_markup=InlineKeyboardMarkup(
            [
                [flow.FileOffered().button(t._("📝 Yes, file it"))],
                [Home().button(t._("🏠 Main menu"))],
            ]
        ),
    )
    return True
