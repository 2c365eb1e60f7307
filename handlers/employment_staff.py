"""The employment centre's staff desk in Telegram (issue 17), and the citizens' answers to
a referral.

/istihdam typed in the centre's staff group (department `istihdam`) opens the desk
there; in private chat the employment menu shows staff a "🗂 Staff desk" entry. Every
press (`es:`) is checked by core (registry.authorize) against the presser's stored role,
so a citizen pressing an old staff button is told politely that it is not theirs.
What each screen shows is in flows.employment (staff, vacancy_desk, referral_desk and
referral_answers); this module routes the presses.

Citizens answer referrals with the buttons under their messages (`er:`, private chats
only): interested or not, whether the interview happened, whether the work started.
Messages to citizens are queued in the outbox with the change that causes them; the
outbox is woken once the change is committed.

The follow-up sweep (`referral_followups`, daily at the daily digest's time) asks the
questions that came due, expires referrals that stopped moving and reminds the centre's
group, once, of questions nobody answered (core.employment.followups)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session
from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.sending import bulk
from common.i18n import Translator, translator
from core import routing
from core.employment import codes, desk, followups, group_messages
from core.privacy import CV_FILE, REFERRAL_REMINDER
from db.engine import transaction
from db.models import Citizen, StaffMember
from flows.employment import referral_answers, referral_desk, staff, vacancy_desk
from flows.employment import staff_actions as s
from flows.employment.staff_common import refusal
from flows.screen import Screen
from handlers import outbox, render
from handlers.buttons import Buttons
from handlers.common import KentContext, is_private, steps_down_when_deposed
from handlers.feature import Daily, Feature
from handlers.render import present

log = logging.getLogger("kentbot.employment")


async def _not_found(update: Update, context: KentContext) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer(refusal(context.texts(), "not_found"), show_alert=True)


staff_buttons = Buttons("es", invalid=_not_found)
answer_buttons = Buttons("er", invalid=_not_found, private_only=True)

StaffAct = Callable[[Session, StaffMember | None, Translator, datetime], Screen]


async def _staff_press(
    update: Update, context: KentContext, act: StaffAct, tells: bool = False
) -> None:
    """A desk button: core checks the presser's role inside `act`; a refusal (a citizen
    pressing an old staff button, a firm verified meanwhile) comes as an alert. `tells`:
    the work queued messages to citizens, which the outbox sends once committed. In a
    group, the pressed message is recorded with the job seekers and the firms' contact
    persons its new screen shows, so that erasing their data takes it out of the group."""
    query = update.callback_query
    pressed = query.message if query is not None and not is_private(update) else None

    def work(session: Session, citizen: Citizen, t: Translator, now: datetime) -> Screen:
        screen = act(session, context.staff_member(session), t, now)
        if isinstance(pressed, Message):
            group_messages.showing(
                session,
                pressed.chat.id,
                pressed.message_id,
                pressed.date,
                screen.seekers_shown,
                screen.firms_shown,
            )
        return screen

    shown = await render.press(update, context, work, refusal)
    if shown and tells:
        outbox.wake(context.application)


async def desk_command(update: Update, context: KentContext) -> None:
    """/istihdam in the centre's staff group: the desk, for its staff."""
    message = update.effective_message
    if message is None or update.effective_user is None:
        return
    with context.citizen_transaction() as (session, _citizen, t):
        member = context.staff_member(session)
        if not desk.is_staff(member):
            screen = Screen(refusal(t, "not_allowed"))
        else:
            screen = staff.desk_screen(session, member, t, context.deps.clock(), context.config.tz)
    await present(update, screen)


def is_desk_group(context: KentContext, chat_id: int) -> bool:
    """Whether the chat is the employment centre's staff group."""
    with transaction(context.engine) as session:
        return routing.department_chat(session, codes.DEPARTMENT) == chat_id


async def group_command(update: Update, context: KentContext) -> bool:
    """/istihdam outside a private chat: the desk in the centre's group; False elsewhere
    (the command then does nothing, as before)."""
    chat = update.effective_chat
    if chat is None or is_private(update) or not is_desk_group(context, chat.id):
        return False
    await desk_command(update, context)
    return True


