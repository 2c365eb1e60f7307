"""Staff groups: buttons on request cards, and replies to cards that answer the citizen.

Who may act is decided by core.staff from the roles stored in the database;
the callback data only says which request and which action was pressed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlmodel import select
from telegram import Update
from telegram.error import TelegramError

from common.i18n import Translator, translator
from core import staff, workflow
from core.refusals import Refused
from core.staff import NotAllowed
from core.workflow import NotFound
from db.engine import transaction
from db.models import Department, Request
from flows.staff_card import actions as cards
from flows.staff_card.screens import (
    REDIRECTED,
    RESOLVED,
    TAKEN,
    prompt,
    redirect_choices,
    redirected_note,
)
from flows.staff_texts import error_text
from handlers import survey
from handlers.buttons import Buttons
from handlers.common import KentContext
from handlers.delivery import (
    PHOTO_CARD,
    card_keyboard,
    notify_citizen,
    post_card,
    refresh_card,
    retire_card,
)
from handlers.feature import Every, Feature
from handlers.render import inline_keyboard, send
from handlers.sla_jobs import sla_watch

log = logging.getLogger("kentbot.staff")

# What a reply to a linked message means.
REPLY_MEANS = {
    "card": "answer",
    PHOTO_CARD: "answer",
    "answer": "answer",
    workflow.CITIZEN: "answer",
    "ask": "ask",
    "reject": "reject",
}


def _error(t: Translator, key: str | None) -> str:
    return error_text(t, key)


def _staff_language(context: KentContext) -> str:
    return context.config.municipality.default_language


async def _apply(
    update: Update,
    context: KentContext,
    request_id: int,
    action: str,
    text: str | None = None,
    department: str | None = None,
) -> tuple[str | None, bool]:
    """Run the action; on success update the card and tell the citizen.

    Returns an error key (None on success) and whether a citizen was told."""
    user = update.effective_user
    assert user is not None
    engine = context.engine
    try:
        with transaction(engine) as session:
            change = workflow.staff_action(
                session, request_id, context.staff_member(session), action, text, department
            )
            event_id = change.event.id
    except NotAllowed:
        return "not_allowed", False
    except NotFound:
        return "not_found", False
    except Refused as exc:
        return exc.reason, False
    assert event_id is not None
    return None, await after_change(context, request_id, event_id, action, user.full_name)


async def after_change(
    context: KentContext, request_id: int, event_id: int, action: str, actor_name: str
) -> bool:
    """What a staff action causes in Telegram, whether pressed on the card or taken in the
    web desk (handlers/web_effects.py): the card updated (or moved to its new group, the
    old one marked), the citizen told, the survey asked after a resolution. True when the
    citizen was told."""
    engine = context.engine
    try:
        await _show_change(context, request_id, action, actor_name)
    except TelegramError as exc:
        # The change is stored; a card Telegram would not edit now (it is shown afresh at
        # the request's next change) must not keep the citizen from hearing of it.
        log.warning("card of request %s not updated: %s", request_id, type(exc).__name__)
    told = await notify_citizen(context.bot, engine, request_id, event_id)
    if action == "resolve":
        await survey.ask_now(context, request_id)
    return told


async def _show_change(context: KentContext, request_id: int, action: str, actor_name: str) -> None:
    """The card after a change: edited in place, or moved to its new group after a
    redirection with the old one marked."""
    engine, config = context.engine, context.config
    if action == "redirect":
        t = translator(_staff_language(context))
        with transaction(engine) as session:
            request = session.get(Request, request_id)
            assert request is not None
            target = session.get(Department, request.department_code)
            old_card = (request.card_chat_id, request.card_message_id)
        if old_card[0] is not None and old_card[1] is not None:
            await retire_card(
                context.bot,
                old_card[0],
                old_card[1],
                redirected_note(t, target, actor_name),
            )
        await post_card(context.bot, engine, config, request_id, fence=context.deps.fence)
    else:
        await refresh_card(context.bot, engine, config, request_id)


async def _refused(update: Update, context: KentContext) -> None:
    """Card data that is no button of ours (forged, or from a newer version)."""
    assert update.callback_query is not None
    t = translator(_staff_language(context))
    await update.callback_query.answer(_error(t, "not_found"), show_alert=True)


buttons = Buttons("st", invalid=_refused)


@dataclass(frozen=True)
class _Card:
    """The request a card button acts on, once the presser's right to act is checked."""

    request: Request
    t: Translator
    # The other active departments, for a redirection.
    departments: list[Department]


