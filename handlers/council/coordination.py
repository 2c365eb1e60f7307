"""The coordinators' tools in Telegram: creating an event step by step (/etkinlik_ekle),
editing (/etkinlik_duzenle) and cancelling it (/etkinlik_iptal), check-in at the door
(/yoklama), and announcements (/duyuru). The typed steps (a new event's fields, the
codes at the door), the commands' arguments and every screen are
flows.council.coordination's; this module calls core and shows them in Telegram."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session
from telegram import Update

from common.i18n import Translator
from core import conversation, council
from core.employment import events as employment_events
from core.refusals import Refused
from db.models import Assembly, Citizen, ConversationState, CouncilEvent
from db.types import utcnow
from flows.council import actions as a
from flows.council import coordination as flow
from flows.council.coordination import (
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


def _poster_link(context: KentContext, event_id: int | None) -> str:
    """The Telegram link that opens the event (the /start deep link), for posters."""
    return f"https://t.me/{context.bot.username}?start=ev_{event_id}"


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
        try:
            edit = flow.edit_changes(args, config.tz)
            if edit is None:
                screen = flow.edit_usage(t)
            else:
                event_id, changes = edit
                notices = council.edit_event(
                    session, context.staff_member(session), event_id, utcnow(), **changes
                )
                queue_event_notices(
                    session, event_id, [n for n in notices if not n.promoted], changed=True
                )
                screen = flow.event_updated(t, args[0], len(notices))
        except Refused as exc:
            session.rollback()
            screen, notices = Screen(refusal(t, exc.reason)), []
        except ValueError:
            session.rollback()
            screen, notices = flow.unreadable_time(t), []
    await present(update, screen)
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
        event_id = as_id(args[0]) if args else None
        kind = _kind_of(session, event_id)
        if not council.may_manage_kind(context.staff_member(session), kind):
            screen = Screen(refusal(t, council.refusal_reason(kind)))
        elif event_id is None:
            screen = flow.checkin_usage(t)
        elif len(args) > 1:
            try:
                registration = council.check_in(
                    session, context.staff_member(session), event_id, args[1], utcnow()
                )
                screen = flow.checked_in(t, session.get(Citizen, registration.citizen_id))
            except Refused as exc:
                session.rollback()
                screen = Screen(refusal(t, exc.reason))
        else:
            conversation.set_step(
                session, citizen, CouncilStep.CHECKIN, CouncilState(event=event_id)
            )
            screen = flow.checkin_started(t, args[0])
    await present(update, screen)


@private
async def announce_command(update: Update, context: KentContext) -> None:
    """/duyuru meclis CODE TEXT, or /duyuru etkinlik ID TEXT: a message to all of them,
    queued in the outbox; the coordinator hears the count when the last one is through."""
    args = context.args or []
    message = update.effective_message
    assert message is not None
    with context.citizen_transaction() as (session, _, t):
        actor = context.staff_member(session)
        target = flow.announce_target(args)
        count: int | None = None
        try:
            if target is None:
                screen = flow.announce_usage(t, council.may_manage(actor))
            else:
                text = flow.announcement(message.text)
                count = council.announce(
                    session, actor, text, utcnow(), language=t.language, **target
                )
        except Refused as exc:
            screen = flow.announce_refused(t, exc.reason)
    if count is None:
        await present(update, screen)
        return
    await present(update, flow.sending_to(t, count))
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
        return flow.event_created(t, event.id, _poster_link(context, event.id))

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
    return flow.event_created(t, event.id, _poster_link(context, event.id))


@buttons.on(a.DiscardEvent)
async def discard_event(update: Update, context: KentContext, button: a.DiscardEvent) -> None:
    def act(session: Session, citizen: Citizen, t: Translator, now: datetime) -> Screen:
        draft = session.get(ConversationState, citizen.id)
        kind = None
        if draft is not None and draft.step == CouncilStep.EVENT:
            kind = conversation.state_of(draft, CouncilState).kind
        _must_manage(context, session, kind)
        conversation.clear(session, citizen)
        return flow.event_discarded(t)

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
        return flow.event_cancelled(t, button.event_id, len(notices))

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
