"""The firm's vacancies, channel-neutral: each with its status, a vacancy with the
candidates the firm may see (those who said they are interested), a candidate (only what
they share) and the outcomes the firm records (interview, hired with a start date,
started, not hired with a reason), and closing a vacancy. The date of an interview or a
start is asked in the citizen's conversation state (EmployerStep.OUTCOME). Every id a
button carries is checked by core.employment.firms against the citizen who pressed
it."""

from __future__ import annotations

import html
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlmodel import Session

from common.i18n import Translator
from core import conversation
from core.dates import parse_day_and_time
from core.employment import codes, firms
from core.employment.codes import INTERVIEW, JOB_FOUND, NOT_HIRED, STARTED
from core.refusals import Refused
from db.models import Citizen, ConversationState
from db.models import Vacancy as VacancyRow
from flows.employment import actions as a
from flows.employment import employer_actions as j
from flows.employment import referral_answers
from flows.employment.employer_common import LABEL, leave, today_in, with_note
from flows.employment.employer_screens import (
    CANDIDATE_STATUSES,
    NOT_HIRED_REASONS,
    OUTCOME_BUTTONS,
    VACANCY_STATUSES,
    candidate_lines,
    candidate_name,
    refusal,
    vacancy_lines,
)
from flows.employment.employer_state import EmployerStep, OutcomeState, VacancyState
from flows.employment.state import EmploymentStep
from flows.screen import Choice, Screen, fit


def vacancies(session: Session, citizen: Citizen, t: Translator, employer_id: int) -> Screen:
    """📂 My vacancies: each with its status."""
    leave(session, citizen)
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
    leave(session, citizen)
    found = firms.own_vacancy(session, citizen, vacancy_id)
    state = vacancy_state(found)
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
    return with_note(note, Screen("\n".join(lines), tuple(rows)))


def vacancy_state(found: VacancyRow) -> VacancyState:
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


def candidate(
    session: Session,
    citizen: Citizen,
    t: Translator,
    referral_id: int,
    tz: ZoneInfo,
    note: str = "",
) -> Screen:
    """A candidate (only what they share) and the outcomes the firm may record now."""
    leave(session, citizen)
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
    return with_note(note, Screen("\n".join(candidate_lines(found, t, tz)), tuple(rows)))


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
        return with_note(
            f"⚠️ {refusal(t, 'bad_date')}", _date_question(t, state.referral_id, state.to)
        )
    when = datetime.combine(picked, at or time(0, 0), tzinfo=tz)
    try:
        return _record_on(session, citizen, t, state, when, now, tz, timed=at is not None)
    except Refused as exc:
        session.rollback()
        if exc.reason not in _DATE_REFUSALS:
            raise
        return with_note(
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
