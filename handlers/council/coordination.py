"""The coordinators' tools in Telegram: creating an event step by step (/etkinlik_ekle),
editing (/etkinlik_duzenle) and cancelling it (/etkinlik_iptal), check-in at the door
(/yoklama), and announcements (/duyuru). The typed steps (a new event's fields, the
codes at the door) and their screens are flows.council.coordination's."""

from __future__ import annotations

import html
import logging
from datetime import datetime
from typing import Any

from sqlmodel import Session
from telegram import Update

from common.i18n import Translator
from core import conversation, council
from core.dates import parse_local_datetime
from core.employment import events as employment_events
from core.refusals import Refused
from db.models import Assembly, Citizen, ConversationState, CouncilEvent
from db.types import utcnow
from flows.council import actions as a
from flows.council import coordination as flow
from flows.council.coordination import (
    EDIT_ALIASES,
    FIELD_PROMPTS,
    cancel_question,
    event_summary,
    prompt,
    which_assembly,
)
from flows.council.screens import refusal
from flows.council.state import CouncilState, CouncilStep
from flows.screen import Screen
from handlers.common import KentContext, as_id, private
from handlers.council.buttons import buttons
from handlers.council.events import queue_event_notices, tell_promoted
from handlers.council.screens import press
from handlers.outbox import wake
from handlers.render import present

log = logging.getLogger("kentbot.council")


def _must_manage(context: KentContext, session: Session, kind: str | None = None) -> None:
    """The presser may manage events of this kind (the council's by default; the
    employment centre's trainings and fairs are its staff's)."""
    council.authorize_kind(context.staff_member(session), kind)


def _event_being_created(context: KentContext, session: Session, citizen: Citizen) -> CouncilState:
    """The new event whose fields have all been typed, once the presser may manage events
    of its kind."""
    draft = session.get(ConversationState, citizen.id)
    if draft is None or draft.step != CouncilStep.EVENT:
        # A stale button: "not found" for anyone who manages some kind of event.
        actor = context.staff_member(session)
        if not any(council.may_manage_kind(actor, k) for k in (None, *employment_events.KINDS)):
            raise Refused("not_allowed")
        raise Refused("not_found")
    state = conversation.state_of(draft, CouncilState)
    _must_manage(context, session, state.kind)
    if state.place is None:
        raise Refused("not_found")
    return state


def _cancel_question(
    context: KentContext, session: Session, t: Translator, event_id: int
) -> Screen:
    """/etkinlik_iptal and the Cancel button ask first, once the presser may manage
    events (of the event's kind)."""
    _must_manage(context, session, _kind_of(session, event_id))
    return cancel_question(t, event_id)


def _kind_of(session: Session, event_id: int | None) -> str | None:
    """The event's kind, so its own staff manage it (None: no such event)."""
    event = session.get(CouncilEvent, event_id) if event_id is not None else None
    return event.kind if event is not None else None


@private
async def add_event_command(update: Update, context: KentContext) -> None:
    """/etkinlik_ekle: a coordinator creates an event step by step."""
    with context.citizen_transaction() as (session, citizen, t):
        allowed = citizen.telegram_id is not None and council.may_manage(
            context.staff_member(session)
        )
        screen = which_assembly(t, council.assemblies(session, context.config))
    if not allowed:
        await present(update, Screen(refusal(t, "not_allowed")))
        return
    await present(update, screen)


@private
async def edit_event_command(update: Update, context: KentContext) -> None:
    """/etkinlik_duzenle ID FIELD VALUE, e.g. `/etkinlik_duzenle 4 yer Kültür Merkezi`."""
    args = context.args or []
    config = context.config
    notices: list[council.Notice] = []
    with context.citizen_transaction() as (session, _, t):
        usage = t._(
            "Usage: /etkinlik_duzenle ID FIELD VALUE\nFields: baslik, aciklama, "
            "baslangic, bitis, yer, kontenjan, son_kayit"
        )
        field = EDIT_ALIASES.get(args[1].lower(), args[1].lower()) if len(args) > 2 else ""
        value = " ".join(args[2:])
        try:
            event_id = as_id(args[0]) if args else None
            if event_id is None or field not in FIELD_PROMPTS:
                reply = usage
            else:
                changes: dict[str, Any] = {}
                if field in ("starts_at", "ends_at"):
                    changes[field] = parse_local_datetime(value, config.tz)
                elif field == "deadline":
                    changes["registration_deadline"] = parse_local_datetime(value, config.tz)
                elif field == "capacity":
                    capacity = as_id(value, limit=1_000_000)
                    if capacity is None:
                        raise Refused("bad_capacity")
                    changes["capacity"] = capacity
                else:
                    changes[field] = value
                notices = council.edit_event(
                    session, context.staff_member(session), event_id, utcnow(), **changes
                )
                queue_event_notices(
                    session, event_id, [n for n in notices if not n.promoted], changed=True
                )
                reply = t._("✅ Event {id} updated; {count} people are being told.").format(
                    id=args[0], count=len(notices)
                )
        except Refused as exc:
            session.rollback()
            reply, notices = refusal(t, exc.reason), []
        except ValueError:
            session.rollback()
            reply, notices = (
                t._(
                    "That is not a date and time I can read. Please write it like 25.12.2026 14:00."
                ),
                [],
            )
    await present(update, Screen(reply))
    if any(not n.promoted for n in notices):
        wake(context.application)
    for notice in notices:
        if notice.promoted:
            await tell_promoted(context, notice)


