"""The staff desk's candidates and referrals, channel-neutral: a published vacancy's ranked
candidates, each with why they rank there and a button to refer them (the seeker gets
the job offer); a referral's card, with its history and the buttons that set its outcome
(a job found asks its start date; an acceptance the seeker told staff of is confirmed
first, since the firm then sees the person); and the reminder the centre's group gets of
a follow-up nobody answered.

Every staff function checks the actor through core (registry.authorize) before it reads
anything."""

from __future__ import annotations

import html
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from common.i18n import N_, Translator
from core.employment import codes, desk, followups, ranking, referrals, registry
from core.refusals import Refused
from db.models import Employer, JobSeeker, Referral, StaffMember, Vacancy
from flows.employment import staff_actions as s
from flows.employment.employer_screens import NOT_HIRED_REASONS
from flows.employment.referral_answers import tell_firm_interested
from flows.employment.screens import WORK_TIMES, occupation_title
from flows.employment.staff_common import (
    LABEL,
    STATUSES,
    get_or_refuse,
    job_of,
    shared_with_firm,
    tell_citizen,
)
from flows.screen import Choice, Rows, Screen, fit

# The outcomes staff may set from a referral's card, by its status. Not "interested": a
# seeker's acceptance passed on by staff has a button of its own, confirmed
# (accept_question), because the firm then sees the person.
OUTCOMES = {
    codes.REFERRED: (codes.DECLINED, codes.CANCELLED),
    codes.INTERESTED: (codes.INTERVIEW, codes.JOB_FOUND, codes.DECLINED, codes.CANCELLED),
    codes.INTERVIEW: (codes.JOB_FOUND, codes.DECLINED, codes.CANCELLED),
    codes.JOB_FOUND: (codes.STARTED, codes.DECLINED, codes.CANCELLED),
}


# How staff heard the seeker accept (referrals.ACCEPTED_BY), as the confirming buttons say.
ACCEPTED_BY = {
    "by_phone": N_("📞 Yes, they accepted by phone"),
    "in_person": N_("🤝 Yes, they accepted in person"),
}
# How an acceptance staff recorded shows in the referral's history.
ACCEPTED_NOTES = {
    "by_phone": N_("accepted by phone, recorded by staff"),
    "in_person": N_("accepted in person, recorded by staff"),
}
# The start dates staff pick for a job found: days from today.
START_IN = {
    0: N_("Today"),
    7: N_("In 1 week"),
    14: N_("In 2 weeks"),
}


def reasons(t: Translator, candidate: ranking.Candidate, seeker: JobSeeker, now: datetime) -> str:
    """Why a candidate ranks where they do, in words."""
    parts = []
    digits = {ranking.OCCUPATION_POINTS[4]: 4, ranking.OCCUPATION_POINTS[3]: 3}.get(
        candidate.occupation, 2
    )
    title = occupation_title(candidate.matched_code, t)
    parts.append(
        t._("same occupation ({title})").format(title=title)
        if digits == 4
        else t._("related occupation ({title})").format(title=title)
    )
    if candidate.district:
        parts.append(t._("lives in {district}").format(district=seeker.district or ""))
    ready = {
        "now": N_("can start right away"),
        "two_weeks": N_("can start within two weeks"),
        "month": N_("can start within a month"),
    }.get(seeker.availability or "")
    if candidate.availability and ready:
        parts.append(t._(ready))
    if candidate.work_time:
        parts.append(t._("working time fits"))
    idle = now - candidate.last_active_at
    parts.append(
        t._("last active {ago} ago").format(ago=t.duration(idle))
        if idle.days
        else t._("active today")
    )
    return html.escape(" · ".join(parts))


