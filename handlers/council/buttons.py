"""The council's button router: each of its actions (flows.council.actions, `c:`) goes to
its handler in membership, events or coordination."""

from __future__ import annotations

from telegram import Update

from flows.council.actions import CouncilMenu, EventsMenu
from flows.council.screens import refusal
from handlers.buttons import Buttons
from handlers.common import KentContext


async def _not_found(update: Update, context: KentContext) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer(refusal(context.texts(), "not_found"), show_alert=True)


buttons = Buttons("c", CouncilMenu.prefix, EventsMenu.prefix, invalid=_not_found)
