"""Putting a request in front of people: the staff card and the citizen's notifications."""

from __future__ import annotations

import logging
import struct
import zlib
from collections.abc import Sequence
from functools import cache
from weakref import WeakKeyDictionary

from sqlalchemy.engine import Engine
from sqlmodel import Session
from telegram import Bot, InlineKeyboardMarkup, InputMediaPhoto, Message, ReplyParameters, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from common.config import Config
from common.i18n import N_, translator
from core import citizens, intake, routing, workflow
from core.fencing import Fence
from core.privacy import (
    ERASED,
    RETIRED_CARD,
    Erased,
    GroupCopy,
    GroupPhoto,
)
from db import reference
from db.engine import autocommit, transaction, without_blocking
from db.models import Category, Citizen, Department, Request, RequestEvent, StaffMember
from flows.my_requests.notices import citizen_notice
from flows.staff_card.screens import CAPTION_LIMIT, card, card_choices, visible_length
from handlers import unreachable
from handlers.common import KentContext, fence_gate, translator_of
from handlers.render import inline_keyboard, send

log = logging.getLogger("kentbot.delivery")


# The purpose of a card's message link when the card is the caption of the request's photo:
# its later edits must change the caption (editMessageCaption), not the text.
PHOTO_CARD = workflow.PHOTO_CARD


def card_keyboard(request: Request, config: Config) -> InlineKeyboardMarkup | None:
    """The card's buttons, in the staff's language (none once the request is closed)."""
    return inline_keyboard(card_choices(request, translator(config.municipality.default_language)))


# A request, its card, whether the card is a photo's caption, and its photos' file ids.
Card = tuple[Request, str, bool, list[str]]


def _card_text(
    engine: Engine, config: Config, request_id: int, new: bool = False, as_text: bool = False
) -> Card:
    """The request and its card, read from the database.

    A `new` card goes on the photo when there is exactly one and the whole card fits in a
    caption; an existing card stays what it was posted as (its message link says which),
    unless `as_text` asks for it as a text (a card retired by a redirection).

    Read without a transaction: under READ COMMITTED one would add its BEGIN and COMMIT
    round trips and no consistency (each statement sees what is committed when it runs)."""
    with autocommit(engine) as session:
        request = session.get(Request, request_id)
        assert request is not None
        events = workflow.history(session, request)
        citizen = session.get(Citizen, request.citizen_id) if request.citizen_id else None
        assignee = session.get(StaffMember, request.assignee_id) if request.assignee_id else None
        photos = [
            a.telegram_file_id for a in workflow.attachments(session, request) if a.telegram_file_id
        ]
        on_photo: bool | None = None
        if as_text:
            on_photo = False
        elif not new:
            link = None
            if request.card_chat_id is not None and request.card_message_id is not None:
                link = workflow.linked(session, request.card_chat_id, request.card_message_id)
            on_photo = link is not None and link.purpose == PHOTO_CARD
        return _render(session, config, request, events, citizen, assignee, photos, on_photo)


def new_card(
    session: Session, config: Config, submitted: intake.Submitted, citizen: Citizen | None
) -> Card:
    """A request's first card, from what filing it just stored: the card post need not read
    it all back (four queries)."""
    request = submitted.request
    return _render(
        session,
        config,
        request,
        [submitted.event],
        citizen if request.citizen_id else None,
        None,
        submitted.photo_ids,
        None,
    )


