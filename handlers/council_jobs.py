"""Scheduled council work: event reminders with the check-in code, and no-shows."""

from __future__ import annotations

import logging

from telegram.error import Forbidden, TelegramError

from bot.sending import bulk
from core import citizens, council, event_reminders
from db.engine import transaction
from db.models import Citizen, CouncilEvent
from flows.council import events as flow
from handlers import render
from handlers.common import KentContext, steps_down_when_deposed, translator_of

log = logging.getLogger("kentbot.council")


@steps_down_when_deposed(log, "event reminders")
async def event_reminder_sweep(context: KentContext) -> None:
    shared = context.deps
    with transaction(shared.engine) as session:
        items = event_reminders.due(session, shared.clock(), shared.fence)
        chats = council.recipients(session, [i.citizen_id for i in items])
        messages = []
        for item in items:
            chat = chats.get(item.citizen_id)
            event = session.get(CouncilEvent, item.event_id)
            if chat is None or event is None:
                continue
            person = session.get(Citizen, item.citizen_id)
            reader = citizens.get_or_create(session, chat, None)
            t = translator_of(reader)
            name = (person.first_name if person else None) or ""
            messages.append((chat, flow.reminder(t, event, item.which, name, item.code)))
    with bulk():  # many at once: replies to people go first
        for chat, screen in messages:
            try:
                await render.send(context.bot, chat, screen)
            except Forbidden:
                with transaction(shared.engine) as session:
                    citizens.mark_blocked(session, chat)
            except TelegramError as exc:
                log.warning("event reminder not sent to %s: %s", chat, type(exc).__name__)


async def no_show_sweep(context: KentContext) -> None:
    shared = context.deps
    with transaction(shared.engine) as session:
        count = council.mark_no_shows(session, shared.clock())
    if count:
        log.info("%d registration(s) marked as no-show", count)
