"""Staff digests (daily, weekly with a chart), /ozet on demand, /rapor as an Excel file,
and the nightly indicator snapshot."""

from __future__ import annotations

import html
import logging
import tempfile
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session
from telegram import InputFile, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.sending import bulk
from common.i18n import Translator, translator
from core import digests, indicators, job_runs, reports, staff
from core.charts import weekly_chart
from core.fencing import Deposed
from db.engine import transaction
from db.types import utcnow
from handlers.common import KentContext, as_id
from handlers.feature import Command, Daily, Feature

log = logging.getLogger("kentbot.digests")


def _pct(t: Translator, value: float | None) -> str:
    return "—" if value is None else t.percent(value / 100)


def _days(t: Translator, value: float | None) -> str:
    if value is None:
        return "—"
    shown = round(value, 1)
    # Plural forms count whole things; "1.5 days" takes the plural, as 2 does.
    return t.ngettext("{days} day", "{days} days", 1 if shown == 1 else 2).format(
        days=t.number(shown)
    )


def _progress(
    t: Translator, actual: float | int | None, target: float | int | None, show: str
) -> str:
    if target is None:
        return show
    return t._("{actual} (target {target})").format(actual=show, target=t.number(target))


def _period(t: Translator, digest: digests.Digest, tz: ZoneInfo) -> str:
    first = digest.span.start.astimezone(tz).date()
    last = (digest.span.end.astimezone(tz) - timedelta(seconds=1)).date()
    if first == last:
        return t.date(first)
    return f"{t.date(first, 'short')} – {t.date(last, 'short')}"


def render(t: Translator, digest: digests.Digest, tz: ZoneInfo) -> str:
    """The digest as one Telegram message (HTML), in the staff's language."""
    figures, year = digest.figures, digest.year
    title = {
        "daily": t._("📊 <b>Daily summary</b>"),
        "weekly": t._("📊 <b>Weekly summary</b>"),
        "today": t._("📊 <b>Summary for today so far</b>"),
    }[digest.kind]
    lines = [
        f"{title} · {_period(t, digest, tz)}",
        "",
        t._("<b>Requests by department</b> (new / open / overdue / resolved)"),
    ]
    for line in digest.departments:
        if line.new or line.open or line.resolved:
            mark = " ⚠️" if line.overdue else ""
            counts = " / ".join(
                t.number(n) for n in (line.new, line.open, line.overdue, line.resolved)
            )
            lines.append(f"• {html.escape(line.name_in(t.language))}: {counts}{mark}")
    if all(not (d.new or d.open or d.resolved) for d in digest.departments):
        lines.append(t._("No requests."))
    lines += [
        "",
        t._("Requests received: {count}").format(count=t.number(figures.requests_total)),
        t._("Average response time: {days}").format(days=_days(t, figures.average_response_days)),
        t.ngettext(
            "Citizen satisfaction: {percent} ({answers} answer)",
            "Citizen satisfaction: {percent} ({answers} answers)",
            figures.satisfaction_answers,
        ).format(
            percent=_pct(t, figures.satisfaction_percent),
            answers=t.number(figures.satisfaction_answers),
        ),
    ]
    if figures.calls_total:
        lines.append(
            t._("Missed-call rate: {percent}").format(
                percent=t.percent(figures.missed_call_rate or 0)
            )
        )
    seats = sum(figures.council_seats.values())
    if seats:
        lines.append(
            t._(
                "City Council attendance (monitoring): {came} of {seats} registered came "
                "({attendance})"
            ).format(
                came=t.number(
                    sum(figures.council_participants.get(c, 0) for c in figures.council_seats)
                ),
                seats=t.number(seats),
                attendance=_rate(t, figures.attendance_rate()),
            )
        )
    lines += _employment(t, digest)
    if digest.events:
        lines += ["", t._("<b>Upcoming City Council events</b>")]
        for item in digest.events:
            event = item.event
            lines.append(
                t.ngettext(
                    "• {when} {title}: {registered} registered, {left} seat left",
                    "• {when} {title}: {registered} registered, {left} seats left",
                    item.seats_left,
                ).format(
                    when=t.short_datetime(event.starts_at),
                    title=html.escape(event.title),
                    registered=t.number(event.capacity - item.seats_left),
                    left=t.number(item.seats_left),
                )
            )
    lines += ["", t._("<b>This year so far</b>")]
    target = year.targets
    lines.append(
        t._("Satisfaction: {value}").format(
            value=_progress(
                t,
                year.satisfaction_percent,
                target.get("satisfaction_percent"),
                _pct(t, year.satisfaction_percent),
            )
        )
    )
    lines.append(
        t._("Average response time: {days}").format(
            days=_progress(
                t,
                year.average_response_days,
                target.get("average_response_days"),
                _days(t, year.average_response_days),
            )
        )
    )
    lines.append(
        t._("Requests and complaints: {value}").format(
            value=_progress(
                t, year.requests_total, target.get("requests_total"), t.number(year.requests_total)
            )
        )
    )
    lines.append(
        t._("City Council events: {value}").format(
            value=_progress(
                t,
                year.council_events_total,
                target.get("council_events_total"),
                t.number(year.council_events_total),
            )
        )
    )
    lines.append(
        t._("City Council participants: {value}").format(
            value=_progress(
                t,
                year.council_participants_total,
                target.get("council_participants_total"),
                t.number(year.council_participants_total),
            )
        )
    )
    lines += _entered(t, year)
    lines += _attendance(t, digest)
    return "\n".join(lines)[:4000]