async def _card(update: Update, context: KentContext, button: cards.CardAction) -> _Card | None:
    """The request behind the button if the presser may act on it; otherwise they are told
    why (an alert) and None is returned."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    t = translator(_staff_language(context))
    with transaction(context.engine) as session:
        request = session.get(Request, button.request_id)
        member = context.staff_member(session)
        allowed = request is not None and staff.may_act(member, request.department_code)
        departments = [
            d
            for d in session.exec(select(Department).where(Department.active == True)).all()  # noqa: E712
            if request is None or d.code != request.department_code
        ]
    if request is None:
        await query.answer(_error(t, "not_found"), show_alert=True)
        return None
    if not allowed:
        log.info(
            "refused staff action %s on request %s by user %s",
            button.prefix,
            button.request_id,
            user.id,
        )
        await query.answer(_error(t, "not_allowed"), show_alert=True)
        return None
    return _Card(request, t, departments)


async def _act(
    update: Update, context: KentContext, button: cards.CardAction, action: str, done: str
) -> None:
    """Take on or resolve: the action, then the outcome as the button's answer."""
    card = await _card(update, context, button)
    if card is None:
        return
    assert update.callback_query is not None
    error, _ = await _apply(update, context, button.request_id, action)
    await update.callback_query.answer(
        _error(card.t, error) if error else card.t._(done), show_alert=bool(error)
    )


@buttons.on(cards.Take)
async def take(update: Update, context: KentContext, button: cards.Take) -> None:
    await _act(update, context, button, "assign", TAKEN)


@buttons.on(cards.Resolve)
async def resolve(update: Update, context: KentContext, button: cards.Resolve) -> None:
    await _act(update, context, button, "resolve", RESOLVED)


async def _prompt(
    update: Update, context: KentContext, button: cards.CardAction, action: str
) -> None:
    """Answer, reject, ask: a prompt that the staff member replies to with the text."""
    card = await _card(update, context, button)
    if card is None:
        return
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None and query.message is not None
    if card.request.status not in workflow.OPEN_STATUSES:
        await query.answer(_error(card.t, "closed"), show_alert=True)
        return
    await query.answer()
    sent = await send(
        context.bot,
        query.message.chat.id,
        prompt(card.t, action, user.first_name, card.request.number),
        reply_to=query.message.message_id,
    )
    assert sent is not None
    with transaction(context.engine) as session:
        workflow.link_message(session, sent.chat.id, sent.message_id, button.request_id, action)


@buttons.on(cards.Answer)
async def answer(update: Update, context: KentContext, button: cards.Answer) -> None:
    await _prompt(update, context, button, "answer")


@buttons.on(cards.Reject)
async def reject(update: Update, context: KentContext, button: cards.Reject) -> None:
    await _prompt(update, context, button, "reject")


@buttons.on(cards.Ask)
async def ask(update: Update, context: KentContext, button: cards.Ask) -> None:
    await _prompt(update, context, button, "ask")


@buttons.on(cards.Redirect)
async def redirect(update: Update, context: KentContext, button: cards.Redirect) -> None:
    """The other departments, in place of the card's buttons."""
    card = await _card(update, context, button)
    if card is None:
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(
        reply_markup=inline_keyboard(redirect_choices(button.request_id, card.departments, card.t))
    )


@buttons.on(cards.RedirectTo)
async def redirect_to(update: Update, context: KentContext, button: cards.RedirectTo) -> None:
    card = await _card(update, context, cards.Redirect(button.request_id))
    if card is None:
        return
    assert update.callback_query is not None
    error, _ = await _apply(
        update, context, button.request_id, "redirect", department=button.department
    )
    await update.callback_query.answer(
        _error(card.t, error) if error else card.t._(REDIRECTED), show_alert=bool(error)
    )


@buttons.on(cards.Back)
async def back(update: Update, context: KentContext, button: cards.Back) -> None:
    """From the department list back to the card's own buttons."""
    card = await _card(update, context, button)
    if card is None:
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(
        reply_markup=card_keyboard(card.request, context.config)
    )


async def on_group_message(update: Update, context: KentContext) -> bool:
    """A reply in a staff group to a card, a prompt or a relayed citizen message."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.reply_to_message is None:
        return False
    engine = context.engine
    with transaction(engine) as session:
        link = workflow.linked(session, message.chat.id, message.reply_to_message.message_id)
    if link is None or link.purpose not in REPLY_MEANS:
        return False
    t = translator(_staff_language(context))
    text = message.text or message.caption
    if not text:
        await message.reply_text(t._("Please answer with a text message."))
        return True
    error, told = await _apply(
        update, context, link.request_id, REPLY_MEANS[link.purpose], text.strip()
    )
    if error:
        await message.reply_text(_error(t, error))
    elif told:
        await message.reply_text(t._("✅ Sent to the citizen."))
    else:
        await message.reply_text(
            t._(
                "✅ Recorded. This request has no Telegram contact; "
                "please reach the citizen by phone if needed."
            )
        )
    return True


FEATURE = Feature(
    name="staff_desk",
    handlers=(buttons.handler(),),
    on_group_message=on_group_message,
    # Overdue requests are marked, and cards lost on the way are posted again.
    jobs=(Every("sla", sla_watch, seconds=300, first=30),),
)
