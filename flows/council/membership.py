"""Assemblies and membership, channel-neutral: the list of assemblies, an assembly's
screen, and joining (with consent, a birth date where an assembly has an age rule, or a
child's name and birth date from their guardian). The channel calls these in its
transaction and shows the screen they return; core.council's refusals pass through."""

from __future__ import annotations

import html
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from common.config import Config
from common.i18n import Translator
from core import conversation, council
from core.dates import parse_date
from core.refusals import Refused
from db.models import Assembly, Citizen
from flows.council import actions as a
from flows.council.screens import consent_screen, description
from flows.council.state import CouncilState, CouncilStep
from flows.names import assembly_name
from flows.screen import Screen


def assemblies_screen(session: Session, config: Config, citizen: Citizen, t: Translator) -> Screen:
    """The assemblies, with the citizen's memberships."""
    assert citizen.id is not None
    mine = {
        m.assembly_code
        for m in council.memberships_of(session, citizen.id)
        if m.guardian_id is None
    }
    lines = [t._("🏛 <b>City Council assemblies</b>"), ""]
    rows = []
    for assembly in council.assemblies(session, config):
        mark = " ✅" if assembly.code in mine else ""
        lines.append(
            f"<b>{html.escape(assembly_name(assembly, t))}</b>{mark}\n"
            f"{html.escape(description(config.assemblies, assembly.code, t))}"
        )
        rows.append((a.AssemblyScreen(assembly.code).choice(assembly_name(assembly, t) + mark),))
    lines += ["", t._("✅ = you are a member. Tap an assembly to join or leave.")]
    rows.append((a.Events().choice(t._("📅 Events")),))
    return Screen("\n".join(lines), tuple(rows))


