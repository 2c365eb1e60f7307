"""/taleplerim: a citizen's own requests, their history, notes, photos, answers, withdrawal.

Every lookup goes through core.workflow.citizen_request, which answers NotFound
for anyone else's request, whatever number or callback data is sent.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session
from telegram import ReplyParameters, Update
from telegram.constants import ParseMode

from common.i18n import N_, Translator, translator
from core import workflow
from core.refusals import Refused
from core.workflow import NotFound
from db.engine import transaction
from db.models import Citizen, Request
from flows.my_requests import actions as mine
from flows.my_requests import screens, steps
from flows.my_requests.steps import NOTE_STEPS, NoteStep
from flows.names import esc
from flows.screen import Screen
from handlers.buttons import Buttons
from handlers.common import KentContext, private
from handlers.delivery import refresh_card
from handlers.feature import Command, Feature, MenuButton, Steps
from handlers.menu import menu_choices
from handlers.render import present

RELAY: dict[str, str] = {
    "note": N_("📝 Citizen's note on {number}:"),
    "citizen_reply": N_("💬 Citizen's answer on {number}:"),
    "photo": N_("🖼 Citizen's photo on {number}"),
    "cancelled": N_("↩️ The citizen withdrew {number}."),
}


@private
async def my_requests(update: Update, context: KentContext) -> None:
    """/taleplerim [number]: the list, or one request by its number."""
    if update.effective_message is None:
        return
    with context.citizen_transaction() as (session, citizen, t):
        if context.args:
            try:
                request = workflow.citizen_request_by_number(session, citizen, context.args[0])
            except NotFound:
                screen = screens.no_such_number(t, context.args[0])
            else:
                screen = screens.detail_screen(session, t, request)
        else:
            screen = screens.list_screen(
                session, citizen, t, 0, menu_choices(t, context.deps.features)
            )
    await present(update, screen)


async def _not_found(update: Update, context: KentContext) -> None:
    assert update.callback_query is not None
    t = context.texts()
    await update.callback_query.answer(t._(screens.NOT_FOUND), show_alert=True)


buttons = Buttons("my", mine.MyRequests.prefix, invalid=_not_found)


async def _on_request(
    update: Update,
    context: KentContext,
    request_id: int,
    act: Callable[[Session, Citizen, Translator, Request], Screen],
) -> Screen | None:
    """Runs `act` on one of the citizen's own requests and answers the press; the screen
    it gives is the caller's to show. A request that is not theirs or is closed gets an
    alert (and None)."""
    query = update.callback_query
    assert query is not None
    with context.citizen_transaction() as (session, citizen, t):
        try:
            screen = act(
                session, citizen, t, workflow.citizen_request(session, citizen, request_id)
            )
        except NotFound:
            await query.answer(t._(screens.NOT_FOUND), show_alert=True)
            return None
        except Refused:
            await query.answer(t._(screens.CLOSED), show_alert=True)
            return None
    await query.answer()
    return screen


async def _in_place(
    update: Update,
    context: KentContext,
    request_id: int,
    act: Callable[[Session, Citizen, Translator, Request], Screen],
) -> bool:
    """`act`'s screen in place of the pressed message; False when it was refused."""
    screen = await _on_request(update, context, request_id, act)
    if screen is not None:
        await present(update, screen, edit=True)
    return screen is not None


async def _page(update: Update, context: KentContext, page: int) -> None:
    query = update.callback_query
    assert query is not None
    with context.citizen_transaction() as (session, citizen, t):
        screen = screens.list_screen(
            session, citizen, t, page, menu_choices(t, context.deps.features)
        )
    await query.answer()
    await present(update, screen, edit=True)


@buttons.on(mine.Page)
async def page(update: Update, context: KentContext, button: mine.Page) -> None:
    # Past any real list, a page number is a forgery: the first page instead.
    await _page(update, context, button.page if button.page <= screens.MAX_PAGE else 0)


@buttons.on(mine.MyRequests)
async def first_page(update: Update, context: KentContext, button: mine.MyRequests) -> None:
    await _page(update, context, 0)


