"""The employment centre (İstihdam Merkezi, goal 4.3.1) in Telegram. For now the job
seeker's part: /istihdam (and /is, and the main menu's 💼 button) opens the employment
menu, the CV is written by chat after its own KVKK notice, and "My CV" shows, pauses,
edits or deletes it. What each screen shows is flows.employment.seeker's; this module
only routes the presses (`e:`) and typed answers (the step e_cv) to it and renders the
screens. Employers and the centre's staff come next (issue 17), on core/employment/.

What is stored about a citizen (a CV, referrals, the firms they registered) is declared
here too, so /verilerim exports it, /verilerimi_sil erases it and the retention job
expires idle CVs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session
from telegram import Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError

from bot.sending import bulk
from common.i18n import N_, Translator, translator
from core import citizens, conversation
from core.employment import personal_data as employment_personal_data
from core.employment import renewal
from core.privacy import Erased
from db.engine import transaction
from db.models import Citizen, ConversationState
from db.types import utcnow
from flows.employment import actions as a
from flows.employment import renewal as renewal_flow
from flows.employment import seeker as flow
from flows.employment.screens import refusal
from flows.employment.state import EmploymentState, EmploymentStep
from flows.screen import Screen
from handlers import employment_staff, render
from handlers.buttons import Buttons
from handlers.common import KentContext, is_private, steps_down_when_deposed
from handlers.delivery import clear_in_background
from handlers.feature import Command, Daily, Feature, MenuButton, Steps
from handlers.render import Act, inline_keyboard, present

log = logging.getLogger("kentbot.employment")

# Questions sent per daily run at most (on the bulk line, behind replies to people): the
# rest wait for the next morning, so a backlog never holds the line for long.
RENEWALS_PER_RUN = 1000


async def _not_found(update: Update, context: KentContext) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer(refusal(context.texts(), "not_found"), show_alert=True)


buttons = Buttons("e", a.EmploymentMenu.prefix, invalid=_not_found)


async def press(update: Update, context: KentContext, act: Act) -> None:
    """An employment button's work (handlers.render.press), refused in its own words."""
    await render.press(update, context, act, refusal)


async def employment_command(update: Update, context: KentContext) -> None:
    """/istihdam: the employment menu; in the centre's staff group, the staff desk
    (handlers.employment_staff)."""
    if not is_private(update) or update.effective_user is None:
        await employment_staff.group_command(update, context)
        return
    with context.citizen_transaction() as (session, citizen, t):
        screen = flow.menu(session, citizen, t)
    await present(update, screen)


def _seek(context: KentContext) -> Callable[[Session, Citizen, Translator, datetime], Screen]:
    kvkk = context.config.kvkk
    controller = kvkk.data_controller or context.config.municipality.name
    return lambda session, citizen, t, now: flow.seek(
        session, citizen, t, controller, kvkk.retention_days
    )


@buttons.on(a.EmploymentMenu)
async def employment_menu(update: Update, context: KentContext, button: a.EmploymentMenu) -> None:
    await press(update, context, lambda session, citizen, t, now: flow.menu(session, citizen, t))


@buttons.on(a.Menu)
async def open_menu(update: Update, context: KentContext, button: a.Menu) -> None:
    await press(update, context, lambda session, citizen, t, now: flow.menu(session, citizen, t))


@buttons.on(a.Seek)
async def seek(update: Update, context: KentContext, button: a.Seek) -> None:
    await press(update, context, _seek(context))


@buttons.on(a.Consented)
async def consented(update: Update, context: KentContext, button: a.Consented) -> None:
    await press(
        update, context, lambda session, citizen, t, now: flow.consented(session, citizen, t)
    )


@buttons.on(a.Back)
async def back(update: Update, context: KentContext, button: a.Back) -> None:
    await press(update, context, lambda session, citizen, t, now: flow.back(session, citizen, t))