@staff_buttons.on(s.Desk)
async def open_desk(update: Update, context: KentContext, button: s.Desk) -> None:
    tz = context.config.tz
    await _staff_press(
        update, context, lambda session, m, t, now: staff.desk_screen(session, m, t, now, tz)
    )


@staff_buttons.on(s.Firms)
async def firms(update: Update, context: KentContext, button: s.Firms) -> None:
    await _staff_press(update, context, lambda session, m, t, now: staff.firms(session, m, t))


@staff_buttons.on(s.Firm)
async def firm(update: Update, context: KentContext, button: s.Firm) -> None:
    await _staff_press(
        update, context, lambda session, m, t, now: staff.firm(session, m, t, button.employer_id)
    )


@staff_buttons.on(s.Verify)
async def verify(update: Update, context: KentContext, button: s.Verify) -> None:
    await _staff_press(
        update,
        context,
        lambda session, m, t, now: staff.verify(session, m, t, button.employer_id, now),
        tells=True,
    )


@staff_buttons.on(s.RejectFirm)
async def reject_firm(update: Update, context: KentContext, button: s.RejectFirm) -> None:
    await _staff_press(
        update,
        context,
        lambda session, m, t, now: staff.reject_reasons(session, m, t, button.employer_id),
    )


@staff_buttons.on(s.RejectFirmWith)
async def reject_firm_with(update: Update, context: KentContext, button: s.RejectFirmWith) -> None:
    await _staff_press(
        update,
        context,
        lambda session, m, t, now: staff.reject(
            session, m, t, button.employer_id, button.reason, now
        ),
        tells=True,
    )


@staff_buttons.on(s.Pending)
async def pending(update: Update, context: KentContext, button: s.Pending) -> None:
    tz = context.config.tz
    await _staff_press(
        update, context, lambda session, m, t, now: vacancy_desk.pending(session, m, t, now, tz)
    )


@staff_buttons.on(s.PendingPage)
async def pending_page(update: Update, context: KentContext, button: s.PendingPage) -> None:
    tz = context.config.tz
    await _staff_press(
        update,
        context,
        lambda session, m, t, now: vacancy_desk.pending(
            session, m, t, now, tz, offset=button.offset
        ),
    )


@staff_buttons.on(s.PendingVacancy)
async def pending_vacancy(update: Update, context: KentContext, button: s.PendingVacancy) -> None:
    await _staff_press(
        update,
        context,
        lambda session, m, t, now: vacancy_desk.pending_vacancy(session, m, t, button.vacancy_id),
    )


@staff_buttons.on(s.Approve)
async def approve(update: Update, context: KentContext, button: s.Approve) -> None:
    tz = context.config.tz
    await _staff_press(
        update,
        context,
        lambda session, m, t, now: vacancy_desk.approve(session, m, t, button.vacancy_id, now, tz),
        tells=True,
    )


@staff_buttons.on(s.SendBack)
async def send_back(update: Update, context: KentContext, button: s.SendBack) -> None:
    await _staff_press(
        update,
        context,
        lambda session, m, t, now: vacancy_desk.send_back_reasons(session, m, t, button.vacancy_id),
    )


@staff_buttons.on(s.SendBackWith)
async def send_back_with(update: Update, context: KentContext, button: s.SendBackWith) -> None:
    tz = context.config.tz
    await _staff_press(
        update,
        context,
        lambda session, m, t, now: vacancy_desk.send_back(
            session, m, t, button.vacancy_id, button.reason, now, tz
        ),
        tells=True,
    )


@staff_buttons.on(s.Published)
async def published(update: Update, context: KentContext, button: s.Published) -> None:
    tz = context.config.tz
    await _staff_press(
        update, context, lambda session, m, t, now: vacancy_desk.published(session, m, t, now, tz)
    )


@staff_buttons.on(s.PublishedPage)
async def published_page(update: Update, context: KentContext, button: s.PublishedPage) -> None:
    tz = context.config.tz
    await _staff_press(
        update,
        context,
        lambda session, m, t, now: vacancy_desk.published(
            session, m, t, now, tz, offset=button.offset
        ),
    )


@staff_buttons.on(s.Referrals)
async def vacancy_referrals(update: Update, context: KentContext, button: s.Referrals) -> None:
    await _staff_press(
        update,
        context,
        lambda session, m, t, now: vacancy_desk.vacancy_referrals(
            session, m, t, button.vacancy_id, button.offset
        ),
    )


