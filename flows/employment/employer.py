"""The employer's side of the employment centre, channel-neutral: the citizen's firms, a
firm registered by chat (after a notice about the contact person's data), a vacancy
written by chat and sent for the centre's approval, the firm's vacancies with the
candidates referred to them, and the outcomes the firm records (interview, hired with a
start date, started, not hired with a reason), and closing a vacancy.

The two wizards (firm: EmployerStep.FIRM, vacancy: VACANCY) keep what is typed in the
citizen's conversation state at every answer, with Back, Cancel, a summary and its edit
menu; a refused answer is asked again with nothing lost. Every id a button carries is
checked by core.employment.firms against the citizen who pressed it."""

from __future__ import annotations

import html
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlmodel import Session

from common.i18n import Translator
from core import conversation
from core.dates import parse_day, parse_day_and_time
from core.employment import codes, firms, validation
from core.employment.codes import INTERVIEW, JOB_FOUND, NOT_HIRED, STARTED
from core.refusals import Refused
from db.models import Citizen, ConversationState, Employer
from db.models import Vacancy as VacancyRow
from flows.employment import actions as a
from flows.employment import employer_actions as j
from flows.employment import referral_answers, staff
from flows.employment.employer_screens import (
    CANDIDATE_STATUSES,
    FIRM_NAMES,
    FIRM_QUESTIONS,
    NOT_HIRED_REASONS,
    OUTCOME_BUTTONS,
    VACANCY_NAMES,
    VACANCY_QUESTIONS,
    VACANCY_STATUSES,
    candidate_lines,
    candidate_name,
    firm_lines,
    firm_notice,
    firm_status,
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
    OutcomeState,
    VacancyState,
)
from flows.employment.occupation_picker import match_rows, search_of
from flows.employment.screens import WORK_TIMES, occupation_title
from flows.employment.state import EmploymentStep
from flows.screen import Choice, Screen, fit, in_rows

LABEL = 40  # characters of a firm's or a vacancy's name on a button

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


def today_in(now: datetime, tz: ZoneInfo) -> date:
    return now.astimezone(tz).date()


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


def _leave(session: Session, citizen: Citizen) -> None:
    """Ends a date question left unanswered; a firm or vacancy being written stays, to go
    on with later."""
    draft = session.get(ConversationState, citizen.id)
    if draft is not None and draft.step == EmployerStep.OUTCOME:
        conversation.clear(session, citizen)


def _with_note(note: str, screen: Screen) -> Screen:
    return Screen(f"{note}\n\n{screen.text}" if note else screen.text, screen.choices)


# --- Home and a firm ---------------------------------------------------------------------


def home(session: Session, citizen: Citizen, t: Translator, note: str = "") -> Screen:
    """🏢 I am an employer: the citizen's firms, and registering one."""
    _leave(session, citizen)
    text = t._(
        "🏢 <b>Employers</b>\n\nRegister your firm and post your vacancies; once the "
        "employment centre has verified the firm and approved a vacancy, it sends you "
        "suitable candidates."
    )
    owned = firms.firms_of(session, citizen)
    rows: list[tuple[Choice, ...]] = []
    if owned:
        text += "\n\n" + t._("<b>Your firms</b>")
        for employer in owned:
            assert employer.id is not None
            text += f"\n• {html.escape(employer.name)} — {_status(t, employer)}"
            rows.append((j.Firm(employer.id).choice(fit(employer.name, LABEL)),))
    rows.append((j.Register().choice(t._("➕ Register a firm")),))
    rows.append((a.Menu().choice(t._("⬅️ Back")),))
    return _with_note(note, Screen(text, tuple(rows)))


def firm(session: Session, citizen: Citizen, t: Translator, employer_id: int) -> Screen:
    """A firm: what was registered, whether it is verified, and (verified) its vacancies."""
    _leave(session, citizen)
    employer = firms.own_firm(session, citizen, employer_id)
    verified = employer.verified_at is not None
    lines = [
        f"🏢 <b>{html.escape(employer.name)}</b>",
        "",
        *firm_lines(_firm_state(employer), t)[1:],
        "",
        _status(t, employer),
    ]
    rows: list[tuple[Choice, ...]] = []
    if verified:
        rows.append((j.NewVacancy(employer_id).choice(t._("📝 Post a vacancy")),))
        rows.append((j.Vacancies(employer_id).choice(t._("📂 My vacancies")),))
    elif employer.rejected_at is not None:
        lines.append(
            t._(
                "Please correct the firm's details and send them again; the employment "
                "centre's staff check the firm once more."
            )
        )
        rows.append((j.CorrectFirm(employer_id).choice(t._("✏️ Correct and send again")),))
    else:
        lines.append(
            t._(
                "The employment centre's staff will check the firm; you can post vacancies "
                "once it is verified."
            )
        )
    rows.append((j.Home().choice(t._("⬅️ Back")),))
    return Screen("\n".join(lines), tuple(rows))


