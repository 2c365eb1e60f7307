"""Council events for citizens: /etkinlikler, an event's screen (also from a poster's
deep link), registering and withdrawing, and what registrants are sent (the check-in
code, its QR and a calendar file)."""

from __future__ import annotations

import html
import logging
from datetime import datetime

from sqlmodel import Session
from telegram import InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden

from common.i18n import Translator, translator
from core import citizens, council, outbox
from core.calendar_export import event_ics
from core.checkin import qr_png
from core.refusals import Refused
from db.engine import transaction
from db.models import Assembly, Citizen, CouncilEvent, Registration
from db.types import utcnow
from handlers.common import KentContext, private, translator_of
from handlers.council import buttons as b
from handlers.council.buttons import buttons
from handlers.council.screens import (
    Shown,
    assembly_name,
    consent,
    consent_screen,
    press,
    refusal,
    show,
)

log = logging.getLogger("kentbot.council")


def _when(t: Translator, event: CouncilEvent) -> str:
    return f"{t.datetime(event.starts_at)} – {t.datetime(event.ends_at).split()[-1]}"


def _events_screen(
    session: Session, citizen: Citizen, now: datetime, assembly: str | None
) -> tuple[str, InlineKeyboardMarkup]:
    t = translator_of(citizen)
    events = council.upcoming_events(session, now, assembly)
    names = {a.code: assembly_name(a, t) for a in council.assemblies(session)}
    if not events:
        text = t._("📅 There are no upcoming events yet. Check again soon.")
    else:
        lines = [t._("📅 <b>Upcoming City Council events</b>")]
        for item in events:
            event = item.event
            lines.append(
                t._("<b>{title}</b> — {assembly}\n{when} · {place} · seats left: {seats}").format(
                    title=html.escape(event.title),
                    assembly=html.escape(names.get(event.assembly_code, "")),
                    when=_when(t, event),
                    place=html.escape(event.place),
                    seats=item.seats_left,
                )
            )
        text = "\n\n".join(lines)
    rows = [
        [
            b.EventScreen(item.event.id or 0).button(
                f"{item.event.title[:40]} · {t.short_datetime(item.event.starts_at)}"
            )
        ]
        for item in events[:10]
    ]
    filters_row = [b.EventsOf(code).button(names[code][:20]) for code in names]
    rows += [filters_row[i : i + 3] for i in range(0, len(filters_row), 3)]
    if assembly:
        rows.append([b.Events().button(t._("All events"))])
    return text, InlineKeyboardMarkup(rows)


