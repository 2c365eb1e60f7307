"""The coordinators' steps, channel-neutral: creating an event one typed field after
another (the prompts, the members-only question, the summary to create or discard),
the question before cancelling one, and check-in codes typed at the door; and what the
coordinators' commands (/etkinlik_duzenle, /yoklama, /duyuru) read from their arguments
and answer. Who may manage events is core.council's rule, checked by the channel before
the questions are shown and by core when the work is done."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

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
from flows.council.screens import refusal, unreadable
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


def event_created(t: Translator, event_id: int | None, link: str) -> Screen:
    """The new event is made (a council event or an employment-centre one); `link` is the
    channel's link that opens it, for posters."""
    return Screen(
        t._("✅ Event created (number {id}). Link for posters: {link}").format(
            id=event_id, link=link
        )
    )


def event_discarded(t: Translator) -> Screen:
    """The summary's Cancel: the new event is dropped."""
    return Screen(t._("Cancelled. No event was created."))


def event_cancelled(t: Translator, event_id: int, count: int) -> Screen:
    """The event is cancelled; `count` registrants are being told."""
    return Screen(
        t._("Event {id} cancelled; {count} people are being told.").format(id=event_id, count=count)
    )


def edit_changes(args: Sequence[str], tz: ZoneInfo) -> tuple[int, dict[str, Any]] | None:
    """/etkinlik_duzenle's arguments, `ID FIELD VALUE` (a field named in EDIT_ALIASES or
    in English), as the event's id and the changes for core.council.edit_event; None when
    they are not that (the usage follows). A time that cannot be read raises ValueError,
    a capacity that is not a number Refused("bad_capacity")."""
    field = EDIT_ALIASES.get(args[1].lower(), args[1].lower()) if len(args) > 2 else ""
    value = " ".join(args[2:])
    event_id = as_id(args[0]) if args else None
    if event_id is None or field not in FIELD_PROMPTS:
        return None
    changes: dict[str, Any] = {}
    if field in ("starts_at", "ends_at"):
        changes[field] = parse_local_datetime(value, tz)
    elif field == "deadline":
        changes["registration_deadline"] = parse_local_datetime(value, tz)
    elif field == "capacity":
        capacity = as_id(value, limit=1_000_000)
        if capacity is None:
            raise Refused("bad_capacity")
        changes["capacity"] = capacity
    else:
        changes[field] = value
    return event_id, changes


def edit_usage(t: Translator) -> Screen:
    """/etkinlik_duzenle without an event, a field it knows, or a value."""
    return Screen(
        t._(
            "Usage: /etkinlik_duzenle ID FIELD VALUE\nFields: baslik, aciklama, "
            "baslangic, bitis, yer, kontenjan, son_kayit"
        )
    )


def event_updated(t: Translator, event_id: int | str, count: int) -> Screen:
    """/etkinlik_duzenle's change is made; `count` people are being told. The event's id
    is said as the coordinator typed it."""
    return Screen(
        t._("✅ Event {id} updated; {count} people are being told.").format(
            id=event_id, count=count
        )
    )


def unreadable_time(t: Translator) -> Screen:
    """A date and time (/etkinlik_duzenle's) that cannot be read: said as for a new
    event's."""
    return unreadable(t, CouncilStep.EVENT)


def checkin_usage(t: Translator) -> Screen:
    """/yoklama without an event's id."""
    return Screen(t._("Usage: /yoklama EVENT_ID [CODE]"))


def checked_in(t: Translator, person: Citizen | None) -> Screen:
    """`/yoklama ID CODE` checked the code's registrant in (named by first name)."""
    name = html.escape(person.first_name or "") if person else ""
    return Screen(t._("✅ Checked in: {name}.").format(name=name))


def checkin_started(t: Translator, event_id: int | str) -> Screen:
    """`/yoklama ID` without a code: the codes typed next are checked in (checkin_code).
    The event's id is said as the coordinator typed it."""
    return Screen(
        t._("Check-in for event {id}: type each code as people arrive. /iptal to stop.").format(
            id=event_id
        )
    )


def announce_target(args: Sequence[str]) -> dict[str, Any] | None:
    """Whom /duyuru's arguments address, as core.council.announce's keywords: an
    assembly (`meclis CODE TEXT`) or an event's registrants (`etkinlik ID TEXT`); None
    when they are neither."""
    if len(args) >= 3 and args[0] in ("meclis", "assembly"):
        return {"assembly_code": args[1]}
    if len(args) >= 3 and args[0] in ("etkinlik", "event") and as_id(args[1]):
        return {"event_id": as_id(args[1])}
    return None


def announcement(text: str | None) -> str:
    """The announcement sent: the command's text after `/duyuru meclis CODE`, as typed
    (line breaks kept), after a 📣."""
    parts = (text or "").split(maxsplit=3)
    return "📣 " + (parts[3] if len(parts) > 3 else "")


def _announce_usage(t: Translator) -> str:
    return t._("Usage: /duyuru meclis ASSEMBLY_CODE TEXT or /duyuru etkinlik EVENT_ID TEXT")


def announce_usage(t: Translator, may_manage: bool) -> Screen:
    """/duyuru without someone to tell: the usage for a coordinator (`may_manage`);
    strangers hear "not allowed", not the usage."""
    return Screen(_announce_usage(t) if may_manage else refusal(t, "not_allowed"))


def announce_refused(t: Translator, reason: str) -> Screen:
    """core refused the announcement: who may not send one hears why; anything else (no
    such assembly or event) hears the usage."""
    if reason in ("not_allowed", "not_centre_staff"):
        return Screen(refusal(t, reason))
    return Screen(_announce_usage(t))


def sending_to(t: Translator, count: int) -> Screen:
    """The announcement is queued for `count` people."""
    return Screen(t._("📣 Sending to {count} people…").format(count=count))


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
