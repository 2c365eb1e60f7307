"""Assemblies and membership by chat: /meclis, joining (with consent, a birth date where
an assembly has an age rule, or a child's name and birth date from their guardian),
leaving, and the guardian's confirmation."""

from __future__ import annotations

import html
import logging
from datetime import datetime

from sqlmodel import Session
from telegram import InlineKeyboardMarkup, Update

from common.i18n import Translator
from core import conversation, council
from core.dates import parse_date
from core.refusals import Refused
from db.models import Assembly, Citizen
from db.types import utcnow
from handlers.common import KentContext, private, translator_of
from handlers.council import buttons as b
from handlers.council.buttons import buttons
from handlers.council.screens import (
    CouncilState,
    CouncilStep,
    Shown,
    assembly_name,
    consent,
    consent_screen,
    description,
    press,
    show,
)

log = logging.getLogger("kentbot.council")


def _assemblies_screen(
    context: KentContext, session: Session, citizen: Citizen
) -> tuple[str, InlineKeyboardMarkup]:
    t = translator_of(citizen)
    assert citizen.id is not None
    mine = {
        m.assembly_code
        for m in council.memberships_of(session, citizen.id)
        if m.guardian_id is None
    }
    lines = [t._("🏛 <b>City Council assemblies</b>"), ""]
    rows = []
    for assembly in council.assemblies(session, context.config):
        mark = " ✅" if assembly.code in mine else ""
        lines.append(
            f"<b>{html.escape(assembly_name(assembly, t))}</b>{mark}\n"
            f"{html.escape(description(context, assembly.code, t))}"
        )
        rows.append([b.AssemblyScreen(assembly.code).button(assembly_name(assembly, t) + mark)])
    lines += ["", t._("✅ = you are a member. Tap an assembly to join or leave.")]
    rows.append([b.Events().button(t._("📅 Events"))])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _assembly_screen(
    context: KentContext, session: Session, citizen: Citizen, code: str
) -> tuple[str, InlineKeyboardMarkup]:
    t = translator_of(citizen)
    assembly = session.get(Assembly, code)
    if assembly is None or not assembly.active:
        raise Refused("not_found")
    assert citizen.id is not None
    member = council.is_member(session, citizen.id, code)
    rules = next(a for a in context.config.assemblies if a.code == code)
    lines = [
        f"🏛 <b>{html.escape(assembly_name(assembly, t))}</b>",
        html.escape(description(context, code, t)),
        "",
    ]
    if member:
        lines.append(t._("✅ You are a member."))
    children = [c for c, m in council.children_of(session, citizen.id) if m.assembly_code == code]
    for child in children:
        lines.append(
            t._("👧 Your child {name} is a member.").format(
                name=html.escape(child.first_name or "")
            )
        )
    rows = []
    if rules.guardian_required:
        rows.append([b.Join(code).button(t._("👧 Register my child"))])
    elif member:
        rows.append([b.Leave(code).button(t._("🚪 Leave"))])
    else:
        rows.append([b.Join(code).button(t._("✅ Join"))])
    rows.append([b.EventsOf(code).button(t._("📅 Its events"))])
    rows.append([b.Assemblies().button(t._("⬅️ Back"))])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


@private
async def assemblies_command(update: Update, context: KentContext) -> None:
    """/meclis: the assemblies, with the citizen's memberships."""
    with context.citizen_transaction() as (session, citizen, _):
        text, markup = _assemblies_screen(context, session, citizen)
    await show(update, text, markup)


def start_join(context: KentContext, session: Session, citizen: Citizen, code: str) -> Shown:
    """What joining asks next: consent, a birth date, the child's name, or nothing."""
    t = translator_of(citizen)
    config = context.config
    rules = next((a for a in config.assemblies if a.code == code), None)
    if rules is None:
        raise Refused("not_found")
    if citizen.consent_at is None:
        return consent_screen(
            t, config.kvkk.data_controller or config.municipality.name, b.JoinConsented(code)
        )
    if rules.guardian_required:
        conversation.set_step(session, citizen, CouncilStep.CHILD_NAME, CouncilState(assembly=code))
        return t._("👧 Please write your child's first and last name:"), None
    needs_age = rules.min_age is not None or rules.max_age is not None
    if needs_age and citizen.birth_date is None:
        conversation.set_step(session, citizen, CouncilStep.BIRTH, CouncilState(assembly=code))
        return t._(
            "🎂 This assembly has an age rule. Please write your date of birth (like 25.11.1990):"
        ), None
    council.join(session, config, citizen, code, None, utcnow().astimezone(config.tz).date())
    return _joined_text(t, session, code), None


