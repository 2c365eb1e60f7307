"""What the employer's screens say: refusals, the questions of the firm and vacancy
wizards, the names of statuses and reasons, and the notice about the contact person's
data."""

from __future__ import annotations

import html
from datetime import date
from zoneinfo import ZoneInfo

from common.i18n import N_, Translator
from core.employment import registry
from core.employment.firms import Candidate
from flows.employment import employer_actions as j
from flows.employment import screens
from flows.employment.employer_state import FirmState, VacancyState
from flows.employment.screens import occupation_title
from flows.screen import Screen

REFUSALS: dict[str, str] = {
    "bad_tax_number": N_(
        "That tax number is not valid: its last digit does not match the others. Please "
        "check the firm's 10-digit tax number (VKN) and write it again."
    ),
    "already_registered": N_(
        "A firm with this tax number is already registered. If it is yours, please "
        "contact the employment centre."
    ),
    "not_verified": N_(
        "The employment centre has not verified this firm yet. You can post vacancies once it has."
    ),
    "not_allowed": N_("Only the person who registered the firm can do that."),
    "bad_positions": N_("The number of positions must be a whole number from 1 to 1000, like 2."),
    "bad_date": N_("Please write a date like 31.12.2026."),
    "date_required": N_("Please write a date like 31.12.2026."),
    "too_far_ahead": N_(
        "An interview can be recorded at most 60 days ahead. Please check the date, like "
        "15.12.2026 14:30."
    ),
    "too_long_ago": N_(
        "That date is more than a year ago. Please check the date, like 15.12.2026 14:30."
    ),
    "in_the_past": N_("That date has passed. Please write a later date, like 31.12.2026."),
    "wrong_status": N_("That has already changed. Please look again."),
    "unknown_work_time": N_("Please use the buttons below."),
}


def refusal(t: Translator, reason: str) -> str:
    if reason in REFUSALS:
        return t._(REFUSALS[reason])
    return screens.refusal(t, reason)


FIRM_NAMES = {
    "name": N_("Firm"),
    "tax_number": N_("Tax number"),
    "sector": N_("Sector"),
    "district": N_("District"),
    "contact_name": N_("Contact person"),
    "contact_phone": N_("Contact phone"),
}
FIRM_QUESTIONS = {
    "name": N_("🏢 The firm's name:"),
    "tax_number": N_("🧾 The firm's tax number (VKN, 10 digits):"),
    "sector": N_("🏭 The firm's sector (like restaurant, logistics, textiles), or skip:"),
    "district": N_("📍 The district the firm is in:"),
    "contact_name": N_("👤 The first and last name of the firm's contact person:"),
    "contact_phone": N_("📞 The contact person's phone number (like 0532 123 45 67):"),
}
VACANCY_NAMES = {
    "title": N_("Job title"),
    "occupation": N_("Occupation"),
    "positions": N_("Positions"),
    "district": N_("District"),
    "work_time": N_("Working time"),
    "quota": N_("Disability quota"),
    "requirements": N_("Requirements"),
    "valid_until": N_("Open until"),
}
VACANCY_QUESTIONS = {
    "title": N_("📝 The job title (like Garson, Forklift operatörü):"),
    "occupation": N_(
        "🧰 Which occupation is it? Write a word (like garson, forklift, muhasebe) and pick "
        "from what I find."
    ),
    "positions": N_("🔢 How many people do you need? Write a number, like 2."),
    "district": N_("📍 The district where the work is:"),
    "work_time": N_("⏱ Full time or part time?"),
    "quota": N_(
        "♿ Is this a position under the legal quota for disabled employees (engelli "
        "kontenjanı)? If yes, the employment centre also looks for candidates with a "
        "disability."
    ),
    "requirements": N_(
        "📋 What do you ask of candidates (experience, education, certificates…)? Or skip:"
    ),
    "valid_until": N_(
        "🗓 Until when is the vacancy open? Write a date like 31.12.2026, or pick one:"
    ),
}
VACANCY_STATUSES = {
    "draft": N_("📝 Draft"),
    "pending": N_("⏳ Awaiting the centre's approval"),
    "published": N_("✅ Published"),
    "closed": N_("🔒 Closed"),
}
CANDIDATE_STATUSES = {
    "interested": N_("🙋 Interested"),
    "interview": N_("🗣 Interview"),
    "job_found": N_("✅ Hired"),
    "started": N_("🏁 Started work"),
    "not_hired": N_("✖️ Not hired"),
}
OUTCOME_BUTTONS = {
    "interview": N_("🗣 Interview"),
    "job_found": N_("✅ Hired"),
    "started": N_("🏁 Started work"),
    "not_hired": N_("✖️ Not hired"),
}
NOT_HIRED_REASONS = {
    "did_not_come": N_("Did not come"),
    "skills": N_("Skills did not fit"),
    "candidate_declined": N_("The candidate declined"),
    "position_filled": N_("The position was filled"),
    "other": N_("Another reason"),
}


