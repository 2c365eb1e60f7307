"""Staff groups: buttons on request cards, and replies to cards that answer the citizen.

Who may act is decided by core.staff from the roles stored in the database;
the callback data only says which request and which action was pressed.
"""

from __future__ import annotations

import logging

from sqlmodel import select
from telegram import (
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyParameters,
    Update,
)
from telegram.ext import CallbackQueryHandler

from common.i18n import N_, Translator, translator
from core import staff, workflow
from core.refusals import Refused
from core.staff import NotAllowed
from core.workflow import NotFound
from db.engine import transaction
from db.models import Department, Request
from handlers import request_views as views
from handlers import survey
from handlers.common import KentContext, as_id
from handlers.delivery import PHOTO_CARD, notify_citizen, post_card, refresh_card, retire_card
from handlers.feature import Every, Feature
from handlers.sla_jobs import sla_watch

log = logging.getLogger("kentbot.staff")

ACTIONS = {
    "as": "assign",
    "an": "answer",
    "rs": "resolve",
    "rd": "redirect",
    "rj": "reject",
    "ak": "ask",
}
# Actions that need a text: the staff member replies to a prompt with it.
PROMPTS: dict[str, tuple[str, str]] = {
    "answer": (
        "answer",
        N_(
            "💬 {name}, reply to this message with your answer to {number}. "
            "It goes to the citizen as written."
        ),
    ),
    "ask": (
        "ask",
        N_("❓ {name}, reply to this message with your question about {number} for the citizen."),
    ),
    "reject": (
        "reject",
        N_(
            "⛔ {name}, reply to this message with the reason for rejecting "
            "{number}. The citizen will see it."
        ),
    ),
}
# What a reply to a linked message means.
REPLY_MEANS = {
    "card": "answer",
    PHOTO_CARD: "answer",
    "answer": "answer",
    "citizen": "answer",
    "ask": "ask",
    "reject": "reject",
}

ERRORS: dict[str, str] = {
    "not_allowed": N_("⛔ Only staff of this department, supervisors and admins can do this."),
    "closed": N_("This request is already closed."),
    "already_assigned": N_("You have already taken this request on."),
    "reason_required": N_("Please give a reason."),
    "text_required": N_("Please write a text."),
    "unknown_department": N_("That department does not exist."),
    "same_department": N_("The request is already with that department."),
    "too_long": N_("That text is too long (at most 4000 characters)."),
    "not_found": N_("This request no longer exists."),
}


def _error(t: Translator, key: str | None) -> str:
    message = ERRORS.get(key or "", ERRORS["not_found"])
    return t._(message)


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
    engine, config = context.engine, context.config
    try:
        with transaction(engine) as session:
            change = workflow.staff_action(session, request_id, user.id, action, text, department)
            event_id = change.event.id
            old_card = (change.request.card_chat_id, change.request.card_message_id)
            new_department = change.request.department_code
    except NotAllowed:
        return "not_allowed", False
    except NotFound:
        return "not_found", False
    except Refused as exc:
        return exc.reason, False
    assert event_id is not None
    if action == "redirect":
        t = translator(_staff_language(context))
        with transaction(engine) as session:
            target = session.get(Department, new_department)
        if old_card[0] is not None and old_card[1] is not None:
            await retire_card(
                context.bot,
                old_card[0],
                old_card[1],
                t._("↪️ Redirected to {department} by {name}.").format(
                    department=views.department_name(target, t), name=user.full_name
                ),
            )
        await post_card(context.bot, engine, config, request_id)
    else:
        await refresh_card(context.bot, engine, config, request_id)
    return None, await notify_citizen(context.bot, engine, request_id, event_id)


async def card_button(update: Update, context: KentContext) -> None:
    """A button on a request card: st:<action>:<request id>[:<department>]."""
    query = update.callback_query
    if query is None or query.data is None or update.effective_user is None:
        return
    t = translator(_staff_language(context))
    parts = query.data.split(":")
    request_id = as_id(parts[2]) if len(parts) >= 3 else None
    if request_id is None:
        await query.answer(_error(t, "not_found"), show_alert=True)
        return
    code = parts[1]
    engine, user = context.engine, update.effective_user
    with transaction(engine) as session:
        request = session.get(Request, request_id)
        member = staff.active_member(session, user.id)
        allowed = request is not None and staff.may_act(member, request.department_code)
        number = request.number if request else ""
        departments = [
            d
            for d in session.exec(select(Department).where(Department.active == True)).all()  # noqa: E712
            if request is None or d.code != request.department_code
        ]
    if request is None:
        await query.answer(_error(t, "not_found"), show_alert=True)
        return
    if not allowed:
        log.info("refused staff action %s on request %s by user %s", code, request_id, user.id)
        await query.answer(_error(t, "not_allowed"), show_alert=True)
        return
    action = ACTIONS.get(code)
    if code == "to" and len(parts) == 4:
        error, _ = await _apply(update, context, request_id, "redirect", department=parts[3])
        await query.answer(
            _error(t, error) if error else t._("Redirected."), show_alert=bool(error)
        )
        return
    if code == "bk":
        await query.answer()
        await query.edit_message_reply_markup(
            reply_markup=views.card_keyboard(request, _staff_language(context))
        )
        return
    if action == "redirect":
        await query.answer()
        rows = [
            [
                InlineKeyboardButton(
                    views.department_name(d, t), callback_data=f"st:to:{request_id}:{d.code}"
                )
            ]
            for d in departments
        ]
        rows.append([InlineKeyboardButton(t._(views.BACK), callback_data=f"st:bk:{request_id}")])
        await query.edit_message_reply_markup(reply_markup=InlineKeyboardMarkup(rows))
        return
    if action in PROMPTS:
        if request.status not in workflow.OPEN_STATUSES:
            await query.answer(_error(t, "closed"), show_alert=True)
            return
        await query.answer()
        purpose, template = PROMPTS[action]
        assert query.message is not None
        prompt = await context.bot.send_message(
            query.message.chat.id,
            t._(template).format(name=user.first_name, number=number),
            reply_markup=ForceReply(selective=True, input_field_placeholder=number),
            reply_parameters=ReplyParameters(message_id=query.message.message_id),
        )
        with transaction(engine) as session:
            workflow.link_message(session, prompt.chat.id, prompt.message_id, request_id, purpose)
        return
    if action in ("assign", "resolve"):
        error, _ = await _apply(update, context, request_id, action)
        if action == "resolve" and error is None:
            await survey.ask_now(context, request_id)
        done = t._("Taken on.") if action == "assign" else t._("Marked as resolved.")
        await query.answer(_error(t, error) if error else done, show_alert=bool(error))
        return
    await query.answer(_error(t, "not_found"), show_alert=True)


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
    handlers=(CallbackQueryHandler(card_button, pattern=r"^st:"),),
    on_group_message=on_group_message,
    # Overdue requests are marked, and cards lost on the way are posted again.
    jobs=(Every("sla", sla_watch, seconds=300, first=30),),
)
