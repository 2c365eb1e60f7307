"""Council events for citizens, channel-neutral: the upcoming events (of every assembly
or one), an event's screen, registering (after the KVKK notice) and withdrawing, the
ticket a registrant is sent besides (the check-in code, its QR and a calendar file) and
what they are told when the event changes."""

from __future__ import annotations

import html
from datetime import datetime, tzinfo

from sqlmodel import Session

from common.config import Config
from common.i18n import Translator
from core import council
from core.calendar_export import event_ics
from core.checkin import qr_png
from core.refusals import Refused
from db.models import Assembly, Citizen, CouncilEvent
from flows.council import actions as a
from flows.council.screens import consent_screen
from flows.employment.event_actions import EmploymentEvents
from flows.names import assembly_name, event_kind_name
from flows.screen import Choice, Media, MediaKind, Screen, fit, in_rows


def _when(t: Translator, event: CouncilEvent) -> str:
    return t.span(event.starts_at, event.ends_at)


def events_screen(session: Session, t: Translator, now: datetime, assembly: str | None) -> Screen:
    """The upcoming events, of one assembly or of all; a button per event (the first ten)
    and filters by assembly."""
    events = council.upcoming_events(session, now, assembly)
    names = {x.code: assembly_name(x, t) for x in council.assemblies(session)}
    if not events:
        text = t._("📅 There are no upcoming events yet. Check again soon.")
    else:
        lines = [t._("📅 <b>Upcoming City Council events</b>")]
        for item in events:
            event = item.event
            lines.append(
                t._("<b>{title}</b> — {assembly}\n{when} · {place} · seats left: {seats}").format(
                    title=html.escape(event.title),
                    assembly=html.escape(names.get(event.assembly_code or "", "")),
                    when=_when(t, event),
                    place=html.escape(event.place),
                    seats=item.seats_left,
                )
            )
        text = "\n\n".join(lines)
    rows: list[tuple[Choice, ...]] = [
        (
            a.EventScreen(item.event.id or 0).choice(
                f"{fit(item.event.title, 40)} · {t.short_datetime(item.event.starts_at)}"
            ),
        )
        for item in events[:10]
    ]
    rows += in_rows([a.EventsOf(code).choice(fit(names[code], 20)) for code in names], 3)
    if assembly:
        rows.append((a.Events().choice(t._("All events")),))
    return Screen(text, tuple(rows))


def event_screen(
    session: Session, citizen: Citizen, t: Translator, event_id: int, now: datetime
) -> Screen:
    """An event: when and where, seats left, the citizen's registration, and registering
    or withdrawing while it is open."""
    details = council.event_details(session, event_id, citizen.id)
    event = details.event
    assembly = details.assembly
    employment = assembly is None  # a training or a job fair
    lines = [
        f"📅 <b>{html.escape(event.title)}</b>",
        "🏛 " + html.escape(assembly_name(assembly, t))
        if assembly is not None
        else html.escape(event_kind_name(event.kind, t)),
        "🕒 " + _when(t, event),
        "📍 " + html.escape(event.place),
    ]
    if event.description:
        lines += ["", html.escape(event.description)]
    lines.append("")
    if event.cancelled_at:
        lines.append(t._("❌ This event has been cancelled."))
    else:
        lines.append(
            t._("👥 Seats left: {left} of {capacity}").format(
                left=details.seats_left, capacity=event.capacity
            )
        )
        if details.waiting:
            lines.append(t._("⏳ On the waiting list: {count}").format(count=details.waiting))
        if event.registration_deadline:
            lines.append(
                t._("Registration until {when}").format(
                    when=t.datetime(event.registration_deadline)
                )
            )
        if event.members_only:
            lines.append(t._("Only for members of the assembly."))
    registration = details.registration
    rows = []
    if registration is not None and registration.status in ("registered", "attended"):
        lines.append(
            t._("✅ You are registered. Your check-in code: <b>{code}</b>").format(
                code=registration.code
            )
        )
    elif registration is not None and registration.status == "waitlisted":
        lines.append(
            t._("⏳ You are number {position} on the waiting list.").format(
                position=details.position
            )
        )
    open_event = event.cancelled_at is None and event.starts_at > now
    if (
        open_event
        and registration is not None
        and registration.status in ("registered", "waitlisted")
    ):
        rows.append((a.Withdraw(event.id or 0).choice(t._("↩️ Withdraw")),))
    elif open_event:
        label = t._("✅ Register") if details.seats_left > 0 else t._("⏳ Join the waiting list")
        rows.append((a.Register(event.id or 0).choice(label),))
    back = EmploymentEvents() if employment else a.Events()
    rows.append((back.choice(t._("⬅️ All events")),))
    return Screen("\n".join(lines), tuple(rows))


