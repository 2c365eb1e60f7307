"""Council events for citizens in Telegram: /etkinlikler, an event's screen (also from a
poster's deep link), registering and withdrawing, and what registrants are sent besides
(the ticket: the check-in code, its QR and a calendar file) and told of changes. Their
screens and texts are flows.council.events'."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session
from telegram import Update
from telegram.error import Forbidden

from common.i18n import Translator, translator
from core import citizens, council, outbox
from core.refusals import Refused
from db.engine import transaction
from db.models import Citizen, CouncilEvent, Registration
from db.types import utcnow
from flows.council import actions as a
from flows.council import events as flow
from flows.council.screens import consent, refusal
from flows.screen import Screen
from handlers.common import KentContext, private, translator_of
from handlers.council.buttons import buttons
from handlers.council.screens import press
from handlers.render import present, send

log = logging.getLogger("kentbot.council")


@private
async def events_command(update: Update, context: KentContext) -> None:
    """/etkinlikler: upcoming events, with filters by assembly."""
    with context.citizen_transaction() as (session, _, t):
        screen = flow.events_screen(session, t, utcnow(), None)
    await present(update, screen)


async def show_event(update: Update, context: KentContext, event_id: int) -> None:
    """A poster's deep link t.me/<bot>?start=ev_<id> opens the event directly."""
    with context.citizen_transaction() as (session, citizen, t):
        try:
            screen = flow.event_screen(session, citizen, t, event_id, utcnow())
        except Refused as exc:
            screen = Screen(refusal(t, exc.reason))
    await present(update, screen)


async def _send_registration(
    context: KentContext,
    chat_id: int,
    event_id: int,
    code: str,
    status: str,
    position: int | None,
    promoted: bool = False,
) -> None:
    """The registration's ticket (flows.council.events.ticket), in the registrant's language."""
    with transaction(context.engine) as session:
        citizen = citizens.get_or_create(session, chat_id, None)
        screen = flow.ticket(
            session,
            context.config.tz,
            translator_of(citizen),
            event_id,
            code,
            status,
            position,
            promoted,
        )
    if screen is not None:
        await send(context.bot, chat_id, screen)


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
    texts = {
        chat_id: flow.change_notice(
            translator(citizens.language_of(session, chat_id, None)), event, changed
        )
        for chat_id in set(chats.values())
    }
    outbox.enqueue(session, texts, kind="event_change" if changed else "event_cancel", now=utcnow())


# --- Buttons ---------------------------------------------------------------------------------


@buttons.on(a.Events)
async def events(update: Update, context: KentContext, button: a.Events) -> None:
    await press(
        update,
        context,
        lambda session, citizen, t, now: flow.events_screen(session, t, now, None),
    )


@buttons.on(a.EventsMenu)
async def events_menu(update: Update, context: KentContext, button: a.EventsMenu) -> None:
    await events(update, context, a.Events())


@buttons.on(a.EventsOf)
async def events_of(update: Update, context: KentContext, button: a.EventsOf) -> None:
    await press(
        update,
        context,
        lambda session, citizen, t, now: flow.events_screen(session, t, now, button.code),
    )


@buttons.on(a.EventScreen)
async def event(update: Update, context: KentContext, button: a.EventScreen) -> None:
    await press(
        update,
        context,
        lambda session, citizen, t, now: flow.event_screen(
            session, citizen, t, button.event_id, now
        ),
    )


async def _register(update: Update, context: KentContext, event_id: int, consented: bool) -> None:
    """Registers for the event (a seat, else the waiting list) and sends the code; without
    consent on record, the KVKK notice comes first."""
    user = update.effective_user
    assert user is not None
    booked: list[council.Booking] = []

    def act(session: Session, citizen: Citizen, t: Translator, now: datetime) -> Screen:
        if consented:
            consent(session, citizen, user.first_name, user.last_name, now)
        screen, booking = flow.register(session, context.config, citizen, t, event_id, now)
        if booking is not None:
            booked.append(booking)
        return screen

    if await press(update, context, act) and booked:
        booking = booked[0]
        await _send_registration(
            context, user.id, event_id, booking.code, booking.status, booking.position
        )


@buttons.on(a.Register)
async def register(update: Update, context: KentContext, button: a.Register) -> None:
    await _register(update, context, button.event_id, consented=False)


@buttons.on(a.RegisterConsented)
async def register_consented(
    update: Update, context: KentContext, button: a.RegisterConsented
) -> None:
    await _register(update, context, button.event_id, consented=True)


@buttons.on(a.Withdraw)
async def withdraw(update: Update, context: KentContext, button: a.Withdraw) -> None:
    """Frees the seat; the first on the waiting list gets it and is told."""
    promoted: list[council.Notice] = []

    def act(session: Session, citizen: Citizen, t: Translator, now: datetime) -> Screen:
        screen, notice = flow.withdraw(session, citizen, t, button.event_id, now)
        if notice is not None:
            promoted.append(notice)
        return screen

    if await press(update, context, act) and promoted:
        await tell_promoted(context, promoted[0])
