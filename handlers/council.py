"""Kent Konseyi by chat: assemblies and membership (/meclis), events (/etkinlikler),
registration with check-in code, QR and calendar file, and the coordinators' tools
(/etkinlik_ekle, /etkinlik_duzenle, /etkinlik_iptal, /yoklama, /duyuru).

The rules are in core.council; multi-step inputs (a birth date, a child's name,
a new event's fields) are kept in the per-citizen draft row, like a request's.
"""

from __future__ import annotations

import html
import logging
from datetime import datetime
from typing import Any

from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden
from telegram.ext import CallbackQueryHandler

from common.i18n import N_, Translator, translator
from core import citizens, conversation, council, outbox
from core.calendar_export import event_ics
from core.checkin import qr_png
from core.council import personal_data as council_personal_data
from core.dates import parse_date, parse_local_datetime
from core.refusals import Refused
from db.engine import transaction
from db.models import Assembly, Citizen, CouncilEvent, Registration, RequestDraft
from db.types import utcnow
from handlers.common import KentContext, as_id, private, translator_of
from handlers.council_jobs import event_reminder_sweep, no_show_sweep
from handlers.feature import Command, Every, Feature, MenuButton, Steps
from handlers.outbox import wake

log = logging.getLogger("kentbot.council")

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


def _name(assembly: Assembly, t: Translator) -> str:
    return assembly.name_en if t.language == "en" and assembly.name_en else assembly.name_tr


def _description(context: KentContext, code: str, t: Translator) -> str:
    found = next((a for a in context.config.assemblies if a.code == code), None)
    return found.description.get(t.language) if found else ""


async def _answer(
    update: Update, text: str, markup: InlineKeyboardMarkup | None = None, edit: bool = False
) -> None:
    query = update.callback_query
    if edit and query is not None:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
        return
    message = update.effective_message
    if message is not None:
        await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


# --- Assemblies and membership -----------------------------------------------------------


def _assemblies_screen(
    context: KentContext, session: Session, citizen: Citizen
) -> tuple[str, InlineKeyboardMarkup]:
    t = translator_of(citizen)
    assert citizen.id is not None
    mine = {
        m.assembly_code
        for m in council.memberships_of(session, citizen.id)
        if m.guardian_id is None
    }
    lines = [t._("🏛 <b>City Council assemblies</b>"), ""]
    rows = []
    for assembly in council.assemblies(session, context.config):
        mark = " ✅" if assembly.code in mine else ""
        lines.append(
            f"<b>{html.escape(_name(assembly, t))}</b>{mark}\n"
            f"{html.escape(_description(context, assembly.code, t))}"
        )
        rows.append(
            [InlineKeyboardButton(_name(assembly, t) + mark, callback_data=f"c:a:{assembly.code}")]
        )
    lines += ["", t._("✅ = you are a member. Tap an assembly to join or leave.")]
    rows.append([InlineKeyboardButton(t._("📅 Events"), callback_data="c:ev")])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _assembly_screen(
    context: KentContext, session: Session, citizen: Citizen, code: str
) -> tuple[str, InlineKeyboardMarkup]:
    t = translator_of(citizen)
    assembly = session.get(Assembly, code)
    if assembly is None or not assembly.active:
        raise Refused("not_found")
    assert citizen.id is not None
    member = council.is_member(session, citizen.id, code)
    rules = next(a for a in context.config.assemblies if a.code == code)
    lines = [
        f"🏛 <b>{html.escape(_name(assembly, t))}</b>",
        html.escape(_description(context, code, t)),
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
        rows.append(
            [InlineKeyboardButton(t._("👧 Register my child"), callback_data=f"c:j:{code}")]
        )
    elif member:
        rows.append([InlineKeyboardButton(t._("🚪 Leave"), callback_data=f"c:l:{code}")])
    else:
        rows.append([InlineKeyboardButton(t._("✅ Join"), callback_data=f"c:j:{code}")])
    rows.append([InlineKeyboardButton(t._("📅 Its events"), callback_data=f"c:evf:{code}")])
    rows.append([InlineKeyboardButton(t._("⬅️ Back"), callback_data="c:list")])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


@private
async def assemblies_command(update: Update, context: KentContext) -> None:
    """/meclis: the assemblies, with the citizen's memberships."""
    with context.citizen_transaction() as (session, citizen, _):
        text, markup = _assemblies_screen(context, session, citizen)
    await _answer(update, text, markup)


def _consent_screen(t: Translator, controller: str, then: str) -> tuple[str, InlineKeyboardMarkup]:
    """The KVKK notice; `then` is the callback that accepting continues with."""
    text = t._(
        "🔒 <b>Personal data notice (KVKK)</b>\n\n{controller} keeps your name, your Telegram "
        "account and, where an assembly needs it, your date of birth, to manage your "
        "membership and registrations and to count participation anonymously. You can leave "
        "and ask for erasure at any time.\n\nDo you accept?"
    ).format(controller=html.escape(controller))
    return text, InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t._("✅ I accept"), callback_data=then)],
            [InlineKeyboardButton(t._("✖️ I do not accept"), callback_data="c:list")],
        ]
    )


