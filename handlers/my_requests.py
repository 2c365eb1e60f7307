"""/taleplerim: a citizen's own requests, their history, notes, photos, answers, withdrawal.

Every lookup goes through core.workflow.citizen_request, which answers NotFound
for anyone else's request, whatever number or callback data is sent.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters, Update
from telegram.constants import ParseMode
from telegram.ext import CallbackQueryHandler

from common.i18n import N_, translator
from core import conversation, intake, workflow
from core.codes import OPEN_STATUSES
from core.refusals import Refused
from core.workflow import NotFound
from db import reference
from db.engine import transaction
from db.models import Category, Citizen, Department, Request
from db.types import utcnow
from handlers import request_views as views
from handlers.common import KentContext, as_id, private, translator_of
from handlers.delivery import refresh_card
from handlers.feature import Command, Feature, MenuButton, Steps
from handlers.menu import main_menu

PER_PAGE = 5

RELAY: dict[str, str] = {
    "note": N_("📝 Citizen's note on {number}:"),
    "citizen_reply": N_("💬 Citizen's answer on {number}:"),
    "photo": N_("🖼 Citizen's photo on {number}"),
    "cancelled": N_("↩️ The citizen withdrew {number}."),
}


def _list_screen(
    session: Session, citizen: Citizen, page: int, features: Sequence[Feature]
) -> tuple[str, InlineKeyboardMarkup]:
    t = translator_of(citizen)
    rows, total = workflow.list_for_citizen(session, citizen, page, PER_PAGE)
    if total == 0:
        return (
            t._("You have not filed any request yet. Use /talep to send one."),
            main_menu(t, features),
        )
    now = utcnow()
    pages = (total + PER_PAGE - 1) // PER_PAGE
    lines = [t._("📋 <b>Your requests</b> ({page}/{pages})").format(page=page + 1, pages=pages), ""]
    buttons = []
    for request in rows:
        category = reference.get(session, Category, request.category_code)
        lines.append(views.list_line(t, request, category, now))
        buttons.append([InlineKeyboardButton(request.number, callback_data=f"my:v:{request.id}")])
    nav = []
    if page > 0:
        nav.append(InlineKeyboardButton(t._("⬅️ Newer"), callback_data=f"my:p:{page - 1}"))
    if page + 1 < pages:
        nav.append(InlineKeyboardButton(t._("Older ➡️"), callback_data=f"my:p:{page + 1}"))
    if nav:
        buttons.append(nav)
    lines.append("")
    lines.append(t._("Tap a number to see its history."))
    return "\n".join(lines), InlineKeyboardMarkup(buttons)


def _detail_screen(
    session: Session, citizen: Citizen, request: Request
) -> tuple[str, InlineKeyboardMarkup]:
    t = translator_of(citizen)
    category = reference.get(session, Category, request.category_code)
    department = reference.get(session, Department, request.department_code)
    topic = views.category_name(category, t) if category else ""
    lines = [
        f"<b>{request.number}</b> · {views.esc(topic)}",
        "🏢 " + views.esc(views.department_name(department, t)),
        views.status_line(t, request),
        "",
        views.esc(request.text),
        "",
        t._("<b>History</b>"),
    ]
    for event in workflow.history(session, request):
        label = t._(views.EVENT_LABELS.get(event.kind, event.kind))
        line = f"• {t.short_datetime(event.at)} — {views.esc(label)}"
        if event.text and event.kind in (
            "answered",
            "question",
            "rejected",
            "resolved",
            "note",
            "citizen_reply",
        ):
            line += f": {views.esc(event.text)}"
        lines.append(line)
    rows = []
    if request.status in OPEN_STATUSES:
        rows.append(
            [
                InlineKeyboardButton(
                    t._("📝 Add a note or photo"), callback_data=f"my:n:{request.id}"
                )
            ]
        )
        rows.append([InlineKeyboardButton(t._("↩️ Withdraw"), callback_data=f"my:w:{request.id}")])
    rows.append([InlineKeyboardButton(t._("⬅️ My requests"), callback_data="my:p:0")])
    text = "\n".join(lines)
    if len(text) > 4000:
        text = text[:3990] + "…"
    return text, InlineKeyboardMarkup(rows)


@private
async def my_requests(update: Update, context: KentContext) -> None:
    """/taleplerim [number]: the list, or one request by its number."""
    message = update.effective_message
    if message is None:
        return
    with context.citizen_transaction() as (session, citizen, _):
        if context.args:
            try:
                request = workflow.citizen_request_by_number(session, citizen, context.args[0])
            except NotFound:
                t = translator_of(citizen)
                text = t._("No request of yours has the number {number}.").format(
                    number=views.esc(context.args[0][:20])
                )
                markup = None
            else:
                text, markup = _detail_screen(session, citizen, request)
        else:
            text, markup = _list_screen(session, citizen, 0, context.deps.features)
    await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


async def my_button(update: Update, context: KentContext) -> None:
    """my:p:<page>, my:v:<id>, my:n:<id>, my:r:<id>, my:w:<id>, my:wy:<id>, and menu:mine."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    parts = query.data.split(":")
    action = "p" if query.data == "menu:mine" else parts[1]
    arg = parts[2] if len(parts) > 2 else "0"
    prompt: str | None = None
    with context.citizen_transaction() as (session, citizen, t):
        number = as_id(arg, limit=100_000) or 0  # a page, or a request id (0 finds nothing)
        try:
            if action == "p":
                text, markup = _list_screen(session, citizen, number, context.deps.features)
            else:
                request = workflow.citizen_request(session, citizen, number)
                if action == "v":
                    text, markup = _detail_screen(session, citizen, request)
                elif action in ("n", "r"):
                    if request.status not in OPEN_STATUSES:
                        raise Refused("closed")
                    conversation.set_step(
                        session,
                        citizen,
                        "note" if action == "n" else "reply",
                        request_id=request.id,
                    )
                    prompt = (
                        t._("Send your note or a photo for {number}.")
                        if action == "n"
                        else t._("Write your answer for {number}.")
                    ).format(number=request.number)
                elif action == "w":
                    if request.status not in OPEN_STATUSES:
                        raise Refused("closed")
                    text = t._("Do you really want to withdraw {number}?").format(
                        number=request.number
                    )
                    markup = InlineKeyboardMarkup(
                        [
                            [
                                InlineKeyboardButton(
                                    t._("Yes, withdraw"), callback_data=f"my:wy:{request.id}"
                                ),
                                InlineKeyboardButton(t._("No"), callback_data=f"my:v:{request.id}"),
                            ]
                        ]
                    )
                elif action == "wy":
                    change = workflow.citizen_action(session, citizen, number, "withdraw")
                    text, markup = _detail_screen(session, citizen, change.request)
                    withdrawn = change.request
                else:
                    raise NotFound(arg)
        except NotFound:
            await query.answer(t._("Request not found."), show_alert=True)
            return
        except Refused:
            await query.answer(
                t._("This request is closed; it can no longer be changed."), show_alert=True
            )
            return
    await query.answer()
    if prompt is not None:
        await context.bot.send_message(query.from_user.id, prompt)
        return
    await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
    if action == "wy":
        await _relay_to_staff(context, withdrawn, "cancelled", None, None)