def register(
    session: Session, config: Config, citizen: Citizen, t: Translator, event_id: int, now: datetime
) -> tuple[Screen, council.Booking | None]:
    """Registers the citizen for the event (a seat, else the waiting list): the event's
    screen again, and the booking, whose code the channel then sends. Without consent on
    record, the KVKK notice comes first (and no booking)."""
    event = council.event_details(session, event_id).event
    try:
        if citizen.consent_at is None:
            if event.members_only:
                raise Refused("members_only")  # said before asking for consent
            controller = config.kvkk.data_controller or config.municipality.name
            return consent_screen(t, controller, a.RegisterConsented(event_id)), None
        booking = council.register(session, citizen, event_id, now)
    except Refused as exc:
        if exc.reason != "members_only":
            raise
        return members_only(session, t, event), None
    return event_screen(session, citizen, t, event_id, now), booking


def members_only(session: Session, t: Translator, event: CouncilEvent) -> Screen:
    """Register pressed by someone who is not a member: the way to join, a tap away."""
    found = session.get(Assembly, event.assembly_code)
    name = html.escape(assembly_name(found, t)) if found else ""
    return Screen(
        t._(
            "🔒 <b>{title}</b> is for members of the {assembly}. Join the assembly first; "
            "then you can register here."
        ).format(title=html.escape(event.title), assembly=name),
        (
            (a.AssemblyScreen(event.assembly_code or "").choice(t._("🏛 Join the assembly")),),
            (a.EventScreen(event.id or 0).choice(t._("⬅️ Back to the event")),),
        ),
    )


def withdraw(
    session: Session, citizen: Citizen, t: Translator, event_id: int, now: datetime
) -> tuple[Screen, council.Notice | None]:
    """Frees the citizen's seat: the event's screen again, saying so, and the notice for
    the first on the waiting list who gets the seat, if any."""
    promoted = council.withdraw(session, citizen, event_id, now)
    screen = event_screen(session, citizen, t, event_id, now)
    text = t._("You have withdrawn. Thank you for freeing your seat.") + "\n\n" + screen.text
    return Screen(text, screen.choices), promoted


def ticket(
    session: Session,
    tz: tzinfo,
    t: Translator,
    event_id: int,
    code: str,
    status: str,
    position: int | None,
    promoted: bool = False,
) -> Screen | None:
    """What a registrant is sent: a seat's check-in code as a QR image (the code in its
    caption) and the event as a calendar file, or their place on the waiting list; a seat
    freed for them (`promoted`) says so first. None when the event is gone."""
    event = session.get(CouncilEvent, event_id)
    if event is None:
        return None
    if status == "waitlisted":
        return Screen(
            t._(
                "⏳ The event is full; you are number {position} on the waiting list for "
                "{title}. If a seat frees, it is yours automatically and we will tell you."
            ).format(position=position, title=html.escape(event.title))
        )
    # A training or a job fair has no assembly: its kind names it instead.
    assembly = session.get(Assembly, event.assembly_code) if event.assembly_code else None
    name = assembly_name(assembly, t) if assembly else event_kind_name(event.kind, t)
    head = t._("🎉 A seat has freed up for you!") + "\n" if promoted else ""
    caption = head + t._(
        "✅ You are registered for {title} ({when}).\nYour check-in code: {code}\n"
        "Show this code or the QR image at the door."
    ).format(title=event.title, when=t.datetime(event.starts_at), code=code)
    return Screen(
        "",
        media=(
            Media(MediaKind.PHOTO, qr_png(code), f"{code}.png", caption),
            Media(
                MediaKind.DOCUMENT,
                event_ics(event, name, code, tz),
                f"etkinlik-{event_id}.ics",
                t._("📆 Add it to your calendar."),
            ),
        ),
    )


def change_notice(t: Translator, event: CouncilEvent, changed: bool) -> str:
    """What those registered or waiting are told of an edit (`changed`) or a cancellation."""
    return (
        t._("✏️ The event {title} has changed: now {when}, {place}.")
        if changed
        else t._("❌ The event {title} on {when} has been cancelled. We are sorry.")
    ).format(title=event.title, when=t.datetime(event.starts_at), place=event.place)


def reminder(t: Translator, event: CouncilEvent, which: str, name: str, code: str) -> Screen:
    """The reminder a registered person gets a day (`which` "24h") or two hours before the
    event, with the check-in code of the person registered (a parent's child too)."""
    text = (
        t._("⏰ Tomorrow: {title}, {when}, {place}.")
        if which == "24h"
        else t._("⏰ In two hours: {title}, {when}, {place}.")
    ).format(
        title=html.escape(event.title),
        when=t.datetime(event.starts_at),
        place=html.escape(event.place),
    )
    check_in = t._("Check-in code for {name}: {code}").format(name=html.escape(name), code=code)
    return Screen(f"{text}\n{check_in}")
