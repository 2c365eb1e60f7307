"""The satisfaction survey in the citizen's chat: 1-5 buttons, a comment, or "not solved"."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from telegram import InlineKeyboardMarkup, ReplyParameters, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError

from common.i18n import Translator, resolve_language, translator
from core import citizens, conversation, survey
from core.refusals import Refused
from core.workflow import NotFound
from db.engine import transaction
from db.models import Citizen, ConversationState, Request
from db.types import utcnow
from handlers.buttons import Button, Buttons
from handlers.common import KentContext
from handlers.delivery import refresh_card
from handlers.feature import Every, Feature, Steps

log = logging.getLogger("kentbot.survey")


class CommentState(conversation.State):
    """The request whose survey the comment belongs to."""

    request_id: int


class SurveyStep(StrEnum):
    # The optional comment after a score: the citizen's next message, whatever it replies to.
    COMMENT = "survey_comment"


def _keyboard(t: Translator, request_id: int) -> InlineKeyboardMarkup:
    scores: tuple[Literal[1, 2, 3, 4, 5], ...] = (1, 2, 3, 4, 5)
    stars = [Score(request_id, n).button(f"{'⭐' * n}" if n < 3 else f"{n} ⭐") for n in scores]
    return InlineKeyboardMarkup(
        [
            stars[:3],
            stars[3:],
            [NotSolved(request_id).button(t._("❌ My problem is not solved"))],
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


@dataclass(frozen=True)
class Score(Button, prefix="sv"):
    """One of the five stars."""

    request_id: int
    score: Literal[1, 2, 3, 4, 5]


@dataclass(frozen=True)
class NotSolved(Button, prefix="sv"):
    """❌ My problem is not solved: reopens the request."""

    request_id: int
    answer: Literal["x"] = "x"


async def _not_found(update: Update, context: KentContext) -> None:
    assert update.callback_query is not None
    t = context.texts()
    await update.callback_query.answer(t._("Request not found."), show_alert=True)


buttons = Buttons("sv", invalid=_not_found)


async def _refuse(update: Update, t: Translator, exc: NotFound | Refused) -> None:
    assert update.callback_query is not None
    if isinstance(exc, NotFound):
        text = t._("Request not found.")
    elif exc.reason == "already_answered":
        text = t._("You have already answered this survey. Thank you!")
    else:
        text = t._("This survey is closed.")
    await update.callback_query.answer(text, show_alert=True)


@buttons.on(Score)
async def score(update: Update, context: KentContext, button: Score) -> None:
    """A score; the citizen may then write a comment (the survey_comment step)."""
    assert update.callback_query is not None
    now = context.deps.clock()
    with context.citizen_transaction() as (session, person, t):
        try:
            survey.answer(session, person, button.request_id, button.score, now)
        except (NotFound, Refused) as exc:
            session.rollback()
            await _refuse(update, t, exc)
            return
        conversation.set_step(
            session, person, SurveyStep.COMMENT, CommentState(request_id=button.request_id)
        )
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(
        t._(
            "🙏 Thank you for your answer! If you like, write a comment in one message (or /iptal)."
        ),
        parse_mode=ParseMode.HTML,
    )


@buttons.on(NotSolved)
async def not_solved(update: Update, context: KentContext, button: NotSolved) -> None:
    """The request is open again; its card and its department are told."""
    query = update.callback_query
    assert query is not None
    config = context.config
    with context.citizen_transaction() as (session, person, t):
        try:
            reopened = survey.not_solved(session, person, button.request_id, context.deps.clock())
        except (NotFound, Refused) as exc:
            session.rollback()
            await _refuse(update, t, exc)
            return
    await query.answer()
    await query.edit_message_text(
        t._(
            "🔁 We are sorry. Your request {number} has been reopened and the "
            "department has been told."
        ).format(number=reopened.number),
        parse_mode=ParseMode.HTML,
    )
    if reopened.id is not None:
        await refresh_card(context.bot, context.engine, config, reopened.id)
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
    with context.citizen_transaction() as (session, person, t):
        draft = session.get(ConversationState, person.id)
        if draft is None or draft.step != SurveyStep.COMMENT:
            return False
        with contextlib.suppress(NotFound):  # the request was erased meanwhile
            survey.add_comment(
                session, person, conversation.state_of(draft, CommentState).request_id, message.text
            )
        session.delete(draft)
    await message.reply_text(t._("📝 Thank you, your comment has been recorded."))
    return True


FEATURE = Feature(
    name="survey",
    handlers=(buttons.handler(),),
    # The comment after a score takes whatever the citizen sends next, a reply included.
    steps=Steps(on_message, names=frozenset((SurveyStep.COMMENT,)), before_replies=True),
    jobs=(Every("survey", survey_sweep, seconds=900, first=60),),
)
