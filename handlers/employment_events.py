"""The employment centre's trainings and job fair in Telegram, on the council's event
engine: citizens open them from the employment menu (🎓 Trainings and job fair) and
register, wait, get their QR code and reminders, or withdraw through the council's own
event screens and jobs; the centre's staff create them with /egitim_ekle (a kind, then
the council's event questions), check people in with the council's /yoklama, and record
a fair's firms and hires with /fuar_firma. What each screen shows is
flows.employment.events'; roles are core's (core.employment.events, core.council)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session
from telegram import Update

from common.i18n import Translator
from core import conversation
from core.employment import events as core_events
from core.employment.registry import authorize
from core.refusals import Refused
from db.models import Citizen, Employer
from db.types import utcnow
from flows.council.coordination import prompt
from flows.council.state import CouncilState, CouncilStep
from flows.employment import event_actions as a
from flows.employment import events as flow
from flows.screen import Screen
from handlers import render
from handlers.buttons import Buttons
from handlers.common import KentContext, as_id, private
from handlers.feature import Command, Feature
from handlers.render import Act, present


async def _not_found(update: Update, context: KentContext) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer(flow.refusal(context.texts(), "not_found"), show_alert=True)


buttons = Buttons("v", invalid=_not_found)


async def press(update: Update, context: KentContext, act: Act) -> None:
    """A button's work (handlers.render.press), refused in the centre's words."""
    await render.press(update, context, act, flow.refusal)


@buttons.on(a.EmploymentEvents)
async def employment_events(
    update: Update, context: KentContext, button: a.EmploymentEvents
) -> None:
    await press(
        update, context, lambda session, citizen, t, now: flow.events_screen(session, t, now)
    )


@private
async def new_event_command(update: Update, context: KentContext) -> None:
    """/egitim_ekle: the centre's staff pick a kind (training or job fair)."""
    with context.citizen_transaction() as (session, _, t):
        try:
            authorize(context.staff_member(session))
            screen = flow.kind_question(t)
        except Refused as exc:
            screen = Screen(flow.refusal(t, exc.reason))
    await present(update, screen)


@buttons.on(a.NewEmploymentEvent)
async def new_event(update: Update, context: KentContext, button: a.NewEmploymentEvent) -> None:
    """The kind picked: the council's event questions follow (title first), the same
    step (CouncilStep.EVENT) with the kind kept in its state."""

    def act(session: Session, citizen: Citizen, t: Translator, now: datetime) -> Screen:
        authorize(context.staff_member(session))
        if button.kind not in core_events.KINDS:
            raise Refused("not_found")
        state = CouncilState(kind=button.kind, field="title")
        conversation.set_step(session, citizen, CouncilStep.EVENT, state)
        return Screen(prompt(t, "title"))

    await press(update, context, act)


def _fair_arguments(args: list[str]) -> tuple[int, str, int] | None:
    """FAIR_ID VKN_OR_NAME HIRED: the name may have spaces, the number hired is last."""
    if len(args) < 3:
        return None
    event_id, hired = as_id(args[0]), args[-1]
    if event_id is None or not (hired.isascii() and hired.isdigit()):
        return None
    # A number too long to be real is refused by core as out of range, not cut short.
    return event_id, " ".join(args[1:-1]), int(hired) if len(hired) <= 6 else -1


@private
async def fair_firm_command(update: Update, context: KentContext) -> None:
    """/fuar_firma FAIR_ID VKN_OR_NAME HIRED: a firm at the fair and the people it hired
    there; a name matching several firms asks which one."""
    args = context.args or []
    with context.citizen_transaction() as (session, _, t):
        try:
            authorize(context.staff_member(session))
            parsed = _fair_arguments(args)
            if parsed is None:
                screen = Screen(flow.fair_usage(t))
            else:
                event_id, query, hired = parsed
                event = core_events.job_fair(session, event_id)
                firms = core_events.find_firms(session, query)
                if len(firms) == 1 and firms[0].id is not None:
                    core_events.record_fair_firm(
                        session,
                        context.staff_member(session),
                        event_id,
                        firms[0].id,
                        hired,
                        utcnow(),
                    )
                    screen = flow.fair_recorded(session, t, event, firms[0], hired)
                else:
                    screen = flow.firm_matches(t, event_id, firms, hired)
        except Refused as exc:
            session.rollback()
            screen = Screen(flow.refusal(t, exc.reason))
    await present(update, screen)


@buttons.on(a.FairFirm)
async def fair_firm(update: Update, context: KentContext, button: a.FairFirm) -> None:
    """A firm picked among the matches: recorded with the number hired."""

    def act(session: Session, citizen: Citizen, t: Translator, now: datetime) -> Screen:
        core_events.record_fair_firm(
            session,
            context.staff_member(session),
            button.event_id,
            button.employer_id,
            button.hired,
            now,
        )
        event = core_events.job_fair(session, button.event_id)
        firm = session.get(Employer, button.employer_id)
        assert firm is not None
        return flow.fair_recorded(session, t, event, firm, button.hired)

    await press(update, context, act)


FEATURE = Feature(
    name="employment_events",
    commands=(
        Command(("egitim_ekle",), new_event_command),
        Command(("fuar_firma",), fair_firm_command),
    ),
    handlers=(buttons.handler(),),
    personal_data=(core_events.PERSONAL_DATA,),
)