def _render(
    session: Session,
    config: Config,
    request: Request,
    events: list[RequestEvent],
    citizen: Citizen | None,
    assignee: StaffMember | None,
    photos: list[str],
    on_photo: bool | None,
) -> Card:
    """`on_photo` None: a new card, on the photo if there is exactly one and it fits."""
    new = on_photo is None
    name = None
    # An erased request (by the citizen, or by retention) no longer says who filed it.
    if citizen is not None and citizen.deleted_at is None and request.text != ERASED:
        name = " ".join(p for p in (citizen.first_name, citizen.last_name) if p) or None
    category = reference.get(session, Category, request.category_code)
    department = reference.get(session, Department, request.department_code)
    assignee_name = (assignee.name or str(assignee.telegram_id)) if assignee else None
    language = config.municipality.default_language

    def render(on_photo: bool) -> str:
        return card(
            request,
            category,
            department,
            events,
            len(photos),
            name,
            assignee_name,
            language,
            on_photo=on_photo,
            # Once posted on a photo, the card must stay short enough for it.
            limit=CAPTION_LIMIT if on_photo and not new else None,
        )

    shown_on_photo = len(photos) == 1 if on_photo is None else on_photo
    text = render(shown_on_photo)
    if shown_on_photo and new and visible_length(text) > CAPTION_LIMIT:
        shown_on_photo, text = False, render(False)
    return request, text, shown_on_photo, photos


async def post_card(
    bot: Bot,
    engine: Engine,
    config: Config,
    request_id: int,
    ready: Card | None = None,
    fence: Fence | None = None,
) -> Message | None:
    """Post the request's card in its department's group.

    With exactly one photo the card is that photo's caption: one message instead of two.
    Otherwise (no photo, several, or a card too long for a caption) the card is a text and
    the photos follow as replies to it. The location needs no message of its own: the card
    links to the map."""
    posting = _posting.setdefault(engine, set())
    if request_id in posting:
        return None  # already on its way (the SLA sweep met a card still being posted)
    posting.add(request_id)
    try:
        return await _post_card(bot, engine, config, request_id, ready, fence)
    finally:
        posting.discard(request_id)


# Cards being posted by this process, per database (request ids are per database). The
# database learns of a card only once it is sent, and a group's queue (20 messages a
# minute) can hold one for a while.
_posting: WeakKeyDictionary[Engine, set[int]] = WeakKeyDictionary()


async def _post_card(
    bot: Bot,
    engine: Engine,
    config: Config,
    request_id: int,
    ready: Card | None,
    fence: Fence | None,
) -> Message | None:
    request, text, on_photo, photos = ready or _card_text(engine, config, request_id, new=True)
    with transaction(engine) as session:
        chat_id = routing.staff_chat(session, config, request.department_code)
    if chat_id is None:
        log.error(
            "no staff group for department %s and no supervisors' group; request %s "
            "waits in the database",
            request.department_code,
            request.id,
        )
        return None
    keyboard = card_keyboard(request, config)
    message: Message
    try:
        # A leader deposed since it claimed this card (the SLA sweep's repost) leaves it to
        # its successor: checked right before the request and before any retry of it.
        with fence_gate(engine, fence):
            if on_photo:
                message = await bot.send_photo(
                    chat_id,
                    photos[0],
                    caption=text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard,
                )
            else:
                message = await bot.send_message(
                    chat_id,
                    text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard,
                    link_preview_options=None,
                )
    except TelegramError as exc:
        # Never the citizen's error (the receipt is theirs): recorded, the supervisors told
        # once, and the SLA sweep posts the card later (handlers/unreachable.py).
        method = "sendPhoto" if on_photo else "sendMessage"
        await unreachable.card_failed(bot, engine, config, request, chat_id, method, exc, fence)
        return None
    with transaction(engine) as session:
        workflow.set_card(
            session,
            request_id,
            chat_id,
            message.message_id,
            PHOTO_CARD if on_photo else workflow.CARD,
        )
    unreachable.card_posted(engine, chat_id)  # after the card is stored: staff can act on it
    reply = ReplyParameters(message_id=message.message_id)
    replies: Sequence[Message] = ()
    if len(photos) == 1 and not on_photo:
        replies = [await bot.send_photo(chat_id, photos[0], reply_parameters=reply)]
    elif len(photos) > 1:
        replies = await bot.send_media_group(
            chat_id, [InputMediaPhoto(p) for p in photos], reply_parameters=reply
        )
    if replies:
        # Remembered so that erasing the citizen's data can take these copies away too.
        with transaction(engine) as session:
            for sent in replies:
                workflow.link_message(session, chat_id, sent.message_id, request_id, workflow.PHOTO)
    return message


