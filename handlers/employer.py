"""The employment centre's employers in Telegram: "🏢 I am an employer" in the employment
menu opens the citizen's firms; a firm is registered by chat, a verified firm posts
vacancies for the centre's approval, sees the candidates referred to them (those who
said they are interested) and records what happened. What each screen shows is
flows.employment's: employer (the firms), employer_wizard (registering a firm, writing
a vacancy) and employer_vacancies (the vacancies, candidates and outcomes); this module
only routes the presses (`j:`) and the typed answers (steps e_firm, e_vac, e_out) to
them. Ownership of every firm, vacancy and referral is checked in core.employment.firms,
never read from the button."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session
from telegram import Update

from common.i18n import N_, Translator
from core.employment import firms
from core.refusals import Refused
from db.models import Citizen, ConversationState
from db.types import utcnow
from flows.employment import employer as flow
from flows.employment import employer_actions as j
from flows.employment import employer_vacancies as vacancy_flow
from flows.employment import employer_wizard as wizard
from flows.employment.employer_screens import refusal
from flows.employment.employer_state import EmployerStep
from flows.screen import Screen
from handlers import render
from handlers.buttons import Buttons
from handlers.common import KentContext
from handlers.feature import Feature, Steps
from handlers.render import Act, present


async def _not_found(update: Update, context: KentContext) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer(refusal(context.texts(), "not_found"), show_alert=True)


buttons = Buttons("j", invalid=_not_found, private_only=True)


async def press(update: Update, context: KentContext, act: Act) -> None:
    await render.press(update, context, act, refusal)


def _zoned(
    context: KentContext,
    work: Callable[..., Screen],
    *args: object,
) -> Act:
    """`work(session, citizen, t, *args, now, tz)`: a press whose work needs the day in
    the municipality's time zone."""
    tz = context.config.tz
    return lambda session, citizen, t, now: work(session, citizen, t, *args, now, tz)


def _plain(work: Callable[..., Screen], *args: object) -> Act:
    """`work(session, citizen, t, *args)`."""
    return lambda session, citizen, t, now: work(session, citizen, t, *args)


def _register(context: KentContext) -> Act:
    controller = context.config.kvkk.data_controller or context.config.municipality.name
    return _plain(wizard.register, controller)


@buttons.on(j.Home)
async def home(update: Update, context: KentContext, button: j.Home) -> None:
    await press(update, context, _plain(flow.home))


@buttons.on(j.Register)
async def register(update: Update, context: KentContext, button: j.Register) -> None:
    await press(update, context, _register(context))


@buttons.on(j.Consented)
async def consented(update: Update, context: KentContext, button: j.Consented) -> None:
    await press(update, context, _plain(wizard.consented))


@buttons.on(j.Back)
async def back(update: Update, context: KentContext, button: j.Back) -> None:
    await press(update, context, _plain(wizard.back))


@buttons.on(j.Cancel)
async def cancel(update: Update, context: KentContext, button: j.Cancel) -> None:
    await press(update, context, _plain(wizard.cancel))


@buttons.on(j.Skip)
async def skip(update: Update, context: KentContext, button: j.Skip) -> None:
    await press(update, context, _plain(wizard.skip))


@buttons.on(j.Pick)
async def pick(update: Update, context: KentContext, button: j.Pick) -> None:
    await press(update, context, _plain(wizard.pick, button.value))


@buttons.on(j.Occupation)
async def occupation(update: Update, context: KentContext, button: j.Occupation) -> None:
    await press(update, context, _plain(wizard.occupation, button.code))


@buttons.on(j.Until)
async def until(update: Update, context: KentContext, button: j.Until) -> None:
    await press(update, context, _zoned(context, wizard.until, button.months))


@buttons.on(j.Summary)
async def summary(update: Update, context: KentContext, button: j.Summary) -> None:
    await press(update, context, _plain(wizard.summary))


@buttons.on(j.EditMenu)
async def edit_menu(update: Update, context: KentContext, button: j.EditMenu) -> None:
    await press(update, context, _plain(wizard.edit_menu))


@buttons.on(j.Edit)
async def edit(update: Update, context: KentContext, button: j.Edit) -> None:
    await press(update, context, _plain(wizard.edit, button.field))


@buttons.on(j.Save)
async def save(update: Update, context: KentContext, button: j.Save) -> None:
    await press(update, context, wizard.save)


@buttons.on(j.Firm)
async def firm(update: Update, context: KentContext, button: j.Firm) -> None:
    await press(update, context, _plain(flow.firm, button.employer_id))