def _entered(t: Translator, year: indicators.Indicators) -> list[str]:
    """The year's figures staff enter per month at the web desk, beside their target or
    forecast; "—" while no month is entered. A figure with neither a value nor a target is
    left out, so a municipality that does not track it does not read about it."""
    figures = (
        (t._("New public-relations projects: {value}"), year.new_projects, "new_projects"),
        (
            t._("Condolence visits (families): {value}"),
            year.condolence_visits,
            "condolence_visits",
        ),
        (t._("Funeral meals served (people): {value}"), year.funeral_meals, "funeral_meals"),
    )
    lines = []
    for text, value, key in figures:
        target = year.targets.get(key)
        if value is None and target is None:
            continue
        shown = "—" if value is None else t.number(value)
        lines.append(text.format(value=_progress(t, value, target, shown)))
    return lines


def _employment(t: Translator, digest: digests.Digest) -> list[str]:
    """The employment centre's period (goal 4.3.1): people started, job found, referrals,
    new CVs and trainings held, as the indicators count them (a person once per period),
    and a job fair's firms and hires when one was held."""
    jobs = digest.employment
    if jobs is None:
        return []
    lines = [
        "",
        t._("<b>Employment centre</b>"),
        t._("People who started work: {count}").format(count=t.number(jobs.people_started)),
        t._("People a job was found for: {count}").format(count=t.number(jobs.people_job_found)),
        t._("Referrals: {count}").format(count=t.number(jobs.referrals)),
        t._("New CVs: {count}").format(count=t.number(jobs.new_cvs)),
        t._("Trainings held: {count}").format(count=t.number(jobs.trainings or 0)),
    ]
    if jobs.job_fair_firms:
        lines.append(
            t._("Job fair: {firms}, {hires}").format(
                firms=t.ngettext("{count} firm", "{count} firms", jobs.job_fair_firms).format(
                    count=t.number(jobs.job_fair_firms)
                ),
                hires=t.ngettext(
                    "{count} person hired", "{count} people hired", jobs.job_fair_hires or 0
                ).format(count=t.number(jobs.job_fair_hires or 0)),
            )
        )
    return lines


