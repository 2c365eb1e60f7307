"""The filing flow's screens: the next step's screen, shown by editing the flow's
message in place or as a new one (a reply keyboard cannot be edited in), and the errors a
step's input may get. Reply-keyboard text is matched in every language."""

from __future__ import annotations

import logging

from sqlmodel import Session
from telegram import (
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest

from common.i18n import N_, Translator, all_translators
from core import intake
from core.text_match import fold
from db import reference
from db.engine import autocommit, transaction
from db.models import Category, Citizen, ConversationState, Department
from handlers import request_buttons as flow
from handlers import request_views as views
from handlers.common import KentContext, translator_of

log = logging.getLogger("kentbot.filing")

INPUT_ERRORS: dict[str, str] = {
    "empty": N_("The message is empty. Please write a few words about the matter."),
    "too_long": N_(
        "That is too long: please keep it under 2000 characters "
        "(yours has {length}). You can send details later as a note."
    ),
    "bad_location": N_("That location could not be read. Please try again or type the address."),
    "too_many_photos": N_(
        "You have already added 3 photos, the most we accept. Tap Continue to go on."
    ),
    "bad_phone": N_(
        "That does not look like a phone number. Please use the button, "
        "type a number like 0555 123 45 67, or skip."
    ),
    "not_your_contact": N_("Please share your own number with the button below."),
    "incomplete": N_("Some steps are missing. Please go through them again."),
    "unknown_category": N_("That topic is no longer available. Please choose another."),
    "use_buttons": N_("Please use the buttons of the last message to continue."),
    "location_expected": N_(
        "Please share the location with the button, type the address, "
        "send a photo, or tap Continue."
    ),
}


def input_error(t: Translator, reason: str | None) -> str:
    message = INPUT_ERRORS.get(reason or "", INPUT_ERRORS["use_buttons"])
    return t._(message)


def matches(text: str | None, label: str, typed: bool = False) -> bool:
    """Reply-keyboard text in any language (the citizen may have switched language).

    `typed`: also the label's words typed by hand ("devam" for "✅ Devam"), as a citizen
    does when the one-time keyboard has folded away."""
    if text is None:
        return False
    value = text.strip()
    for t in all_translators():
        shown = t._(label)
        if value == shown or (typed and _words(value) == _words(shown)):
            return True
    return False


def _words(text: str) -> str:
    """The text without its leading emoji and spaces, case-folded."""
    start = next((i for i, c in enumerate(text) if c.isalnum()), len(text))
    return text[start:].strip().casefold()


def _screen(session: Session, draft: ConversationState, t: Translator) -> views.Screen:
    step = draft.step
    if step == "channel":
        return views.Screen(
            t._("📨 Which channel did this request come from?"), views.channel_keyboard(t)
        )
    if step == "category":
        # Alphabetical the Turkish way (Ç with C, İ with I), not by code point.
        categories = sorted(
            (c for c in reference.every(session, Category) if c.active),
            key=lambda c: fold(c.name_tr),
        )
        return views.category_screen(t, draft, categories)
    if step == "text":
        return views.text_screen(t)
    if step == "location":
        return views.location_screen(t)
    if step == "phone":
        if draft.data.get("mode") == "record":
            return views.Screen(
                t._("📞 The citizen's phone number or e-mail, if they gave one (or tap Skip):"),
                InlineKeyboardMarkup([[flow.SkipStep().button(t._(views.SKIP))]]),
            )
        return views.phone_screen(t)
    category = reference.get(session, Category, draft.data.get("category"))
    department = reference.get(session, Department, category.department_code) if category else None
    return views.Screen(
        views.draft_summary(t, draft, category, department), views.summary_keyboard(t)
    )


def render(
    session: Session, draft: ConversationState, t: Translator, context: KentContext
) -> views.Screen:
    """The screen of the draft's current step."""
    if draft.step == "kvkk":
        config = context.config
        return views.kvkk_screen(
            t, config.kvkk.data_controller or config.municipality.name, config.kvkk.retention_days
        )
    return _screen(session, draft, t)


async def show(
    update: Update,
    context: KentContext,
    citizen_id: int,
    screen: views.Screen,
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
        and screen.keyboard is None
        and query is not None
        and query.message is not None
        and query.message.message_id == flow_message
    ):
        try:
            await query.edit_message_text(
                screen.text, parse_mode=ParseMode.HTML, reply_markup=screen.inline
            )
        except BadRequest as exc:
            if "not modified" not in str(exc):
                raise
        return
    sent: Message = await context.bot.send_message(
        chat.id,
        screen.text,
        parse_mode=ParseMode.HTML,
        reply_markup=screen.keyboard if screen.keyboard is not None else screen.inline,
    )
    if draft is not None:
        _shown(draft, sent, screen)
        return
    with autocommit(context.engine) as session:  # one UPDATE: the draft is loaded
        draft = session.get(ConversationState, citizen_id)
        if draft is not None:
            _shown(draft, sent, screen)
            session.add(draft)


def _shown(draft: ConversationState, sent: Message, screen: views.Screen) -> None:
    """The flow's message is now `sent`."""
    draft.message_id = sent.message_id
    draft.data = {**draft.data, "keyboard": screen.keyboard is not None}


async def show_step(update: Update, context: KentContext, citizen_id: int, edit: bool) -> None:
    with transaction(context.engine) as session:
        draft = intake.load(session, citizen_id)
        citizen = session.get(Citizen, citizen_id)
        if draft is None or citizen is None:
            return
        screen = render(session, draft, translator_of(citizen), context)
        flow_message = draft.message_id
    await show(update, context, citizen_id, screen, flow_message, edit)


async def say(
    update: Update,
    text: str,
    remove_keyboard: bool = False,
    menu: InlineKeyboardMarkup | None = None,
) -> None:
    message = update.effective_message
    if message is None:
        return
    markup = ReplyKeyboardRemove() if remove_keyboard else menu
    await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