def candidates(
    session: Session,
    member: StaffMember | None,
    t: Translator,
    vacancy_id: int,
    now: datetime,
    note: str = "",
) -> Screen:
    vacancy = get_or_refuse(session, Vacancy, vacancy_id)
    found = desk.candidates(session, member, vacancy, now)
    employer = get_or_refuse(session, Employer, vacancy.employer_id)
    lines = [f"📌 <b>{html.escape(vacancy.title)}</b> — {html.escape(employer.name)}", ""]
    if vacancy.quota:
        # Only staff see who answered yes, and only for the quota jobs (the consent says so).
        lines[1:1] = [t._("♿ A position under the disability quota: ♿ marks the candidates")]
    if not found:
        lines.append(t._("No suitable candidate right now."))
    rows: list[tuple[Choice, ...]] = []
    for place, (candidate, seeker) in enumerate(found, start=1):
        name = seeker.name or "—"
        mark = " ♿" if vacancy.quota and candidate.quota else ""
        lines.append(
            t._("{place}. <b>{name}</b> — {score} points").format(
                place=place, name=html.escape(name) + mark, score=t.number(candidate.score)
            )
        )
        lines.append(f"   {reasons(t, candidate, seeker, now)}")
        rows.append(
            (
                s.Refer(vacancy_id, candidate.seeker_id).choice(
                    fit(t._("📨 Refer {name}").format(name=name), LABEL)
                ),
            )
        )
        if seeker.cv_file_id:
            rows.append(
                (
                    s.CVFile(candidate.seeker_id).choice(
                        fit(t._("📎 CV of {name}").format(name=name), LABEL)
                    ),
                )
            )
    rows.append((s.Referrals(vacancy_id, 0).choice(t._("📋 Referrals")),))
    rows.append((s.CloseVacancy(vacancy_id).choice(t._("🔒 Close vacancy")),))
    rows.append((s.Published().choice(t._("⬅️ Back")),))
    body = "\n".join(lines)
    return Screen(
        f"{note}\n\n{body}" if note else body,
        tuple(rows),
        seekers_shown=tuple(candidate.seeker_id for candidate, _ in found),
    )


def refer(
    session: Session,
    member: StaffMember | None,
    t: Translator,
    vacancy_id: int,
    seeker_id: int,
    now: datetime,
    today: date,
) -> Screen:
    """Refer the seeker (`today`: the municipality's date, against the vacancy's)."""
    vacancy = get_or_refuse(session, Vacancy, vacancy_id)
    seeker = get_or_refuse(session, JobSeeker, seeker_id)
    employer = get_or_refuse(session, Employer, vacancy.employer_id)
    referral = referrals.refer(session, member, vacancy, seeker, now, today)
    assert referral.id is not None
    referral_id = referral.id

    def offer(ct: Translator) -> str:
        return ct._(
            "💼 The employment centre suggests a job for you:\n\n{title}\nFirm: {firm}\n"
            "District: {district}\nWorking time: {time}\nRequirements: {requirements}\n\n"
            "Are you interested? If you are, the employer receives these, to invite you to "
            "an interview: {shared}."
        ).format(
            shared=shared_with_firm(ct),
            title=vacancy.title,
            firm=employer.name,
            district=vacancy.district or "—",
            time=ct._(WORK_TIMES.get(vacancy.work_time, "—")),
            requirements=vacancy.requirements or "—",
        )

    told = tell_citizen(
        session,
        seeker.citizen_id,
        "referral",
        now,
        offer,
        lambda ct: (
            (
                s.Interested(referral_id, "y").choice(ct._("✅ Interested")),
                s.Interested(referral_id, "n").choice(ct._("✖️ Not interested")),
            ),
        ),
    )
    note = (
        t._("📨 {name} is referred; they get the job offer now.")
        if told
        else t._(
            "📨 {name} is referred, but cannot be reached on Telegram; please call them "
            "about the job."
        )
    ).format(name=html.escape(seeker.name or "—"))
    shown = candidates(session, member, t, vacancy_id, now, note)
    # The new referral's card: where staff record what the seeker told them by phone.
    card_row = (
        s.Card(referral_id).choice(t._("📇 Open referral {number}").format(number=referral_id)),
    )
    return Screen(
        shown.text,
        (card_row, *shown.choices),
        seekers_shown=(*shown.seekers_shown, seeker_id),  # the note names them
    )


