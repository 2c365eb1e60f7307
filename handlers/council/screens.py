"""A council button's work in Telegram: run it in one transaction with the presser and
show the screen it returns (flows.council) in place of the pressed message."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session
from telegram import Update

from common.i18n import Translator
from core.refusals import Refused
from db.models import Citizen
from db.types import utcnow
from flows.council.screens import refusal
from flows.screen import Screen
from handlers.common import KentContext
from handlers.render import present


async def press(
    update: Update,
    context: KentContext,
    act: Callable[[Session, Citizen, Translator, datetime], Screen],
) -> bool:
    """A button's work: `act` runs in one transaction with the presser, and the screen it
    returns is shown in place of the pressed message. A refusal rolls everything back and
    comes as an alert. Says whether the screen was shown (the button's follow-up may then
    go on)."""
    query = update.callback_query
    assert query is not None
    now = utcnow()
    with context.citizen_transaction() as (session, citizen, t):
        try:
            screen = act(session, citizen, t, now)
        except (Refused, ValueError) as exc:
            session.rollback()
            reason = exc.reason if isinstance(exc, Refused) else "not_found"
            await query.answer(refusal(t, reason), show_alert=True)
            return False
    await query.answer()
    await present(update, screen, edit=True)
    return True
