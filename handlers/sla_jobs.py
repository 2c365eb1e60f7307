"""Scheduled work that touches Telegram: re-rendering the cards of overdue requests."""

from __future__ import annotations

import logging

from telegram.error import TelegramError
from telegram.ext import ContextTypes

from core.sla import mark_newly_overdue
from db.engine import transaction
from db.types import utcnow
from handlers.common import deps
from handlers.delivery import refresh_card

log = logging.getLogger("kentbot.sla")


async def mark_overdue_cards(context: ContextTypes.DEFAULT_TYPE) -> None:
    engine, config = deps(context).engine, deps(context).config
    with transaction(engine) as session:
        overdue = mark_newly_overdue(session, utcnow())
    for request_id in overdue:
        try:
            await refresh_card(context.bot, engine, config, request_id)
        except TelegramError as exc:
            log.warning("could not mark request %s overdue on its card: %s", request_id, exc)
    if overdue:
        log.info("%d request(s) became overdue", len(overdue))