def _consent(
    session: Session, citizen: Citizen, first_name: str, last_name: str | None, now: datetime
) -> None:
    """KVKK accepted: from now on the citizen's name may be kept with their memberships."""
    citizen.consent_at = citizen.consent_at or now
    citizen.first_name, citizen.last_name = first_name, last_name
    session.add(citizen)


async def _start_join(
    update: Update, context: KentContext, session: Session, citizen: Citizen, code: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    """What joining asks next: consent, a birth date, the child's name, or nothing."""
    t = translator_of(citizen)
    config = context.config
    rules = next((a for a in config.assemblies if a.code == code), None)
    if rules is None:
        raise Refused("not_found")
    if citizen.consent_at is None:
        return _consent_screen(
            t, config.kvkk.data_controller or config.municipality.name, f"c:kv:{code}"
        )
    if rules.guardian_required:
        conversation.set_step(session, citizen, "c_child_name", assembly=code)
        return t._("👧 Please write your child's first and last name:"), None
    needs_age = rules.min_age is not None or rules.max_age is not None
    if needs_age and citizen.birth_date is None:
        conversation.set_step(session, citizen, "c_birth", assembly=code)
        return t._(
            "🎂 This assembly has an age rule. Please write your date of birth (like 25.11.1990):"
        ), None
    council.join(session, config, citizen, code, None, utcnow().astimezone(config.tz).date())
    return _joined_text(t, session, code), None


def _joined_text(t: Translator, session: Session, code: str) -> str:
    assembly = session.get(Assembly, code)
    name = _name(assembly, t) if assembly else code
    return t._(
        "✅ Welcome to the {assembly}! You will hear of its events here. "
        "See them with /etkinlikler."
    ).format(assembly=html.escape(name))


async def council_button(update: Update, context: KentContext) -> None:
    """Every `c:` button and the menu's City Council and Events entries."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    data = {"menu:council": "c:list", "menu:events": "c:ev"}.get(query.data, query.data)
    parts = data.split(":")
    action, arg = parts[1], (parts[2] if len(parts) > 2 else "")
    number = as_id(arg) or 0  # ids of events and memberships; 0 finds nothing
    config = context.config
    now = utcnow()
    follow_up: Any = None
    markup: InlineKeyboardMarkup | None
    with context.citizen_transaction() as (session, citizen, t):
        try:
            if action == "list":
                text, markup = _assemblies_screen(context, session, citizen)
            elif action == "a":
                text, markup = _assembly_screen(context, session, citizen, arg)
            elif action in ("j", "kv"):
                if action == "kv":
                    _consent(
                        session, citizen, query.from_user.first_name, query.from_user.last_name, now
                    )
                text, markup = await _start_join(update, context, session, citizen, arg)
            elif action == "l":
                council.leave(session, citizen, arg, now=now)
                text, markup = _assembly_screen(context, session, citizen, arg)
                text = t._("You have left the assembly.") + "\n\n" + text
            elif action == "gc":
                membership = council.confirm_guardian(session, citizen, number, now)
                child = session.get(Citizen, membership.citizen_id)
                text = t._("✅ Thank you. {name} is now a member of the {assembly}.").format(
                    name=html.escape(child.first_name or "") if child else "",
                    assembly=html.escape(
                        _name(
                            session.get(Assembly, membership.assembly_code)
                            or Assembly(code="", name_tr=""),
                            t,
                        )
                    ),
                )
                markup = None
            elif action in ("ev", "evf"):
                text, markup = _events_screen(session, citizen, now, arg or None)
            elif action == "e":
                text, markup = _event_screen(session, citizen, number, now)
            elif action == "r" and citizen.consent_at is None:
                event = council.event_details(session, number).event
                if event.members_only:
                    raise Refused("members_only")  # say so before asking for consent
                text, markup = _consent_screen(
                    t, config.kvkk.data_controller or config.municipality.name, f"c:kr:{arg}"
                )
            elif action in ("r", "kr"):
                if action == "kr":
                    _consent(
                        session, citizen, query.from_user.first_name, query.from_user.last_name, now
                    )
                booking = council.register(session, citizen, number, now)
                text, markup = _event_screen(session, citizen, number, now)
                follow_up = ("registered", booking.status, booking.code, booking.position, number)
            elif action == "w":
                promoted = council.withdraw(session, citizen, number, now)
                text, markup = _event_screen(session, citizen, number, now)
                text = t._("You have withdrawn. Thank you for freeing your seat.") + "\n\n" + text
                follow_up = ("promoted", promoted)
            elif action in ("em", "ec", "ex", "ea"):
                text, markup = _creation_button(context, session, citizen, action, arg, now)
                follow_up = ("created", None) if action == "ec" else None
            elif action in ("cx", "cxy"):
                text, markup, notices = _cancel_button(session, citizen, action, number, now)
                _queue_event_notices(session, number, notices, changed=False)
                follow_up = ("queued",) if notices else None
            else:
                raise Refused("not_found")
        except (Refused, ValueError) as exc:
            reason = exc.reason if isinstance(exc, Refused) else "not_found"
            session.rollback()
            await query.answer(refusal(t, reason), show_alert=True)
            return
    await query.answer()
    await _answer(update, text, markup, edit=True)
    if follow_up is None:
        return
    if follow_up[0] == "registered":
        _, status, code, position, event_id = follow_up
        await _send_registration(context, query.from_user.id, event_id, code, status, position)
    elif follow_up[0] == "promoted" and follow_up[1] is not None:
        await _tell_promoted(context, follow_up[1])
    elif follow_up[0] == "queued":
        wake(context.application)


async def on_message(update: Update, context: KentContext) -> bool:
    """Typed answers to a council question (birth date, child, event field, check-in code)."""
    message = update.effective_message
    if message is None or not message.text:
        return False
    config = context.config
    text = message.text.strip()
    now = utcnow()
    reply: str | None = None
    markup: InlineKeyboardMarkup | None = None
    with context.citizen_transaction() as (session, citizen, _):
        draft = session.get(RequestDraft, citizen.id)
        if draft is None or not draft.step.startswith("c_"):
            return False
        t = translator_of(citizen)
        data, step = dict(draft.data), draft.step
        today = now.astimezone(config.tz).date()
        try:
            if step == "c_birth":
                council.join(session, config, citizen, data["assembly"], parse_date(text), today)
                conversation.clear(session, citizen)
                reply = _joined_text(t, session, data["assembly"])
            elif step == "c_child_name":
                if len(text.split()) < 2:
                    raise Refused("bad_name")
                conversation.set_step(
                    session, citizen, "c_child_birth", assembly=data["assembly"], child=text
                )
                reply = t._("🎂 Your child's date of birth (like 05.04.2015):")
            elif step == "c_child_birth":
                first, _, last = data["child"].partition(" ")
                membership = council.join_child(
                    session, config, citizen, data["assembly"], first, last, parse_date(text), today
                )
                conversation.clear(session, citizen)
                reply = t._(
                    "Please confirm that you are {name}'s parent or legal guardian and "
                    "agree to their membership and to us keeping their name and date "
                    "of birth for it."
                ).format(name=html.escape(data["child"]))
                markup = InlineKeyboardMarkup(
                    [
                        [
                            InlineKeyboardButton(
                                t._("✅ I confirm as parent/guardian"),
                                callback_data=f"c:gc:{membership.id}",
                            )
                        ]
                    ]
                )
            elif step == "c_checkin":
                registration = council.check_in(
                    session, citizen.telegram_id or 0, int(data["event"]), text, now
                )
                person = session.get(Citizen, registration.citizen_id)
                reply = t._("✅ Checked in: {name}. Next code, or /iptal to stop.").format(
                    name=html.escape(
                        " ".join(p for p in (person.first_name, person.last_name) if p)
                    )
                    if person
                    else ""
                )
            elif step == "c_event":
                reply, markup = _creation_input(config, session, citizen, data, text, now)
            else:
                return False
        except Refused as exc:
            reply = refusal(t, exc.reason)
            if step == "c_checkin":
                reply += " " + t._("Next code, or /iptal to stop.")
        except ValueError:
            reply = (
                t._("That is not a date I can read. Please write it like 25.11.1990.")
                if step in ("c_birth", "c_child_birth")
                else t._(
                    "That is not a date and time I can read. Please write it like 25.12.2026 14:00."
                )
            )
    await message.reply_text(reply or "", parse_mode=ParseMode.HTML, reply_markup=markup)
    return True


# --- Events for citizens -----------------------------------------------------------------


def _when(t: Translator, event: CouncilEvent) -> str:
    return f"{t.datetime(event.starts_at)} – {t.datetime(event.ends_at).split()[-1]}"


def _events_screen(
    session: Session, citizen: Citizen, now: datetime, assembly: str | None
) -> tuple[str, InlineKeyboardMarkup]:
    t = translator_of(citizen)
    events = council.upcoming_events(session, now, assembly)
    names = {a.code: _name(a, t) for a in council.assemblies(session)}
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
            InlineKeyboardButton(
                f"{item.event.title[:40]} · {t.short_datetime(item.event.starts_at)}",
                callback_data=f"c:e:{item.event.id}",
            )
        ]
        for item in events[:10]
    ]
    filters_row = [
        InlineKeyboardButton(names[code][:20], callback_data=f"c:evf:{code}") for code in names
    ]
    rows += [filters_row[i : i + 3] for i in range(0, len(filters_row), 3)]
    if assembly:
        rows.append([InlineKeyboardButton(t._("All events"), callback_data="c:ev")])
    return text, InlineKeyboardMarkup(rows)


def _event_screen(
    session: Session, citizen: Citizen, event_id: int, now: datetime
) -> tuple[str, InlineKeyboardMarkup]:
    t = translator_of(citizen)
    details = council.event_details(session, event_id, citizen.id)
    event = details.event
    lines = [
        f"📅 <b>{html.escape(event.title)}</b>",
        "🏛 " + html.escape(_name(details.assembly, t)),
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
        rows.append([InlineKeyboardButton(t._("↩️ Withdraw"), callback_data=f"c:w:{event.id}")])
    elif open_event:
        label = t._("✅ Register") if details.seats_left > 0 else t._("⏳ Join the waiting list")
        rows.append([InlineKeyboardButton(label, callback_data=f"c:r:{event.id}")])
    rows.append([InlineKeyboardButton(t._("⬅️ All events"), callback_data="c:ev")])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


@private
async def events_command(update: Update, context: KentContext) -> None:
    """/etkinlikler: upcoming events, with filters by assembly."""
    with context.citizen_transaction() as (session, citizen, _):
        text, markup = _events_screen(session, citizen, utcnow(), None)
    await _answer(update, text, markup)


async def show_event(update: Update, context: KentContext, event_id: int) -> None:
    """A poster's deep link t.me/<bot>?start=ev_<id> opens the event directly."""
    markup: InlineKeyboardMarkup | None
    with context.citizen_transaction() as (session, citizen, _):
        try:
            text, markup = _event_screen(session, citizen, event_id, utcnow())
        except Refused as exc:
            text, markup = refusal(translator_of(citizen), exc.reason), None
    await _answer(update, text, markup)


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
            event, _name(assembly, t), code if status == "registered" else None, config.tz
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


async def _tell_promoted(context: KentContext, notice: council.Notice) -> None:
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


def _queue_event_notices(
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


# --- Coordinators --------------------------------------------------------------------------


def _creation_input(
    config: Any, session: Session, citizen: Citizen, data: dict[str, Any], text: str, now: datetime
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One typed field of a new event; returns the next question."""
    t = translator_of(citizen)
    field = data["field"]
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
    data[field] = value
    index = EVENT_FIELDS.index(field) + 1
    next_field = EVENT_FIELDS[index]
    data["field"] = next_field
    conversation.set_step(session, citizen, "c_event", **data)
    if next_field == "members_only":
        return t._("🔒 Only for members of the assembly?"), InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(t._("Yes, members only"), callback_data="c:em:y"),
                    InlineKeyboardButton(t._("No, open to all"), callback_data="c:em:n"),
                ]
            ]
        )
    return prompt(t, next_field), None


def _event_summary(t: Translator, data: dict[str, Any], assembly: str) -> str:
    starts = datetime.fromisoformat(data["starts_at"])
    ends = datetime.fromisoformat(data["ends_at"])
    lines = [
        t._("📋 <b>New event</b>"),
        f"🏛 {html.escape(assembly)}",
        f"<b>{html.escape(data['title'])}</b>",
        html.escape(data.get("description", "")),
        f"🕒 {t.datetime(starts)} – {t.datetime(ends)}",
        f"📍 {html.escape(data['place'])}",
        t._("👥 Seats: {count}").format(count=data["capacity"]),
    ]
    if data.get("deadline"):
        lines.append(
            t._("Registration until {when}").format(
                when=t.datetime(datetime.fromisoformat(data["deadline"]))
            )
        )
    lines.append(
        t._("Only for members of the assembly.")
        if data.get("members_only")
        else t._("Open to all.")
    )
    return "\n".join(lines)


def _creation_button(
    context: KentContext, session: Session, citizen: Citizen, action: str, arg: str, now: datetime
) -> tuple[str, InlineKeyboardMarkup | None]:
    t = translator_of(citizen)
    assert citizen.telegram_id is not None
    if not council.may_manage(session, citizen.telegram_id):
        raise Refused("not_allowed")
    draft = session.get(RequestDraft, citizen.id)
    data = dict(draft.data) if draft is not None and draft.step == "c_event" else {}
    if action == "ea":
        conversation.set_step(session, citizen, "c_event", assembly=arg, field="title")
        return prompt(t, "title"), None
    if action == "ex":
        conversation.clear(session, citizen)
        return t._("Cancelled. No event was created."), None
    if not data or "place" not in data:
        raise Refused("not_found")
    assembly = session.get(Assembly, data["assembly"])
    name = _name(assembly, t) if assembly else data["assembly"]
    if action == "em":
        data["members_only"] = arg == "y"
        conversation.set_step(session, citizen, "c_event", **data)
        return _event_summary(t, data, name), InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(t._("✅ Create"), callback_data="c:ec"),
                    InlineKeyboardButton(t._("✖️ Cancel"), callback_data="c:ex"),
                ]
            ]
        )
    deadline = datetime.fromisoformat(data["deadline"]) if data.get("deadline") else None
    event = council.create_event(
        session,
        citizen.telegram_id,
        data["assembly"],
        data["title"],
        data.get("description", ""),
        datetime.fromisoformat(data["starts_at"]),
        datetime.fromisoformat(data["ends_at"]),
        data["place"],
        int(data["capacity"]),
        deadline,
        bool(data.get("members_only")),
        now=now,
    )
    conversation.clear(session, citizen)
    username = context.bot.username
    return t._("✅ Event created (number {id}). Link for posters: {link}").format(
        id=event.id, link=f"https://t.me/{username}?start=ev_{event.id}"
    ), None


def _cancel_button(
    session: Session, citizen: Citizen, action: str, event_id: int, now: datetime
) -> tuple[str, InlineKeyboardMarkup | None, list[council.Notice]]:
    t = translator_of(citizen)
    assert citizen.telegram_id is not None
    if not council.may_manage(session, citizen.telegram_id):
        raise Refused("not_allowed")
    if action == "cx":
        return (
            t._("Cancel event {id} and tell everyone registered?").format(id=event_id),
            InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            t._("Yes, cancel the event"), callback_data=f"c:cxy:{event_id}"
                        )
                    ]
                ]
            ),
            [],
        )
    notices = council.cancel_event(session, citizen.telegram_id, event_id, now)
    return (
        t._("Event {id} cancelled; {count} people are being told.").format(
            id=event_id, count=len(notices)
        ),
        None,
        notices,
    )


@private
async def add_event_command(update: Update, context: KentContext) -> None:
    """/etkinlik_ekle: a coordinator creates an event step by step."""
    with context.citizen_transaction() as (session, citizen, t):
        allowed = citizen.telegram_id is not None and council.may_manage(
            session, citizen.telegram_id
        )
        rows = [
            [InlineKeyboardButton(_name(a, t), callback_data=f"c:ea:{a.code}")]
            for a in council.assemblies(session, context.config)
        ]
    if not allowed:
        await _answer(update, refusal(t, "not_allowed"))
        return
    await _answer(update, t._("🏛 Which assembly's event?"), InlineKeyboardMarkup(rows))


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
                    session, context.user_id, event_id, utcnow(), **changes
                )
                _queue_event_notices(
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
    await _answer(update, reply)
    if any(not n.promoted for n in notices):
        wake(context.application)
    for notice in notices:
        if notice.promoted:
            await _tell_promoted(context, notice)


@private
async def cancel_event_command(update: Update, context: KentContext) -> None:
    """/etkinlik_iptal ID: asks for confirmation, then tells every registrant."""
    args = context.args or []
    with context.citizen_transaction() as (session, citizen, t):
        try:
            event_id = as_id(args[0]) if args else None
            if event_id is None:
                raise Refused("not_found")
            text, markup, _ = _cancel_button(session, citizen, "cx", event_id, utcnow())
        except Refused as exc:
            text, markup = refusal(t, exc.reason), None
    await _answer(update, text, markup)


@private
async def checkin_command(update: Update, context: KentContext) -> None:
    """/yoklama ID [CODE]: check people in at the door; without a code, codes follow."""
    args = context.args or []
    with context.citizen_transaction() as (session, citizen, t):
        if not council.may_manage(session, context.user_id):
            reply = refusal(t, "not_allowed")
        elif not args or as_id(args[0]) is None:
            reply = t._("Usage: /yoklama EVENT_ID [CODE]")
        elif len(args) > 1:
            try:
                registration = council.check_in(
                    session, context.user_id, as_id(args[0]) or 0, args[1], utcnow()
                )
                person = session.get(Citizen, registration.citizen_id)
                reply = t._("✅ Checked in: {name}.").format(
                    name=html.escape(person.first_name or "") if person else ""
                )
            except Refused as exc:
                session.rollback()
                reply = refusal(t, exc.reason)
        else:
            conversation.set_step(session, citizen, "c_checkin", event=as_id(args[0]))
            reply = t._(
                "Check-in for event {id}: type each code as people arrive. /iptal to stop."
            ).format(id=args[0])
    await _answer(update, reply)


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
        audience: list[int] = []
        if not council.may_manage(session, context.user_id):
            reply: str | None = refusal(t, "not_allowed")
        elif (
            len(args) >= 3
            and args[0] in ("meclis", "assembly")
            and session.get(Assembly, args[1]) is not None
        ):
            audience, reply = council.assembly_audience(session, args[1]), None
        elif len(args) >= 3 and args[0] in ("etkinlik", "event") and as_id(args[1]):
            audience, reply = council.event_audience(session, as_id(args[1]) or 0), None
        else:
            reply = t._(
                "Usage: /duyuru meclis ASSEMBLY_CODE TEXT or /duyuru etkinlik EVENT_ID TEXT"
            )
        if reply is None:
            text = "📣 " + _announcement_body(message.text)
            outbox.enqueue(
                session,
                dict.fromkeys(audience, text),
                kind="announcement",
                now=utcnow(),
                requester_chat_id=context.user_id,
                language=t.language,
            )
    if reply is not None:
        await _answer(update, reply)
        return
    await _answer(update, t._("📣 Sending to {count} people…").format(count=len(audience)))
    wake(context.application)


FEATURE = Feature(
    name="council",
    commands=(
        Command(("meclis", "konsey"), assemblies_command, N_("City Council assemblies"), place=40),
        Command(
            ("etkinlikler", "etkinlik"),
            events_command,
            N_("Upcoming City Council events"),
            place=50,
        ),
        Command(("etkinlik_ekle",), add_event_command),
        Command(("etkinlik_duzenle",), edit_event_command),
        Command(("etkinlik_iptal",), cancel_event_command),
        Command(("yoklama",), checkin_command),
        Command(("duyuru",), announce_command),
    ),
    handlers=(CallbackQueryHandler(council_button, pattern=r"^(c:|menu:council$|menu:events$)"),),
    menu=(
        MenuButton("menu:council", N_("🏛 City Council"), row=30),
        MenuButton("menu:events", N_("📅 Events"), row=30),
    ),
    steps=Steps(on_message, prefix="c_"),
    jobs=(
        Every("event-reminders", event_reminder_sweep, seconds=300, first=45),
        Every("no-shows", no_show_sweep, seconds=3600, first=120),
    ),
    personal_data=(council_personal_data.PERSONAL_DATA,),
)
