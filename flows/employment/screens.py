"""What the employment centre's screens say: refusals, the names of its codes, the
questions of the CV and the KVKK notice for employment data."""

from __future__ import annotations

import html

from common.i18n import N_, Translator
from core import occupations
from core.employment import validation
from flows.employment import actions as a
from flows.employment.state import EmploymentState
from flows.screen import Screen

REFUSALS: dict[str, str] = {
    "text_required": N_("Please write something; this cannot be empty."),
    "too_long": N_("That is too long. Please shorten it."),
    "bad_birth_year": N_("That year of birth cannot be right. Please write it as 1990."),
    "bad_years": N_("The years must be a number from 0 to 60, like 2 or 1.5."),
    "bad_experience": N_(
        "Please write it as: job, employer, years (like Garson, Deniz Restoran, 2)."
    ),
    "no_match": N_("I found no occupation for that. Please try another word, like garson or aşçı."),
    "occupation_required": N_("Please pick at least one occupation."),
    "bad_occupation": N_("Please pick at least one occupation."),
    "too_many": N_("That is more than this CV can hold."),
    "use_buttons": N_("Please use the buttons below."),
    "bad_phone": N_("That phone number cannot be right. Please write it like 0532 123 45 67."),
    "no_cv": N_("You have no CV with us."),
    "not_pdf": N_(
        "Only a PDF file can be attached. Please send your CV as a PDF document, or tap ⏭ Skip."
    ),
    "too_large": N_(
        "That file is too large: a CV can be at most {size} MB. Please send a smaller PDF, "
        "or tap ⏭ Skip."
    ),
    "pdf_expected": N_("Please send your CV as a PDF document, or tap ⏭ Skip."),
    "not_your_contact": N_("Please share your own number with the button, or type it."),
    "unknown_licence": N_("Please use the buttons below."),
    "text_expected": N_("Please write your answer as a message."),
    "not_found": N_("Not found. It may have been removed."),
}


