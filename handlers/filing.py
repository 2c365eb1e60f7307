"""Filing a request by chat (/talep), and staff registering one from another channel (/kayit).

The steps and their rules are in core.intake; this module only reads the
update, calls it, and shows the next screen, editing the flow's message in
place when the citizen pressed a button.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session
from telegram import (
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from common.i18n import N_, Translator, all_translators
from core import flood, intake, request_privacy, staff, workflow
from core.refusals import Refused
from core.text_match import fold
from db import reference
from db.engine import autocommit, transaction, untouched, without_blocking
from db.models import Category, Citizen, Department, Request, RequestDraft
from handlers import request_buttons as flow
from handlers import request_views as views
from handlers.basics import Home
from handlers.buttons import B, Buttons
from handlers.common import KentContext, private, translator_of
from handlers.delivery import new_card, post_card
from handlers.feature import Command, Feature, MenuButton, Steps
from handlers.menu import main_menu

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


def _screen(session: Session, draft: RequestDraft, t: Translator) -> views.Screen:
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


def _render(
    session: Session, draft: RequestDraft, t: Translator, context: KentContext
) -> views.Screen:
    """The screen of the draft's current step."""
    if draft.step == "kvkk":
        config = context.config
        return views.kvkk_screen(
            t, config.kvkk.data_controller or config.municipality.name, config.kvkk.retention_days
        )
    return _screen(session, draft, t)