async def refresh_card(bot: Bot, engine: Engine, config: Config, request_id: int) -> None:
    """Re-render the card in place after a change: its text, or its caption on a photo."""
    request, text, on_photo, _ = _card_text(engine, config, request_id)
    if request.card_chat_id is None or request.card_message_id is None:
        return
    keyboard = card_keyboard(request, config)
    try:
        if on_photo:
            await bot.edit_message_caption(
                chat_id=request.card_chat_id,
                message_id=request.card_message_id,
                caption=text,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard,
            )
        else:
            await bot.edit_message_text(
                text,
                chat_id=request.card_chat_id,
                message_id=request.card_message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard,
            )
    except BadRequest as exc:
        if "not modified" not in str(exc):
            raise


def clear_in_background(context: KentContext, update: Update, erased: Erased) -> None:
    """`clear_after_erasure` as a task of its own, for a press that erased data: staff
    groups take 20 messages a minute, and updates are handled one at a time."""
    context.application.create_task(
        without_blocking(
            context.engine,
            clear_after_erasure(context.bot, context.engine, context.config, erased),
        ),
        update=update,
    )


async def clear_after_erasure(bot: Bot, engine: Engine, config: Config, erased: Erased) -> None:
    """After an erasure, already committed: the requests' cards re-rendered without the
    personal data, and the citizen's photos taken out of the staff groups.

    Telegram failures are logged and skipped: the database no longer holds the data, and
    one message that cannot be changed must not keep the others as they were."""
    # A card on a photo is shown again when its photo goes (or with the placeholder).
    on_photo = {p.request_id for p in erased.photos if p.current_card}
    for request_id in erased.request_ids:
        if request_id in on_photo:
            continue
        try:
            await refresh_card(bot, engine, config, request_id)
        except TelegramError as exc:
            log.warning(
                "card of request %s not refreshed after erasure: %s", request_id, type(exc).__name__
            )
    for photo in erased.photos:
        try:
            await _take_out(bot, engine, config, photo)
        except TelegramError as exc:
            log.warning(
                "photo %s/%s of request %s left in its staff group after erasure: %s",
                photo.chat_id,
                photo.message_id,
                photo.request_id,
                type(exc).__name__,
            )
    for copy in erased.copies:
        try:
            await _blank_copy(bot, engine, config, copy)
        except TelegramError as exc:
            log.warning(
                "%s %s/%s left in its staff group after erasure: %s",
                copy.purpose,
                copy.chat_id,
                copy.message_id,
                type(exc).__name__,
            )


# What a citizen's message relayed to a staff group, a referral's reminder or a CV's PDF
# becomes when Telegram no longer lets the bot delete it.
BLANKED = N_("🗑 Erased: this message held a citizen's personal data (KVKK).")


async def _blank_copy(bot: Bot, engine: Engine, config: Config, copy: GroupCopy) -> None:
    """Take a copy of the citizen's data out of a staff group: a retired card is shown
    again without the data and without buttons (it stays as the redirection's record);
    anything else is deleted or, when Telegram no longer allows that, edited blank (a
    relayed photo or a file becomes the placeholder)."""
    if copy.purpose == RETIRED_CARD:
        assert copy.request_id is not None
        _, text, _, _ = _card_text(engine, config, copy.request_id, as_text=True)
        await _edit_text(bot, copy, text, ParseMode.HTML)
        return
    if copy.deletable:
        try:
            await bot.delete_message(copy.chat_id, copy.message_id)
            return
        except BadRequest as exc:
            log.info("%s/%s not deleted (%s); blanking it", copy.chat_id, copy.message_id, exc)
    blank = translator(config.municipality.default_language)._(BLANKED)
    try:
        await _edit_text(bot, copy, blank)
    except BadRequest as exc:
        if "no text" not in str(exc):
            raise
        # A relayed photo or a CV's PDF: the file goes, and the caption with it.
        await bot.edit_message_media(
            InputMediaPhoto(placeholder_png(), caption=blank),
            chat_id=copy.chat_id,
            message_id=copy.message_id,
        )


