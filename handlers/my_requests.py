"""/taleplerim: a citizen's own requests, their history, notes, photos, answers, withdrawal.

Every lookup goes through core.workflow.citizen_request, which answers NotFound
for anyone else's request, whatever number or callback data is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum

from sqlmodel import Session
from telegram import InlineKeyboardMarkup, ReplyParameters, Update
from telegram.constants import ParseMode

from common.i18n import N_, Translator, translator
from core import conversation, intake, workflow
from core.codes import OPEN_STATUSES
from core.refusals import Refused
from core.workflow import NotFound
from db import reference
from db.engine import transaction
from db.models import Category, Citizen, ConversationState, Department, Request
from db.types import utcnow
from handlers import request_buttons as mine
from handlers import request_views as views
from handlers.buttons import Buttons
from handlers.common import KentContext, private, translator_of
from handlers.delivery import refresh_card
from handlers.feature import Command, Feature, MenuButton, Steps
from handlers.menu import main_menu

PER_PAGE = 5


class NoteStep(StrEnum):
    """What the citizen's next message is, after a button of one of their requests."""

    NOTE = "note"  # 📝 a note or a photo
    REPLY = "reply"  # ✍️ an answer to a staff question


NOTE_STEPS = frozenset(NoteStep)


class NoteState(conversation.State):
    """The request the citizen's next message goes to."""

    request_id: int


# A page past this is no real list (PER_PAGE requests each).
MAX_PAGE = 100_000

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
    keys = []
    for request in rows:
        assert request.id is not None
        category = reference.get(session, Category, request.category_code)
        lines.append(views.list_line(t, request, category, now))
        keys.append([mine.View(request.id).button(request.number)])
    nav = []
    if page > 0:
        nav.append(mine.Page(page - 1).button(t._("⬅️ Newer")))
    if page + 1 < pages:
        nav.append(mine.Page(page + 1).button(t._("Older ➡️")))
    if nav:
        keys.append(nav)
    lines.append("")
    lines.append(t._("Tap a number to see its history."))
    return "\n".join(lines), InlineKeyboardMarkup(keys)


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
    assert request.id is not None
    rows = []
    if request.status in OPEN_STATUSES:
        rows.append([mine.AddNote(request.id).button(t._("📝 Add a note or photo"))])
        rows.append([mine.Withdraw(request.id).button(t._("↩️ Withdraw"))])
    rows.append([mine.Page(0).button(t._("⬅️ My requests"))])
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
    with context.citizen_transaction() as (session, citizen, t):
        if context.args:
            try:
                request = workflow.citizen_request_by_number(session, citizen, context.args[0])
            except NotFound:
                text = t._("No request of yours has the number {number}.").format(
                    number=views.esc(context.args[0][:20])
                )
                markup = None
            else:
                text, markup = _detail_screen(session, citizen, request)
        else:
            text, markup = _list_screen(session, citizen, 0, context.deps.features)
    await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


async def _not_found(update: Update, context: KentContext) -> None:
    assert update.callback_query is not None
    t = context.texts()
    await update.callback_query.answer(t._("Request not found."), show_alert=True)


buttons = Buttons("my", mine.MyRequests.prefix, invalid=_not_found)
Screen = tuple[str, InlineKeyboardMarkup | None]


async def _on_request(
    update: Update,
    context: KentContext,
    request_id: int,
    act: Callable[[Session, Citizen, Translator, Request], Screen | str],
) -> Screen | str | None:
    """Runs `act` on one of the citizen's own requests and answers the press: a screen to
    show, or a prompt to send; a request that is not theirs or is closed gets an alert."""
    query = update.callback_query
    assert query is not None
    with context.citizen_transaction() as (session, citizen, t):
        try:
            outcome = act(
                session, citizen, t, workflow.citizen_request(session, citizen, request_id)
            )
        except NotFound:
            await query.answer(t._("Request not found."), show_alert=True)
            return None
        except Refused:
            await query.answer(
                t._("This request is closed; it can no longer be changed."), show_alert=True
            )
            return None
    await query.answer()
    if isinstance(outcome, str):
        await context.bot.send_message(query.from_user.id, outcome)
    else:
        await query.edit_message_text(
            outcome[0], parse_mode=ParseMode.HTML, reply_markup=outcome[1]
        )
    return outcome