@private
async def cancel_event_command(update: Update, context: KentContext) -> None:
    """/etkinlik_iptal ID: asks for confirmation, then tells every registrant."""
    args = context.args or []
    with context.citizen_transaction() as (session, _, t):
        try:
            event_id = as_id(args[0]) if args else None
            if event_id is None:
                raise Refused("not_found")
            screen = _cancel_question(context, session, t, event_id)
        except Refused as exc:
            screen = Screen(refusal(t, exc.reason))
    await present(update, screen)


@private
async def checkin_command(update: Update, context: KentContext) -> None:
    """/yoklama ID [CODE]: check people in at the door; without a code, codes follow."""
    args = context.args or []
    with context.citizen_transaction() as (session, citizen, t):
        kind = _kind_of(session, as_id(args[0])) if args else None
        if not council.may_manage_kind(context.staff_member(session), kind):
            reply = refusal(t, council.refusal_reason(kind))
        elif not args or as_id(args[0]) is None:
            reply = t._("Usage: /yoklama EVENT_ID [CODE]")
        elif len(args) > 1:
            try:
                registration = council.check_in(
                    session, context.staff_member(session), as_id(args[0]) or 0, args[1], utcnow()
                )
                person = session.get(Citizen, registration.citizen_id)
                reply = t._("✅ Checked in: {name}.").format(
                    name=html.escape(person.first_name or "") if person else ""
                )
            except Refused as exc:
                session.rollback()
                reply = refusal(t, exc.reason)
        else:
            conversation.set_step(
                session, citizen, CouncilStep.CHECKIN, CouncilState(event=as_id(args[0]))
            )
            reply = t._(
                "Check-in for event {id}: type each code as people arrive. /iptal to stop."
            ).format(id=args[0])
    await present(update, Screen(reply))


def _announcement_body(text: str | None) -> str:
    """The text after `/duyuru meclis CODE`, as typed (line breaks kept)."""
    parts = (text or "").split(maxsplit=3)
    return parts[3] if len(parts) > 3 else ""


@private
async def announce_command(update: Update, context: KentContext) -> None:
    """/duyuru meclis CODE TEXT, or /duyuru etkinlik ID TEXT: a message to all of them,
    queued in the outbox; the coordinator hears the count when the last one is through."""
    args = context.args or []
    message = update.effective_message
    assert message is not None
    with context.citizen_transaction() as (session, _, t):
        usage = t._("Usage: /duyuru meclis ASSEMBLY_CODE TEXT or /duyuru etkinlik EVENT_ID TEXT")
        actor = context.staff_member(session)
        target: dict[str, Any] | None = None
        if len(args) >= 3 and args[0] in ("meclis", "assembly"):
            target = {"assembly_code": args[1]}
        elif len(args) >= 3 and args[0] in ("etkinlik", "event") and as_id(args[1]):
            target = {"event_id": as_id(args[1])}
        count: int | None = None
        try:
            if target is None:
                # Strangers hear "not allowed", not the usage.
                reply = usage if council.may_manage(actor) else refusal(t, "not_allowed")
            else:
                text = "📣 " + _announcement_body(message.text)
                count = council.announce(
                    session, actor, text, utcnow(), language=t.language, **target
                )
        except Refused as exc:
            refused = exc.reason in ("not_allowed", "not_centre_staff")
            reply = refusal(t, exc.reason) if refused else usage
    if count is None:
        await present(update, Screen(reply))
        return
    await present(update, Screen(t._("📣 Sending to {count} people…").format(count=count)))
    wake(context.application)


# --- Buttons ---------------------------------------------------------------------------------


@buttons.on(a.NewEventFor)
async def new_event_for(update: Update, context: KentContext, button: a.NewEventFor) -> None:
    """/etkinlik_ekle's assembly: the fields are asked one after another."""

    def act(session: Session, citizen: Citizen, t: Translator, now: datetime) -> Screen:
        _must_manage(context, session)
        state = CouncilState(assembly=button.code, field="title")
        conversation.set_step(session, citizen, CouncilStep.EVENT, state)
        return Screen(prompt(t, "title"))

    await press(update, context, act)