def render_centre(t: Translator, digest: digests.Digest, tz: ZoneInfo) -> str:
    """The employment centre's own digest, for its staff group: the centre's block of the
    digest and what waits on its desk (counts only; /istihdam opens the desk)."""
    title = {
        "daily": t._("💼 <b>Employment centre · daily summary</b>"),
        "weekly": t._("💼 <b>Employment centre · weekly summary</b>"),
        "today": t._("💼 <b>Employment centre · today so far</b>"),
    }[digest.kind]
    lines = [f"{title} · {_period(t, digest, tz)}", *_employment(t, digest)[2:]]
    waiting = digest.employment_waiting
    if waiting is not None:
        lines += [
            "",
            t._("Firms to verify: {firms} · vacancies to approve: {vacancies}").format(
                firms=t.number(waiting.firms), vacancies=t.number(waiting.vacancies)
            ),
            t._("/istihdam opens the staff desk."),
        ]
    return "\n".join(lines)


def _rate(t: Translator, ratio: float | None) -> str:
    return "—" if ratio is None else t.percent(ratio)


def _attendance(t: Translator, digest: digests.Digest) -> list[str]:
    """Check-ins at this year's held events per assembly: monitoring, not a programme
    indicator, so it stands apart from the targets above."""
    year = digest.year
    held = [code for code, seats in year.council_seats.items() if seats]
    if not held:
        return []
    lines = [
        "",
        t._("<b>City Council attendance this year</b> · monitoring, not a programme indicator"),
    ]
    for code in held:
        name = digest.assemblies[code].get(t.language) if code in digest.assemblies else code
        seats = year.council_seats[code]
        lines.append(
            t._(
                "• {assembly}: {came} of {seats} registered came; attendance {attendance}, "
                "no-shows {no_show}"
            ).format(
                assembly=html.escape(name),
                came=t.number(year.council_participants.get(code, 0)),
                seats=t.number(seats),
                attendance=_rate(t, year.attendance_rate(code)),
                no_show=_rate(t, year.no_show_rate(code)),
            )
        )
    return lines


def chart_for(t: Translator, digest: digests.Digest) -> bytes:
    """The weekly chart in the reader's language: its labels and its days."""
    return weekly_chart(
        digest.days,
        digest.year.targets.get("average_response_days"),
        {
            "title": t._("Requests per day and response time"),
            "requests": t._("Requests"),
            "response": t._("Response time (days)"),
            "target": t._("Target"),
        },
        [t.weekday(d.day) for d in digest.days],
    )


def _claim(context: KentContext, job: str, key: str) -> bool:
    """True once per (job, key), across restarts and instances; never on a leader that a
    newer one deposed (it steps down instead)."""
    try:
        with transaction(context.engine) as session:
            return job_runs.claim(session, job, key, utcnow(), context.deps.fence)
    except Deposed as exc:
        log.error("%s %s not claimed: %s", job, key, exc)
        context.deps.deposed()
        return False


async def send_digest(context: KentContext, kind: str) -> None:
    shared = context.deps
    now = shared.clock()
    key = now.astimezone(shared.config.tz).date().isoformat()
    if not _claim(context, f"digest-{kind}", key):
        return
    recipients = shared.config.digests.recipients or [
        c for c in (shared.config.bot.supervisors_chat_id,) if c is not None
    ]
    # Aggregates and lookups only: a heavy read, on the replica when one is set and fit.
    with transaction(shared.reader) as session:
        digest = digests.build(session, shared.config, kind, now)
        centre = digests.employment_chat(session)
        chats = [*recipients, *([centre] if centre is not None else [])]
        languages = digests.languages_for(session, shared.config, chats)
    # Built once above; written once per language read, not once per recipient.
    editions = {
        language: _edition(translator(language), digest, shared.config.tz)
        for language in {languages[chat_id] for chat_id in recipients}
    }
    with bulk():  # scheduled and not awaited by anyone: replies to people go first
        for chat_id in recipients:
            text, chart = editions[languages[chat_id]]
            try:
                await context.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
                if chart is not None:
                    await context.bot.send_photo(chat_id, InputFile(chart, filename="haftalik.png"))
            except TelegramError as exc:
                log.warning("%s digest not delivered to %s: %s", kind, chat_id, type(exc).__name__)
        # The employment centre's group gets its own, unless it already has the whole one.
        if centre is not None and centre not in recipients:
            t = translator(languages[centre])
            try:
                await context.bot.send_message(
                    centre, render_centre(t, digest, shared.config.tz), parse_mode=ParseMode.HTML
                )
            except TelegramError as exc:
                log.warning("%s centre digest not delivered: %s", kind, type(exc).__name__)