async def _page(update: Update, context: KentContext, page: int) -> None:
    query = update.callback_query
    assert query is not None
    with context.citizen_transaction() as (session, citizen, _):
        text, markup = _list_screen(session, citizen, page, context.deps.features)
    await query.answer()
    await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


@buttons.on(mine.Page)
async def page(update: Update, context: KentContext, button: mine.Page) -> None:
    # Past any real list, a page number is a forgery: the first page instead.
    await _page(update, context, button.page if button.page <= MAX_PAGE else 0)


@buttons.on(mine.MyRequests)
async def first_page(update: Update, context: KentContext, button: mine.MyRequests) -> None:
    await _page(update, context, 0)


@buttons.on(mine.View)
async def view(update: Update, context: KentContext, button: mine.View) -> None:
    await _on_request(
        update,
        context,
        button.request_id,
        lambda session, citizen, t, request: _detail_screen(session, citizen, request),
    )


def _next_message_for(
    step: str, prompt: str
) -> Callable[[Session, Citizen, Translator, Request], str]:
    """A note or an answer: the citizen's next message goes to the request."""

    def act(session: Session, citizen: Citizen, t: Translator, request: Request) -> str:
        if request.status not in OPEN_STATUSES:
            raise Refused("closed")
        conversation.set_step(session, citizen, step, NoteState(request_id=request.id or 0))
        return t._(prompt).format(number=request.number)

    return act


@buttons.on(mine.AddNote)
async def add_note(update: Update, context: KentContext, button: mine.AddNote) -> None:
    await _on_request(
        update,
        context,
        button.request_id,
        _next_message_for(NoteStep.NOTE, N_("Send your note or a photo for {number}.")),
    )


@buttons.on(mine.AnswerQuestion)
async def answer_question(
    update: Update, context: KentContext, button: mine.AnswerQuestion
) -> None:
    await _on_request(
        update,
        context,
        button.request_id,
        _next_message_for(NoteStep.REPLY, N_("Write your answer for {number}.")),
    )


@buttons.on(mine.Withdraw)
async def withdraw(update: Update, context: KentContext, button: mine.Withdraw) -> None:
    """Asks to confirm the withdrawal."""

    def confirm(session: Session, citizen: Citizen, t: Translator, request: Request) -> Screen:
        if request.status not in OPEN_STATUSES:
            raise Refused("closed")
        assert request.id is not None
        text = t._("Do you really want to withdraw {number}?").format(number=request.number)
        return text, InlineKeyboardMarkup(
            [
                [
                    mine.WithdrawConfirmed(request.id).button(t._("Yes, withdraw")),
                    mine.View(request.id).button(t._("No")),
                ]
            ]
        )

    await _on_request(update, context, button.request_id, confirm)


@buttons.on(mine.WithdrawConfirmed)
async def withdraw_confirmed(
    update: Update, context: KentContext, button: mine.WithdrawConfirmed
) -> None:
    """Withdraws the request, and tells its department in the card's thread."""
    withdrawn: list[Request] = []

    def act(session: Session, citizen: Citizen, t: Translator, request: Request) -> Screen:
        change = workflow.citizen_action(session, citizen, button.request_id, "withdraw")
        withdrawn.append(change.request)
        return _detail_screen(session, citizen, change.request)

    if await _on_request(update, context, button.request_id, act) is not None:
        await _relay_to_staff(context, withdrawn[0], "cancelled", None, None)


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
        draft = session.get(ConversationState, citizen.id)
        request_id: int | None = None
        kind = ""
        if draft is not None and draft.step in NOTE_STEPS:
            request_id = conversation.state_of(draft, NoteState).request_id
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
            if draft is not None and draft.step in NOTE_STEPS:
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
    handlers=(buttons.handler(),),
    menu=(MenuButton(mine.MyRequests().pack(), N_("📋 My requests"), row=20),),
    # A note or an answer to a staff question, typed after its button or as a reply.
    steps=Steps(on_message, names=NOTE_STEPS),
    on_reply=on_message,
)
