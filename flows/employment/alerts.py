"""Vacancy alerts as people see them, channel-neutral: the settings screen reached from
"My CV" (instant, daily, off), what a button under an alert answers, and the alerts and
daily summaries themselves, composed in each seeker's language and queued in the
announcement outbox (core.outbox) with their buttons. core.employment.alerts decides who
is told of what, and when."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from common.i18n import N_, Translator, resolve_language, translator
from core import outbox
from core.employment import alerts
from core.refusals import Refused
from db.models import Citizen, JobSeeker
from flows.employment import actions as a
from flows.employment import alert_actions as ea
from flows.employment.screens import WORK_TIMES
from flows.employment.seeker import stored_cv
from flows.screen import Choice, Rows, Screen, as_pairs

MODE_NAMES: dict[ea.Mode, str] = {
    "instant": N_("⚡ Each one at once"),
    "daily": N_("🗓 One summary a day"),
    "off": N_("🔕 Off"),
}
# A summary lists this many vacancies and counts the rest (a message holds 4,096
# characters).
SUMMARY_JOBS = 15
INSTANT_KIND, DAILY_KIND = "job_alert", "job_alert_daily"


# --- Settings ------------------------------------------------------------------------------


def _seeker(session: Session, citizen: Citizen) -> JobSeeker:
    seeker = stored_cv(session, citizen)
    if seeker is None:
        raise Refused("no_cv")
    return seeker


def _name(mode: str) -> str:
    return next((name for m, name in MODE_NAMES.items() if m == mode), MODE_NAMES["instant"])


def settings(session: Session, citizen: Citizen, t: Translator, note: str = "") -> Screen:
    """🔔 Job alerts: what they are, the current choice, and the three choices."""
    seeker = _seeker(session, citizen)
    text = t._(
        "🔔 <b>Job alerts</b>\n\nWhen the employment centre publishes a vacancy for the "
        "work in your CV, in your district, we tell you: each one at once, or in one "
        "summary a day.\n\nNow: {mode}"
    ).format(mode=t._(_name(seeker.alerts)))
    if seeker.paused:
        text += "\n\n" + t._("⏸ Your CV is paused: no alerts come until you look again.")
    rows: list[tuple[Choice, ...]] = [
        (ea.SetAlerts(mode).choice(("✓ " if mode == seeker.alerts else "") + t._(name)),)
        for mode, name in MODE_NAMES.items()
    ]
    rows.append((a.MyCV().choice(t._("⬅️ Back")),))
    return Screen(f"{note}\n\n{text}" if note else text, tuple(rows))


def choose(session: Session, citizen: Citizen, t: Translator, mode: str) -> Screen:
    """A choice on the settings screen, which comes back with it."""
    alerts.set_preference(session, _seeker(session, citizen), mode)
    return settings(session, citizen, t, t._("✅ Saved."))


def from_alert(session: Session, citizen: Citizen, t: Translator, mode: str) -> Screen:
    """A button under an alert: the new choice, confirmed, and how to change it again."""
    alerts.set_preference(session, _seeker(session, citizen), mode)
    if mode == alerts.OFF:
        text = t._(
            "🔕 Job alerts are off: we will not tell you of new vacancies. To turn them "
            "back on: /istihdam → 📄 My CV → 🔔 Job alerts."
        )
    elif mode == alerts.DAILY:
        text = t._(
            "🗓 From now on you get one summary a day of the new vacancies for you. To "
            "change it: /istihdam → 📄 My CV → 🔔 Job alerts."
        )
    else:
        text = t._(
            "⚡ From now on we tell you of each new vacancy for you at once. To change "
            "it: /istihdam → 📄 My CV → 🔔 Job alerts."
        )
    return Screen(text, ((ea.AlertSettings().choice(t._("🔔 Job alerts")),),))


# --- The alerts ----------------------------------------------------------------------------


def job_lines(job: alerts.Job, t: Translator) -> list[str]:
    """A vacancy in a few plain lines (the outbox sends plain text: nothing to escape)."""
    where = job.district or t._("Any district")
    details = " · ".join(
        (
            where,
            t._(WORK_TIMES.get(job.work_time, job.work_time)),
            t._("{count} positions").format(count=t.number(job.positions))
            if job.positions > 1
            else t._("1 position"),
        )
    )
    lines = [f"{job.title} — {job.firm}", f"📍 {details}"]
    if job.valid_until is not None:
        lines.append(t._("⏳ Open until {date}").format(date=t.date(job.valid_until)))
    return lines


def alert(job: alerts.Job, t: Translator) -> tuple[str, Rows]:
    """One vacancy, told at once, with its buttons."""
    text = "\n".join(
        [
            t._("🔔 A new vacancy for you"),
            "",
            *job_lines(job, t),
            "",
            t._(
                "The employment centre refers suitable candidates to the employer; keep "
                "your CV up to date with /istihdam."
            ),
        ]
    )
    return text, (
        (ea.FromAlert("daily").choice(t._("🗓 Daily summary instead")),),
        (ea.FromAlert("off").choice(t._("🔕 Stop alerts")),),
    )


def summary(jobs: tuple[alerts.Job, ...], t: Translator) -> tuple[str, Rows]:
    """The day's vacancies for one seeker, with the buttons of an alert."""
    lines = [t._("🗓 New vacancies for you: {count}").format(count=t.number(len(jobs)))]
    for n, job in enumerate(jobs[:SUMMARY_JOBS], 1):
        first, *rest = job_lines(job, t)
        lines += ["", f"{n}. {first}", *(f"   {line}" for line in rest)]
    if len(jobs) > SUMMARY_JOBS:
        lines += [
            "",
            t._("…and {count} more.").format(count=t.number(len(jobs) - SUMMARY_JOBS)),
        ]
    lines += [
        "",
        t._(
            "The employment centre refers suitable candidates to the employer; keep "
            "your CV up to date with /istihdam."
        ),
    ]
    return "\n".join(lines), (
        (ea.FromAlert("instant").choice(t._("⚡ Each one at once instead")),),
        (ea.FromAlert("off").choice(t._("🔕 Stop alerts")),),
    )