async def _relay_to_staff(
    context: KentContext, request: Request, kind: str, text: str | None, photo: str | None
) -> None:
    """Bring the citizen's words into the card's thread, where staff can reply to them."""
    engine, config = context.engine, context.config
    await refresh_card(context.bot, engine, config, request.id or 0)
    if request.card_chat_id is None or request.card_message_id is None:
        return
    t = translator(config.municipality.default_language)
    head = t._(RELAY[kind]).format(number=request.number)
    reply = ReplyParameters(message_id=request.card_message_id, allow_sending_without_reply=True)
    if photo:
        sent = await context.bot.send_photo(
            request.card_chat_id, photo, caption=head, reply_parameters=reply
        )
    else:
        body = head + ("\n\n" + views.esc(text) if text else "")
        sent = await context.bot.send_message(
            request.card_chat_id, body, parse_mode=ParseMode.HTML, reply_parameters=reply
        )
    with transaction(engine) as session:
        assert request.id is not None
        workflow.link_message(session, sent.chat.id, sent.message_id, request.id, "citizen")


async def on_message(update: Update, context: KentContext) -> bool:
    """A note, photo or answer from the citizen for one of their requests."""
    message = update.effective_message
    if message is None:
        return False
    with context.citizen_transaction() as (session, citizen, t):
        draft = intake.draft_of(session, citizen)
        request_id: int | None = None
        kind = ""
        if draft is not None and draft.step in ("note", "reply"):
            request_id = int(draft.data.get("request_id", 0))
            kind = draft.step
        elif message.reply_to_message is not None:
            link = workflow.linked(session, message.chat.id, message.reply_to_message.message_id)
            if link is not None and link.purpose == "question":
                request_id, kind = link.request_id, "reply"
        if request_id is None:
            return False
        text = (message.text or message.caption or "").strip() or None
        photo = message.photo[-1] if message.photo else None
        error: str | None = None
        try:
            if photo is not None:
                change = workflow.citizen_action(
                    session,
                    citizen,
                    request_id,
                    "photo",
                    text,
                    photo=(photo.file_id, photo.file_unique_id),
                )
            elif text and len(text) > intake.MAX_TEXT:
                raise Refused("too_long")
            else:
                change = workflow.citizen_action(
                    session, citizen, request_id, "note" if kind == "note" else "reply", text
                )
        except NotFound:
            error = t._("Request not found.")
        except Refused as exc:
            error = {
                "closed": t._("This request is closed; it can no longer be changed."),
                "too_long": t._("That is too long: please keep it under 2000 characters."),
            }.get(exc.reason, t._("Please send a text or a photo."))
        else:
            if draft is not None and draft.step in ("note", "reply"):
                session.delete(draft)
            request = change.request
            event_kind = change.event.kind
    if error is not None:
        await message.reply_text(error)
        return True
    await message.reply_text(
        t._("✅ Added to {number}; the department has been told.").format(number=request.number)
    )
    await _relay_to_staff(context, request, event_kind, text, photo.file_id if photo else None)
    return True


FEATURE = Feature(
    name="my_requests",
    commands=(Command(("taleplerim", "takip"), my_requests, N_("Follow my requests"), place=30),),
    handlers=(CallbackQueryHandler(my_button, pattern=r"^(my:|menu:mine$)"),),
    menu=(MenuButton("menu:mine", N_("📋 My requests"), row=20),),
    # A note or an answer to a staff question, typed after its button or as a reply.
    steps=Steps(on_message, names=frozenset(("note", "reply"))),
    on_reply=on_message,
)