@buttons.on(a.MembersOnly)
async def members_only(update: Update, context: KentContext, button: a.MembersOnly) -> None:
    """The last field; the summary follows, to create or cancel."""

    def act(session: Session, citizen: Citizen, t: Translator, now: datetime) -> Screen:
        state = _event_being_created(context, session, citizen)
        state = state.model_copy(update={"members_only": button.answer == "y"})
        conversation.set_step(session, citizen, CouncilStep.EVENT, state)
        return event_summary(t, state, session.get(Assembly, state.assembly or ""))

    await press(update, context, act)


@buttons.on(a.CreateEvent)
async def create_event(update: Update, context: KentContext, button: a.CreateEvent) -> None:
    def act(session: Session, citizen: Citizen, t: Translator, now: datetime) -> Screen:
        state = _event_being_created(context, session, citizen)
        deadline = datetime.fromisoformat(state.deadline) if state.deadline else None
        if not council.is_council(state.kind):
            return _create_employment_event(context, session, citizen, t, state, now)
        event = council.create_event(
            session,
            context.staff_member(session),
            state.assembly or "",
            state.title or "",
            state.description or "",
            datetime.fromisoformat(state.starts_at or ""),
            datetime.fromisoformat(state.ends_at or ""),
            state.place or "",
            state.capacity or 0,
            deadline,
            bool(state.members_only),
            now=now,
        )
        conversation.clear(session, citizen)
        link = f"https://t.me/{context.bot.username}?start=ev_{event.id}"
        return Screen(
            t._("✅ Event created (number {id}). Link for posters: {link}").format(
                id=event.id, link=link
            )
        )

    await press(update, context, act)


def _create_employment_event(
    context: KentContext,
    session: Session,
    citizen: Citizen,
    t: Translator,
    state: CouncilState,
    now: datetime,
) -> Screen:
    """The same wizard's last step for a training or a job fair (core.employment.events
    checks the employment centre's role)."""
    event = employment_events.create_event(
        session,
        context.staff_member(session),
        state.kind or "",
        state.title or "",
        state.description or "",
        datetime.fromisoformat(state.starts_at or ""),
        datetime.fromisoformat(state.ends_at or ""),
        state.place or "",
        state.capacity or 0,
        datetime.fromisoformat(state.deadline) if state.deadline else None,
        now=now,
    )
    conversation.clear(session, citizen)
    link = f"https://t.me/{context.bot.username}?start=ev_{event.id}"
    return Screen(
        t._("✅ Event created (number {id}). Link for posters: {link}").format(
            id=event.id, link=link
        )
    )


@buttons.on(a.DiscardEvent)
async def discard_event(update: Update, context: KentContext, button: a.DiscardEvent) -> None:
    def act(session: Session, citizen: Citizen, t: Translator, now: datetime) -> Screen:
        draft = session.get(ConversationState, citizen.id)
        kind = None
        if draft is not None and draft.step == CouncilStep.EVENT:
            kind = conversation.state_of(draft, CouncilState).kind
        _must_manage(context, session, kind)
        conversation.clear(session, citizen)
        return Screen(t._("Cancelled. No event was created."))

    await press(update, context, act)


@buttons.on(a.CancelEvent)
async def cancel_event(update: Update, context: KentContext, button: a.CancelEvent) -> None:
    await press(
        update,
        context,
        lambda session, citizen, t, now: _cancel_question(context, session, t, button.event_id),
    )


@buttons.on(a.CancelEventConfirmed)
async def cancel_event_confirmed(
    update: Update, context: KentContext, button: a.CancelEventConfirmed
) -> None:
    """Cancels the event; its registrants are told through the outbox."""
    queued: list[bool] = []

    def act(session: Session, citizen: Citizen, t: Translator, now: datetime) -> Screen:
        notices = council.cancel_event(session, context.staff_member(session), button.event_id, now)
        queue_event_notices(session, button.event_id, notices, changed=False)
        queued.append(bool(notices))
        return Screen(
            t._("Event {id} cancelled; {count} people are being told.").format(
                id=button.event_id, count=len(notices)
            )
        )

    if await press(update, context, act) and any(queued):
        wake(context.application)


# --- Steps: typed answers ------------------------------------------------------------------


def checkin_code(
    context: KentContext,
    session: Session,
    citizen: Citizen,
    t: Translator,
    state: CouncilState,
    text: str,
    now: datetime,
) -> Screen:
    """c_checkin: a registrant's code at the door, checked in by the staff member typing it."""
    return flow.checkin_code(session, context.staff_member(session), t, state, text, now)