def _translator(recipient: alerts.Recipient) -> Translator:
    return translator(resolve_language(recipient.language, recipient.telegram_language))


def queue_instant(session: Session, now: datetime, today: date) -> int:
    """The alerts due now into the outbox, one batch per vacancy, in the caller's
    transaction (which also marks them sent); `today` is the municipality's date. Returns
    how many were queued."""
    by_vacancy: dict[int, dict[int, tuple[str, Rows]]] = {}
    # A vacancy's alert reads the same to everyone of a language: composed once each.
    composed: dict[tuple[int, str], tuple[str, Rows]] = {}
    for recipient in alerts.take_instant(session, now, today):
        job = recipient.jobs[0]
        t = _translator(recipient)
        key = (job.vacancy_id, t.language)
        if key not in composed:
            composed[key] = alert(job, t)
        by_vacancy.setdefault(job.vacancy_id, {})[recipient.telegram_id] = composed[key]
    for messages in by_vacancy.values():
        outbox.enqueue(
            session,
            {chat: text for chat, (text, _) in messages.items()},
            kind=INSTANT_KIND,
            now=now,
            buttons={chat: as_pairs(rows) for chat, (_, rows) in messages.items()},
        )
    return sum(len(messages) for messages in by_vacancy.values())


def queue_daily(session: Session, now: datetime, today: date) -> int:
    """Each daily seeker's summary into the outbox, one batch, in the caller's
    transaction. Returns how many seekers get one."""
    messages = {
        recipient.telegram_id: summary(recipient.jobs, _translator(recipient))
        for recipient in alerts.take_daily(session, now, today)
    }
    if messages:
        outbox.enqueue(
            session,
            {chat: text for chat, (text, _) in messages.items()},
            kind=DAILY_KIND,
            now=now,
            buttons={chat: as_pairs(rows) for chat, (_, rows) in messages.items()},
        )
    return len(messages)