def _status(t: Translator, employer: Employer) -> str:
    if employer.rejected_at is not None:
        why = staff.FIRM_REJECTIONS.get(
            employer.rejection_reason or "", staff.FIRM_REJECTIONS["other"]
        )
        return firm_status(t, False, t._(why))
    return firm_status(t, employer.verified_at is not None)


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
    state = _firm_state(employer).model_copy(update={"employer_id": employer_id, "field": SUMMARY})
    _keep(session, citizen, state)
    return summary_screen(state, t)


def _firm_state(employer: Employer) -> FirmState:
    return FirmState(
        name=employer.name,
        tax_number=employer.tax_number,
        sector=employer.sector,
        district=employer.district,
        contact_name=employer.contact_name,
        contact_phone=employer.contact_phone,
    )


# --- The wizards -------------------------------------------------------------------------


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
    return _with_note(f"⚠️ {refusal(t, reason)}", screen_of(state, t))


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
        return _with_note(note, firm(session, citizen, t, state.employer_id))
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
        return _with_note(f"⚠️ {refusal(t, exc.reason)}", summary_screen(state, t))
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


# --- Vacancies and candidates --------------------------------------------------------------


def vacancies(session: Session, citizen: Citizen, t: Translator, employer_id: int) -> Screen:
    """📂 My vacancies: each with its status."""
    _leave(session, citizen)
    employer = firms.own_firm(session, citizen, employer_id)
    found = firms.vacancies_of(session, employer)
    lines = [t._("📂 <b>Vacancies of {firm}</b>").format(firm=html.escape(employer.name)), ""]
    rows: list[tuple[Choice, ...]] = []
    for vacancy in found:
        assert vacancy.id is not None
        status = t._(VACANCY_STATUSES.get(vacancy.status, vacancy.status))
        lines.append(f"• {html.escape(vacancy.title)} — {status}")
        rows.append((j.Vacancy(vacancy.id).choice(fit(vacancy.title, LABEL)),))
    if not found:
        lines.append(t._("No vacancies yet."))
    if employer.verified_at is not None:
        rows.append((j.NewVacancy(employer_id).choice(t._("📝 Post a vacancy")),))
    rows.append((j.Firm(employer_id).choice(t._("⬅️ Back")),))
    return Screen("\n".join(lines), tuple(rows))


def vacancy(
    session: Session, citizen: Citizen, t: Translator, vacancy_id: int, note: str = ""
) -> Screen:
    """A vacancy: what it says, its status, the candidates the firm may see, and closing
    it."""
    _leave(session, citizen)
    found = firms.own_vacancy(session, citizen, vacancy_id)
    state = _vacancy_state(found)
    status = t._(VACANCY_STATUSES.get(found.status, found.status))
    lines = [*vacancy_lines(state, t), f"<b>{t._('Status')}:</b> {status}", ""]
    people = firms.candidates(session, citizen, vacancy_id)
    rows: list[tuple[Choice, ...]] = []
    if people:
        lines.append(t._("<b>Candidates</b>"))
        for person in people:
            shown = f"{candidate_name(person, t)} — {t._(CANDIDATE_STATUSES[person.status])}"
            lines.append("• " + html.escape(shown))
            rows.append((j.Candidate(person.referral_id).choice(fit(shown, LABEL)),))
    else:
        lines.append(
            t._(
                "No candidates yet. The employment centre refers candidates once the "
                "vacancy is published; you see those who said they are interested."
            )
        )
    if found.status == "draft":
        lines += [
            "",
            t._(
                "↩️ The employment centre sent this vacancy back for a correction. Correct "
                "it and send it again; the staff check it once more."
            ),
        ]
        rows.append((j.CorrectVacancy(vacancy_id).choice(t._("✏️ Correct and send again")),))
    if found.status != "closed":
        rows.append((j.Close(vacancy_id).choice(t._("🔒 Close the vacancy")),))
    rows.append((j.Vacancies(found.employer_id).choice(t._("⬅️ Back")),))
    return _with_note(note, Screen("\n".join(lines), tuple(rows)))


def _vacancy_state(found: VacancyRow) -> VacancyState:
    return VacancyState(
        employer_id=found.employer_id,
        title=found.title,
        occupation=found.occupation,
        positions=found.positions,
        district=found.district,
        work_time=found.work_time,
        quota=found.quota,
        requirements=found.requirements or None,
        valid_until=found.valid_until.isoformat() if found.valid_until else None,
    )


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
    state = _vacancy_state(found).model_copy(update={"vacancy_id": vacancy_id, "field": SUMMARY})
    _keep(session, citizen, state)
    return summary_screen(state, t)


