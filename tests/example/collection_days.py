"""The example feature of docs/developer-guide.md, "Adding a feature": on which days rubbish is
collected in a neighbourhood. A command, a main-menu button, a conversation step and a
job; tests/e2e/test_features_e2e.py runs it through the emulator, and
tests/unit/test_features.py checks that the guide shows this very code."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update

from common.i18n import N_
from core import conversation
from core.text_match import fold
from flows.actions import Action
from handlers.buttons import Buttons
from handlers.common import KentContext, private
from handlers.feature import Command, Every, Feature, MenuButton, Steps

DAYS = {"merkez": N_("Monday and Thursday"), "cumhuriyet": N_("Tuesday and Friday")}
STEP = "collection_area"


@dataclass(frozen=True)
class OpenDays(Action, prefix="menu:rubbish"):
    """🗑 Collection days, in the main menu."""


# Pressed in a group (forged), its buttons are answered and do nothing.
buttons = Buttons(OpenDays.prefix, private_only=True)


@private
async def ask_area(update: Update, context: KentContext) -> None:
    """/cop: asks for the neighbourhood and waits at STEP."""
    with context.citizen_transaction() as (session, citizen, t):
        conversation.set_step(session, citizen, STEP)
    await context.bot.send_message(context.user_id, t._("Which neighbourhood do you live in?"))


@buttons.on(OpenDays)
async def open_days(update: Update, context: KentContext, button: OpenDays) -> None:
    """The menu button: the same question."""
    assert update.callback_query is not None
    await update.callback_query.answer()
    await ask_area(update, context)


async def on_area(update: Update, context: KentContext) -> bool:
    """The typed neighbourhood: its collection days, and the step ends."""
    message = update.effective_message
    if message is None or not message.text:
        return False
    with context.citizen_transaction() as (session, citizen, t):
        days = DAYS.get(fold(message.text))
        if days is not None:
            conversation.clear(session, citizen)
    await message.reply_text(
        t._("Rubbish is collected on {days}.").format(days=t._(days))
        if days
        else t._("I do not know that neighbourhood. Please check its name and write it again.")
    )
    return True


async def remind_staff(context: KentContext) -> None:
    """A job: nothing to do in the example (a real one would sweep the database)."""


FEATURE = Feature(
    name="collection_days",
    commands=(Command(("cop", "rubbish"), ask_area, N_("Rubbish collection days"), place=55),),
    handlers=(buttons.handler(),),
    menu=(MenuButton(OpenDays().pack(), N_("🗑 Collection days"), row=35),),
    steps=Steps(on_area, names=frozenset((STEP,))),
    jobs=(Every("collection-reminder", remind_staff, seconds=3600, first=600),),
)
