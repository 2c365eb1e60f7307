"""Assemblies and membership in Telegram: /meclis, and the buttons to open an assembly,
join it (with consent, a birth date where an assembly has an age rule, or a child's name
and birth date from their guardian), leave it, and the guardian's confirmation. What
each shows is flows.council.membership's."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session
from telegram import Update

from common.i18n import Translator
from db.models import Citizen
from flows.council import actions as a
from flows.council import membership as flow
from flows.council.screens import consent
from flows.screen import Screen
from handlers.common import KentContext, private
from handlers.council.buttons import buttons
from handlers.council.screens import press
from handlers.render import present


@private
async def assemblies_command(update: Update, context: KentContext) -> None:
    """/meclis: the assemblies, with the citizen's memberships."""
    with context.citizen_transaction() as (session, citizen, t):
        screen = flow.assemblies_screen(session, context.config, citizen, t)
    await present(update, screen)


# --- Buttons ---------------------------------------------------------------------------------


@buttons.on(a.Assemblies)
async def assemblies(update: Update, context: KentContext, button: a.Assemblies) -> None:
    await press(
        update,
        context,
        lambda session, citizen, t, now: flow.assemblies_screen(
            session, context.config, citizen, t
        ),
    )


@buttons.on(a.CouncilMenu)
async def council_menu(update: Update, context: KentContext, button: a.CouncilMenu) -> None:
    await assemblies(update, context, a.Assemblies())


@buttons.on(a.AssemblyScreen)
async def assembly(update: Update, context: KentContext, button: a.AssemblyScreen) -> None:
    await press(
        update,
        context,
        lambda session, citizen, t, now: flow.assembly_screen(
            session, context.config, citizen, t, button.code
        ),
    )


@buttons.on(a.Join)
async def join(update: Update, context: KentContext, button: a.Join) -> None:
    await press(
        update,
        context,
        lambda session, citizen, t, now: flow.start_join(
            session, context.config, citizen, t, button.code, now
        ),
    )


@buttons.on(a.JoinConsented)
async def join_consented(update: Update, context: KentContext, button: a.JoinConsented) -> None:
    user = update.effective_user
    assert user is not None

    def act(session: Session, citizen: Citizen, t: Translator, now: datetime) -> Screen:
        consent(session, citizen, user.first_name, user.last_name, now)
        return flow.start_join(session, context.config, citizen, t, button.code, now)

    await press(update, context, act)


@buttons.on(a.Leave)
async def leave(update: Update, context: KentContext, button: a.Leave) -> None:
    await press(
        update,
        context,
        lambda session, citizen, t, now: flow.leave(
            session, context.config, citizen, t, button.code, now
        ),
    )


@buttons.on(a.ConfirmGuardian)
async def confirm_guardian(update: Update, context: KentContext, button: a.ConfirmGuardian) -> None:
    await press(
        update,
        context,
        lambda session, citizen, t, now: flow.confirm_guardian(
            session, citizen, t, button.membership_id, now
        ),
    )
