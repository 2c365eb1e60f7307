"""The filing flow's buttons, one handler each: the ones that change the draft share one
transaction (_on_draft) and one way to show the next screen (_after); Send files the
request, Cancel drops the draft."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session
from telegram import (
    InlineKeyboardMarkup,
    Update,
)

from common.i18n import Translator
from core import intake
from core.refusals import Refused
from db.models import Citizen, ConversationState
from handlers import request_buttons as flow
from handlers import request_views as views
from handlers.buttons import B, Buttons
from handlers.common import KentContext
from handlers.filing.commands import cancel_flow, start_filing
from handlers.filing.receipts import receipt_again, submit
from handlers.filing.screens import (
    input_error,
    render,
    show,
)
from handlers.menu import main_menu

log = logging.getLogger("kentbot.filing")


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
DraftAction = Callable[[Session, Citizen, ConversationState, _Press], bool]


async def _on_draft(update: Update, context: KentContext, act: DraftAction | None) -> _Press:
    """One transaction: find the draft, tell whether the pressed message is its current
    form, apply `act` unless the form is stale, and render the next screen."""
    query = update.callback_query
    assert query is not None
    error: str | None = None
    try:
        with context.citizen_transaction() as (session, citizen, t):
            assert citizen.id is not None
            saved = session.get(ConversationState, citizen.id)
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
                    press.screen = render(session, draft, press.t, context)
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
    await show(update, context, press.citizen_id, press.screen, press.flow_message, edit=True)


DraftChange = Callable[[Session, Citizen, ConversationState, _Press, B], bool]


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
    session: Session,
    citizen: Citizen,
    draft: ConversationState,
    press: _Press,
    button: flow.SetChannel,
) -> bool:
    intake.set_channel(session, draft, button.code)
    return True


@_draft_button(flow.SetType)
def set_type(
    session: Session,
    citizen: Citizen,
    draft: ConversationState,
    press: _Press,
    button: flow.SetType,
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
    session: Session,
    citizen: Citizen,
    draft: ConversationState,
    press: _Press,
    button: flow.SetCategory,
) -> bool:
    intake.set_category(session, draft, button.code)
    return True


@_draft_button(flow.AllTopics)
def all_topics(
    session: Session,
    citizen: Citizen,
    draft: ConversationState,
    press: _Press,
    button: flow.AllTopics,
) -> bool:
    intake.show_all_topics(session, draft)
    return True


@_draft_button(flow.GoBack)
def go_back(
    session: Session, citizen: Citizen, draft: ConversationState, press: _Press, button: flow.GoBack
) -> bool:
    intake.go_back(session, draft)
    return True


@_draft_button(flow.SkipStep)
def skip_step(
    session: Session,
    citizen: Citizen,
    draft: ConversationState,
    press: _Press,
    button: flow.SkipStep,
) -> bool:
    intake.skip(session, draft)
    return True


@_draft_button(flow.EditMenu)
def edit_menu(
    session: Session,
    citizen: Citizen,
    draft: ConversationState,
    press: _Press,
    button: flow.EditMenu,
) -> bool:
    press.markup = views.edit_menu(press.t, intake.steps_of(draft))
    return True


@_draft_button(flow.TypePicker)
def type_picker(
    session: Session,
    citizen: Citizen,
    draft: ConversationState,
    press: _Press,
    button: flow.TypePicker,
) -> bool:
    press.markup = views.type_picker(press.t, draft.data.get("type"))
    return True


@_draft_button(flow.GoTo)
def go_to(
    session: Session, citizen: Citizen, draft: ConversationState, press: _Press, button: flow.GoTo
) -> bool:
    intake.go_to(session, draft, button.step)
    return True


@_draft_button(flow.ToSummary)
def to_summary(
    session: Session,
    citizen: Citizen,
    draft: ConversationState,
    press: _Press,
    button: flow.ToSummary,
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

    def act(session: Session, citizen: Citizen, draft: ConversationState, press: _Press) -> bool:
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
    if not press.current and await receipt_again(update, context, press.t):
        return
    if press.stale:
        await _after(update, context, press)
        return
    await submit(update, context, press.citizen_id)


@buttons.on(flow.CancelFiling)
async def cancel(update: Update, context: KentContext, button: flow.CancelFiling) -> None:
    press = await _on_draft(update, context, None)
    if press.stale:
        await _after(update, context, press)
        return
    await cancel_flow(update, context, press.citizen_id)
