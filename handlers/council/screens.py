"""A council button's work in Telegram: run it in one transaction with the presser and
show the screen it returns (flows.council) in place of the pressed message."""

from __future__ import annotations

from telegram import Update

from flows.council.screens import refusal
from handlers import render
from handlers.common import KentContext
from handlers.render import Act


async def press(update: Update, context: KentContext, act: Act) -> bool:
    """A council button's work (handlers.render.press), refused in the council's words."""
    return await render.press(update, context, act, refusal)
