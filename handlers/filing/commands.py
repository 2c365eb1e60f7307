"""The filing flow's commands: /talep starts it, /kayit starts it for staff entering a
request from another channel, /iptal leaves whatever flow the citizen is in."""

from __future__ import annotations

import logging

from telegram import Update

from core import flood, intake, staff
from db.engine import transaction
from db.models import Citizen
from flows import home
from flows.filing import screens
from flows.screen import Screen
from handlers.common import KentContext, private, translator_of
from handlers.feature import stopped_text
from handlers.filing.screens import show_step
from handlers.menu import menu_choices
from handlers.render import present

log = logging.getLogger("kentbot.filing")


@private
async def start_filing(update: Update, context: KentContext, prefilled: str | None = None) -> None:
    shared = context.deps
    with context.citizen_transaction() as (session, citizen, t):
        assert citizen.id is not None and citizen.telegram_id is not None
        limit = shared.config.limits.requests_per_hour
        too_many = flood.requests_last_hour(
            session, citizen.id, shared.clock()
        ) >= limit and not staff.is_staff(context.staff_member(session))
        if not too_many:
            intake.start(session, citizen, prefilled, shared.keywords)
        citizen_id = citizen.id
    if too_many:
        refusal = screens.too_many(t, limit, shared.config.municipality.phone)
        if update.callback_query:
            await update.callback_query.answer(refusal, show_alert=True)
        else:
            await present(update, Screen(refusal))
        return
    if update.callback_query:
        await update.callback_query.answer()
    await show_step(update, context, citizen_id, edit=update.callback_query is not None)


async def talep_command(update: Update, context: KentContext) -> None:
    """/talep: begin filing a request."""
    await start_filing(update, context)


@private
async def record_command(update: Update, context: KentContext) -> None:
    """/kayit: staff register a request that came by phone, in person, CİMER, ..."""
    with context.citizen_transaction() as (session, citizen, t):
        if not staff.is_staff(context.staff_member(session)):
            allowed = False
        else:
            allowed = True
            intake.start_record(session, citizen)
        citizen_id = citizen.id
    if not allowed:
        await present(update, Screen(screens.staff_only(t)))
        return
    assert citizen_id is not None
    await show_step(update, context, citizen_id, edit=False)


@private
async def cancel_command(update: Update, context: KentContext) -> None:
    """/iptal: leave whatever flow the citizen is in; nothing is sent."""
    with context.citizen_transaction() as (session, citizen, t):
        draft = intake.draft_of(session, citizen)
        step = draft.step if draft is not None else None
        had = intake.cancel(session, citizen)
    stopped = stopped_text(context.deps.features, step) if step else None
    text = t._(stopped) if stopped else screens.cancelled(t, had).text
    await present(update, Screen(text, clears_replies=True))
    await present(update, home.home(t, menu_choices(t, context.deps.features)))


async def cancel_flow(update: Update, context: KentContext, citizen_id: int) -> None:
    """Drops the draft; the flow's message says so, or a new one when a reply keyboard
    has to go."""
    with transaction(context.engine) as session:
        citizen = session.get(Citizen, citizen_id)
        assert citizen is not None
        draft = intake.draft_of(session, citizen)
        keyboard = draft is not None and intake.state_of(draft).keyboard
        intake.cancel(session, citizen)
        t = translator_of(citizen)
    query = update.callback_query
    if query is not None:
        await query.answer()
        if not keyboard:
            menu = menu_choices(t, context.deps.features)
            await present(update, screens.cancelled(t, menu=menu), edit=True)
            return
    await present(update, Screen(screens.cancelled(t).text, clears_replies=True))
