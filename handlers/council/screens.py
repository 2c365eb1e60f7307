"""Texts and screens every part of the council's chat uses: refusals, prompts,
assembly names, the KVKK notice, and showing a screen in place of a pressed message."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session
from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode

from common.i18n import N_, Translator
from core import conversation
from core.refusals import Refused
from db.models import Assembly, Citizen
from db.types import utcnow
from handlers.common import KentContext
from handlers.council import buttons as b

log = logging.getLogger("kentbot.council")


class CouncilState(conversation.State):
    """What the council's steps have collected (stored as JSON in the citizen's
    conversation state)."""

    assembly: str | None = None
    # A child's first and last name, while their date of birth is asked.
    child: str | None = None
    # The event whose registrants are checked in at the door.
    event: int | None = None
    # A new event, one field after another (EVENT_FIELDS; times in ISO 8601).
    field: str | None = None
    title: str | None = None
    description: str | None = None
    starts_at: str | None = None
    ends_at: str | None = None
    place: str | None = None
    capacity: int | None = None
    deadline: str | None = None
    members_only: bool | None = None


class CouncilStep(StrEnum):
    """The council's conversation steps: what a citizen's next typed message answers."""

    BIRTH = "c_birth"  # their date of birth, for an assembly with an age rule
    CHILD_NAME = "c_child_name"  # a guardian registers a child: the name
    CHILD_BIRTH = "c_child_birth"  # then the child's date of birth
    CHECKIN = "c_checkin"  # a coordinator at the door: registrants' codes
    EVENT = "c_event"  # a coordinator creating an event: its next field


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


EVENT_FIELDS = (
    "title",
    "description",
    "starts_at",
    "ends_at",
    "place",
    "capacity",
    "deadline",
    "members_only",
)


FIELD_PROMPTS: dict[str, str] = {
    "title": N_("✍️ The event's title:"),
    "description": N_("✍️ A short description (or - for none):"),
    "starts_at": N_("🕒 When does it start? Write like 25.12.2026 14:00"),
    "ends_at": N_("🕒 When does it end? Write like 25.12.2026 16:00"),
    "place": N_("📍 Where is it held?"),
    "capacity": N_("👥 How many seats?"),
    "deadline": N_("⏳ Registration deadline (like 24.12.2026 17:00), or - for the start time:"),
}


# Names coordinators may use with /etkinlik_duzenle, in Turkish and English.
EDIT_ALIASES = {
    "baslik": "title",
    "başlık": "title",
    "aciklama": "description",
    "açıklama": "description",
    "baslangic": "starts_at",
    "başlangıç": "starts_at",
    "bitis": "ends_at",
    "bitiş": "ends_at",
    "yer": "place",
    "kontenjan": "capacity",
    "son_kayit": "deadline",
    "son_kayıt": "deadline",
}


def refusal(t: Translator, reason: str) -> str:
    message = REFUSALS.get(reason, REFUSALS["not_found"])
    return t._(message)


def prompt(t: Translator, field: str) -> str:
    message = FIELD_PROMPTS[field]
    return t._(message)


def assembly_name(assembly: Assembly, t: Translator) -> str:
    return assembly.name_en if t.language == "en" and assembly.name_en else assembly.name_tr


def description(context: KentContext, code: str, t: Translator) -> str:
    found = next((a for a in context.config.assemblies if a.code == code), None)
    return found.description.get(t.language) if found else ""


async def show(
    update: Update, text: str, markup: InlineKeyboardMarkup | None = None, edit: bool = False
) -> None:
    query = update.callback_query
    if edit and query is not None:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
        return
    message = update.effective_message
    if message is not None:
        await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


def consent_screen(
    t: Translator, controller: str, then: b.Button
) -> tuple[str, InlineKeyboardMarkup]:
    """The KVKK notice; `then` is the button that accepting continues with."""
    text = t._(
        "🔒 <b>Personal data notice (KVKK)</b>\n\n{controller} keeps your name, your Telegram "
        "account and, where an assembly needs it, your date of birth, to manage your "
        "membership and registrations and to count participation anonymously. You can leave "
        "and ask for erasure at any time.\n\nDo you accept?"
    ).format(controller=html.escape(controller))
    return text, InlineKeyboardMarkup(
        [
            [then.button(t._("✅ I accept"))],
            [b.Assemblies().button(t._("✖️ I do not accept"))],
        ]
    )


def consent(
    session: Session, citizen: Citizen, first_name: str, last_name: str | None, now: datetime
) -> None:
    """KVKK accepted: from now on the citizen's name may be kept with their memberships."""
    citizen.consent_at = citizen.consent_at or now
    citizen.first_name, citizen.last_name = first_name, last_name
    session.add(citizen)


Shown = tuple[str, InlineKeyboardMarkup | None]


async def press(
    update: Update,
    context: KentContext,
    act: Callable[[Session, Citizen, Translator, datetime], Shown],
) -> bool:
    """A button's work: `act` runs in one transaction with the presser, and what it returns
    is shown in place of the pressed message. A refusal rolls everything back and comes as
    an alert. Says whether the screen was shown (the button's follow-up may then go on)."""
    query = update.callback_query
    assert query is not None
    now = utcnow()
    with context.citizen_transaction() as (session, citizen, t):
        try:
            text, markup = act(session, citizen, t, now)
        except (Refused, ValueError) as exc:
            session.rollback()
            reason = exc.reason if isinstance(exc, Refused) else "not_found"
            await query.answer(refusal(t, reason), show_alert=True)
            return False
    await query.answer()
    await show(update, text, markup, edit=True)
    return True
