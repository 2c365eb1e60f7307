"""Filing the draft (Send): the request is stored and routed, its card goes to the
department's group, and the summary becomes the receipt with the tracking number; a Send
pressed again on a summary filed already shows that receipt instead of filing twice."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Update
from telegram.error import TelegramError

from common.i18n import Translator
from core import intake, workflow
from core.refusals import Refused
from db.engine import transaction, without_blocking
from db.models import Citizen, Request
from flows.filing.screens import input_error, receipt
from flows.screen import Screen
from handlers.common import KentContext, translator_of
from handlers.delivery import new_card, post_card
from handlers.render import send

log = logging.getLogger("kentbot.filing")


async def submit(update: Update, context: KentContext, citizen_id: int) -> None:
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
            recorded = intake.state_of(draft).mode == "record"
            # The bot's clock, as its jobs read it: tests can file on a given day.
            submitted = intake.submit(session, citizen, draft, calendar, context.deps.clock())
        except Refused as exc:
            error = exc.reason
        else:
            request = submitted.request
            ready = new_card(session, config, submitted, citizen)
            screen = receipt(session, t, request, recorded)
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
        without_blocking(
            engine, post_card(context.bot, engine, config, request.id, ready, context.deps.fence)
        ),
        update=update,
    )
    await query.answer()
    await _show(context, query, screen)


async def _show(context: KentContext, query: CallbackQuery, screen: Screen) -> None:
    """The receipt, in place of the summary whose Send was pressed.

    A new message, with the summary deleted, rather than the summary edited: only a new
    message can take away the reply keyboard that the location and phone steps left
    (hidden after use, yet one tap away, it would offer "Skip" to a flow that has ended).
    Deleting is no message in Telegram's count, so a complaint costs no more than before.
    The citizen's own messages above still show what was sent."""
    message = query.message
    if message is None:
        return
    await send(context.bot, message.chat.id, Screen(screen.text, clears_replies=True))
    try:
        await context.bot.delete_message(message.chat.id, message.message_id)
    except TelegramError as exc:  # too old to delete, or gone: its Send shows this receipt
        log.info("summary left in place: %s", type(exc).__name__)


async def receipt_again(update: Update, context: KentContext, t: Translator) -> bool:
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
        screen = receipt(session, t, request, recorded=request.citizen_id is None)
    await query.answer()
    await _show(context, query, screen)
    return True