def candidate(
    session: Session,
    citizen: Citizen,
    t: Translator,
    referral_id: int,
    tz: ZoneInfo,
    note: str = "",
) -> Screen:
    """A candidate (only what they share) and the outcomes the firm may record now."""
    _leave(session, citizen)
    referral = firms.own_referral(session, citizen, referral_id)
    found = firms.candidate(session, referral)
    assert found is not None and referral.vacancy_id is not None
    rows: list[tuple[Choice, ...]] = [
        (j.Outcome(referral_id, to).choice(t._(OUTCOME_BUTTONS[to])),)  # type: ignore[arg-type]
        for to in firms.OUTCOMES.get(referral.status, ())
    ]
    if found.cv_file_name:
        rows.append((j.CVFile(referral_id).choice(t._("📎 The CV they sent (PDF)")),))
    rows.append((j.Vacancy(referral.vacancy_id).choice(t._("⬅️ Back")),))
    return _with_note(note, Screen("\n".join(candidate_lines(found, t, tz)), tuple(rows)))


def outcome(
    session: Session,
    citizen: Citizen,
    t: Translator,
    referral_id: int,
    to: str,
    now: datetime,
    tz: ZoneInfo,
) -> Screen:
    """An outcome pressed: started is recorded at once; an interview or a hiring asks its
    date, not hired its reason."""
    referral = firms.own_referral(session, citizen, referral_id)
    if to not in firms.OUTCOMES.get(referral.status, ()):
        raise Refused("wrong_status")
    if to == STARTED:
        firms.record_outcome(session, citizen, referral_id, STARTED, now)
        return candidate(session, citizen, t, referral_id, tz, t._("✅ Recorded."))
    if to == NOT_HIRED:
        rows = [
            (j.Reason(referral_id, code).choice(t._(NOT_HIRED_REASONS[code])),)
            for code in codes.NOT_HIRED_REASONS
        ]
        rows.append((j.Candidate(referral_id).choice(t._("⬅️ Back")),))
        return Screen(t._("✖️ Why was the candidate not hired?"), tuple(rows))
    busy = _busy(session, citizen, t, referral_id)
    if busy is not None:
        return busy
    conversation.set_step(
        session, citizen, EmployerStep.OUTCOME, OutcomeState(referral_id=referral_id, to=to)
    )
    return _date_question(t, referral_id, to)


def _busy(session: Session, citizen: Citizen, t: Translator, referral_id: int) -> Screen | None:
    """The date question would take the citizen's one conversation state: a firm, a
    vacancy, a CV or anything else being written would be lost. Then it is refused, with
    a way to that draft and a way to drop it; None when nothing is being written."""
    draft = session.get(ConversationState, citizen.id)
    if draft is None or draft.step == EmployerStep.OUTCOME:
        return None
    back = (j.Candidate(referral_id).choice(t._("⬅️ Back")),)
    if draft.step == EmployerStep.VACANCY:
        state = conversation.state_of(draft, VacancyState)
        text = t._(
            "📝 You are writing a vacancy. Please finish or cancel it first; then record "
            "the date here."
        )
        go = j.NewVacancy(state.employer_id).choice(t._("📝 Go to the vacancy"))
        drop = j.Cancel().choice(t._("✖️ Cancel the vacancy"))
    elif draft.step == EmployerStep.FIRM:
        text = t._(
            "🏢 You are registering a firm. Please finish or cancel it first; then record "
            "the date here."
        )
        go = j.Register().choice(t._("🏢 Go to the firm"))
        drop = j.Cancel().choice(t._("✖️ Cancel the firm's registration"))
    elif draft.step == EmploymentStep.CV:
        text = t._(
            "📋 You are writing your CV. Please finish or cancel it first; then record the "
            "date here."
        )
        go = a.Summary().choice(t._("📋 Go to my CV"))
        drop = a.Cancel().choice(t._("✖️ Cancel the CV changes"))
    else:
        return Screen(
            t._(
                "You are in the middle of something else. Please finish it, or stop it "
                "with /iptal; then record the date here."
            ),
            (back,),
        )
    return Screen(text, ((go,), (drop,), back))


def _date_question(t: Translator, referral_id: int, to: str) -> Screen:
    text = (
        t._(
            "🗣 When is the interview? Write a date like 15.12.2026 (and a time if you like: "
            "15.12.2026 14:30), or pick:"
        )
        if to == INTERVIEW
        else t._("✅ When does the candidate start work? Write a date like 15.12.2026, or pick:")
    )
    return Screen(
        text,
        (
            (j.Day(0).choice(t._("Today")), j.Day(1).choice(t._("Tomorrow"))),
            (j.Candidate(referral_id).choice(t._("⬅️ Back")),),
        ),
    )