def referral_card(session: Session, referral: Referral, t: Translator, tz: ZoneInfo) -> str:
    """A referral as staff see it: who, which job, where it stands, and its history."""
    seeker = session.get(JobSeeker, referral.seeker_id)
    vacancy = session.get(Vacancy, referral.vacancy_id) if referral.vacancy_id else None
    employer = session.get(Employer, referral.employer_id) if referral.employer_id else None
    lines = [
        t._("📨 <b>Referral {number}</b>").format(number=referral.id),
        t._("Candidate: {name}, {phone}").format(
            name=html.escape((seeker.name if seeker else None) or "—"),
            phone=html.escape((seeker.phone if seeker else None) or "—"),
        ),
        t._("Job: {title} — {firm}").format(
            title=html.escape(vacancy.title if vacancy else "—"),
            firm=html.escape(employer.name if employer else "—"),
        ),
        t._("Status: {status}").format(status=t._(STATUSES[referral.status])),
    ]
    if referral.start_date is not None:
        lines.append(t._("Start date: {date}").format(date=t.date(referral.start_date)))
    for event in referrals.history(session, referral):
        line = f"• {t.short_datetime(event.at, tz)} — {t._(STATUSES[event.status])}"
        if event.reason in ACCEPTED_NOTES:
            line += f" ({t._(ACCEPTED_NOTES[event.reason])})"
        lines.append(line)
    return "\n".join(lines)


def card_screen(
    session: Session, referral: Referral, t: Translator, tz: ZoneInfo, note: str = ""
) -> Screen:
    """The referral's card (after `note`) with the outcomes staff may set now."""
    text = referral_card(session, referral, t, tz)
    return Screen(
        f"{note}\n\n{text}" if note else text,
        outcome_buttons(referral, t),
        seekers_shown=(referral.seeker_id,),
    )


def outcome_buttons(referral: Referral, t: Translator) -> Rows:
    """The outcomes staff may set on the referral now."""
    assert referral.id is not None
    rows = [
        (s.Outcome(referral.id, to).choice(t._(STATUSES[to])),)
        for to in OUTCOMES.get(referral.status, ())
    ]
    if referral.status == codes.REFERRED:
        rows.insert(0, (s.AcceptForSeeker(referral.id).choice(t._("☎️ They accepted (told us)")),))
    if codes.NOT_HIRED in referrals.TRANSITIONS[referral.status]:
        rows.append((s.NotHired(referral.id).choice(t._(STATUSES[codes.NOT_HIRED])),))
    return tuple(rows)


def reminder(
    session: Session, referral: Referral, question: str, t: Translator, tz: ZoneInfo
) -> Screen:
    """The group's reminder of a follow-up nobody answered (or an interview the seeker
    says did not happen), with the outcome buttons."""
    if question == followups.ASK_INTERVIEW and referral.interview_held is False:
        head = t._("⚠️ The candidate says the interview did not happen. Please follow up.")
    elif question == followups.ASK_INTERVIEW:
        head = t._("⏰ Nobody answered whether this interview happened. Please follow up.")
    else:
        head = t._("⏰ Nobody answered whether this person started work. Please follow up.")
    return card_screen(session, referral, t, tz, head)


def outcome(
    session: Session,
    member: StaffMember | None,
    t: Translator,
    referral_id: int,
    to: str,
    now: datetime,
    tz: ZoneInfo,
    reason: str | None = None,
    start_date: date | None = None,
) -> Screen:
    """Set the outcome; a job found asks its start date first (start_dates)."""
    referral = get_or_refuse(session, Referral, referral_id)
    if to == codes.JOB_FOUND and start_date is None:
        return start_dates(session, member, t, referral_id, now, tz)
    referrals.staff_change(session, member, referral, to, now, reason=reason, start_date=start_date)
    note = t._("✅ Recorded: {status}.").format(status=t._(STATUSES[to]))
    return card_screen(session, referral, t, tz, note)


def start_dates(
    session: Session,
    member: StaffMember | None,
    t: Translator,
    referral_id: int,
    now: datetime,
    tz: ZoneInfo,
) -> Screen:
    """When does the job found start? A few days to pick (the follow-up sweep asks
    seeker and firm after it)."""
    registry.authorize(member)
    referral = get_or_refuse(session, Referral, referral_id)
    if codes.JOB_FOUND not in referrals.TRANSITIONS[referral.status]:
        raise Refused("wrong_status")
    today = now.astimezone(tz).date()
    rows = [
        (
            s.JobFoundOn(referral_id, days).choice(
                f"{t._(label)} ({t.date(today + timedelta(days=days), 'medium')})"
            ),
        )
        for days, label in START_IN.items()
    ]
    rows.append((s.Card(referral_id).choice(t._("⬅️ Back")),))
    text = t._("✅ When does the candidate of referral {number} start work?").format(
        number=referral.id
    )
    return Screen(text, tuple(rows))


