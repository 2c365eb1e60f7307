"""The employer's two wizards, channel-neutral: a firm registered by chat (after a
notice about the contact person's data), and a vacancy written by chat and sent for the
centre's approval; a firm turned down or a vacancy sent back is corrected in the same
wizard, from its summary, and sent again.

The two wizards (firm: EmployerStep.FIRM, vacancy: VACANCY) keep what is typed in the
citizen's conversation state at every answer, with Back, Cancel, a summary and its edit
menu; a refused answer is asked again with nothing lost. Every id a button carries is
checked by core.employment.firms against the citizen who pressed it."""

from __future__ import annotations

import html
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from common.i18n import Translator
from core import conversation
from core.dates import parse_day
from core.employment import codes, firms, validation
from core.refusals import Refused
from db.models import Citizen, ConversationState
from flows.employment import employer_actions as j
from flows.employment.employer import firm, firm_state, home
from flows.employment.employer_common import today_in, with_note
from flows.employment.employer_screens import (
    FIRM_NAMES,
    FIRM_QUESTIONS,
    VACANCY_NAMES,
    VACANCY_QUESTIONS,
    firm_lines,
    firm_notice,
    refusal,
    vacancy_lines,
)
from flows.employment.employer_state import (
    FIRM_FIELDS,
    FIRM_OPTIONAL,
    SUMMARY,
    VACANCY_FIELDS,
    VACANCY_OPTIONAL,
    EmployerStep,
    FirmState,
    VacancyState,
)
from flows.employment.employer_vacancies import vacancy, vacancy_state
from flows.employment.occupation_picker import match_rows, search_of
from flows.employment.screens import WORK_TIMES, occupation_title
from flows.screen import Choice, Screen, in_rows

Form = FirmState | VacancyState


@dataclass(frozen=True)
class _Kind:
    step: EmployerStep
    fields: tuple[str, ...]
    optional: frozenset[str]
    names: dict[str, str]
    questions: dict[str, str]


FIRM = _Kind(EmployerStep.FIRM, FIRM_FIELDS, FIRM_OPTIONAL, FIRM_NAMES, FIRM_QUESTIONS)
VACANCY = _Kind(
    EmployerStep.VACANCY, VACANCY_FIELDS, VACANCY_OPTIONAL, VACANCY_NAMES, VACANCY_QUESTIONS
)


def _kind(state: Form) -> _Kind:
    return FIRM if isinstance(state, FirmState) else VACANCY


def _draft(session: Session, citizen: Citizen) -> Form:
    """The firm or vacancy being written; Refused: not_found when there is none (a
    button of an old message)."""
    draft = session.get(ConversationState, citizen.id)
    if draft is not None and draft.step == EmployerStep.FIRM:
        return conversation.state_of(draft, FirmState)
    if draft is not None and draft.step == EmployerStep.VACANCY:
        return conversation.state_of(draft, VacancyState)
    raise Refused("not_found")


def _keep(session: Session, citizen: Citizen, state: Form) -> None:
    conversation.set_step(session, citizen, _kind(state).step, state)


def register(session: Session, citizen: Citizen, t: Translator, controller: str) -> Screen:
    """➕ Register a firm: a firm being written goes on where it was; otherwise the
    notice about the firm's data comes first."""
    draft = session.get(ConversationState, citizen.id)
    if draft is not None and draft.step == EmployerStep.FIRM:
        return screen_of(conversation.state_of(draft, FirmState), t)
    return firm_notice(t, controller)


def consented(session: Session, citizen: Citizen, t: Translator) -> Screen:
    state = FirmState()
    _keep(session, citizen, state)
    return screen_of(state, t)


def new_vacancy(session: Session, citizen: Citizen, t: Translator, employer_id: int) -> Screen:
    """📝 Post a vacancy: only for the citizen's verified firm. A vacancy being written for
    the same firm goes on where it was."""
    firms.verified_firm(session, citizen, employer_id)
    draft = session.get(ConversationState, citizen.id)
    if draft is not None and draft.step == EmployerStep.VACANCY:
        state = conversation.state_of(draft, VacancyState)
        if state.employer_id == employer_id:
            return screen_of(state, t)
    state = VacancyState(employer_id=employer_id)
    _keep(session, citizen, state)
    return screen_of(state, t)


def correct_firm(session: Session, citizen: Citizen, t: Translator, employer_id: int) -> Screen:
    """✏️ Correct and send again: a firm staff turned down, into the firm wizard at its
    summary, with its id, so that saving updates it (a correction already being written
    goes on where it was)."""
    employer = firms.own_firm(session, citizen, employer_id)
    if employer.rejected_at is None:
        raise Refused("wrong_status")
    draft = session.get(ConversationState, citizen.id)
    if draft is not None and draft.step == EmployerStep.FIRM:
        going = conversation.state_of(draft, FirmState)
        if going.employer_id == employer_id:
            return screen_of(going, t)
    state = firm_state(employer).model_copy(update={"employer_id": employer_id, "field": SUMMARY})
    _keep(session, citizen, state)
    return summary_screen(state, t)