def reason(
    session: Session,
    citizen: Citizen,
    t: Translator,
    referral_id: int,
    why: str,
    now: datetime,
    tz: ZoneInfo,
) -> Screen:
    """Not hired, for a reason of the fixed list."""
    firms.record_outcome(session, citizen, referral_id, NOT_HIRED, now, reason=why)
    return candidate(session, citizen, t, referral_id, tz, t._("✅ Recorded."))


def undecided(
    session: Session, citizen: Citizen, t: Translator, referral_id: int, tz: ZoneInfo
) -> Screen:
    """⏳ Not yet decided, to the question after the interview: nothing is recorded; the
    candidate's card, where the outcome is recorded later."""
    note = t._("All right. When you decide, record it here on the candidate's card.")
    return candidate(session, citizen, t, referral_id, tz, note)


def _outcome_state(session: Session, citizen: Citizen) -> OutcomeState:
    draft = session.get(ConversationState, citizen.id)
    if draft is None or draft.step != EmployerStep.OUTCOME:
        raise Refused("not_found")
    return conversation.state_of(draft, OutcomeState)


def _record_on(
    session: Session,
    citizen: Citizen,
    t: Translator,
    state: OutcomeState,
    when: datetime,
    now: datetime,
    tz: ZoneInfo,
    timed: bool = False,
) -> Screen:
    """Records the date, and says back the date stored (with its time, when one was
    typed), so that a misread date is seen at once."""
    local = when.astimezone(tz)
    if state.to == INTERVIEW:
        firms.record_outcome(session, citizen, state.referral_id, INTERVIEW, now, interview_at=when)
        shown = t.date(local.date()) + (f" {local:%H:%M}" if timed else "")
        note = t._("✅ Interview recorded for {when}.").format(when=shown)
    else:
        day = local.date()
        firms.record_outcome(session, citizen, state.referral_id, JOB_FOUND, now, start_date=day)
        note = t._("✅ Hired, starting on {day}: recorded.").format(day=t.date(day))
    conversation.clear(session, citizen)
    return candidate(session, citizen, t, state.referral_id, tz, note)


def day(
    session: Session, citizen: Citizen, t: Translator, offset: int, now: datetime, tz: ZoneInfo
) -> Screen:
    """Today or tomorrow, pressed at the date question."""
    state = _outcome_state(session, citizen)
    picked = date.fromordinal(today_in(now, tz).toordinal() + offset)
    when = datetime.combine(picked, time(0, 0), tzinfo=tz)
    return _record_on(session, citizen, t, state, when, now, tz)


# What a date the firm typed may be refused for, asked again with the reason.
_DATE_REFUSALS = frozenset({"bad_date", "too_far_ahead", "too_long_ago"})


def outcome_answer(
    session: Session, citizen: Citizen, t: Translator, text: str, now: datetime, tz: ZoneInfo
) -> Screen:
    """A typed date (and for an interview, maybe a time). A day without a year is the
    nearest such day, before or after today (an interview or a start is often recorded
    afterwards); a day without a time is kept as its start, in the municipality's time
    zone."""
    state = _outcome_state(session, citizen)
    try:
        picked, at = parse_day_and_time(text, today_in(now, tz))
    except ValueError:
        return _with_note(
            f"⚠️ {refusal(t, 'bad_date')}", _date_question(t, state.referral_id, state.to)
        )
    when = datetime.combine(picked, at or time(0, 0), tzinfo=tz)
    try:
        return _record_on(session, citizen, t, state, when, now, tz, timed=at is not None)
    except Refused as exc:
        session.rollback()
        if exc.reason not in _DATE_REFUSALS:
            raise
        return _with_note(
            f"⚠️ {refusal(t, exc.reason)}", _date_question(t, state.referral_id, state.to)
        )


def close(session: Session, citizen: Citizen, t: Translator, vacancy_id: int) -> Screen:
    found = firms.own_vacancy(session, citizen, vacancy_id)
    if found.status == "closed":
        raise Refused("wrong_status")
    return Screen(
        t._(
            "🔒 Close the vacancy “{title}”? The employment centre sends no more candidates for it."
        ).format(title=html.escape(found.title)),
        (
            (j.CloseConfirmed(vacancy_id).choice(t._("🔒 Yes, close it")),),
            (j.Vacancy(vacancy_id).choice(t._("↩️ No, keep it open")),),
        ),
    )


def close_confirmed(
    session: Session, citizen: Citizen, t: Translator, vacancy_id: int, now: datetime
) -> Screen:
    ended = firms.close_vacancy(session, citizen, vacancy_id, now)
    referral_answers.tell_vacancy_closed(session, ended, now)
    return vacancy(session, citizen, t, vacancy_id, t._("🔒 The vacancy is closed."))
