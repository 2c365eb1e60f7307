"""The filing flow's buttons in Telegram. What a press does to the draft is
flows.filing.steps' (one function per action); here each press runs it in one
transaction that tells a stale form from the current one (_on_draft), and the next
screen replaces the pressed one (_after). Send files the request, Cancel drops the
draft."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from telegram import Update

from common.i18n import Translator
from core import intake
from core.refusals import Refused
from db.models import ConversationState
from flows.actions import Action
from flows.filing import actions as flow
from flows.filing import screens, steps
from flows.filing.screens import input_error, screen_of
from flows.screen import Rows, Screen
from handlers.buttons import Buttons
from handlers.common import KentContext
from handlers.filing.commands import cancel_flow, start_filing
from handlers.filing.receipts import receipt_again, submit
from handlers.filing.screens import show
from handlers.menu import menu_choices
from handlers.render import inline_keyboard, present

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
        offered = intake.state_of(draft).offer if draft and draft.step == "offer" else None
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
    flow_message: int | None = None
    error: str | None = None
    screen: Screen | None = None
    # Only the buttons change (the edit menu, the type picker).
    choices: Rows | None = None
    # Nothing to show again (the type already chosen, tapped again).
    unchanged: bool = False


async def _on_draft(update: Update, context: KentContext, action: Action | None) -> _Press:
    """One transaction: find the draft, tell whether the pressed message is its current
    form, carry out the action (flows.filing.steps) unless the form is stale, and render
    the next screen."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    error: str | None = None
    try:
        with context.citizen_transaction() as (session, citizen, t):
            assert citizen.id is not None
            saved = session.get(ConversationState, citizen.id)
            saved_step = saved.step if saved is not None else None  # before any upgrade
            draft = intake.draft_of(session, citizen)
            # Buttons of an older flow message are stale, and so are all of them while the
            # citizen is in another flow (a council question, a note): that flow's state
            # must not be touched. A newer message is the current form even if a crash
            # kept its id from being saved (ids only grow within a chat).
            press = _Press(
                t,
                citizen.id,
                stale=draft is None
                or draft.step not in intake.FLOW_STEPS
                or (
                    query.message is not None
                    and draft.message_id is not None
                    and query.message.message_id < draft.message_id
                ),
                current=draft is not None
                and query.message is not None
                and draft.message_id == query.message.message_id,
            )
            if draft is not None and not press.stale and action is not None:
                press.flow_message = draft.message_id
                pressed = steps.Press(
                    t, steps.Person(user.first_name, user.last_name, user.username), saved_step
                )
                if steps.press(session, citizen, draft, action, pressed):
                    press.screen = screen_of(session, draft, t, context.config)
                press.choices, press.unchanged = pressed.choices, pressed.unchanged
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
    if press.choices is not None:
        await query.edit_message_reply_markup(reply_markup=inline_keyboard(press.choices))
        return
    assert press.screen is not None
    await show(update, context, press.citizen_id, press.screen, press.flow_message, edit=True)


async def _change_draft(update: Update, context: KentContext, action: Any) -> None:
    """A press whose work is a change of the draft: its next screen follows."""
    await _after(update, context, await _on_draft(update, context, action))


for _kind in steps.ACTIONS:
    if _kind is not flow.Consent:
        buttons.on(_kind)(_change_draft)


@buttons.on(flow.Consent)
async def consent(update: Update, context: KentContext, button: flow.Consent) -> None:
    """The KVKK notice: accepted, the flow goes on; refused, nothing is kept."""
    query = update.callback_query
    assert query is not None
    press = await _on_draft(update, context, button)
    if button.answer == "yes" or press.stale or press.error is not None:
        await _after(update, context, press)
        return
    await query.answer()
    menu = menu_choices(press.t, context.deps.features)
    refused = screens.consent_refused(press.t, context.config.municipality.phone, menu)
    await present(update, refused, edit=True)


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
