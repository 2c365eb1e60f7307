"""The satisfaction survey in the citizen's chat: 1-5 buttons, a comment, or "not solved"."""

from __future__ import annotations

import contextlib
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import CallbackQueryHandler

from common.i18n import Translator, resolve_language, translator
from core import citizens, survey
from core.refusals import Refused
from core.workflow import NotFound
from db.engine import transaction
from db.models import Citizen, Request, RequestDraft
from db.types import utcnow
from handlers.common import KentContext, as_id
from handlers.delivery import refresh_card
from handlers.feature import Every, Feature, Steps

log = logging.getLogger("kentbot.survey")


def _keyboard(t: Translator, request_id: int) -> InlineKeyboardMarkup:
    stars = [
        InlineKeyboardButton(
            f"{'⭐' * n}" if n < 3 else f"{n} ⭐", callback_data=f"sv:{request_id}:{n}"
        )
        for n in range(1, 6)
    ]
    return InlineKeyboardMarkup(
        [
            stars[:3],
            stars[3:],
            [
                InlineKeyboardButton(
                    t._("❌ My problem is not solved"), callback_data=f"sv:{request_id}:x"
                )
            ],
        ]
    )


async def send_survey(context: KentContext, item: survey.SurveyDue) -> None:
    with transaction(context.engine) as session:
        person = citizens.get_or_create(session, item.telegram_id, None)
        t = translator(resolve_language(person.language, person.telegram_language))
    text = (t._("🔔 A reminder: ") if item.reminder else "") + t._(
        "⭐ How satisfied are you with how your request {number} was handled? "
        "1 = not at all, 5 = very."
    ).format(number=item.number)
    try:
        await context.bot.send_message(
            item.telegram_id, text, reply_markup=_keyboard(t, item.request_id)
        )
    except Forbidden:
        with transaction(context.engine) as session:
            citizens.mark_blocked(session, item.telegram_id)


async def ask_now(context: KentContext, request_id: int) -> None:
    """Right after a resolution; the sweep catches whatever this misses."""
    with transaction(context.engine) as session:
        if not survey.claim(session, request_id, utcnow()):
            return
        request = session.get(Request, request_id)
        person = (
            session.get(Citizen, request.citizen_id) if request and request.citizen_id else None
        )
        if request is None or person is None or person.telegram_id is None:
            return
        item = survey.SurveyDue(request_id, request.number, person.telegram_id, False)
    await send_survey(context, item)


async def survey_sweep(context: KentContext) -> None:
    """Job: first asks that were missed, and the one reminder after three days."""
    with transaction(context.engine) as session:
        items = survey.due(session, context.deps.clock())
    for item in items:
        try:
            await send_survey(context, item)
        except TelegramError as exc:
            log.warning("survey for request %s not sent: %s", item.request_id, type(exc).__name__)


async def survey_button(update: Update, context: KentContext) -> None:
    query = update.callback_query
    if query is None or query.data is None or update.effective_user is None:
        return
    parts = query.data.split(":")
    engine, config = context.engine, context.config
    now = context.deps.clock()
    reopened: Request | None = None
    with transaction(engine) as session:
        person = citizens.get_or_create(
            session, update.effective_user.id, update.effective_user.language_code
        )
        t = translator(resolve_language(person.language, person.telegram_language))
        try:
            found = as_id(parts[1]) if len(parts) == 3 else None
            if found is None:
                raise NotFound(query.data)
            request_id = found
            if parts[2] == "x":
                reopened = survey.not_solved(session, person, request_id, now)
                text = t._(
                    "🔁 We are sorry. Your request {number} has been reopened and the "
                    "department has been told."
                ).format(number=reopened.number)
            elif parts[2] in ("1", "2", "3", "4", "5"):
                survey.answer(session, person, request_id, int(parts[2]), now)
                assert person.id is not None
                draft = session.get(RequestDraft, person.id) or RequestDraft(
                    citizen_id=person.id, step="survey_comment"
                )
                draft.step, draft.data, draft.updated_at = (
                    "survey_comment",
                    {"request_id": request_id},
                    now,
                )
                session.add(draft)
                text = t._(
                    "🙏 Thank you for your answer! If you like, write a comment in one "
                    "message (or /iptal)."
                )
            else:
                raise NotFound(query.data)
        except NotFound:
            session.rollback()
            await query.answer(t._("Request not found."), show_alert=True)
            return
        except Refused as exc:
            session.rollback()
            await query.answer(
                t._("You have already answered this survey. Thank you!")
                if exc.reason == "already_answered"
                else t._("This survey is closed."),
                show_alert=True,
            )
            return
    await query.answer()
    await query.edit_message_text(text, parse_mode=ParseMode.HTML)
    if reopened is not None and reopened.id is not None:
        await refresh_card(context.bot, engine, config, reopened.id)
        if reopened.card_chat_id and reopened.card_message_id:
            staff_t = translator(config.municipality.default_language)
            await context.bot.send_message(
                reopened.card_chat_id,
                staff_t._("🔁 The citizen says {number} is not solved; it is open again.").format(
                    number=reopened.number
                ),
                reply_parameters=ReplyParameters(
                    message_id=reopened.card_message_id, allow_sending_without_reply=True
                ),
            )


async def on_message(update: Update, context: KentContext) -> bool:
    """The optional comment after a rating."""
    message = update.effective_message
    if message is None or update.effective_user is None or not message.text:
        return False
    with transaction(context.engine) as session:
        person = citizens.get_or_create(
            session, update.effective_user.id, update.effective_user.language_code
        )
        draft = session.get(RequestDraft, person.id)
        if draft is None or draft.step != "survey_comment":
            return False
        t = translator(resolve_language(person.language, person.telegram_language))
        with contextlib.suppress(NotFound):  # the request was erased meanwhile
            survey.add_comment(session, person, int(draft.data["request_id"]), message.text)
        session.delete(draft)
    await message.reply_text(t._("📝 Thank you, your comment has been recorded."))
    return True


FEATURE = Feature(
    name="survey",
    handlers=(CallbackQueryHandler(survey_button, pattern=r"^sv:"),),
    # The comment after a score takes whatever the citizen sends next, a reply included.
    steps=Steps(on_message, names=frozenset(("survey_comment",)), before_replies=True),
    jobs=(Every("survey", survey_sweep, seconds=900, first=60),),
)
