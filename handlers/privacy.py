"""KVKK in the citizen's chat: /verilerim (what we hold), /verilerimi_sil (erase it), and
the retention job that erases old closed requests' personal data."""

from __future__ import annotations

import json
import logging

from telegram import CallbackQuery, InputFile, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from common.i18n import N_
from core import privacy
from db.engine import transaction
from flows import privacy as kvkk
from flows.screen import Screen
from handlers.buttons import Buttons
from handlers.common import KentContext, private
from handlers.delivery import clear_after_erasure, clear_in_background
from handlers.feature import Command, Daily, Feature
from handlers.render import present

log = logging.getLogger("kentbot.privacy")

EXPORT_FILE = "verilerim.json"


# Pressed outside a private chat (forged), they are answered and do nothing.
buttons = Buttons("kvkk", private_only=True)


@private
async def my_data(update: Update, context: KentContext) -> None:
    """/verilerim: everything stored about the citizen, as a JSON file."""
    message = update.effective_message
    if message is None:
        return
    t = context.texts()
    shared = context.deps
    with transaction(shared.engine) as session:
        citizen = privacy.citizen_of(session, context.user_id)
        data = (
            privacy.export(session, citizen, shared.personal_data, shared.clock())
            if citizen
            else None
        )
    if data is None:
        await present(update, kvkk.nothing_held(t))
        return
    payload = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    await message.reply_document(
        InputFile(payload, filename=EXPORT_FILE),
        caption=kvkk.export_caption(t),
    )


@private
async def erase_command(update: Update, context: KentContext) -> None:
    """/verilerimi_sil: says what erasing means and asks to confirm with a button."""
    message = update.effective_message
    if message is None:
        return
    await present(update, kvkk.erase_question(context.texts()))


async def _say(query: CallbackQuery, screen: Screen) -> None:
    """Replace the question with the outcome; a forged or too old message cannot be edited,
    so the outcome then comes as a new message."""
    try:
        await query.edit_message_text(screen.text, parse_mode=ParseMode.HTML)
    except BadRequest:
        if query.message is not None:
            await query.get_bot().send_message(
                query.message.chat.id, screen.text, parse_mode=ParseMode.HTML
            )


@buttons.on(kvkk.Keep)
async def keep(update: Update, context: KentContext, button: kvkk.Keep) -> None:
    """Nothing is erased."""
    query = update.callback_query
    assert query is not None
    t = context.texts()
    await query.answer()
    await _say(query, kvkk.kept(t))


@buttons.on(kvkk.Erase)
async def erase(update: Update, context: KentContext, button: kvkk.Erase) -> None:
    """Erases the citizen's personal data (once, whatever is pressed twice)."""
    query = update.callback_query
    assert query is not None
    # Translated before erasing: afterwards the citizen's language is gone with them.
    t = context.texts()
    await query.answer()
    shared = context.deps
    with transaction(shared.engine) as session:
        citizen = privacy.citizen_of(session, query.from_user.id)
        erased = (
            privacy.erase(session, citizen, shared.personal_data, shared.clock())
            if citizen
            else None
        )
    await _say(query, kvkk.erased(t))
    if erased is None:
        return
    log.info(
        "citizen data erased on request: %d request(s), %d child(ren), %d photo(s) and %d other "
        "message(s) in staff groups",
        len(erased.request_ids),
        erased.children,
        len(erased.photos),
        len(erased.copies),
    )
    # The staff groups' cards show the request's text and phone, and copies of its photos.
    clear_in_background(context, update, erased)


async def retention_job(context: KentContext) -> None:
    """Job: erase the personal data of requests closed longer ago than the retention period."""
    shared = context.deps
    with transaction(shared.engine) as session:
        erased = privacy.retention_sweep(
            session, shared.personal_data, shared.clock(), shared.config.kvkk.retention_days
        )
    if erased.request_ids or erased.photos or erased.copies:
        log.info(
            "retention: personal data of %d closed request(s) erased, %d photo(s) and %d "
            "other message(s) in staff groups",
            len(erased.request_ids),
            len(erased.photos),
            len(erased.copies),
        )
        # As for a citizen's own erasure: what the staff groups show of them goes too (an
        # idle CV's referral reminders, say, come with no request).
        await clear_after_erasure(context.bot, shared.engine, shared.config, erased)


FEATURE = Feature(
    name="privacy",
    commands=(
        Command(("verilerim", "mydata"), my_data, N_("The data you hold about me"), place=70),
        Command(("verilerimi_sil", "erase_my_data"), erase_command),
    ),
    handlers=(buttons.handler(),),
    jobs=(Daily("kvkk-retention", retention_job, at=lambda schedule: schedule.indicator_snapshot),),
)