async def _show(
    update: Update,
    context: KentContext,
    citizen_id: int,
    screen: views.Screen,
    flow_message: int | None,
    edit: bool,
    draft: RequestDraft | None = None,
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
        draft = session.get(RequestDraft, citizen_id)
        if draft is not None:
            _shown(draft, sent, screen)
            session.add(draft)


def _shown(draft: RequestDraft, sent: Message, screen: views.Screen) -> None:
    """The flow's message is now `sent`."""
    draft.message_id = sent.message_id
    draft.data = {**draft.data, "keyboard": screen.keyboard is not None}


async def _show_step(update: Update, context: KentContext, citizen_id: int, edit: bool) -> None:
    with transaction(context.engine) as session:
        draft = intake.load(session, citizen_id)
        citizen = session.get(Citizen, citizen_id)
        if draft is None or citizen is None:
            return
        screen = _render(session, draft, translator_of(citizen), context)
        flow_message = draft.message_id
    await _show(update, context, citizen_id, screen, flow_message, edit)


async def _say(
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


@private
async def start_filing(update: Update, context: KentContext, prefilled: str | None = None) -> None:
    shared = context.deps
    with context.citizen_transaction() as (session, citizen, t):
        assert citizen.id is not None and citizen.telegram_id is not None
        limit = shared.config.limits.requests_per_hour
        too_many = flood.requests_last_hour(
            session, citizen.id, shared.clock()
        ) >= limit and not staff.is_staff(session, citizen.telegram_id)
        if not too_many:
            intake.start(session, citizen, prefilled, shared.keywords)
        citizen_id = citizen.id
    if too_many:
        refusal = t._(
            "You have sent {count} requests in the last hour, the most we take by "
            "chat. Please wait a little; for urgent matters call {phone}."
        ).format(count=limit, phone=shared.config.municipality.phone or "—")
        if update.callback_query:
            await update.callback_query.answer(refusal, show_alert=True)
        else:
            await _say(update, refusal)
        return
    if update.callback_query:
        await update.callback_query.answer()
    await _show_step(update, context, citizen_id, edit=update.callback_query is not None)


async def talep_command(update: Update, context: KentContext) -> None:
    """/talep: begin filing a request."""
    await start_filing(update, context)


@private
async def record_command(update: Update, context: KentContext) -> None:
    """/kayit: staff register a request that came by phone, in person, CİMER, ..."""
    with context.citizen_transaction() as (session, citizen, t):
        if not staff.is_staff(session, context.user_id):
            allowed = False
        else:
            allowed = True
            intake.start_record(session, citizen)
        citizen_id = citizen.id
    if not allowed:
        await _say(update, t._("This command is for municipal staff."))
        return
    assert citizen_id is not None
    await _show_step(update, context, citizen_id, edit=False)


@private
async def cancel_command(update: Update, context: KentContext) -> None:
    """/iptal: leave whatever flow the citizen is in; nothing is sent."""
    with context.citizen_transaction() as (session, citizen, _):
        had = intake.cancel(session, citizen)
        t = translator_of(citizen)
    text = t._("Cancelled. Nothing was sent.") if had else t._("There was nothing to cancel.")
    await _say(update, text, remove_keyboard=True)
    await _say(update, t._("What would you like to do?"), menu=main_menu(t, context.deps.features))


async def _not_a_button(update: Update, context: KentContext) -> None:
    """f: data that is no button of the flow (forged, or from another version)."""
    assert update.callback_query is not None
    await update.callback_query.answer(input_error(context.texts(), "use_buttons"), show_alert=True)


# The flow lives in private chats only: its data pressed elsewhere is forged.
buttons = Buttons("f", flow.FileRequest.prefix, invalid=_not_a_button, private_only=True)


@buttons.on(flow.FileRequest)
async def file_request(update: Update, context: KentContext, button: flow.FileRequest) -> None:
    await start_filing(update, context)


@buttons.on(flow.FileOffered)
async def file_offered(update: Update, context: KentContext, button: flow.FileOffered) -> None:
    """The text typed outside any flow becomes the new request's description."""
    with context.citizen_transaction() as (session, citizen, _):
        draft = intake.draft_of(session, citizen)
        offered = draft.data.get("offer") if draft and draft.step == "offer" else None
    await start_filing(update, context, prefilled=offered)


@dataclass
class _Press:
    """A press on the flow's message, as the draft saw it."""

    t: Translator
    citizen_id: int
    # Pressed on an older flow message (or with no draft at all): the form is closed.
    stale: bool
    # Pressed on the draft's own message.
    current: bool
    # The step as stored, before a step of an earlier version was brought up to date.
    saved_step: str | None = None
    flow_message: int | None = None
    error: str | None = None
    screen: views.Screen | None = None
    # Only the buttons change (the edit menu, the type picker).
    markup: InlineKeyboardMarkup | None = None
    # Nothing to show again (the type already chosen, tapped again).
    unchanged: bool = False


# What a button does to the draft; it may set the press's markup or unchanged, or raise
# Refused. It returns whether the next screen is to be rendered.
DraftAction = Callable[[Session, Citizen, RequestDraft, _Press], bool]


async def _on_draft(update: Update, context: KentContext, act: DraftAction | None) -> _Press:
    """One transaction: find the draft, tell whether the pressed message is its current
    form, apply `act` unless the form is stale, and render the next screen."""
    query = update.callback_query
    assert query is not None
    error: str | None = None
    try:
        with context.citizen_transaction() as (session, citizen, t):
            assert citizen.id is not None
            saved = session.get(RequestDraft, citizen.id)
            saved_step = saved.step if saved is not None else None
            draft = intake.draft_of(session, citizen)
            # Buttons of an older flow message are stale. A newer one is the current form
            # even if a crash kept its id from being saved (ids only grow within a chat).
            press = _Press(
                t,
                citizen.id,
                stale=draft is None
                or (
                    query.message is not None
                    and draft.message_id is not None
                    and query.message.message_id < draft.message_id
                ),
                current=draft is not None
                and query.message is not None
                and draft.message_id == query.message.message_id,
                saved_step=saved_step,
            )
            if draft is not None and not press.stale and act is not None:
                press.flow_message = draft.message_id
                if act(session, citizen, draft, press):
                    press.screen = _render(session, draft, press.t, context)
    except Refused as exc:
        error = exc.reason
    press.error = error
    return press


async def _after(update: Update, context: KentContext, press: _Press) -> None:
    """The next screen in place of the pressed one, or why there is none."""
    query = update.callback_query
    assert query is not None
    t = press.t
    if press.stale:
        await query.answer(
            t._("This form is closed. Please start again with /talep."), show_alert=True
        )
        return
    if press.error is not None:
        await query.answer(input_error(t, press.error), show_alert=True)
        return
    await query.answer()
    if press.unchanged:
        return
    if press.markup is not None:
        await query.edit_message_reply_markup(reply_markup=press.markup)
        return
    assert press.screen is not None
    await _show(update, context, press.citizen_id, press.screen, press.flow_message, edit=True)


DraftChange = Callable[[Session, Citizen, RequestDraft, _Press, B], bool]


def _draft_button(kind: type[B]) -> Callable[[DraftChange[B]], DraftChange[B]]:
    """Registers a button whose work is a change of the draft (`act`), after which the
    draft's next screen is shown."""

    def register(act: DraftChange[B]) -> DraftChange[B]:
        @buttons.on(kind)
        async def pressed(update: Update, context: KentContext, button: B) -> None:
            press = await _on_draft(
                update,
                context,
                lambda session, citizen, draft, press: act(session, citizen, draft, press, button),
            )
            await _after(update, context, press)

        return act

    return register


@_draft_button(flow.SetChannel)
def set_channel(
    session: Session, citizen: Citizen, draft: RequestDraft, press: _Press, button: flow.SetChannel
) -> bool:
    intake.set_channel(session, draft, button.code)
    return True


@_draft_button(flow.SetType)
def set_type(
    session: Session, citizen: Citizen, draft: RequestDraft, press: _Press, button: flow.SetType
) -> bool:
    # Tapping the type already chosen on the topic screen changes nothing: no edit to
    # make. (On the summary's type picker it returns to the summary; on a type screen of
    # an earlier version it shows the topics.)
    press.unchanged = (
        draft.data.get("type") == button.code and draft.step == press.saved_step == "category"
    )
    if not press.unchanged:
        intake.set_type(session, draft, button.code)
    return True


@_draft_button(flow.SetCategory)
def set_category(
    session: Session, citizen: Citizen, draft: RequestDraft, press: _Press, button: flow.SetCategory
) -> bool:
    intake.set_category(session, draft, button.code)
    return True


@_draft_button(flow.AllTopics)
def all_topics(
    session: Session, citizen: Citizen, draft: RequestDraft, press: _Press, button: flow.AllTopics
) -> bool:
    intake.show_all_topics(session, draft)
    return True


@_draft_button(flow.GoBack)
def go_back(
    session: Session, citizen: Citizen, draft: RequestDraft, press: _Press, button: flow.GoBack
) -> bool:
    intake.go_back(session, draft)
    return True


@_draft_button(flow.SkipStep)
def skip_step(
    session: Session, citizen: Citizen, draft: RequestDraft, press: _Press, button: flow.SkipStep
) -> bool:
    intake.skip(session, draft)
    return True


@_draft_button(flow.EditMenu)
def edit_menu(
    session: Session, citizen: Citizen, draft: RequestDraft, press: _Press, button: flow.EditMenu
) -> bool:
    press.markup = views.edit_menu(press.t, intake.steps_of(draft))
    return True


@_draft_button(flow.TypePicker)
def type_picker(
    session: Session, citizen: Citizen, draft: RequestDraft, press: _Press, button: flow.TypePicker
) -> bool:
    press.markup = views.type_picker(press.t, draft.data.get("type"))
    return True


@_draft_button(flow.GoTo)
def go_to(
    session: Session, citizen: Citizen, draft: RequestDraft, press: _Press, button: flow.GoTo
) -> bool:
    intake.go_to(session, draft, button.step)
    return True


@_draft_button(flow.ToSummary)
def to_summary(
    session: Session, citizen: Citizen, draft: RequestDraft, press: _Press, button: flow.ToSummary
) -> bool:
    draft.step = "summary"
    session.add(draft)
    return True


@buttons.on(flow.Consent)
async def consent(update: Update, context: KentContext, button: flow.Consent) -> None:
    """The KVKK notice: accepted, the flow goes on; refused, nothing is kept."""
    user = update.effective_user
    query = update.callback_query
    assert user is not None and query is not None

    def act(session: Session, citizen: Citizen, draft: RequestDraft, press: _Press) -> bool:
        if button.answer == "yes":
            intake.accept_consent(
                session, citizen, draft, user.first_name, user.last_name, user.username
            )
            return True
        intake.cancel(session, citizen)
        return False

    press = await _on_draft(update, context, act)
    if button.answer == "yes" or press.stale or press.error is not None:
        await _after(update, context, press)
        return
    await query.answer()
    await query.edit_message_text(
        press.t._(
            "Understood. Without your consent we cannot take a request by chat; you can "
            "still call {phone} or visit the Solution Centre."
        ).format(phone=context.config.municipality.phone or "—"),
        reply_markup=main_menu(press.t, context.deps.features),
    )


@buttons.on(flow.Send)
async def send(update: Update, context: KentContext, button: flow.Send) -> None:
    press = await _on_draft(update, context, None)
    # Send on any other message than the draft's own may be on a summary filed already
    # (its receipt lost): it must show that receipt, never file the draft there is now.
    if not press.current and await _receipt_again(update, context, press.t):
        return
    if press.stale:
        await _after(update, context, press)
        return
    await _submit(update, context, press.citizen_id)


@buttons.on(flow.CancelFiling)
async def cancel(update: Update, context: KentContext, button: flow.CancelFiling) -> None:
    press = await _on_draft(update, context, None)
    if press.stale:
        await _after(update, context, press)
        return
    await _cancel_flow(update, context, press.citizen_id)


async def _cancel_flow(update: Update, context: KentContext, citizen_id: int) -> None:
    with transaction(context.engine) as session:
        citizen = session.get(Citizen, citizen_id)
        assert citizen is not None
        draft = intake.draft_of(session, citizen)
        keyboard = bool(draft and draft.data.get("keyboard"))
        intake.cancel(session, citizen)
        t = translator_of(citizen)
    query = update.callback_query
    text = t._("Cancelled. Nothing was sent.")
    if query is not None:
        await query.answer()
        if not keyboard:
            await query.edit_message_text(text, reply_markup=main_menu(t, context.deps.features))
            return
    await _say(update, text, remove_keyboard=True)


async def _submit(update: Update, context: KentContext, citizen_id: int) -> None:
    engine, config = context.engine, context.config
    calendar = context.deps.calendar
    query = update.callback_query
    assert query is not None
    with transaction(engine) as session:
        citizen = session.get(Citizen, citizen_id)
        assert citizen is not None
        t = translator_of(citizen)
        draft = intake.draft_of(session, citizen)
        error: str | None = None
        try:
            if draft is None:
                raise Refused("incomplete")
            recorded = draft.data.get("mode") == "record"
            submitted = intake.submit(session, citizen, draft, calendar)
        except Refused as exc:
            error = exc.reason
        else:
            request = submitted.request
            ready = new_card(session, config, submitted, citizen)
            text = _receipt(session, t, request, recorded)
            if query.message is not None:
                # Send pressed again on this summary (redelivered after a crash, or tapped
                # again when the receipt did not show) finds the request by this link.
                assert request.id is not None
                workflow.link_message(
                    session,
                    query.message.chat.id,
                    query.message.message_id,
                    request.id,
                    workflow.RECEIPT,
                )
    if error is not None:
        await query.answer(input_error(t, error), show_alert=True)
        return
    assert request.id is not None
    log.info("request %s filed (department %s)", request.number, submitted.department_code)
    # In the background: a busy staff group (Telegram allows 20 messages a minute per
    # group) must not hold up the next citizen. Started first, so that the department
    # has it even when the receipt cannot be shown; a card lost to a crash is posted by
    # the SLA sweep (handlers/sla_jobs.py).
    context.application.create_task(
        without_blocking(engine, post_card(context.bot, engine, config, request.id, ready)),
        update=update,
    )
    await query.answer()
    await query.edit_message_text(text, parse_mode=ParseMode.HTML)


def _receipt(session: Session, t: Translator, request: Request, recorded: bool) -> str:
    department = reference.get(session, Department, request.department_code)
    if not recorded:
        return views.receipt(t, request, department)
    return t._("✅ Registered as <b>{number}</b> and sent to {department}.").format(
        number=request.number, department=views.esc(views.department_name(department, t))
    )


async def _receipt_again(update: Update, context: KentContext, t: Translator) -> bool:
    """A Send pressed on a summary that was filed already: show its receipt again.

    The bot stopped after storing the request but before the receipt replaced the summary
    (Telegram then redelivers the press), or the receipt could not be sent and the citizen
    tapped Send again. The summary sits in the presser's own private chat, which is what
    makes the request theirs to see.
    """
    query = update.callback_query
    assert query is not None
    if query.message is None:
        return False
    with transaction(context.engine) as session:
        link = workflow.linked(session, query.message.chat.id, query.message.message_id)
        request = (
            session.get(Request, link.request_id)
            if link is not None and link.purpose == workflow.RECEIPT
            else None
        )
        if request is None:
            return False
        text = _receipt(session, t, request, recorded=request.citizen_id is None)
    await query.answer()
    await query.edit_message_text(text, parse_mode=ParseMode.HTML)
    return True


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
                    screen = _render(session, draft, t, context)
                    flow_message = draft.message_id
                    if untouched(session):
                        # Sent before the step is saved, so that the step and the new
                        # message's id go in one statement: nothing has gone to the
                        # database yet, so the wait for Telegram holds no lock. A failed
                        # send loses the screen, never the citizen's answer.
                        try:
                            await _show(
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
        await _cancel_flow(update, context, citizen_id)
        return True
    if error is not None:
        template = input_error(t, error)
        await message.reply_text(template.format(length=length))
        if error == "use_buttons":
            await _show_step(update, context, citizen_id, edit=False)
        return True
    if screen is not None:
        await _show(update, context, citizen_id, screen, flow_message, edit=False)
    return True


def _take(session: Session, draft: RequestDraft, message: Message, user_id: int) -> None:
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


FEATURE = Feature(
    name="requests",
    commands=(
        Command(("talep", "sikayet"), talep_command, N_("File a request or complaint"), place=20),
        Command(("kayit",), record_command),
        Command(("iptal", "cancel"), cancel_command, N_("Stop what I am doing"), place=60),
    ),
    handlers=(buttons.handler(),),
    menu=(MenuButton(flow.FileRequest().pack(), N_("📝 File a request or complaint"), row=10),),
    steps=Steps(on_message, names=intake.FLOW_STEPS),
    on_free_text=offer_filing,
    personal_data=(request_privacy.PERSONAL_DATA,),
)