def job_found_on(
    session: Session,
    member: StaffMember | None,
    t: Translator,
    referral_id: int,
    days: int,
    now: datetime,
    tz: ZoneInfo,
) -> Screen:
    """A job found, starting `days` after today (the municipality's date)."""
    if days not in START_IN:
        raise Refused("not_found")
    start = now.astimezone(tz).date() + timedelta(days=days)
    return outcome(session, member, t, referral_id, codes.JOB_FOUND, now, tz, start_date=start)


def accept_question(
    session: Session, member: StaffMember | None, t: Translator, referral_id: int
) -> Screen:
    """Staff are about to record that the seeker accepted the referral by phone or in
    person: they confirm, knowing the firm then receives the person's details."""
    registry.authorize(member)
    referral = get_or_refuse(session, Referral, referral_id)
    if referral.status != codes.REFERRED:
        raise Refused("wrong_status")
    seeker = session.get(JobSeeker, referral.seeker_id)
    title, firm = job_of(session, referral)
    text = t._(
        "☎️ Did {name} tell you themselves that they accept the referral to “{title}” at "
        "{firm}? Record it only if they did: the firm then receives their details, as if "
        "they had pressed “Interested” themselves."
    ).format(
        name=html.escape((seeker.name if seeker else None) or "—"),
        title=html.escape(title),
        firm=html.escape(firm),
    )
    rows = [
        (s.AcceptedForSeeker(referral_id, how).choice(t._(label)),)
        for how, label in ACCEPTED_BY.items()
    ]
    rows.append((s.Card(referral_id).choice(t._("⬅️ Back")),))
    return Screen(text, tuple(rows), seekers_shown=(referral.seeker_id,))


def accept_for_seeker(
    session: Session,
    member: StaffMember | None,
    t: Translator,
    referral_id: int,
    how: str,
    now: datetime,
    tz: ZoneInfo,
) -> Screen:
    """Confirmed: the seeker's acceptance is recorded as staff's, with how it came, and
    the firm is told as when the seeker presses "Interested"."""
    referral = get_or_refuse(session, Referral, referral_id)
    referrals.accept_for_seeker(session, member, referral, how, now)
    # The seeker hears it too: their data goes to a firm on staff's word, so they can
    # object if the word was not theirs.
    seeker = get_or_refuse(session, JobSeeker, referral.seeker_id)
    title, firm = job_of(session, referral)
    tell_citizen(
        session,
        seeker.citizen_id,
        "ref_interested",
        now,
        lambda ct: ct._(
            "💼 The employment centre recorded that you accepted the job “{title}” at "
            "{firm}, and passed these to the firm: {shared}. If you did not accept it, "
            "please tell the employment centre."
        ).format(title=title, firm=firm, shared=shared_with_firm(ct)),
    )
    tell_firm_interested(session, referral, now)
    note = t._("✅ Recorded: {status}.").format(status=t._(STATUSES[codes.INTERESTED]))
    return card_screen(session, referral, t, tz, note)


def not_hired_reasons(
    session: Session, member: StaffMember | None, t: Translator, referral_id: int
) -> Screen:
    registry.authorize(member)
    referral = get_or_refuse(session, Referral, referral_id)
    rows = [
        (s.NotHiredWith(referral_id, code).choice(t._(NOT_HIRED_REASONS[code])),)
        for code in codes.NOT_HIRED_REASONS
    ]
    rows.append((s.Card(referral_id).choice(t._("⬅️ Back")),))
    text = t._("Why was referral {number} not hired?").format(number=referral.id)
    return Screen(text, tuple(rows))


def card(
    session: Session, member: StaffMember | None, t: Translator, referral_id: int, tz: ZoneInfo
) -> Screen:
    registry.authorize(member)
    referral = get_or_refuse(session, Referral, referral_id)
    return card_screen(session, referral, t, tz)