def assembly_screen(
    session: Session, config: Config, citizen: Citizen, t: Translator, code: str
) -> Screen:
    """One assembly: whether the citizen (or their child) is a member, and joining or
    leaving it."""
    assembly = session.get(Assembly, code)
    if assembly is None or not assembly.active:
        raise Refused("not_found")
    assert citizen.id is not None
    member = council.is_member(session, citizen.id, code)
    rules = next(r for r in config.assemblies if r.code == code)
    lines = [
        f"🏛 <b>{html.escape(assembly_name(assembly, t))}</b>",
        html.escape(description(config.assemblies, code, t)),
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
        rows.append((a.Join(code).choice(t._("👧 Register my child")),))
    elif member:
        rows.append((a.Leave(code).choice(t._("🚪 Leave")),))
    else:
        rows.append((a.Join(code).choice(t._("✅ Join")),))
    rows.append((a.EventsOf(code).choice(t._("📅 Its events")),))
    rows.append((a.Assemblies().choice(t._("⬅️ Back")),))
    return Screen("\n".join(lines), tuple(rows))


def start_join(
    session: Session, config: Config, citizen: Citizen, t: Translator, code: str, now: datetime
) -> Screen:
    """What joining asks next: consent, a birth date, the child's name, or nothing (the
    citizen has joined)."""
    rules = next((r for r in config.assemblies if r.code == code), None)
    if rules is None:
        raise Refused("not_found")
    if citizen.consent_at is None:
        return consent_screen(
            t, config.kvkk.data_controller or config.municipality.name, a.JoinConsented(code)
        )
    if rules.guardian_required:
        conversation.set_step(session, citizen, CouncilStep.CHILD_NAME, CouncilState(assembly=code))
        return Screen(t._("👧 Please write your child's first and last name:"))
    needs_age = rules.min_age is not None or rules.max_age is not None
    if needs_age and citizen.birth_date is None:
        conversation.set_step(session, citizen, CouncilStep.BIRTH, CouncilState(assembly=code))
        return Screen(
            t._(
                "🎂 This assembly has an age rule. Please write your date of birth "
                "(like 25.11.1990):"
            )
        )
    council.join(session, config, citizen, code, None, now.astimezone(config.tz).date())
    return joined(session, t, code)


def joined(session: Session, t: Translator, code: str) -> Screen:
    assembly = session.get(Assembly, code)
    name = assembly_name(assembly, t) if assembly else code
    return Screen(
        t._(
            "✅ Welcome to the {assembly}! You will hear of its events here. "
            "See them with /etkinlikler."
        ).format(assembly=html.escape(name))
    )


def leave(
    session: Session, config: Config, citizen: Citizen, t: Translator, code: str, now: datetime
) -> Screen:
    """The citizen leaves the assembly; its screen again, saying so."""
    council.leave(session, citizen, code, now=now)
    screen = assembly_screen(session, config, citizen, t, code)
    return Screen(t._("You have left the assembly.") + "\n\n" + screen.text, screen.choices)


def confirm_guardian(
    session: Session, citizen: Citizen, t: Translator, membership_id: int, now: datetime
) -> Screen:
    """The guardian confirms their child's membership."""
    membership = council.confirm_guardian(session, citizen, membership_id, now)
    child = session.get(Citizen, membership.citizen_id)
    assembly = session.get(Assembly, membership.assembly_code) or Assembly(code="", name_tr="")
    return Screen(
        t._("✅ Thank you. {name} is now a member of the {assembly}.").format(
            name=html.escape(child.first_name or "") if child else "",
            assembly=html.escape(assembly_name(assembly, t)),
        )
    )


@dataclass
class _Refusal:
    screen: Screen | None = None


@contextmanager
def _age_rule(
    session: Session, config: Config, citizen: Citizen, t: Translator, code: str
) -> Iterator[_Refusal]:
    """A birth date outside the assembly's age rule becomes the refusal's screen (the
    question then ends like any answered one); any other refusal passes through."""
    refusal = _Refusal()
    try:
        yield refusal
    except Refused as exc:
        if exc.reason != "not_eligible":
            raise
        refusal.screen = age_refused(session, config, t, code)


def age_refused(session: Session, config: Config, t: Translator, code: str) -> Screen:
    """A birth date outside the assembly's age rule: the question ends, the rule is named
    and the other assemblies are a tap away."""
    rule = next((a for a in config.assemblies if a.code == code), None)
    found = session.get(Assembly, code)
    name = html.escape(assembly_name(found, t)) if found else ""
    low, high = (rule.min_age, rule.max_age) if rule else (None, None)
    if low is not None and high is not None:
        text = t._("Sorry, the {assembly} is for people aged {low}–{high}.")
    elif low is not None:
        text = t._("Sorry, the {assembly} is for people aged {low} and over.")
    elif high is not None:
        text = t._("Sorry, the {assembly} is for people aged up to {high}.")
    else:
        text = t._("Sorry, this assembly is for another age group.")
    text = text.format(assembly=name, low=low, high=high)
    return Screen(
        text + "\n" + t._("The other assemblies may suit you; you can also follow their events."),
        (
            (a.Assemblies().choice(t._("📋 Other assemblies")),),
            (a.Events().choice(t._("📅 Events")),),
        ),
    )


# --- Typed answers (the council's steps) --------------------------------------------------


def birth_date(
    session: Session,
    config: Config,
    citizen: Citizen,
    t: Translator,
    state: CouncilState,
    text: str,
    now: datetime,
) -> Screen:
    """c_birth: the citizen's date of birth, for an assembly with an age rule."""
    today = now.astimezone(config.tz).date()
    code = state.assembly or ""
    with _age_rule(session, config, citizen, t, code) as refused:
        council.join(session, config, citizen, code, parse_date(text), today)
    conversation.clear(session, citizen)
    return refused.screen or joined(session, t, code)


def child_name(
    session: Session,
    config: Config,
    citizen: Citizen,
    t: Translator,
    state: CouncilState,
    text: str,
    now: datetime,
) -> Screen:
    """c_child_name: the child's first and last name."""
    if len(text.split()) < 2:
        raise Refused("bad_name")
    conversation.set_step(
        session, citizen, CouncilStep.CHILD_BIRTH, CouncilState(assembly=state.assembly, child=text)
    )
    return Screen(t._("🎂 Your child's date of birth (like 05.04.2015):"))


def child_birth_date(
    session: Session,
    config: Config,
    citizen: Citizen,
    t: Translator,
    state: CouncilState,
    text: str,
    now: datetime,
) -> Screen:
    """c_child_birth: the child's date of birth; the guardian then confirms."""
    first, _, last = (state.child or "").partition(" ")
    code = state.assembly or ""
    today = now.astimezone(config.tz).date()
    with _age_rule(session, config, citizen, t, code) as refused:
        membership = council.join_child(
            session, config, citizen, code, first, last, parse_date(text), today
        )
    conversation.clear(session, citizen)
    if refused.screen is not None:
        return refused.screen
    assert membership.id is not None
    return Screen(
        t._(
            "Please confirm that you are {name}'s parent or legal guardian and "
            "agree to their membership and to us keeping their name and date "
            "of birth for it."
        ).format(name=html.escape(state.child or "")),
        ((a.ConfirmGuardian(membership.id).choice(t._("✅ I confirm as parent/guardian")),),),
    )
