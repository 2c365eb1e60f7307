"""Kent Konseyi by chat: assemblies and membership (/meclis), events (/etkinlikler),
registration with check-in code, QR and calendar file, and the coordinators' tools
(/etkinlik_ekle, /etkinlik_duzenle, /etkinlik_iptal, /yoklama, /duyuru).

The rules are in core.council. Each part has its module: membership, events,
coordination; buttons holds the router of their actions (flows.council.actions), screens
the work of a press. What each screen shows is flows.council's, channel-neutral.
Multi-step inputs (a birth date, a child's name, a new event's fields, check-in codes)
are steps of the citizen's conversation state (core.conversation, CouncilState), routed
here by their names (CouncilStep) and to their handler by STEPS.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session
from telegram import Update

from common.config import Config
from common.i18n import N_, Translator
from core import conversation
from core.council import personal_data as council_personal_data
from core.refusals import Refused
from db.models import Citizen, ConversationState
from db.types import utcnow
from flows.council import coordination as coordinating
from flows.council import membership as joining
from flows.council.actions import CouncilMenu, EventsMenu
from flows.council.screens import refused, unreadable
from flows.council.state import CouncilState, CouncilStep
from flows.screen import Screen
from handlers.common import KentContext
from handlers.council import coordination, events, membership
from handlers.council.buttons import buttons as router
from handlers.council.events import show_event
from handlers.council_jobs import event_reminder_sweep, no_show_sweep
from handlers.feature import Command, Every, Feature, MenuButton, Steps
from handlers.render import present

__all__ = ["FEATURE", "show_event"]

Step = Callable[[KentContext, Session, Citizen, Translator, CouncilState, str, datetime], Screen]
FlowStep = Callable[[Session, Config, Citizen, Translator, CouncilState, str, datetime], Screen]


def _with_config(step: FlowStep) -> Step:
    """A typed answer of flows.council needs the config, not the context."""

    def answer(
        context: KentContext,
        session: Session,
        citizen: Citizen,
        t: Translator,
        state: CouncilState,
        text: str,
        now: datetime,
    ) -> Screen:
        return step(session, context.config, citizen, t, state, text, now)

    return answer


STEPS: dict[CouncilStep, Step] = {
    CouncilStep.BIRTH: _with_config(joining.birth_date),
    CouncilStep.CHILD_NAME: _with_config(joining.child_name),
    CouncilStep.CHILD_BIRTH: _with_config(joining.child_birth_date),
    CouncilStep.CHECKIN: coordination.checkin_code,
    CouncilStep.EVENT: _with_config(coordinating.event_field),
}


async def on_message(update: Update, context: KentContext) -> bool:
    """A typed answer to a council question: the step's handler, in one transaction."""
    message = update.effective_message
    if message is None or not message.text:
        return False
    text = message.text.strip()
    now = utcnow()
    with context.citizen_transaction() as (session, citizen, t):
        draft = session.get(ConversationState, citizen.id)
        handler = (
            STEPS.get(CouncilStep(draft.step))
            if draft is not None and draft.step in STEPS
            else None
        )
        if draft is None or handler is None:
            return False
        step = CouncilStep(draft.step)
        try:
            state = conversation.state_of(draft, CouncilState)
            screen = handler(context, session, citizen, t, state, text, now)
        except Refused as exc:
            screen = refused(t, step, exc.reason)
        except ValueError:
            screen = unreadable(t, step)
    await present(update, screen)
    return True


FEATURE = Feature(
    name="council",
    commands=(
        Command(
            ("meclis", "konsey"),
            membership.assemblies_command,
            N_("City Council assemblies"),
            place=40,
        ),
        Command(
            ("etkinlikler", "etkinlik"),
            events.events_command,
            N_("Upcoming City Council events"),
            place=50,
        ),
        Command(("etkinlik_ekle",), coordination.add_event_command),
        Command(("etkinlik_duzenle",), coordination.edit_event_command),
        Command(("etkinlik_iptal",), coordination.cancel_event_command),
        Command(("yoklama",), coordination.checkin_command),
        Command(("duyuru",), coordination.announce_command),
    ),
    handlers=(router.handler(),),
    menu=(
        MenuButton(CouncilMenu().pack(), N_("🏛 City Council"), row=30),
        MenuButton(EventsMenu().pack(), N_("📅 Events"), row=30),
    ),
    steps=Steps(
        on_message,
        names=frozenset(CouncilStep),
        stopped={
            CouncilStep.CHECKIN: N_("✅ Check-in finished."),
            CouncilStep.EVENT: N_("The new event was not created."),
        },
    ),
    jobs=(
        Every("event-reminders", event_reminder_sweep, seconds=300, first=45),
        Every("no-shows", no_show_sweep, seconds=3600, first=120),
    ),
    personal_data=(council_personal_data.PERSONAL_DATA,),
)