def _event_screen(
    session: Session, citizen: Citizen, event_id: int, now: datetime
) -> tuple[str, InlineKeyboardMarkup]:
    t = translator_of(citizen)
    details = council.event_details(session, event_id, citizen.id)
    event = details.event
    lines = [
        f"📅 <b>{html.escape(event.title)}</b>",
        "🏛 " + html.escape(assembly_name(details.assembly, t)),
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
        rows.append([b.Withdraw(event.id or 0).button(t._("↩️ Withdraw"))])
    elif open_event:
        label = t._("✅ Register") if details.seats_left > 0 else t._("⏳ Join the waiting list")
        rows.append([b.Register(event.id or 0).button(label)])
    rows.append([b.Events().button(t._("⬅️ All events"))])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


@private
async def events_command(update: Update, context: KentContext) -> None:
    """/etkinlikler: upcoming events, with filters by assembly."""
    with context.citizen_transaction() as (session, citizen, _):
        text, markup = _events_screen(session, citizen, utcnow(), None)
    await show(update, text, markup)


async def show_event(update: Update, context: KentContext, event_id: int) -> None:
    """A poster's deep link t.me/<bot>?start=ev_<id> opens the event directly."""
    markup: InlineKeyboardMarkup | None
    with context.citizen_transaction() as (session, citizen, t):
        try:
            text, markup = _event_screen(session, citizen, event_id, utcnow())
        except Refused as exc:
            text, markup = refusal(t, exc.reason), None
    await show(update, text, markup)


async def _send_registration(
    context: KentContext,
    chat_id: int,
    event_id: int,
    code: str,
    status: str,
    position: int | None,
    promoted: bool = False,
) -> None:
    """The registration's code as text and QR image, and the event as an .ics file."""
    engine, config = context.engine, context.config
    with transaction(engine) as session:
        citizen = citizens.get_or_create(session, chat_id, None)
        t = translator_of(citizen)
        event = session.get(CouncilEvent, event_id)
        assembly = session.get(Assembly, event.assembly_code) if event else None
        if event is None or assembly is None:
            return
        ics = event_ics(
            event, assembly_name(assembly, t), code if status == "registered" else None, config.tz
        )
    if status == "waitlisted":
        await context.bot.send_message(
            chat_id,
            t._(
                "⏳ The event is full; you are number {position} on the waiting list for "
                "{title}. If a seat frees, it is yours automatically and we will tell you."
            ).format(position=position, title=html.escape(event.title)),
            parse_mode=ParseMode.HTML,
        )
        return
    head = t._("🎉 A seat has freed up for you!") + "\n" if promoted else ""
    caption = head + t._(
        "✅ You are registered for {title} ({when}).\nYour check-in code: {code}\n"
        "Show this code or the QR image at the door."
    ).format(title=event.title, when=t.datetime(event.starts_at), code=code)
    await context.bot.send_photo(
        chat_id, InputFile(qr_png(code), filename=f"{code}.png"), caption=caption
    )
    await context.bot.send_document(
        chat_id,
        InputFile(ics, filename=f"etkinlik-{event_id}.ics"),
        caption=t._("📆 Add it to your calendar."),
    )


async def tell_promoted(context: KentContext, notice: council.Notice) -> None:
    """The first in line got a freed seat: they get their code, QR and calendar file."""
    with transaction(context.engine) as session:
        chat = council.recipients(session, [notice.citizen_id]).get(notice.citizen_id)
        registration = session.get(Registration, notice.registration_id)
        event_id = registration.event_id if registration else None
    if chat is None or event_id is None:
        return
    try:
        await _send_registration(
            context, chat, event_id, notice.code, "registered", None, promoted=True
        )
    except Forbidden:
        log.info("promoted registrant blocked the bot (citizen %s)", notice.citizen_id)


def queue_event_notices(
    session: Session, event_id: int, notices: list[council.Notice], changed: bool
) -> None:
    """An edit or cancellation reaches everyone registered or waiting, in their language:
    queued in the transaction that made the change, and sent by the outbox worker."""
    chats = council.recipients(session, [n.citizen_id for n in notices])
    event = session.get(CouncilEvent, event_id)
    if event is None or not chats:
        return
    texts = {}
    for chat_id in set(chats.values()):
        t = translator(citizens.language_of(session, chat_id, None))
        texts[chat_id] = (
            t._("✏️ The event {title} has changed: now {when}, {place}.")
            if changed
            else t._("❌ The event {title} on {when} has been cancelled. We are sorry.")
        ).format(title=event.title, when=t.datetime(event.starts_at), place=event.place)
    outbox.enqueue(session, texts, kind="event_change" if changed else "event_cancel", now=utcnow())


# --- Buttons ---------------------------------------------------------------------------------


@buttons.on(b.Events)
async def events(update: Update, context: KentContext, button: b.Events) -> None:
    await press(
        update,
        context,
        lambda session, citizen, t, now: _events_screen(session, citizen, now, None),
    )


@buttons.on(b.EventsMenu)
async def events_menu(update: Update, context: KentContext, button: b.EventsMenu) -> None:
    await events(update, context, b.Events())


@buttons.on(b.EventsOf)
async def events_of(update: Update, context: KentContext, button: b.EventsOf) -> None:
    await press(
        update,
        context,
        lambda session, citizen, t, now: _events_screen(session, citizen, now, button.code),
    )


@buttons.on(b.EventScreen)
async def event(update: Update, context: KentContext, button: b.EventScreen) -> None:
    await press(
        update,
        context,
        lambda session, citizen, t, now: _event_screen(session, citizen, button.event_id, now),
    )


async def _register(update: Update, context: KentContext, event_id: int, consented: bool) -> None:
    """Registers for the event (a seat, else the waiting list) and sends the code; without
    consent on record, the KVKK notice comes first."""
    user = update.effective_user
    assert user is not None
    booked: list[council.Booking] = []

    def act(session: Session, citizen: Citizen, t: Translator, now: datetime) -> Shown:
        if consented:
            consent(session, citizen, user.first_name, user.last_name, now)
        elif citizen.consent_at is None:
            if council.event_details(session, event_id).event.members_only:
                raise Refused("members_only")  # said before asking for consent
            config = context.config
            return consent_screen(
                t,
                config.kvkk.data_controller or config.municipality.name,
                b.RegisterConsented(event_id),
            )
        booked.append(council.register(session, citizen, event_id, now))
        return _event_screen(session, citizen, event_id, now)

    if await press(update, context, act) and booked:
        booking = booked[0]
        await _send_registration(
            context, user.id, event_id, booking.code, booking.status, booking.position
        )


@buttons.on(b.Register)
async def register(update: Update, context: KentContext, button: b.Register) -> None:
    await _register(update, context, button.event_id, consented=False)


@buttons.on(b.RegisterConsented)
async def register_consented(
    update: Update, context: KentContext, button: b.RegisterConsented
) -> None:
    await _register(update, context, button.event_id, consented=True)


@buttons.on(b.Withdraw)
async def withdraw(update: Update, context: KentContext, button: b.Withdraw) -> None:
    """Frees the seat; the first on the waiting list gets it and is told."""
    promoted: list[council.Notice] = []

    def act(session: Session, citizen: Citizen, t: Translator, now: datetime) -> Shown:
        notice = council.withdraw(session, citizen, button.event_id, now)
        if notice is not None:
            promoted.append(notice)
        text, markup = _event_screen(session, citizen, button.event_id, now)
        return t._("You have withdrawn. Thank you for freeing your seat.") + "\n\n" + text, markup

    if await press(update, context, act) and promoted:
        await tell_promoted(context, promoted[0])