@staff_buttons.on(s.CloseVacancy)
async def close_vacancy(update: Update, context: KentContext, button: s.CloseVacancy) -> None:
    await _staff_press(
        update,
        context,
        lambda session, m, t, now: vacancy_desk.close_vacancy(session, m, t, button.vacancy_id),
    )


@staff_buttons.on(s.CloseVacancyConfirmed)
async def close_vacancy_confirmed(
    update: Update, context: KentContext, button: s.CloseVacancyConfirmed
) -> None:
    tz = context.config.tz
    await _staff_press(
        update,
        context,
        lambda session, m, t, now: vacancy_desk.close_vacancy_confirmed(
            session, m, t, button.vacancy_id, now, tz
        ),
        tells=True,
    )


@staff_buttons.on(s.Candidates)
async def candidates(update: Update, context: KentContext, button: s.Candidates) -> None:
    await _staff_press(
        update,
        context,
        lambda session, m, t, now: referral_desk.candidates(session, m, t, button.vacancy_id, now),
    )


@staff_buttons.on(s.Refer)
async def refer(update: Update, context: KentContext, button: s.Refer) -> None:
    tz = context.config.tz
    await _staff_press(
        update,
        context,
        lambda session, m, t, now: referral_desk.refer(
            session, m, t, button.vacancy_id, button.seeker_id, now, now.astimezone(tz).date()
        ),
        tells=True,
    )


@staff_buttons.on(s.CVFile)
async def cv_file(update: Update, context: KentContext, button: s.CVFile) -> None:
    sent = await render.send_file(
        update,
        context,
        lambda session, citizen, t: desk.cv_file(
            session, context.staff_member(session), button.seeker_id
        ),
        refusal,
    )
    if sent is not None and not is_private(update):
        # The CV in the centre's group: erasing the seeker's data takes it out too.
        with transaction(context.engine) as session:
            group_messages.remember(
                session,
                button.seeker_id,
                sent.chat.id,
                sent.message_id,
                CV_FILE,
                context.deps.clock(),
            )


@staff_buttons.on(s.Outcome)
async def set_outcome(update: Update, context: KentContext, button: s.Outcome) -> None:
    tz = context.config.tz
    await _staff_press(
        update,
        context,
        lambda session, m, t, now: referral_desk.outcome(
            session, m, t, button.referral_id, button.to, now, tz
        ),
    )


@staff_buttons.on(s.Card)
async def referral_card(update: Update, context: KentContext, button: s.Card) -> None:
    tz = context.config.tz
    await _staff_press(
        update,
        context,
        lambda session, m, t, now: referral_desk.card(session, m, t, button.referral_id, tz),
    )


@staff_buttons.on(s.NotHired)
async def not_hired(update: Update, context: KentContext, button: s.NotHired) -> None:
    await _staff_press(
        update,
        context,
        lambda session, m, t, now: referral_desk.not_hired_reasons(
            session, m, t, button.referral_id
        ),
    )


@staff_buttons.on(s.NotHiredWith)
async def not_hired_with(update: Update, context: KentContext, button: s.NotHiredWith) -> None:
    tz = context.config.tz
    await _staff_press(
        update,
        context,
        lambda session, m, t, now: referral_desk.outcome(
            session, m, t, button.referral_id, codes.NOT_HIRED, now, tz, reason=button.reason
        ),
    )


@staff_buttons.on(s.JobFoundOn)
async def job_found_on(update: Update, context: KentContext, button: s.JobFoundOn) -> None:
    tz = context.config.tz
    await _staff_press(
        update,
        context,
        lambda session, m, t, now: referral_desk.job_found_on(
            session, m, t, button.referral_id, button.days, now, tz
        ),
    )


@staff_buttons.on(s.AcceptForSeeker)
async def accept_for_seeker(
    update: Update, context: KentContext, button: s.AcceptForSeeker
) -> None:
    await _staff_press(
        update,
        context,
        lambda session, m, t, now: referral_desk.accept_question(session, m, t, button.referral_id),
    )