def _edition(t: Translator, digest: digests.Digest, tz: ZoneInfo) -> tuple[str, bytes | None]:
    """The digest's text in one language, and the weekly one's chart with its labels."""
    return render(t, digest, tz), chart_for(t, digest) if digest.kind == "weekly" else None


def _chat_texts(update: Update, context: KentContext, session: Session) -> Translator:
    """The language a command is answered in: the asker's own in private, the group's
    (the municipality's) in a group; digests.languages_for is the one rule."""
    chat = update.effective_chat
    chat_id = chat.id if chat is not None else context.user_id
    return translator(digests.languages_for(session, context.config, [chat_id])[chat_id])


async def daily_digest(context: KentContext) -> None:
    await send_digest(context, "daily")


async def weekly_digest(context: KentContext) -> None:
    await send_digest(context, "weekly")


async def nightly_snapshots(context: KentContext) -> None:
    shared = context.deps
    with transaction(shared.engine) as session:
        refreshed = indicators.refresh_snapshots(session, shared.config, shared.clock())
    log.info("indicator snapshots refreshed: %d periods", len(refreshed))


async def summary_command(update: Update, context: KentContext) -> None:
    """/ozet: today's summary so far, for staff (in a group or a private chat)."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    shared = context.deps
    with transaction(shared.engine) as session:
        t = _chat_texts(update, context, session)
        allowed = staff.is_staff(context.staff_member(session))
        digest = digests.build(session, shared.config, "today", shared.clock()) if allowed else None
    if digest is None:
        await message.reply_text(t._("This command is for municipal staff."))
        return
    await message.reply_text(render(t, digest, shared.config.tz), parse_mode=ParseMode.HTML)


async def report_command(update: Update, context: KentContext) -> None:
    """/rapor [YEAR]: the performance table as an Excel file, for staff."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    shared = context.deps
    now = shared.clock()
    today = now.astimezone(shared.config.tz).date()
    args = context.args or []
    asked = as_id(args[0], limit=2100) if args else None
    year = asked if asked is not None and asked >= 2000 else today.year
    report: reports.Report | None = None
    with transaction(shared.engine) as session:
        t = _chat_texts(update, context, session)
        allowed = staff.is_staff(context.staff_member(session))
    if allowed and year <= today.year:
        # The same period as `kentbot report --year`: the year, up to today at most; a
        # heavy read, on the replica when one is set and fit.
        with transaction(shared.reader) as session:
            report = reports.build_report(session, shared.config, year, None, now)
    if not allowed:
        await message.reply_text(t._("This command is for municipal staff."))
        return
    if report is None:
        await message.reply_text(
            t._("The year {year} has not started yet: there is nothing to report.").format(
                year=year
            )
        )
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"performans-{year}.xlsx"
        reports.write_xlsx(report, path)
        data = path.read_bytes()
    await message.reply_document(
        InputFile(data, filename=f"performans-{year}.xlsx"),
        caption=t._("📈 Performance indicators, {period}").format(
            period=t.interval(report.first, report.last)
        ),
    )


FEATURE = Feature(
    name="digests",
    commands=(Command(("ozet",), summary_command), Command(("rapor",), report_command)),
    jobs=(
        Daily("digest-daily", daily_digest, at=lambda schedule: schedule.daily_digest),
        Daily(
            "digest-weekly",
            weekly_digest,
            at=lambda schedule: schedule.weekly_digest,
            weekday=lambda schedule: schedule.weekly_digest_day,
        ),
        Daily(
            "indicator-snapshots",
            nightly_snapshots,
            at=lambda schedule: schedule.indicator_snapshot,
        ),
    ),
)
