"""The satisfaction survey in Telegram: the question in the citizen's chat, the stars and
"not solved" pressed, the comment that may follow (screens and actions: flows.survey)."""

from __future__ import annotations

import contextlib
import logging

from telegram import ReplyParameters, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError

from common.i18n import Translator, translator
from core import citizens, conversation, survey, workflow
from core.refusals import Refused
from core.workflow import NotFound
from db.engine import transaction
from db.models import Citizen, ConversationState, Request
from db.types import utcnow
from flows import survey as ask
from handlers.buttons import Buttons
from handlers.common import KentContext, steps_down_when_deposed, translator_of
from handlers.delivery import post_card, refresh_card
from handlers.feature import Every, Feature, Steps
from handlers.render import inline_keyboard, present

log = logging.getLogger("kentbot.survey")


async def send_survey(context: KentContext, item: survey.SurveyDue) -> None:
    with transaction(context.engine) as session:
        person = citizens.get_or_create(session, item.telegram_id, None)
        t = translator_of(person)
    screen = ask.question(t, item.request_id, item.number, item.reminder)
    try:
        await context.bot.send_message(
            item.telegram_id,
            screen.text,
            parse_mode=ParseMode.HTML,
            reply_markup=inline_keyboard(screen.choices),
        )
    except Forbidden:
        with transaction(context.engine) as session:
            citizens.mark_blocked(session, item.telegram_id)


async def ask_now(context: KentContext, request_id: int) -> None:
    """Right after a resolution; the sweep catches whatever this misses."""
    with transaction(context.engine) as session:
        if not survey.claim(session, request_id, utcnow(), context.deps.fence):
            return
        request = session.get(Request, request_id)
        person = (
            session.get(Citizen, request.citizen_id) if request and request.citizen_id else None
        )
        if request is None or person is None or person.telegram_id is None:
            return
        item = survey.SurveyDue(request_id, request.number, person.telegram_id, False)
    await send_survey(context, item)


@steps_down_when_deposed(log, "survey sweep")
async def survey_sweep(context: KentContext) -> None:
    """Job: first asks that were missed, and the one reminder after three days."""
    with transaction(context.engine) as session:
        items = survey.due(session, context.deps.clock(), context.deps.fence)
    for item in items:
        try:
            await send_survey(context, item)
        except TelegramError as exc:
            log.warning("survey for request %s not sent: %s", item.request_id, type(exc).__name__)


async def _not_found(update: Update, context: KentContext) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer(ask.refusal(context.texts(), None), show_alert=True)


buttons = Buttons("sv", invalid=_not_found)


async def _refuse(update: Update, t: Translator, exc: NotFound | Refused) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer(ask.refusal(t, exc), show_alert=True)


@buttons.on(ask.Score)
async def score(update: Update, context: KentContext, button: ask.Score) -> None:
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
            session, person, ask.SurveyStep.COMMENT, ask.CommentState(request_id=button.request_id)
        )
    await update.callback_query.answer()
    await present(update, ask.scored(t), edit=True)


@buttons.on(ask.NotSolved)
async def not_solved(update: Update, context: KentContext, button: ask.NotSolved) -> None:
    """The request is open again; its department is told, and the citizen is told only
    what really happened."""
    query = update.callback_query
    assert query is not None
    with context.citizen_transaction() as (session, person, t):
        try:
            reopened = survey.not_solved(session, person, button.request_id, context.deps.clock())
        except (NotFound, Refused) as exc:
            session.rollback()
            await _refuse(update, t, exc)
            return
    told = await _tell_department(context, reopened)
    await query.answer()
    await present(update, ask.reopened(t, reopened.number, told), edit=True)


async def _tell_department(context: KentContext, request: Request) -> bool:
    """The department hears that the request is open again: on its card (shown again, with
    a reply saying so), or on a new card when the old one can no longer be reached. False
    when neither worked: the request is then one without a card, which the SLA sweep
    posts as soon as its group takes cards again."""
    bot, engine, config = context.bot, context.engine, context.config
    assert request.id is not None
    chat_id, message_id = request.card_chat_id, request.card_message_id
    if chat_id is not None and message_id is not None:
        staff_t = translator(config.municipality.default_language)
        notice = staff_t._("🔁 The citizen says {number} is not solved; it is open again.")
        try:
            await refresh_card(bot, engine, config, request.id)
            await bot.send_message(
                chat_id,
                notice.format(number=request.number),
                reply_parameters=ReplyParameters(message_id=message_id),
            )
            return True
        except TelegramError as exc:
            log.info(
                "card of %s not reached (%s): a new card is posted",
                request.number,
                type(exc).__name__,
            )
            with transaction(engine) as session:
                workflow.forget_card(session, request.id, chat_id, message_id)
    # A new card, which shows the request reopened.
    try:
        card = await post_card(bot, engine, config, request.id, fence=context.deps.fence)
        return card is not None
    except TelegramError:  # its photos; the card itself is posted
        return True


async def on_message(update: Update, context: KentContext) -> bool:
    """The optional comment after a rating."""
    message = update.effective_message
    if message is None or update.effective_user is None or not message.text:
        return False
    with context.citizen_transaction() as (session, person, t):
        draft = session.get(ConversationState, person.id)
        if draft is None or draft.step != ask.SurveyStep.COMMENT:
            return False
        with contextlib.suppress(NotFound):  # the request was erased meanwhile
            survey.add_comment(
                session,
                person,
                conversation.state_of(draft, ask.CommentState).request_id,
                message.text,
            )
        session.delete(draft)
    await present(update, ask.comment_recorded(t))
    return True


FEATURE = Feature(
    name="survey",
    handlers=(buttons.handler(),),
    # The comment after a score takes whatever the citizen sends next, a reply included.
    steps=Steps(on_message, names=frozenset((ask.SurveyStep.COMMENT,)), before_replies=True),
    jobs=(Every("survey", survey_sweep, seconds=900, first=60),),
)