@staff_buttons.on(s.AcceptedForSeeker)
async def accepted_for_seeker(
    update: Update, context: KentContext, button: s.AcceptedForSeeker
) -> None:
    tz = context.config.tz
    await _staff_press(
        update,
        context,
        lambda session, m, t, now: referral_desk.accept_for_seeker(
            session, m, t, button.referral_id, button.how, now, tz
        ),
        tells=True,
    )


# --- Citizens' answers ---------------------------------------------------------------------

CitizenAnswer = Callable[[Session, Citizen, Translator, int, bool, datetime], Screen]


async def _answer(
    update: Update, context: KentContext, answer: CitizenAnswer, referral_id: int, yes: bool
) -> None:
    shown = await render.press(
        update,
        context,
        lambda session, citizen, t, now: answer(session, citizen, t, referral_id, yes, now),
        refusal,
    )
    if shown:
        outbox.wake(context.application)


@answer_buttons.on(s.Interested)
async def interested(update: Update, context: KentContext, button: s.Interested) -> None:
    await _answer(
        update, context, referral_answers.interested, button.referral_id, button.answer == "y"
    )


@answer_buttons.on(s.InterviewHeld)
async def interview_held(update: Update, context: KentContext, button: s.InterviewHeld) -> None:
    await _answer(
        update, context, referral_answers.interview_held, button.referral_id, button.answer == "y"
    )


@answer_buttons.on(s.SeekerStarted)
async def seeker_started(update: Update, context: KentContext, button: s.SeekerStarted) -> None:
    await _answer(
        update, context, referral_answers.seeker_started, button.referral_id, button.answer == "y"
    )


@answer_buttons.on(s.EmployerStarted)
async def employer_started(update: Update, context: KentContext, button: s.EmployerStarted) -> None:
    await _answer(
        update, context, referral_answers.employer_started, button.referral_id, button.answer == "y"
    )


# --- The follow-up sweep -------------------------------------------------------------------


@steps_down_when_deposed(log, "employment follow-ups")
async def referral_followups(context: KentContext) -> None:
    """Job: ask the follow-up questions that came due, expire referrals that stopped
    moving, and remind the centre's group of questions nobody answered."""
    shared = context.deps
    config = shared.config
    now = shared.clock()
    today = now.astimezone(config.tz).date()
    with transaction(shared.engine) as session:
        for referral in followups.interview_questions(session, now):
            referral_answers.ask_interview(session, referral, now)
        for referral in followups.firm_interview_questions(session, now):
            referral_answers.ask_interview_firm(session, referral, now)
        for referral in followups.start_questions(session, now, today):
            referral_answers.ask_start(session, referral, now)
        expired = followups.expire(session, now, config.employment.referral_expiry_days)
    if expired:
        log.info("%d referral(s) expired without change", len(expired))
    outbox.wake(context.application)

    t = translator(config.municipality.default_language)
    with transaction(shared.engine) as session:
        chat = routing.staff_chat(session, config, codes.DEPARTMENT)
        if chat is None:
            return
        due = followups.reminders(
            session, shared.calendar, now, config.employment.reminder_working_days, shared.fence
        )
        screens = [
            (
                referral.id,
                referral.seeker_id,
                question,
                referral_desk.reminder(session, referral, question, t, config.tz),
            )
            for referral, question in due
        ]
    for referral_id, seeker_id, question, screen in screens:
        try:
            with bulk():  # scheduled: replies to people who are chatting go first
                sent = await context.bot.send_message(
                    chat,
                    screen.text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=render.inline_keyboard(screen.choices),
                )
            # It shows the candidate's name and phone: erasing their data takes it out.
            with transaction(shared.engine) as session:
                group_messages.remember(
                    session, seeker_id, chat, sent.message_id, REFERRAL_REMINDER, now
                )
        except TelegramError as exc:
            log.warning(
                "follow-up reminder of referral %s not sent: %s", referral_id, type(exc).__name__
            )
            assert referral_id is not None
            with transaction(shared.engine) as session:
                followups.forget_reminder(session, referral_id, question)


FEATURE = Feature(
    name="employment_staff",
    handlers=(staff_buttons.handler(), answer_buttons.handler()),
    jobs=(
        Daily(
            "employment-followups",
            referral_followups,
            at=lambda schedule: schedule.daily_digest,
        ),
    ),
)