def _joined_text(t: Translator, session: Session, code: str) -> str:
    assembly = session.get(Assembly, code)
    name = assembly_name(assembly, t) if assembly else code
    return t._(
        "✅ Welcome to the {assembly}! You will hear of its events here. "
        "See them with /etkinlikler."
    ).format(assembly=html.escape(name))


# --- Buttons ---------------------------------------------------------------------------------


@buttons.on(b.Assemblies)
async def assemblies(update: Update, context: KentContext, button: b.Assemblies) -> None:
    await press(
        update,
        context,
        lambda session, citizen, t, now: _assemblies_screen(context, session, citizen),
    )


@buttons.on(b.CouncilMenu)
async def council_menu(update: Update, context: KentContext, button: b.CouncilMenu) -> None:
    await assemblies(update, context, b.Assemblies())


@buttons.on(b.AssemblyScreen)
async def assembly(update: Update, context: KentContext, button: b.AssemblyScreen) -> None:
    await press(
        update,
        context,
        lambda session, citizen, t, now: _assembly_screen(context, session, citizen, button.code),
    )


@buttons.on(b.Join)
async def join(update: Update, context: KentContext, button: b.Join) -> None:
    await press(
        update,
        context,
        lambda session, citizen, t, now: start_join(context, session, citizen, button.code),
    )


@buttons.on(b.JoinConsented)
async def join_consented(update: Update, context: KentContext, button: b.JoinConsented) -> None:
    user = update.effective_user
    assert user is not None

    def act(session: Session, citizen: Citizen, t: Translator, now: datetime) -> Shown:
        consent(session, citizen, user.first_name, user.last_name, now)
        return start_join(context, session, citizen, button.code)

    await press(update, context, act)


@buttons.on(b.Leave)
async def leave(update: Update, context: KentContext, button: b.Leave) -> None:
    def act(session: Session, citizen: Citizen, t: Translator, now: datetime) -> Shown:
        council.leave(session, citizen, button.code, now=now)
        text, markup = _assembly_screen(context, session, citizen, button.code)
        return t._("You have left the assembly.") + "\n\n" + text, markup

    await press(update, context, act)


@buttons.on(b.ConfirmGuardian)
async def confirm_guardian(update: Update, context: KentContext, button: b.ConfirmGuardian) -> None:
    def act(session: Session, citizen: Citizen, t: Translator, now: datetime) -> Shown:
        membership = council.confirm_guardian(session, citizen, button.membership_id, now)
        child = session.get(Citizen, membership.citizen_id)
        assembly = session.get(Assembly, membership.assembly_code) or Assembly(code="", name_tr="")
        return t._("✅ Thank you. {name} is now a member of the {assembly}.").format(
            name=html.escape(child.first_name or "") if child else "",
            assembly=html.escape(assembly_name(assembly, t)),
        ), None

    await press(update, context, act)


# --- Steps: typed answers ------------------------------------------------------------------


def birth_date(
    context: KentContext,
    session: Session,
    citizen: Citizen,
    t: Translator,
    state: CouncilState,
    text: str,
    now: datetime,
) -> Shown:
    """c_birth: the citizen's date of birth, for an assembly with an age rule."""
    config = context.config
    today = now.astimezone(config.tz).date()
    council.join(session, config, citizen, state.assembly or "", parse_date(text), today)
    conversation.clear(session, citizen)
    return _joined_text(t, session, state.assembly or ""), None


def child_name(
    context: KentContext,
    session: Session,
    citizen: Citizen,
    t: Translator,
    state: CouncilState,
    text: str,
    now: datetime,
) -> Shown:
    """c_child_name: the child's first and last name."""
    if len(text.split()) < 2:
        raise Refused("bad_name")
    conversation.set_step(
        session, citizen, CouncilStep.CHILD_BIRTH, CouncilState(assembly=state.assembly, child=text)
    )
    return t._("🎂 Your child's date of birth (like 05.04.2015):"), None


def child_birth_date(
    context: KentContext,
    session: Session,
    citizen: Citizen,
    t: Translator,
    state: CouncilState,
    text: str,
    now: datetime,
) -> Shown:
    """c_child_birth: the child's date of birth; the guardian then confirms."""
    config = context.config
    first, _, last = (state.child or "").partition(" ")
    membership = council.join_child(
        session,
        config,
        citizen,
        state.assembly or "",
        first,
        last,
        parse_date(text),
        now.astimezone(config.tz).date(),
    )
    conversation.clear(session, citizen)
    assert membership.id is not None
    return t._(
        "Please confirm that you are {name}'s parent or legal guardian and "
        "agree to their membership and to us keeping their name and date "
        "of birth for it."
    ).format(name=html.escape(state.child or "")), InlineKeyboardMarkup(
        [[b.ConfirmGuardian(membership.id).button(t._("✅ I confirm as parent/guardian"))]]
    )
