"""Putting a request in front of people: the staff card and the citizen's notifications."""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine
from telegram import Bot, InputMediaPhoto, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden

from bot.config import Config
from bot.i18n import resolve_language, translator
from core import citizens, routing, workflow
from db.engine import transaction
from db.models import Category, Citizen, Department, Request, RequestEvent, StaffMember
from handlers.request_views import (
    CAPTION_LIMIT,
    card,
    card_keyboard,
    citizen_notice,
    question_keyboard,
    visible_length,
)

log = logging.getLogger("kentbot.delivery")


# The purpose of a card's message link when the card is the caption of the request's photo:
# its later edits must change the caption (editMessageCaption), not the text.
PHOTO_CARD = "card_photo"


def _card_text(engine: Engine, config: Config, request_id: int, new: bool = False
               ) -> tuple[Request, str, bool, list[str]]:
    """The request, its card, whether the card is a photo's caption, and its photos' file ids.

    A `new` card goes on the photo when there is exactly one and the whole card fits in a
    caption; an existing card stays what it was posted as (its message link says which)."""
    with transaction(engine) as session:
        request = session.get(Request, request_id)
        assert request is not None
        events = workflow.history(session, request)
        citizen = session.get(Citizen, request.citizen_id) if request.citizen_id else None
        assignee = session.get(StaffMember, request.assignee_id) if request.assignee_id else None
        photos = [a.telegram_file_id for a in workflow.attachments(session, request)
                  if a.telegram_file_id]
        if new:
            on_photo = len(photos) == 1
        else:
            link = None
            if request.card_chat_id is not None and request.card_message_id is not None:
                link = workflow.linked(session, request.card_chat_id, request.card_message_id)
            on_photo = link is not None and link.purpose == PHOTO_CARD
        name = None
        if citizen is not None and citizen.deleted_at is None:
            name = " ".join(p for p in (citizen.first_name, citizen.last_name) if p) or None
        category = session.get(Category, request.category_code)
        department = session.get(Department, request.department_code)
        assignee_name = (assignee.name or str(assignee.telegram_id)) if assignee else None
        language = config.municipality.default_language

        def render(on_photo: bool) -> str:
            return card(request, category, department, events, len(photos), name,
                        assignee_name, language, on_photo=on_photo,
                        # Once posted on a photo, the card must stay short enough for it.
                        limit=CAPTION_LIMIT if on_photo and not new else None)

        text = render(on_photo)
        if on_photo and new and visible_length(text) > CAPTION_LIMIT:
            on_photo, text = False, render(False)
        return request, text, on_photo, photos


async def post_card(bot: Bot, engine: Engine, config: Config, request_id: int) -> Message | None:
    """Post the request's card in its department's group.

    With exactly one photo the card is that photo's caption: one message instead of two.
    Otherwise (no photo, several, or a card too long for a caption) the card is a text and
    the photos follow as replies to it. The location needs no message of its own: the card
    links to the map."""
    if request_id in _posting:
        return None  # already on its way (the SLA sweep met a card still being posted)
    _posting.add(request_id)
    try:
        return await _post_card(bot, engine, config, request_id)
    finally:
        _posting.discard(request_id)


# Cards being posted by this process. The database learns of a card only once it is
# sent, and a group's queue (20 messages a minute) can hold one for a while.
_posting: set[int] = set()


async def _post_card(bot: Bot, engine: Engine, config: Config, request_id: int
                     ) -> Message | None:
    request, text, on_photo, photos = _card_text(engine, config, request_id, new=True)
    with transaction(engine) as session:
        chat_id = routing.staff_chat(session, config, request.department_code)
    if chat_id is None:
        log.error("no staff group for department %s and no supervisors' group; request %s "
                  "waits in the database", request.department_code, request.id)
        return None
    keyboard = card_keyboard(request, config.municipality.default_language)
    message: Message
    if on_photo:
        message = await bot.send_photo(chat_id, photos[0], caption=text,
                                       parse_mode=ParseMode.HTML, reply_markup=keyboard)
    else:
        message = await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML,
                                         reply_markup=keyboard, link_preview_options=None)
    with transaction(engine) as session:
        stored = session.get(Request, request_id)
        assert stored is not None
        workflow.set_card(session, stored, chat_id, message.message_id,
                          PHOTO_CARD if on_photo else "card")
    reply = ReplyParameters(message_id=message.message_id)
    if len(photos) == 1 and not on_photo:
        await bot.send_photo(chat_id, photos[0], reply_parameters=reply)
    elif len(photos) > 1:
        await bot.send_media_group(chat_id, [InputMediaPhoto(p) for p in photos],
                                   reply_parameters=reply)
    return message


async def refresh_card(bot: Bot, engine: Engine, config: Config, request_id: int) -> None:
    """Re-render the card in place after a change: its text, or its caption on a photo."""
    request, text, on_photo, _ = _card_text(engine, config, request_id)
    if request.card_chat_id is None or request.card_message_id is None:
        return
    keyboard = card_keyboard(request, config.municipality.default_language)
    try:
        if on_photo:
            await bot.edit_message_caption(
                chat_id=request.card_chat_id, message_id=request.card_message_id,
                caption=text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
        else:
            await bot.edit_message_text(
                text, chat_id=request.card_chat_id, message_id=request.card_message_id,
                parse_mode=ParseMode.HTML, reply_markup=keyboard)
    except BadRequest as exc:
        if "not modified" not in str(exc):
            raise


async def retire_card(bot: Bot, chat_id: int, message_id: int, note: str) -> None:
    """The old card after a redirection: keep it readable, take its buttons away."""
    try:
        await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id,
                                            reply_markup=None)
        await bot.send_message(chat_id, note, reply_parameters=ReplyParameters(
            message_id=message_id, allow_sending_without_reply=True))
    except BadRequest as exc:
        log.warning("could not retire card %s/%s: %s", chat_id, message_id, exc)


async def notify_citizen(bot: Bot, engine: Engine, request_id: int, event_id: int) -> bool:
    """Tell the citizen of a staff action, in their language. False if nobody to tell."""
    with transaction(engine) as session:
        request = session.get(Request, request_id)
        event = session.get(RequestEvent, event_id)
        assert request is not None and event is not None
        citizen = session.get(Citizen, request.citizen_id) if request.citizen_id else None
        if citizen is None or citizen.telegram_id is None or citizen.blocked_at is not None:
            return False
        t = translator(resolve_language(citizen.language, citizen.telegram_language))
        text = citizen_notice(t, request, event, session.get(Department,
                                                             request.department_code))
        chat_id = citizen.telegram_id
    if text is None:
        return False
    markup = question_keyboard(t, request) if event.kind == "question" else None
    try:
        message = await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML,
                                         reply_markup=markup)
    except Forbidden:
        with transaction(engine) as session:
            citizens.mark_blocked(session, chat_id)
        log.info("citizen of request %s blocked the bot; notice not delivered", request_id)
        return False
    if event.kind == "question":
        with transaction(engine) as session:
            workflow.link_message(session, chat_id, message.message_id, request_id, "question")
    return True