@buttons.on(mine.View)
async def view(update: Update, context: KentContext, button: mine.View) -> None:
    await _in_place(
        update,
        context,
        button.request_id,
        lambda session, citizen, t, request: screens.detail_screen(session, t, request),
    )


async def _next_message_for(
    update: Update, context: KentContext, request_id: int, step: NoteStep
) -> None:
    """A note or an answer: the citizen's next message goes to the request. The prompt
    comes as a new message, in plain text; the pressed message stays."""

    def expect(session: Session, citizen: Citizen, t: Translator, request: Request) -> Screen:
        steps.expect_message(session, citizen, request, step)
        return screens.prompt(t, request, step)

    prompt = await _on_request(update, context, request_id, expect)
    if prompt is not None:
        assert update.callback_query is not None
        await context.bot.send_message(update.callback_query.from_user.id, prompt.text)


@buttons.on(mine.AddNote)
async def add_note(update: Update, context: KentContext, button: mine.AddNote) -> None:
    await _next_message_for(update, context, button.request_id, NoteStep.NOTE)


@buttons.on(mine.AnswerQuestion)
async def answer_question(
    update: Update, context: KentContext, button: mine.AnswerQuestion
) -> None:
    await _next_message_for(update, context, button.request_id, NoteStep.REPLY)


@buttons.on(mine.Withdraw)
async def withdraw(update: Update, context: KentContext, button: mine.Withdraw) -> None:
    """Asks to confirm the withdrawal."""

    def confirm(session: Session, citizen: Citizen, t: Translator, request: Request) -> Screen:
        steps.must_be_open(request)
        return screens.withdraw_question(t, request)

    await _in_place(update, context, button.request_id, confirm)


@buttons.on(mine.WithdrawConfirmed)
async def withdraw_confirmed(
    update: Update, context: KentContext, button: mine.WithdrawConfirmed
) -> None:
    """Withdraws the request, and tells its department in the card's thread."""
    withdrawn: list[Request] = []

    def act(session: Session, citizen: Citizen, t: Translator, request: Request) -> Screen:
        withdrawn.append(steps.withdraw(session, citizen, button.request_id))
        return screens.detail_screen(session, t, withdrawn[0])

    if await _in_place(update, context, button.request_id, act):
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
        body = head + ("\n\n" + esc(text) if text else "")
        sent = await context.bot.send_message(
            request.card_chat_id, body, parse_mode=ParseMode.HTML, reply_parameters=reply
        )
    with transaction(engine) as session:
        assert request.id is not None
        # Remembered so that a staff reply to it answers the citizen, and so that erasing
        # their data takes it out of the group.
        workflow.link_message(session, sent.chat.id, sent.message_id, request.id, workflow.CITIZEN)


async def on_message(update: Update, context: KentContext) -> bool:
    """A note, photo or answer from the citizen for one of their requests: after its
    button, or as a reply to a staff question's message."""
    message = update.effective_message
    if message is None:
        return False
    with context.citizen_transaction() as (session, citizen, t):
        target = steps.pending(session, citizen)
        if target is None and message.reply_to_message is not None:
            link = workflow.linked(session, message.chat.id, message.reply_to_message.message_id)
            if link is not None and link.purpose == "question":
                target = link.request_id, NoteStep.REPLY
        if target is None:
            return False
        text = (message.text or message.caption or "").strip() or None
        photo = message.photo[-1] if message.photo else None
        error: str | None = None
        try:
            change = steps.take(
                session,
                citizen,
                *target,
                text,
                (photo.file_id, photo.file_unique_id) if photo else None,
            )
        except NotFound:
            error = t._(screens.NOT_FOUND)
        except Refused as exc:
            error = screens.refusal(t, exc.reason)
        else:
            request, event_kind = change.request, change.event.kind
            done = screens.added(t, request)
    if error is not None:
        await message.reply_text(error)
        return True
    await message.reply_text(done.text)
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
