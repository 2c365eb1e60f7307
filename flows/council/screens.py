"""What every part of the council's chat shows: refusals, assembly names and
descriptions, and the KVKK notice that joining or registering asks to accept first."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from common.config import Assembly as AssemblyRules
from common.i18n import N_, Translator
from db.models import Citizen
from flows.actions import Action
from flows.council import actions as a
from flows.council.state import CouncilStep
from flows.screen import Screen

REFUSALS: dict[str, str] = {
    "not_eligible": N_("Sorry, this assembly is for another age group."),
    "birth_date_required": N_("Please give your date of birth."),
    "bad_birth_date": N_("That date of birth cannot be right. Please write it as 25.11.1990."),
    "guardian_required": N_("Children join through a parent or guardian."),
    "consent_required": N_("Please accept the personal data notice first."),
    "already_member": N_("You are already a member of this assembly."),
    "not_member": N_("You are not a member of this assembly."),
    "full": N_("The event is full."),
    "deadline_passed": N_("Registration for this event has closed."),
    "event_past": N_("This event has already started or is over."),
    "event_cancelled": N_("This event has been cancelled."),
    "members_only": N_("This event is for members of the assembly. Join it first with /meclis."),
    "already_registered": N_("You are already registered for this event."),
    "not_registered": N_("You are not registered for this event."),
    "not_found": N_("Not found. It may have been removed."),
    "not_allowed": N_("This is for City Council coordinators."),
    # A training's or a job fair's draft (their events' kinds are the employment centre's).
    "not_centre_staff": N_("This is for the employment centre's staff."),
    "bad_code": N_("❌ No registration with that code for this event."),
    "already_checked_in": N_("⚠️ This code has already been checked in."),
    "waitlisted": N_("⚠️ This person is on the waiting list, not registered."),
    "bad_title": N_("The title must be 1 to 200 characters."),
    "bad_place": N_("The place must be at most 300 characters."),
    "bad_times": N_("The event must end after it starts."),
    "bad_capacity": N_("The capacity must be a whole number of at least 1."),
    "bad_deadline": N_("The registration deadline must be before the start."),
    "capacity_below_registered": N_("More people are registered than that capacity."),
    "bad_name": N_("Please write the child's first and last name."),
}


def refusal(t: Translator, reason: str) -> str:
    message = REFUSALS.get(reason, REFUSALS["not_found"])
    return t._(message)


def refused(t: Translator, step: CouncilStep, reason: str) -> Screen:
    """A typed answer (a membership's or a coordinator's) refused: the reason, and at the
    door, that the next code may come."""
    reply = refusal(t, reason)
    if step == CouncilStep.CHECKIN:
        reply += " " + t._("Next code, or /iptal to stop.")
    return Screen(reply)


DATE_STEPS = (CouncilStep.BIRTH, CouncilStep.CHILD_BIRTH)


def unreadable(t: Translator, step: CouncilStep) -> Screen:
    """A date (a birth date) or a date and time (a new event's) that cannot be read."""
    if step in DATE_STEPS:
        return Screen(t._("That is not a date I can read. Please write it like 25.11.1990."))
    return Screen(
        t._("That is not a date and time I can read. Please write it like 25.12.2026 14:00.")
    )


def description(assemblies: Sequence[AssemblyRules], code: str, t: Translator) -> str:
    """The assembly's description in config (config.assemblies), in t's language."""
    found = next((a for a in assemblies if a.code == code), None)
    return found.description.get(t.language) if found else ""


def consent_screen(t: Translator, controller: str, then: Action) -> Screen:
    """The KVKK notice; `then` is the action that accepting continues with."""
    text = t._(
        "🔒 <b>Personal data notice (KVKK)</b>\n\n{controller} keeps your name, your Telegram "
        "account and, where an assembly needs it, your date of birth, to manage your "
        "membership and registrations and to count participation anonymously. You can leave "
        "and ask for erasure at any time.\n\nDo you accept?"
    ).format(controller=html.escape(controller))
    return Screen(
        text,
        (
            (then.choice(t._("✅ I accept")),),
            (a.Assemblies().choice(t._("✖️ I do not accept")),),
        ),
    )


def consent(
    session: Session, citizen: Citizen, first_name: str, last_name: str | None, now: datetime
) -> None:
    """KVKK accepted: from now on the citizen's name may be kept with their memberships."""
    citizen.consent_at = citizen.consent_at or now
    citizen.first_name, citizen.last_name = first_name, last_name
    session.add(citizen)