def refusal(t: Translator, reason: str) -> str:
    text = t._(REFUSALS.get(reason, REFUSALS["not_found"]))
    if reason == "too_large":
        text = text.format(size=t.number(validation.MAX_CV_BYTES // (1024 * 1024)))
    return text


EDUCATION = {
    "none": N_("No schooling"),
    "primary": N_("Primary school"),
    "middle": N_("Middle school"),
    "high_school": N_("High school"),
    "vocational": N_("Vocational high school"),
    "associate": N_("Associate degree"),
    "bachelor": N_("Bachelor's degree"),
    "master": N_("Master's degree"),
    "doctorate": N_("Doctorate"),
}
AVAILABILITY = {
    "now": N_("Right away"),
    "two_weeks": N_("Within two weeks"),
    "month": N_("Within a month"),
    "later": N_("Later"),
}
WORK_TIMES = {"full": N_("Full time"), "part": N_("Part time"), "any": N_("Either")}
FIELD_NAMES = {
    "name": N_("Name"),
    "birth_year": N_("Year of birth"),
    "district": N_("District"),
    "neighbourhood": N_("Neighbourhood"),
    "phone": N_("Phone"),
    "education": N_("Education"),
    "occupations": N_("Occupations"),
    "experience": N_("Experience"),
    "languages": N_("Languages"),
    "licence": N_("Driving licence"),
    "availability": N_("Can start"),
    "work_time": N_("Working time"),
    "cv_file": N_("CV file"),
    "disability": N_("Disability status"),
}
# The licence classes offered as buttons (core.employment.codes.COMMON_LICENCES).
LICENCES = {
    "A": N_("A (motorcycle)"),
    "B": N_("B (car)"),
    "BE": N_("BE (car with trailer)"),
    "C": N_("C (truck)"),
    "CE": N_("CE (truck with trailer)"),
    "D": N_("D (bus)"),
    "F": N_("F (tractor)"),
    "G": N_("G (work machines)"),
}
QUESTIONS = {
    "name": N_("👤 Your first and last name:"),
    "birth_year": N_("🎂 Your year of birth (like 1990):"),
    "district": N_("📍 The district you live in:"),
    "neighbourhood": N_("🏘 Your neighbourhood:"),
    "phone": N_("📞 A phone number employers can reach you on (like 0532 123 45 67):"),
    "education": N_("🎓 Your highest completed education:"),
    "occupations": N_(
        "🧰 What work are you looking for? Write a word (like garson, forklift, "
        "muhasebe) and pick from what I find. Up to 3."
    ),
    "experience": N_(
        "💼 Your experience, one job per message: job, employer, years (like Garson, "
        "Deniz Restoran, 2). Tap ✅ Done when finished."
    ),
    "languages": N_("🗣 Foreign languages you speak (like İngilizce, Almanca), or skip:"),
    "licence": N_(
        "🚗 Which driving licence classes do you have? Tap each one you have, then ✅ Done; "
        "or tap 🚫 None."
    ),
    "availability": N_("🗓 When can you start?"),
    "work_time": N_("⏱ Full time or part time?"),
    "cv_file": N_(
        "📎 Do you have a CV as a PDF file? You can send it here as a document "
        "(at most {size} MB), or tap ⏭ Skip."
    ),
    "disability": N_(
        "♿ <b>Disability status (optional)</b>\n\n"
        "Some jobs are kept for people with a disability (the legal quota for employers). "
        "If you wish, you can tell us whether you have a disability health report, so the "
        "employment centre can consider you for those jobs.\n\n"
        "This is sensitive personal data (KVKK article 6): it is kept only with your "
        "explicit consent, only the employment centre's staff see it, employers never do, "
        "and it is used only for the quota jobs that ask for it. You can withdraw your "
        "consent at any time in 📄 My CV, and it is erased.\n\n"
        "Do you agree to share it?"
    ),
}
DISABILITY_QUESTION = N_(
    "♿ Do you have a disability health report (an official disability status)?"
)


def occupation_title(code: str, t: Translator) -> str:
    return occupations.title(code, t.language) or code


def yes_no(t: Translator, value: bool | None) -> str:
    return "—" if value is None else t._("Yes") if value else t._("No")


def cv_lines(state: EmploymentState, t: Translator) -> list[str]:
    """The CV's fields, one line each, escaped for the screen."""

    def line(field: str, value: str | None) -> str:
        return f"<b>{t._(FIELD_NAMES[field])}:</b> {html.escape(value) if value else '—'}"

    jobs = [
        ", ".join(
            p for p in (str(e.get("title", "")), str(e.get("employer", "")), _years(e, t)) if p
        )
        for e in state.experience
    ]
    return [
        line("name", state.name),
        line("birth_year", str(state.birth_year) if state.birth_year else None),
        line("district", state.district),
        line("neighbourhood", state.neighbourhood),
        line("phone", state.phone),
        line("education", t._(EDUCATION[state.education]) if state.education else None),
        line("occupations", "; ".join(occupation_title(c, t) for c in state.occupations)),
        line("experience", "; ".join(jobs)),
        line("languages", ", ".join(state.languages)),
        line("licence", licence_text(state.licences, t)),
        line("availability", t._(AVAILABILITY[state.availability]) if state.availability else None),
        line("work_time", t._(WORK_TIMES[state.work_time]) if state.work_time else None),
        *(
            [t._("📎 CV attached: {name}").format(name=html.escape(state.cv_file_name or ""))]
            if state.cv_file_id
            else []
        ),
    ]


def licence_text(classes: list[str] | None, t: Translator) -> str | None:
    """ "B, CE", "None", or nothing while not answered."""
    if classes is None:
        return None
    return ", ".join(classes) if classes else t._("None")


def disability_line(state: EmploymentState, t: Translator) -> str | None:
    """The seeker's own view of their disability answer (never an employer's): only
    when they consented to share it."""
    if state.disability_consent_at is None or state.disability is None:
        return None
    shown = t._("Yes") if state.disability else t._("No")
    return "<b>{label}:</b> {value} {note}".format(
        label=t._(FIELD_NAMES["disability"]),
        value=shown,
        note=t._("(shared with your consent; seen only by the employment centre)"),
    )


def _years(entry: dict[str, object], t: Translator) -> str:
    years = entry.get("years")
    if not isinstance(years, int | float) or not years:
        return ""
    shown = f"{years:g}"
    return t._("{years} years").format(years=shown)


def consent_screen(t: Translator, controller: str, retention_days: int) -> Screen:
    """The KVKK notice for employment data, before the CV's first question."""
    text = t._(
        "🔒 <b>Personal data notice for the employment centre (KVKK)</b>\n\n"
        "{controller} keeps the CV you write here: your name, year of birth, district, "
        "phone, education, the work you look for, your experience, languages, driving "
        "licence classes, when you can start and, if you send one, your CV file (a PDF). "
        "The employment centre's staff use it to find you suitable jobs. An employer "
        "sees your CV only for a job you were referred to and accepted. Your disability "
        "status is asked separately, only with your explicit consent.\n\n"
        "You can pause, edit or delete it at any time with /istihdam. If it has had no "
        "activity for a long time, we ask you whether to keep it; a CV with no activity "
        "for {days} days is deleted.\n\nDo you accept?"
    ).format(controller=html.escape(controller), days=retention_days)
    return Screen(
        text,
        (
            (a.Consented().choice(t._("✅ I accept")),),
            (a.Menu().choice(t._("✖️ I do not accept")),),
        ),
    )