@buttons.on(a.Cancel)
async def cancel(update: Update, context: KentContext, button: a.Cancel) -> None:
    await press(update, context, lambda session, citizen, t, now: flow.cancel(session, citizen, t))


@buttons.on(a.Skip)
async def skip(update: Update, context: KentContext, button: a.Skip) -> None:
    await press(update, context, lambda session, citizen, t, now: flow.skip(session, citizen, t))


@buttons.on(a.Pick)
async def pick(update: Update, context: KentContext, button: a.Pick) -> None:
    await press(
        update,
        context,
        lambda session, citizen, t, now: flow.pick(session, citizen, t, button.value),
    )


@buttons.on(a.Occupation)
async def occupation(update: Update, context: KentContext, button: a.Occupation) -> None:
    await press(
        update,
        context,
        lambda session, citizen, t, now: flow.occupation(session, citizen, t, button.code),
    )


@buttons.on(a.Summary)
async def summary(update: Update, context: KentContext, button: a.Summary) -> None:
    await press(update, context, lambda session, citizen, t, now: flow.summary(session, citizen, t))


@buttons.on(a.EditMenu)
async def edit_menu(update: Update, context: KentContext, button: a.EditMenu) -> None:
    await press(
        update, context, lambda session, citizen, t, now: flow.edit_menu(session, citizen, t)
    )


@buttons.on(a.Edit)
async def edit(update: Update, context: KentContext, button: a.Edit) -> None:
    await press(
        update,
        context,
        lambda session, citizen, t, now: flow.edit(session, citizen, t, button.field),
    )


@buttons.on(a.Save)
async def save(update: Update, context: KentContext, button: a.Save) -> None:
    await press(update, context, flow.save)


@buttons.on(a.MyCV)
async def my_cv(update: Update, context: KentContext, button: a.MyCV) -> None:
    await press(update, context, lambda session, citizen, t, now: flow.my_cv(session, citizen, t))


@buttons.on(a.Pause)
async def pause(update: Update, context: KentContext, button: a.Pause) -> None:
    await press(
        update,
        context,
        lambda session, citizen, t, now: flow.pause(session, citizen, t, button.answer == "y", now),
    )


@buttons.on(a.Delete)
async def delete(update: Update, context: KentContext, button: a.Delete) -> None:
    await press(update, context, lambda session, citizen, t, now: flow.delete(session, citizen, t))


@buttons.on(a.DeleteConfirmed)
async def delete_confirmed(update: Update, context: KentContext, button: a.DeleteConfirmed) -> None:
    erased: list[Erased] = []

    def act(session: Session, citizen: Citizen, t: Translator, now: datetime) -> Screen:
        screen, gone = flow.delete_confirmed(session, citizen, t, now)
        erased.append(gone)
        return screen

    try:
        await press(update, context, act)
    finally:
        # Its PDF and the reminders naming them leave the centre's group, as on erasure,
        # even when showing the menu failed: the rows that name them are gone with the CV.
        for gone in erased:
            clear_in_background(context, update, gone)


@buttons.on(a.Licence)
async def licence(update: Update, context: KentContext, button: a.Licence) -> None:
    await press(
        update,
        context,
        lambda session, citizen, t, now: flow.licence(session, citizen, t, button.code),
    )


@buttons.on(a.RemoveFile)
async def remove_file(update: Update, context: KentContext, button: a.RemoveFile) -> None:
    await press(
        update, context, lambda session, citizen, t, now: flow.remove_file(session, citizen, t)
    )


@buttons.on(a.DisabilityConsent)
async def disability_consent(
    update: Update, context: KentContext, button: a.DisabilityConsent
) -> None:
    await press(update, context, flow.disability_consent)


@buttons.on(a.WithdrawDisability)
async def withdraw_disability(
    update: Update, context: KentContext, button: a.WithdrawDisability
) -> None:
    await press(update, context, flow.withdraw_disability)