async def _edit_text(bot: Bot, copy: GroupCopy, text: str, parse_mode: str | None = None) -> None:
    """Edit a group message's text (its buttons go); the same text again is no failure."""
    try:
        await bot.edit_message_text(
            text, chat_id=copy.chat_id, message_id=copy.message_id, parse_mode=parse_mode
        )
    except BadRequest as exc:
        if "not modified" not in str(exc):
            raise


async def _take_out(bot: Bot, engine: Engine, config: Config, photo: GroupPhoto) -> None:
    """Delete a citizen's photo from a staff group or, when Telegram no longer allows that
    (48 hours after sending), replace it with the placeholder. A deleted card is posted
    again as a text, so staff can still act on the request."""
    if photo.deletable:
        try:
            await bot.delete_message(photo.chat_id, photo.message_id)
        except BadRequest as exc:
            # Older than we thought (the send was slow, clocks differ) or deleted by hand:
            # the replacement below tells which.
            log.info(
                "photo %s/%s not deleted (%s); replacing it", photo.chat_id, photo.message_id, exc
            )
        else:
            if photo.purpose == PHOTO_CARD:
                with transaction(engine) as session:
                    workflow.forget_card(session, photo.request_id, photo.chat_id, photo.message_id)
            if photo.current_card:
                await post_card(bot, engine, config, photo.request_id)
            return
    media = InputMediaPhoto(placeholder_png())
    keyboard = None
    if photo.current_card:
        request, text, _, _ = _card_text(engine, config, photo.request_id)
        media = InputMediaPhoto(placeholder_png(), caption=text, parse_mode=ParseMode.HTML)
        keyboard = card_keyboard(request, config)
    await bot.edit_message_media(
        media, chat_id=photo.chat_id, message_id=photo.message_id, reply_markup=keyboard
    )


@cache
def placeholder_png(width: int = 320, height: int = 240) -> bytes:
    """What a citizen's photo becomes when it can no longer be deleted: a plain grey image
    with a frame and a diagonal cross, the usual sign for "no picture". Drawn here, as a
    PNG by hand, to keep matplotlib (40 MB) out of this path and no image file in the
    repository."""
    background, ink = b"\xe6\xe6\xe6", b"\xa0\xa0\xa0"
    rows = []
    for y in range(height):
        row = bytearray(background * width)
        for x in (
            round(y * (width - 1) / (height - 1)),
            round((height - 1 - y) * (width - 1) / (height - 1)),
        ):
            for dx in range(-1, 2):  # three pixels wide, so it survives downscaling
                if 0 <= x + dx < width:
                    row[3 * (x + dx) : 3 * (x + dx) + 3] = ink
        if y < 4 or y >= height - 4:
            row[:] = ink * width
        else:
            row[:12] = row[-12:] = ink * 4
        rows.append(b"\x00" + bytes(row))  # filter type 0 (none) before every row

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


async def retire_card(bot: Bot, chat_id: int, message_id: int, note: str) -> None:
    """The old card after a redirection: keep it readable, take its buttons away."""
    try:
        await bot.edit_message_reply_markup(
            chat_id=chat_id, message_id=message_id, reply_markup=None
        )
        await bot.send_message(
            chat_id,
            note,
            reply_parameters=ReplyParameters(
                message_id=message_id, allow_sending_without_reply=True
            ),
        )
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
        t = translator_of(citizen)
        notice = citizen_notice(
            t,
            request,
            event,
            reference.get(session, Department, request.department_code),
            reference.get(session, Category, request.category_code),
        )
        chat_id = citizen.telegram_id
    if notice is None:
        return False
    try:
        message = await send(bot, chat_id, notice)
    except Forbidden:
        with transaction(engine) as session:
            citizens.mark_blocked(session, chat_id)
        log.info("citizen of request %s blocked the bot; notice not delivered", request_id)
        return False
    if event.kind == "question" and message is not None:
        with transaction(engine) as session:
            workflow.link_message(session, chat_id, message.message_id, request_id, "question")
    return True
