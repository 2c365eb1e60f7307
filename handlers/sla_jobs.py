"""Scheduled work on requests: the 80 % reminder and the overdue escalation."""

from __future__ import annotations

import html
import logging
from datetime import timedelta

from telegram.constants import ParseMode
from telegram.error import TelegramError

from common.i18n import translator
from core import routing
from core.sla import due_for_reminder, mark_newly_overdue, without_card
from db.engine import transaction
from db.models import Request
from handlers.common import KentContext, steps_down_when_deposed
from handlers.delivery import post_card, refresh_card

log = logging.getLogger("kentbot.sla")


CARD_GRACE = timedelta(minutes=10)


@steps_down_when_deposed(log, "SLA sweep")
async def sla_watch(context: KentContext) -> None:
    """Job: post cards that never arrived, remind once at 80 % of the target, escalate
    once when overdue. A leader that a newer one deposed claims nothing and steps down."""
    shared = context.deps
    now = shared.clock()
    with transaction(shared.engine) as session:
        missing = without_card(session, now, CARD_GRACE, shared.fence)
    for request_id in missing:
        try:
            await post_card(
                context.bot, shared.engine, shared.config, request_id, fence=shared.fence
            )
        except TelegramError as exc:
            log.warning("card of request %s still not posted: %s", request_id, type(exc).__name__)
    t = translator(shared.config.municipality.default_language)
    with transaction(shared.engine) as session:
        reminders = due_for_reminder(session, shared.calendar, now, shared.fence)
        groups = {
            r.request_id: routing.staff_chat(session, shared.config, r.department_code)
            for r in reminders
        }
    for reminder in reminders:
        text = t._("⏰ {number} has used 80 % of its answer time and has no answer yet.").format(
            number=reminder.number
        )
        group = groups[reminder.request_id]
        # To whoever took it on, in private; to the department's group when nobody did,
        # or when Telegram refuses the private chat (they never pressed Start).
        for chat in dict.fromkeys(c for c in (reminder.assignee_telegram_id, group) if c):
            try:
                await context.bot.send_message(chat, text)
                break
            except TelegramError as exc:
                log.warning(
                    "SLA reminder for %s not sent to %s: %s",
                    reminder.number,
                    "the assignee" if chat == reminder.assignee_telegram_id else "the group",
                    type(exc).__name__,
                )

    with transaction(shared.engine) as session:
        overdue = mark_newly_overdue(session, now, shared.fence)
        rows = [session.get(Request, request_id) for request_id in overdue]
        listed = [(r.number, r.department_code) for r in rows if r is not None]
    for request_id in overdue:
        try:
            await refresh_card(context.bot, shared.engine, shared.config, request_id)
        except TelegramError as exc:
            log.warning("could not mark request %s overdue on its card: %s", request_id, exc)
    supervisors = shared.config.bot.supervisors_chat_id
    if listed and supervisors is not None:
        lines = [t._("⚠️ <b>Overdue without an answer</b> ({count}):").format(count=len(listed))]
        lines += [f"• {number} — {html.escape(department)}" for number, department in listed]
        await context.bot.send_message(
            supervisors, "\n".join(lines)[:4000], parse_mode=ParseMode.HTML
        )
        log.info("%d request(s) became overdue", len(listed))