def correct_vacancy(session: Session, citizen: Citizen, t: Translator, vacancy_id: int) -> Screen:
    """✏️ Correct and send again: a vacancy staff sent back, into the vacancy wizard at
    its summary, with its id, so that saving updates it and sends it again (a
    correction already being written goes on where it was)."""
    found = firms.own_vacancy(session, citizen, vacancy_id)
    firms.verified_firm(session, citizen, found.employer_id)
    if found.status != "draft":
        raise Refused("wrong_status")
    draft = session.get(ConversationState, citizen.id)
    if draft is not None and draft.step == EmployerStep.VACANCY:
        going = conversation.state_of(draft, VacancyState)
        if going.vacancy_id == vacancy_id:
            return screen_of(going, t)
    state = vacancy_state(found).model_copy(update={"vacancy_id": vacancy_id, "field": SUMMARY})
    _keep(session, citizen, state)
    return summary_screen(state, t)


def _nav(t: Translator) -> tuple[Choice, ...]:
    return (j.Back().choice(t._("⬅️ Back")), j.Cancel().choice(t._("✖️ Cancel")))


def months_ahead(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def screen_of(state: Form, t: Translator) -> Screen:
    """The question the state is at, or its summary."""
    kind = _kind(state)
    if state.field == SUMMARY:
        return summary_screen(state, t)
    text = t._(kind.questions[state.field])
    rows: list[tuple[Choice, ...]] = []
    if isinstance(state, VacancyState) and state.field == "occupation":
        if state.occupation:
            text += "\n\n✅ " + html.escape(occupation_title(state.occupation, t))
        if state.search:
            text += "\n\n" + t._("Pick one, or write another word:")
            rows += match_rows(state.search, t, j.Occupation)
    elif isinstance(state, VacancyState) and state.field == "work_time":
        rows.append(tuple(j.Pick(c).choice(t._(WORK_TIMES[c])) for c in codes.VACANCY_WORK_TIMES))
    elif isinstance(state, VacancyState) and state.field == "quota":
        rows.append((j.Pick("yes").choice(t._("Yes")), j.Pick("no").choice(t._("No"))))
    elif isinstance(state, VacancyState) and state.field == "valid_until":
        rows.append(
            (
                j.Until(1).choice(t._("In a month")),
                j.Until(3).choice(t._("In 3 months")),
                j.Until(6).choice(t._("In 6 months")),
            )
        )
    if state.field in kind.optional:
        rows.append((j.Skip().choice(t._("⏭ Skip")),))
    rows.append(_nav(t))
    return Screen(text, tuple(rows))


def _refused(state: Form, t: Translator, reason: str) -> Screen:
    """A refusal, then the same question (or summary) again: nothing entered is lost."""
    return with_note(f"⚠️ {refusal(t, reason)}", screen_of(state, t))


def _advance(state: Form) -> Form:
    fields = _kind(state).fields
    if state.editing or state.field == fields[-1] or state.field not in fields:
        field = SUMMARY
    else:
        field = fields[fields.index(state.field) + 1]
    update: dict[str, object] = {"field": field}
    if isinstance(state, VacancyState):
        update["search"] = None
    return state.model_copy(update=update)


def _phone(text: str) -> str:
    phone = validation.text(text, 32)
    if not 10 <= sum(char.isdigit() for char in phone) <= 13:
        raise Refused("bad_phone")
    return phone


def _until(text: str, today: date) -> str:
    try:
        day = parse_day(text, today)
    except ValueError:
        raise Refused("bad_date") from None
    if day <= today:
        raise Refused("in_the_past")
    if (day - today).days > firms.MAX_DAYS_AWAY:
        raise Refused("bad_date")
    return day.isoformat()


def _take(session: Session, state: Form, text: str, t: Translator, today: date) -> Form:
    field = state.field
    if field in (SUMMARY, "work_time", "quota"):
        raise Refused("use_buttons")
    if isinstance(state, VacancyState) and field == "occupation":
        return state.model_copy(update={"search": search_of(text, t)})
    value: object
    if field == "tax_number":
        own = state.employer_id if isinstance(state, FirmState) else None
        value = firms.new_tax_number(session, text, own)
    elif field == "contact_phone":
        value = _phone(text)
    elif field == "positions":
        value = validation.positions(text)
    elif field == "valid_until":
        value = _until(text, today)
    elif field == "requirements":
        value = validation.text(text, validation.MAX_TEXT)
    elif field in ("district",):
        value = validation.text(text, 64)
    elif field == "sector":
        value = validation.text(text, 100)
    else:
        value = validation.text(text)
    return _advance(state.model_copy(update={field: value}))


def answer(
    session: Session, citizen: Citizen, t: Translator, text: str, now: datetime, tz: ZoneInfo
) -> Screen:
    """A typed answer to the firm's or the vacancy's question."""
    state = _draft(session, citizen)
    today = today_in(now, tz)
    try:
        state = _take(session, state, text, t, today)
    except Refused as exc:
        return _refused(state, t, exc.reason)
    _keep(session, citizen, state)
    return screen_of(state, t)


def pick(session: Session, citizen: Citizen, t: Translator, value: str) -> Screen:
    """Full or part time, or whether the position is under the disability quota, pressed."""
    state = _draft(session, citizen)
    if not isinstance(state, VacancyState):
        raise Refused("not_found")
    if state.field == "work_time" and value in codes.VACANCY_WORK_TIMES:
        update: dict[str, object] = {"work_time": value}
    elif state.field == "quota" and value in ("yes", "no"):
        update = {"quota": value == "yes"}
    else:
        raise Refused("not_found")
    state = _advance(state.model_copy(update=update))
    _keep(session, citizen, state)
    return screen_of(state, t)


def occupation(session: Session, citizen: Citizen, t: Translator, code: str) -> Screen:
    """The vacancy's occupation, picked among the matches."""
    state = _draft(session, citizen)
    if not isinstance(state, VacancyState) or state.field != "occupation":
        raise Refused("not_found")
    state = _advance(state.model_copy(update={"occupation": validation.occupation(code)}))
    _keep(session, citizen, state)
    return screen_of(state, t)


def until(
    session: Session, citizen: Citizen, t: Translator, months: int, now: datetime, tz: ZoneInfo
) -> Screen:
    """Open until a date picked: this many months from today."""
    state = _draft(session, citizen)
    if not isinstance(state, VacancyState) or state.field != "valid_until":
        raise Refused("not_found")
    day = months_ahead(today_in(now, tz), months)
    state = _advance(state.model_copy(update={"valid_until": day.isoformat()}))
    _keep(session, citizen, state)
    return screen_of(state, t)


def skip(session: Session, citizen: Citizen, t: Translator) -> Screen:
    state = _draft(session, citizen)
    if state.field not in _kind(state).optional:
        raise Refused("not_found")
    state = _advance(state.model_copy(update={state.field: None}))
    _keep(session, citizen, state)
    return screen_of(state, t)


def back(session: Session, citizen: Citizen, t: Translator) -> Screen:
    """The question before (the summary when editing; where the wizard began before the
    first)."""
    state = _draft(session, citizen)
    fields = _kind(state).fields
    if state.editing and state.field != SUMMARY:
        field = SUMMARY
    elif state.field == SUMMARY:
        field = fields[-1]
        state = state.model_copy(update={"editing": False})
    elif state.field == fields[0]:
        conversation.clear(session, citizen)
        if isinstance(state, VacancyState):
            return firm(session, citizen, t, state.employer_id)
        return home(session, citizen, t)
    else:
        field = fields[fields.index(state.field) - 1]
    update: dict[str, object] = {"field": field}
    if isinstance(state, VacancyState):
        update["search"] = None
    state = state.model_copy(update=update)
    _keep(session, citizen, state)
    return screen_of(state, t)


def cancel(session: Session, citizen: Citizen, t: Translator) -> Screen:
    """The firm or vacancy being written is dropped; nothing is stored."""
    state = _draft(session, citizen)
    conversation.clear(session, citizen)
    note = t._("Cancelled. Nothing was changed.")
    if isinstance(state, VacancyState) and state.vacancy_id is not None:
        return vacancy(session, citizen, t, state.vacancy_id, note)
    if isinstance(state, VacancyState):
        return with_note(note, firm(session, citizen, t, state.employer_id))
    return home(session, citizen, t, note)


def summary_screen(state: Form, t: Translator) -> Screen:
    if isinstance(state, FirmState):
        title = t._("🏢 <b>Your firm</b>")
        lines = firm_lines(state, t)
        end = t._("Check it, then register the firm.")
        save = (
            t._("📨 Send again for verification")
            if state.employer_id is not None
            else t._("✅ Register the firm")
        )
    else:
        title = t._("📝 <b>Your vacancy</b>")
        lines = vacancy_lines(state, t)
        end = t._(
            "Check it, then send it to the employment centre. Its staff approve every "
            "vacancy before it is published."
        )
        save = (
            t._("📨 Send again for approval")
            if state.vacancy_id is not None
            else t._("📨 Send for approval")
        )
    return Screen(
        "\n".join([title, "", *lines, "", end]),
        ((j.Save().choice(save),), (j.EditMenu().choice(t._("✏️ Edit")),), _nav(t)),
    )


def summary(session: Session, citizen: Citizen, t: Translator) -> Screen:
    state = _draft(session, citizen)
    update: dict[str, object] = {"field": SUMMARY}
    if isinstance(state, VacancyState):
        update["search"] = None
    state = state.model_copy(update=update)
    _keep(session, citizen, state)
    return summary_screen(state, t)


def edit_menu(session: Session, citizen: Citizen, t: Translator) -> Screen:
    state = _draft(session, citizen)
    if state.field != SUMMARY:
        _keep(session, citizen, state.model_copy(update={"field": SUMMARY}))
    kind = _kind(state)
    rows = in_rows([j.Edit(f).choice(t._(kind.names[f])) for f in kind.fields], 2)
    rows += ((j.Summary().choice(t._("⬅️ Back to the summary")),),)
    return Screen(t._("✏️ What would you like to change?"), rows)


def edit(session: Session, citizen: Citizen, t: Translator, field: str) -> Screen:
    state = _draft(session, citizen)
    if field not in _kind(state).fields:
        raise Refused("not_found")
    state = state.model_copy(update={"field": field, "editing": True})
    _keep(session, citizen, state)
    return screen_of(state, t)


def save(session: Session, citizen: Citizen, t: Translator, now: datetime) -> Screen:
    """✅ Register the firm, or 📨 send the vacancy for approval; core checks every field
    again, and a refusal shows the summary with nothing lost."""
    state = _draft(session, citizen)
    if state.field != SUMMARY:
        raise Refused("not_found")
    try:
        if isinstance(state, FirmState) and state.employer_id is not None:
            employer = firms.correct_firm(
                session,
                citizen,
                state.employer_id,
                name=state.name or "",
                tax_number=state.tax_number or "",
                sector=state.sector or "",
                district=state.district or "",
                contact_name=state.contact_name or "",
                contact_phone=state.contact_phone or "",
            )
        elif isinstance(state, FirmState):
            employer = firms.register_firm(
                session,
                citizen,
                name=state.name or "",
                tax_number=state.tax_number or "",
                sector=state.sector or "",
                district=state.district or "",
                contact_name=state.contact_name or "",
                contact_phone=state.contact_phone or "",
                now=now,
            )
        else:
            until = date.fromisoformat(state.valid_until) if state.valid_until else None
            if state.vacancy_id is not None:
                firms.correct_vacancy(
                    session,
                    citizen,
                    state.vacancy_id,
                    title=state.title or "",
                    occupation=state.occupation or "",
                    positions=state.positions or 0,
                    district=state.district or "",
                    work_time=state.work_time or "",
                    quota=bool(state.quota),
                    requirements=state.requirements or "",
                    valid_until=until,
                    now=now,
                )
            else:
                firms.post_vacancy(
                    session,
                    citizen,
                    state.employer_id,
                    title=state.title or "",
                    occupation=state.occupation or "",
                    positions=state.positions or 0,
                    district=state.district or "",
                    work_time=state.work_time or "",
                    quota=bool(state.quota),
                    requirements=state.requirements or "",
                    valid_until=until,
                    now=now,
                )
    except Refused as exc:
        session.rollback()
        return with_note(f"⚠️ {refusal(t, exc.reason)}", summary_screen(state, t))
    conversation.clear(session, citizen)
    if isinstance(state, FirmState) and state.employer_id is not None:
        return Screen(
            t._(
                "📨 {firm} was sent to the employment centre again. Its staff will verify "
                "it; then you can post vacancies here."
            ).format(firm=html.escape(employer.name)),
            ((j.Home().choice(t._("🏢 My firms")),),),
        )
    if isinstance(state, FirmState):
        assert employer.id is not None
        return Screen(
            t._(
                "✅ {firm} is registered. The employment centre's staff will verify it; "
                "then you can post vacancies here."
            ).format(firm=html.escape(employer.name)),
            ((j.Home().choice(t._("🏢 My firms")),),),
        )
    if state.vacancy_id is not None:
        return vacancy(
            session,
            citizen,
            t,
            state.vacancy_id,
            t._(
                "📨 Your corrected vacancy was sent to the employment centre again. Its "
                "staff will check it and publish it."
            ),
        )
    return Screen(
        t._(
            "📨 Your vacancy was sent to the employment centre. Its staff will check it "
            "and publish it; you can follow it under My vacancies."
        ),
        (
            (j.Vacancies(state.employer_id).choice(t._("📂 My vacancies")),),
            (j.Home().choice(t._("🏢 My firms")),),
        ),
    )
