"""The coordinators' steps, channel-neutral: creating an event one typed field after
another (the prompts, the members-only question, the summary to create or discard),
the question before cancelling one, and check-in codes typed at the door. Who may
manage events is core.council's rule, checked by the channel before the questions are
shown and by core when the work is done."""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any

from sqlmodel import Session

from common.config import Config
from common.i18n import N_, Translator
from core import conversation, council
from core.council.coordinators import is_council
from core.dates import parse_local_datetime
from core.refusals import Refused
from db.models import Assembly, Citizen, StaffMember
from flows.actions import as_id
from flows.council import actions as a
from flows.council.state import EVENT_FIELDS, CouncilState, CouncilStep
from flows.names import assembly_name, event_kind_name
from flows.screen import Screen

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


def prompt(t: Translator, field: str) -> str:
    message = FIELD_PROMPTS[field]
    return t._(message)


def which_assembly(t: Translator, assemblies: list[Assembly]) -> Screen:
    """/etkinlik_ekle's first question: the assembly (core.council.assemblies) the new
    event is for."""
    return Screen(
        t._("🏛 Which assembly's event?"),
        tuple((a.NewEventFor(x.code).choice(assembly_name(x, t)),) for x in assemblies),
    )


def field_question(t: Translator, field: str) -> Screen:
    """The question for the new event's `field` (EVENT_FIELDS): typed, except whether it
    is for members only, which is two buttons."""
    if field == "members_only":
        return Screen(
            t._("🔒 Only for members of the assembly?"),
            (
                (
                    a.MembersOnly("y").choice(t._("Yes, members only")),
                    a.MembersOnly("n").choice(t._("No, open to all")),
                ),
            ),
        )
    return Screen(prompt(t, field))


def event_summary(t: Translator, state: CouncilState, assembly: Assembly | None) -> Screen:
    """The new event as typed, to create or discard (an employment-centre event names its
    kind where a council event names its assembly)."""
    employment = not is_council(state.kind)
    name = assembly_name(assembly, t) if assembly else state.assembly or ""
    if employment:
        name = event_kind_name(state.kind or "", t)
    starts = datetime.fromisoformat(state.starts_at or "")
    ends = datetime.fromisoformat(state.ends_at or "")
    lines = [
        t._("📋 <b>New event</b>"),
        html.escape(name) if employment else f"🏛 {html.escape(name)}",
        f"<b>{html.escape(state.title or '')}</b>",
        html.escape(state.description or ""),
        f"🕒 {t.span(starts, ends)}",
        f"📍 {html.escape(state.place or '')}",
        t._("👥 Seats: {count}").format(count=state.capacity),
    ]
    if state.deadline:
        lines.append(
            t._("Registration until {when}").format(
                when=t.datetime(datetime.fromisoformat(state.deadline))
            )
        )
    if not employment:
        lines.append(
            t._("Only for members of the assembly.") if state.members_only else t._("Open to all.")
        )
    return Screen(
        "\n".join(lines),
        ((a.CreateEvent().choice(t._("✅ Create")), a.DiscardEvent().choice(t._("✖️ Cancel"))),),
    )


def cancel_question(t: Translator, event_id: int) -> Screen:
    """/etkinlik_iptal and the Cancel button ask first."""
    return Screen(
        t._("Cancel event {id} and tell everyone registered?").format(id=event_id),
        ((a.CancelEventConfirmed(event_id).choice(t._("Yes, cancel the event")),),),
    )


def event_field(
    session: Session,
    config: Config,
    citizen: Citizen,
    t: Translator,
    state: CouncilState,
    text: str,
    now: datetime,
) -> Screen:
    """One typed field of a new event; returns the next question (the summary after the
    last). A time that cannot be read raises ValueError (said by `unreadable`)."""
    field = state.field or ""
    value: Any = text
    if field in ("starts_at", "ends_at"):
        value = parse_local_datetime(text, config.tz).isoformat()
    elif field == "deadline":
        value = None if text == "-" else parse_local_datetime(text, config.tz).isoformat()
    elif field == "capacity":
        value = as_id(text, limit=1_000_000)
        if value is None:
            raise Refused("bad_capacity")
    elif field == "description" and text == "-":
        value = ""
    elif field == "title" and not 1 <= len(text) <= 200:
        raise Refused("bad_title")
    index = EVENT_FIELDS.index(field) + 1
    next_field = EVENT_FIELDS[index]
    state = state.model_copy(update={field: value, "field": next_field})
    if next_field == "members_only" and not council.is_council(state.kind):
        # A training or a job fair has no assembly: open to all, straight to the summary.
        state = state.model_copy(update={"members_only": False})
        conversation.set_step(session, citizen, CouncilStep.EVENT, state)
        return event_summary(t, state, None)
    conversation.set_step(session, citizen, CouncilStep.EVENT, state)
    return field_question(t, next_field)


def checkin_code(
    session: Session,
    actor: StaffMember | None,
    t: Translator,
    state: CouncilState,
    text: str,
    now: datetime,
) -> Screen:
    """A registrant's code typed at the door (core checks the actor); the next may follow."""
    registration = council.check_in(session, actor, state.event or 0, text, now)
    person = session.get(Citizen, registration.citizen_id)
    name = " ".join(p for p in (person.first_name, person.last_name) if p) if person else ""
    return Screen(
        t._("✅ Checked in: {name}. Next code, or /iptal to stop.").format(name=html.escape(name))
    )