def firm_status(t: Translator, verified: bool, turned_down: str | None = None) -> str:
    """Verified, awaiting verification, or turned down for `turned_down` (the reason,
    translated)."""
    if turned_down is not None:
        return t._("⛔ Turned down: {reason}").format(reason=html.escape(turned_down))
    return t._("✅ Verified") if verified else t._("⏳ Awaiting verification")


def _line(label: str, value: str | None) -> str:
    return f"<b>{label}:</b> {html.escape(value) if value else '—'}"


def firm_lines(state: FirmState, t: Translator) -> list[str]:
    return [
        _line(t._(FIRM_NAMES[field]), getattr(state, field))
        for field in ("name", "tax_number", "sector", "district", "contact_name", "contact_phone")
    ]


def work_time(t: Translator, code: str | None) -> str | None:
    return t._(screens.WORK_TIMES[code]) if code in screens.WORK_TIMES else None


def vacancy_lines(state: VacancyState, t: Translator) -> list[str]:
    until = date.fromisoformat(state.valid_until) if state.valid_until else None
    return [
        _line(t._(VACANCY_NAMES["title"]), state.title),
        _line(
            t._(VACANCY_NAMES["occupation"]),
            occupation_title(state.occupation, t) if state.occupation else None,
        ),
        _line(
            t._(VACANCY_NAMES["positions"]), t.number(state.positions) if state.positions else None
        ),
        _line(t._(VACANCY_NAMES["district"]), state.district),
        _line(t._(VACANCY_NAMES["work_time"]), work_time(t, state.work_time)),
        _line(
            t._(VACANCY_NAMES["quota"]),
            None if state.quota is None else screens.yes_no(t, state.quota),
        ),
        _line(t._(VACANCY_NAMES["requirements"]), state.requirements),
        _line(t._(VACANCY_NAMES["valid_until"]), t.date(until) if until else None),
    ]


def experience_line(item: registry.Experience, t: Translator) -> str:
    years = t._("{years} years").format(years=f"{item.years:g}") if item.years else ""
    return ", ".join(part for part in (item.title, item.employer, years) if part)


def candidate_name(found: Candidate, t: Translator) -> str:
    if found.erased:
        return t._("A candidate who deleted their CV")
    return found.name or "—"


def candidate_lines(found: Candidate, t: Translator, tz: ZoneInfo) -> list[str]:
    """What the employer sees of a candidate (core.employment.firms.candidate)."""
    lines = [f"👤 <b>{html.escape(candidate_name(found, t))}</b>"]
    if not found.erased:
        lines += [
            _line(t._("Phone"), found.phone),
            _line(
                t._("Occupations"),
                "; ".join(occupation_title(code, t) for code in found.occupations),
            ),
            _line(t._("Experience"), "; ".join(experience_line(e, t) for e in found.experience)),
        ]
    status = t._(CANDIDATE_STATUSES.get(found.status, found.status))
    if found.status == "interview" and found.interview_at is not None:
        status += " · " + t.date(found.interview_at.astimezone(tz).date())
    if found.status in ("job_found", "started") and found.start_date is not None:
        status += " · " + t._("starts on {day}").format(day=t.date(found.start_date))
    if found.status == "not_hired" and found.reason in NOT_HIRED_REASONS:
        status += " · " + t._(NOT_HIRED_REASONS[found.reason])
    lines.append(_line(t._("Status"), status))
    return lines


def firm_notice(t: Translator, controller: str) -> Screen:
    """What is kept about the firm and its contact person (KVKK), before the first
    question."""
    text = t._(
        "🔒 <b>Your firm's data (KVKK)</b>\n\n"
        "{controller} keeps the firm's name, tax number, sector and district, and the "
        "name and phone number of its contact person. The employment centre's staff use "
        "them to verify the firm, to publish its vacancies and to send it candidates.\n\n"
        "/verilerimi_sil erases the contact person's name and phone; the firm's name and "
        "tax number stay, with its vacancies."
    ).format(controller=html.escape(controller))
    return Screen(
        text,
        (
            (j.Consented().choice(t._("✅ Continue")),),
            (j.Home().choice(t._("✖️ Cancel")),),
        ),
    )