@buttons.on(a.EditCV)
async def edit_cv(update: Update, context: KentContext, button: a.EditCV) -> None:
    await press(update, context, lambda session, citizen, t, now: flow.edit_cv(session, citizen, t))


@buttons.on(a.Renew)
async def renew(update: Update, context: KentContext, button: a.Renew) -> None:
    await press(update, context, renewal_flow.renewed)


@steps_down_when_deposed(log, "CV renewal questions")
async def renewal_job(context: KentContext) -> None:
    """Job: ask the seekers whose CV has been idle for a year whether it should stay."""
    shared = context.deps
    tz = shared.config.tz
    retention_days = shared.config.kvkk.retention_days
    asked = 0
    while asked < RENEWALS_PER_RUN:
        with transaction(shared.engine) as session:
            due = renewal.claim_due(session, shared.clock(), retention_days, fence=shared.fence)
        if not due:
            break
        for item in due:
            screen = renewal_flow.question(translator(item.language), item.erase_on, tz)
            try:
                with bulk():  # scheduled: replies to people who are chatting go first
                    await context.bot.send_message(
                        item.telegram_id,
                        screen.text,
                        parse_mode=ParseMode.HTML,
                        reply_markup=inline_keyboard(screen.choices),
                    )
            except Forbidden:
                with transaction(shared.engine) as session:
                    citizens.mark_blocked(session, item.telegram_id)
            except TelegramError as exc:
                # Asked once: an answer-less seeker's CV is blanked by retention as promised.
                log.warning("CV renewal question not sent: %s", type(exc).__name__)
        asked += len(due)
    if asked:
        log.info("asked %d idle job seeker(s) whether their CV should stay", asked)


def _sent(update: Update) -> flow.Sent:
    """The message as the flow reads any channel's. A document is passed by its file id
    only: it is never downloaded."""
    message = update.effective_message
    assert message is not None
    contact, document = message.contact, message.document
    return flow.Sent(
        text=message.text,
        contact=(contact.phone_number, contact.user_id) if contact is not None else None,
        document=flow.FileSent(
            document.file_id, document.file_name, document.mime_type, document.file_size
        )
        if document is not None
        else None,
        photo=bool(message.photo),
    )


async def on_message(update: Update, context: KentContext) -> bool:
    """What the citizen sent at the CV's question: a typed answer, a shared contact at
    the phone question, a PDF at the CV file question; in one transaction. Leaving the
    phone question takes its reply keyboard away."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return False
    now = utcnow()
    with context.citizen_transaction() as (session, citizen, t):
        draft = session.get(ConversationState, citizen.id)
        if draft is None or draft.step != EmploymentStep.CV:
            return False
        state = conversation.state_of(draft, EmploymentState)
        screen = flow.answer(session, citizen, t, state, _sent(update), now, user.id)
        # The next screen's buttons are inline: a message of its own takes the phone
        # question's reply keyboard away (a message carries one keyboard).
        left = state.field == "phone" and not screen.replies
        said = flow.phone_question_left(t, message.text)
    if left:
        await present(update, said)
    await present(update, screen)
    return True


FEATURE = Feature(
    name="employment",
    commands=(
        Command(
            ("istihdam", "is"),
            employment_command,
            N_("Jobs and careers: your CV for the employment centre"),
            place=57,
        ),
    ),
    handlers=(buttons.handler(),),
    menu=(MenuButton(a.EmploymentMenu().pack(), N_("💼 Jobs and careers"), row=36),),
    steps=Steps(
        on_message,
        names=frozenset(EmploymentStep),
        stopped={EmploymentStep.CV: N_("Cancelled. Nothing was changed.")},
    ),
    personal_data=(employment_personal_data.PERSONAL_DATA,),
    # In the morning, with the staff's digest: a question that wakes nobody.
    jobs=(Daily("cv-renewal", renewal_job, at=lambda schedule: schedule.daily_digest),),
)