@buttons.on(j.NewVacancy)
async def new_vacancy(update: Update, context: KentContext, button: j.NewVacancy) -> None:
    await press(update, context, _plain(wizard.new_vacancy, button.employer_id))


@buttons.on(j.Vacancies)
async def vacancies(update: Update, context: KentContext, button: j.Vacancies) -> None:
    await press(update, context, _plain(vacancy_flow.vacancies, button.employer_id))


@buttons.on(j.Vacancy)
async def vacancy(update: Update, context: KentContext, button: j.Vacancy) -> None:
    await press(update, context, _plain(vacancy_flow.vacancy, button.vacancy_id))


@buttons.on(j.CorrectFirm)
async def correct_firm(update: Update, context: KentContext, button: j.CorrectFirm) -> None:
    await press(update, context, _plain(wizard.correct_firm, button.employer_id))


@buttons.on(j.CorrectVacancy)
async def correct_vacancy(update: Update, context: KentContext, button: j.CorrectVacancy) -> None:
    await press(update, context, _plain(wizard.correct_vacancy, button.vacancy_id))


@buttons.on(j.Candidate)
async def candidate(update: Update, context: KentContext, button: j.Candidate) -> None:
    tz = context.config.tz
    await press(
        update,
        context,
        lambda session, citizen, t, now: vacancy_flow.candidate(
            session, citizen, t, button.referral_id, tz
        ),
    )


@buttons.on(j.CVFile)
async def cv_file(update: Update, context: KentContext, button: j.CVFile) -> None:
    await render.send_file(
        update,
        context,
        lambda session, citizen, t: firms.cv_file(session, citizen, button.referral_id),
        refusal,
    )


@buttons.on(j.Outcome)
async def outcome(update: Update, context: KentContext, button: j.Outcome) -> None:
    await press(
        update, context, _zoned(context, vacancy_flow.outcome, button.referral_id, button.to)
    )


@buttons.on(j.Reason)
async def reason(update: Update, context: KentContext, button: j.Reason) -> None:
    await press(
        update, context, _zoned(context, vacancy_flow.reason, button.referral_id, button.reason)
    )


@buttons.on(j.Undecided)
async def undecided(update: Update, context: KentContext, button: j.Undecided) -> None:
    tz = context.config.tz
    await press(
        update,
        context,
        lambda session, citizen, t, now: vacancy_flow.undecided(
            session, citizen, t, button.referral_id, tz
        ),
    )


@buttons.on(j.Day)
async def day(update: Update, context: KentContext, button: j.Day) -> None:
    await press(update, context, _zoned(context, vacancy_flow.day, button.offset))


@buttons.on(j.Close)
async def close(update: Update, context: KentContext, button: j.Close) -> None:
    await press(update, context, _plain(vacancy_flow.close, button.vacancy_id))


@buttons.on(j.CloseConfirmed)
async def close_confirmed(update: Update, context: KentContext, button: j.CloseConfirmed) -> None:
    await press(
        update,
        context,
        lambda session, citizen, t, now: vacancy_flow.close_confirmed(
            session, citizen, t, button.vacancy_id, now
        ),
    )


def _answer(
    session: Session,
    citizen: Citizen,
    t: Translator,
    step: str,
    text: str,
    now: datetime,
    tz: ZoneInfo,
) -> Screen:
    if step == EmployerStep.OUTCOME:
        return vacancy_flow.outcome_answer(session, citizen, t, text, now, tz)
    return wizard.answer(session, citizen, t, text, now, tz)


async def on_message(update: Update, context: KentContext) -> bool:
    """A typed answer to the firm's or the vacancy's question, or an outcome's date (a
    shared contact at the phone question too), in one transaction."""
    message = update.effective_message
    if message is None:
        return False
    text = message.text or (message.contact.phone_number if message.contact else None)
    if not text:
        return False
    now = utcnow()
    with context.citizen_transaction() as (session, citizen, t):
        draft = session.get(ConversationState, citizen.id)
        if draft is None or draft.step not in set(EmployerStep):
            return False
        try:
            screen = _answer(session, citizen, t, draft.step, text.strip(), now, context.config.tz)
        except Refused as exc:
            session.rollback()
            screen = Screen(f"⚠️ {refusal(t, exc.reason)}")
    await present(update, screen)
    return True


FEATURE = Feature(
    name="employer",
    handlers=(buttons.handler(),),
    steps=Steps(
        on_message,
        names=frozenset(EmployerStep),
        stopped={
            EmployerStep.FIRM: N_("Cancelled. Nothing was changed."),
            EmployerStep.VACANCY: N_("Cancelled. Nothing was changed."),
            EmployerStep.OUTCOME: N_("Cancelled. Nothing was changed."),
        },
    ),
)
