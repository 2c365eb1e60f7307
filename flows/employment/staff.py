"""The employment centre's staff desk, channel-neutral: firms to verify, vacancies to
approve, published vacancies with their ranked candidates and a button to refer each;
a referral's card with the buttons that set its outcome; and what citizens are told
(a firm verified, a vacancy approved, a job suggested, the follow-up questions) and what
their answers do.

Every staff function checks the actor through core (registry.authorize) before it reads
anything; a citizen's answer is checked by core against the referral's own seeker or
firm. Messages to citizens go through the outbox (core.outbox) in the same transaction
as the change that causes them, so none is lost and none goes out for a change that was
rolled back; the channel wakes the outbox once the transaction is committed."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import Session

from common.i18n import N_, Translator, resolve_language, translator
from core import outbox
from core.employment import codes, desk, followups, ranking, referrals, registry
from core.employment.firms import SHARED as SHARED_FIELDS
from core.refusals import Refused
from db.models import Citizen, Employer, JobSeeker, Referral, StaffMember, Vacancy
from flows.employment import employer_actions as j
from flows.employment import staff_actions as s
from flows.employment.employer_screens import NOT_HIRED_REASONS, OUTCOME_BUTTONS
from flows.employment.screens import WORK_TIMES, occupation_title, yes_no
from flows.employment.screens import refusal as seeker_refusal
from flows.screen import Choice, Rows, Screen, as_pairs, fit

T = TypeVar("T")

# Items listed on one screen (the oldest first; the rest come as these are handled).
LISTED = 10
LABEL = 48

REFUSALS: dict[str, str] = {
    "not_allowed": N_("⛔ Only the employment centre's staff can do this."),
    "already_verified": N_("This firm is already verified."),
    "already_rejected": N_("This firm has already been turned down."),
    "wrong_status": N_("This has already changed; nothing was done."),
    "not_published": N_("This vacancy is not published."),
    "vacancy_expired": N_("This vacancy's date has passed."),
    "seeker_unavailable": N_("This person is not looking for a job at the moment."),
    "already_referred": N_("This person is already referred to this vacancy."),
    "already_answered": N_("Thank you, we already have your answer."),
    "not_verified": N_("This firm is not verified yet."),
}

FIRM_REJECTIONS = {
    "tax_number": N_("The tax number does not match the firm."),
    "unreachable": N_("We could not reach the contact person."),
    "not_a_firm": N_("It does not appear to be an active business."),
    "other": N_("It does not meet the employment centre's conditions."),
}
VACANCY_RETURNS = {
    "unclear": N_("The job description is unclear."),
    "not_allowed": N_(
        "It asks for something a job posting may not ask, such as age, gender or marital status."
    ),
    "incomplete": N_("Some information is missing."),
    "other": N_("It does not meet the employment centre's conditions."),
}
STATUSES = {
    codes.REFERRED: N_("Referred"),
    codes.INTERESTED: N_("Interested"),
    codes.INTERVIEW: N_("Interview"),
    codes.JOB_FOUND: N_("Job found"),
    codes.STARTED: N_("Started work"),
    codes.DECLINED: N_("Declined"),
    codes.NOT_HIRED: N_("Not hired"),
    codes.CANCELLED: N_("Cancelled"),
    codes.EXPIRED: N_("Expired"),
}
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
# What the firm receives of a candidate (core.employment.firms.SHARED), in the seeker's
# words.
SHARED = {
    "name": N_("your name"),
    "phone": N_("your phone number"),
    "occupations": N_("the occupations you are looking for"),
    "experience": N_("your work experience"),
    "cv_file_name": N_("the CV you sent as a PDF, if you sent one"),
}


def shared_with_firm(t: Translator) -> str:
    """Exactly what a firm receives of a seeker who accepts a referral, as a list in the
    reader's language (core.employment.firms.SHARED, in its order)."""
    items = [t._(SHARED[field]) for field in SHARED_FIELDS]
    return t._("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


def refusal(t: Translator, reason: str) -> str:
    if reason in REFUSALS:
        return t._(REFUSALS[reason])
    return seeker_refusal(t, reason)


def _get(session: Session, kind: type[T], row_id: int) -> T:
    found = session.get(kind, row_id)
    if found is None:
        raise Refused("not_found")
    return found


def _back(t: Translator) -> Choice:
    return s.Desk().choice(t._("⬅️ Staff desk"))


# --- The desk ------------------------------------------------------------------------------


def desk_screen(
    session: Session,
    member: StaffMember | None,
    t: Translator,
    now: datetime,
    tz: ZoneInfo,
    note: str = "",
) -> Screen:
    """What waits for the centre's staff (counted by the database), with a button for
    each kind."""
    counts = desk.desk_counts(session, member, now.astimezone(tz).date())
    text = t._(
        "🗂 <b>Employment centre — staff desk</b>\n\n"
        "Firms to verify: {firms}\nVacancies to approve: {pending}\n"
        "Published vacancies: {published}"
    ).format(
        firms=t.number(counts.firms),
        pending=t.number(counts.vacancies),
        published=t.number(counts.published),
    )
    rows = (
        (s.Firms().choice(t._("🏢 Firms to verify")),),
        (s.Pending().choice(t._("📝 Vacancies to approve")),),
        (s.Published().choice(t._("📢 Published vacancies")),),
    )
    return Screen(f"{note}\n\n{text}" if note else text, rows)


def firms(session: Session, member: StaffMember | None, t: Translator, note: str = "") -> Screen:
    found = desk.firms_to_verify(session, member)
    text = (
        t._("🏢 <b>Firms to verify</b>") if found else t._("No firm is waiting for verification.")
    )
    rows = [(s.Firm(e.id or 0).choice(fit(e.name, LABEL)),) for e in found[:LISTED]]
    rows.append((_back(t),))
    return Screen(f"{note}\n\n{text}" if note else text, tuple(rows))


def firm(session: Session, member: StaffMember | None, t: Translator, employer_id: int) -> Screen:
    registry.authorize(member)
    employer = _get(session, Employer, employer_id)
    lines = [
        f"🏢 <b>{html.escape(employer.name)}</b>",
        t._("Tax number: {vkn}").format(vkn=html.escape(employer.tax_number or "—")),
        t._("Sector: {sector}").format(sector=html.escape(employer.sector or "—")),
        t._("District: {district}").format(district=html.escape(employer.district or "—")),
        t._("Contact: {name}, {phone}").format(
            name=html.escape(employer.contact_name or "—"),
            phone=html.escape(employer.contact_phone or "—"),
        ),
    ]
    rows: list[tuple[Choice, ...]] = []
    if employer.verified_at is None and employer.rejected_at is None:
        rows.append(
            (
                s.Verify(employer_id).choice(t._("✅ Verify")),
                s.RejectFirm(employer_id).choice(t._("⛔ Turn down")),
            )
        )
    rows.append((s.Firms().choice(t._("⬅️ Back")),))
    return Screen("\n".join(lines), tuple(rows))


def verify(
    session: Session, member: StaffMember | None, t: Translator, employer_id: int, now: datetime
) -> Screen:
    employer = _get(session, Employer, employer_id)
    registry.verify_employer(session, member, employer, now)
    _tell(
        session,
        employer.citizen_id,
        "firm_verified",
        now,
        lambda ct: ct._(
            "✅ The employment centre verified your firm {firm}. You can now post "
            "vacancies with /istihdam."
        ).format(firm=employer.name),
    )
    note = t._("✅ {firm} is verified.").format(firm=html.escape(employer.name))
    return firms(session, member, t, note)


def reject_reasons(
    session: Session, member: StaffMember | None, t: Translator, employer_id: int
) -> Screen:
    registry.authorize(member)
    employer = _get(session, Employer, employer_id)
    rows = [
        (s.RejectFirmWith(employer_id, code).choice(t._(FIRM_REJECTIONS[code])),)
        for code in desk.FIRM_REJECTIONS
    ]
    rows.append((s.Firm(employer_id).choice(t._("⬅️ Back")),))
    text = t._("⛔ Why is {firm} turned down? The firm will be told.").format(
        firm=html.escape(employer.name)
    )
    return Screen(text, tuple(rows))


def reject(
    session: Session,
    member: StaffMember | None,
    t: Translator,
    employer_id: int,
    reason: str,
    now: datetime,
) -> Screen:
    employer = _get(session, Employer, employer_id)
    desk.reject_employer(session, member, employer, reason, now)
    _tell(
        session,
        employer.citizen_id,
        "firm_rejected",
        now,
        lambda ct: ct._(
            "The employment centre could not verify your firm {firm}.\nReason: {reason}\n\n"
            "For questions, please contact the employment centre."
        ).format(firm=employer.name, reason=ct._(FIRM_REJECTIONS[reason])),
    )
    note = t._("⛔ {firm} is turned down.").format(firm=html.escape(employer.name))
    return firms(session, member, t, note)


# --- Vacancies -----------------------------------------------------------------------------


def _vacancy_lines(t: Translator, vacancy: Vacancy, employer: Employer) -> list[str]:
    return [
        f"📌 <b>{html.escape(vacancy.title)}</b> — {html.escape(employer.name)}",
        t._("Occupation: {occupation}").format(
            occupation=html.escape(occupation_title(vacancy.occupation, t))
        ),
        t._("Positions: {count}").format(count=t.number(vacancy.positions)),
        t._("District: {district}").format(district=html.escape(vacancy.district or "—")),
        t._("Working time: {time}").format(time=t._(WORK_TIMES.get(vacancy.work_time, "—"))),
        t._("Disability quota: {answer}").format(answer=yes_no(t, vacancy.quota)),
        t._("Requirements: {requirements}").format(
            requirements=html.escape(vacancy.requirements or "—")
        ),
        t._("Valid until: {date}").format(
            date=t.date(vacancy.valid_until) if vacancy.valid_until else "—"
        ),
    ]


def _start(offset: int, total: int) -> int:
    """Where a page starts: `offset`, or the last page's start when the list has shrunk
    below it since the button was made (items handled meanwhile)."""
    if offset >= total:
        return max((total - 1) // LISTED * LISTED, 0)
    return max(offset, 0)


def _pages(
    t: Translator, offset: int, shown: int, total: int, page: Callable[[int], Choice]
) -> tuple[str, tuple[Choice, ...]]:
    """Where a list's page stands ("11–20 / 23") and its ◀️ Previous / Next ▶️ buttons;
    `page(offset)` makes the button for the page from `offset` on."""
    if total <= LISTED and offset == 0:
        return "", ()
    where = t._("{first}–{last} of {total}").format(
        first=t.number(offset + 1), last=t.number(offset + shown), total=t.number(total)
    )
    buttons: list[Choice] = []
    if offset > 0:
        buttons.append(page(max(offset - LISTED, 0)))
    if offset + shown < total:
        buttons.append(page(offset + LISTED))
    return where, tuple(buttons)


def _vacancy_list(
    session: Session,
    member: StaffMember | None,
    t: Translator,
    now: datetime,
    tz: ZoneInfo,
    status: str,
    offset: int,
    title: str,
    empty: str,
    open_one: type[s.PendingVacancy] | type[s.Candidates],
    page: type[s.PendingPage] | type[s.PublishedPage],
    note: str,
) -> Screen:
    """A page of LISTED vacancies in `status`, oldest first, with paging buttons (a
    published one still valid today, the municipality's date)."""
    today = now.astimezone(tz).date()
    total = desk.count_vacancies(session, status, today)
    offset = _start(offset, total)
    found = desk.vacancies(session, member, status, today, offset, LISTED)
    text = title if total else empty
    where, moves = _pages(
        t,
        offset,
        len(found),
        total,
        lambda at: page(at).choice(t._("◀️ Previous") if at < offset else t._("Next ▶️")),
    )
    if where:
        text += f"\n{where}"
    rows: list[tuple[Choice, ...]] = [
        (open_one(v.id or 0).choice(fit(f"{v.title} — {e.name}", LABEL)),) for v, e in found
    ]
    if moves:
        rows.append(moves)
    rows.append((_back(t),))
    return Screen(f"{note}\n\n{text}" if note else text, tuple(rows))


def pending(
    session: Session,
    member: StaffMember | None,
    t: Translator,
    now: datetime,
    tz: ZoneInfo,
    note: str = "",
    offset: int = 0,
) -> Screen:
    return _vacancy_list(
        session,
        member,
        t,
        now,
        tz,
        "pending",
        offset,
        t._("📝 <b>Vacancies to approve</b>"),
        t._("No vacancy is waiting for approval."),
        s.PendingVacancy,
        s.PendingPage,
        note,
    )


def pending_vacancy(
    session: Session, member: StaffMember | None, t: Translator, vacancy_id: int
) -> Screen:
    registry.authorize(member)
    vacancy = _get(session, Vacancy, vacancy_id)
    employer = _get(session, Employer, vacancy.employer_id)
    rows: list[tuple[Choice, ...]] = []
    if vacancy.status == "pending":
        rows.append(
            (
                s.Approve(vacancy_id).choice(t._("✅ Approve")),
                s.SendBack(vacancy_id).choice(t._("↩️ Send back")),
            )
        )
    rows.append((s.Pending().choice(t._("⬅️ Back")),))
    return Screen("\n".join(_vacancy_lines(t, vacancy, employer)), tuple(rows))


def approve(
    session: Session,
    member: StaffMember | None,
    t: Translator,
    vacancy_id: int,
    now: datetime,
    tz: ZoneInfo,
) -> Screen:
    vacancy = _get(session, Vacancy, vacancy_id)
    employer = _get(session, Employer, vacancy.employer_id)
    registry.approve_vacancy(session, member, vacancy, now)
    _tell(
        session,
        employer.citizen_id,
        "vacancy_approved",
        now,
        lambda ct: ct._(
            "✅ Your vacancy “{title}” is approved and published. The employment centre "
            "will refer suitable candidates to you."
        ).format(title=vacancy.title),
    )
    note = t._("✅ “{title}” is published.").format(title=html.escape(vacancy.title))
    return pending(session, member, t, now, tz, note)


def send_back_reasons(
    session: Session, member: StaffMember | None, t: Translator, vacancy_id: int
) -> Screen:
    registry.authorize(member)
    vacancy = _get(session, Vacancy, vacancy_id)
    rows = [
        (s.SendBackWith(vacancy_id, code).choice(fit(t._(VACANCY_RETURNS[code]), LABEL)),)
        for code in desk.VACANCY_RETURNS
    ]
    rows.append((s.PendingVacancy(vacancy_id).choice(t._("⬅️ Back")),))
    text = t._("↩️ Why does “{title}” go back to the firm? The firm will be told.").format(
        title=html.escape(vacancy.title)
    )
    return Screen(text, tuple(rows))


def send_back(
    session: Session,
    member: StaffMember | None,
    t: Translator,
    vacancy_id: int,
    reason: str,
    now: datetime,
    tz: ZoneInfo,
) -> Screen:
    vacancy = _get(session, Vacancy, vacancy_id)
    employer = _get(session, Employer, vacancy.employer_id)
    desk.return_vacancy(session, member, vacancy, reason)
    _tell(
        session,
        employer.citizen_id,
        "vacancy_returned",
        now,
        lambda ct: ct._(
            "↩️ The employment centre sent your vacancy “{title}” back for a correction.\n"
            "Reason: {reason}\n\nPlease correct it and send it again with /istihdam."
        ).format(title=vacancy.title, reason=ct._(VACANCY_RETURNS[reason])),
    )
    note = t._("↩️ “{title}” is sent back to the firm.").format(title=html.escape(vacancy.title))
    return pending(session, member, t, now, tz, note)


def published(
    session: Session,
    member: StaffMember | None,
    t: Translator,
    now: datetime,
    tz: ZoneInfo,
    note: str = "",
    offset: int = 0,
) -> Screen:
    return _vacancy_list(
        session,
        member,
        t,
        now,
        tz,
        "published",
        offset,
        t._("📢 <b>Published vacancies</b>: pick one to see its candidates."),
        t._("No vacancy is published."),
        s.Candidates,
        s.PublishedPage,
        note,
    )


def vacancy_referrals(
    session: Session,
    member: StaffMember | None,
    t: Translator,
    vacancy_id: int,
    offset: int = 0,
) -> Screen:
    """📋 Everyone referred to a vacancy and where each stands, with a button to each
    referral's card (its history and the outcomes staff may set)."""
    registry.authorize(member)
    vacancy = _get(session, Vacancy, vacancy_id)
    employer = _get(session, Employer, vacancy.employer_id)
    offset = max(offset, 0)
    found, total = desk.referrals_of(session, member, vacancy, offset, LISTED)
    if offset and offset >= total:  # fewer now than when the button was made
        offset = _start(offset, total)
        found, total = desk.referrals_of(session, member, vacancy, offset, LISTED)
    lines = [
        t._("📋 <b>Referrals</b> — {title}, {firm}").format(
            title=html.escape(vacancy.title), firm=html.escape(employer.name)
        )
    ]
    if not total:
        lines.append(t._("Nobody has been referred to this vacancy yet."))
    rows: list[tuple[Choice, ...]] = []
    for referral, seeker in found:
        assert referral.id is not None
        name = (seeker.name if seeker is not None and seeker.erased_at is None else None) or "—"
        shown = f"{name} — {t._(STATUSES[referral.status])}"
        lines.append("• " + html.escape(shown))
        rows.append((s.Card(referral.id).choice(fit(shown, LABEL)),))
    where, moves = _pages(
        t,
        offset,
        len(found),
        total,
        lambda at: s.Referrals(vacancy_id, at).choice(
            t._("◀️ Previous") if at < offset else t._("Next ▶️")
        ),
    )
    if where:
        lines.append(where)
    if moves:
        rows.append(moves)
    rows.append((s.Candidates(vacancy_id).choice(t._("⬅️ Back")),))
    return Screen("\n".join(lines), tuple(rows))


def close_vacancy(
    session: Session, member: StaffMember | None, t: Translator, vacancy_id: int
) -> Screen:
    """🔒 Close vacancy: asks to confirm first."""
    registry.authorize(member)
    vacancy = _get(session, Vacancy, vacancy_id)
    if vacancy.status == "closed":
        raise Refused("wrong_status")
    employer = _get(session, Employer, vacancy.employer_id)
    text = t._(
        "🔒 Close “{title}” of {firm}? No more candidates are referred to it; the "
        "referrals still waiting on it end and their candidates are told."
    ).format(title=html.escape(vacancy.title), firm=html.escape(employer.name))
    return Screen(
        text,
        (
            (s.CloseVacancyConfirmed(vacancy_id).choice(t._("🔒 Yes, close it")),),
            (s.Candidates(vacancy_id).choice(t._("↩️ No, keep it open")),),
        ),
    )


def close_vacancy_confirmed(
    session: Session,
    member: StaffMember | None,
    t: Translator,
    vacancy_id: int,
    now: datetime,
    tz: ZoneInfo,
) -> Screen:
    """The vacancy closed by staff (core.employment.desk.close_vacancy): the referrals
    waiting on it end and their seekers are told, as when the firm closes it."""
    vacancy = _get(session, Vacancy, vacancy_id)
    ended = desk.close_vacancy(session, member, vacancy, now)
    tell_vacancy_closed(session, ended, now)
    note = t._("🔒 “{title}” is closed.").format(title=html.escape(vacancy.title))
    return published(session, member, t, now, tz, note)


# --- Candidates and referrals ----------------------------------------------------------------


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
    vacancy = _get(session, Vacancy, vacancy_id)
    found = desk.candidates(session, member, vacancy, now)
    employer = _get(session, Employer, vacancy.employer_id)
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
    return Screen(f"{note}\n\n{body}" if note else body, tuple(rows))


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
    vacancy = _get(session, Vacancy, vacancy_id)
    seeker = _get(session, JobSeeker, seeker_id)
    employer = _get(session, Employer, vacancy.employer_id)
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

    told = _tell(
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
    return Screen(shown.text, (card_row, *shown.choices))


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
    return Screen(
        f"{head}\n\n{referral_card(session, referral, t, tz)}", outcome_buttons(referral, t)
    )


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
    referral = _get(session, Referral, referral_id)
    if to == codes.JOB_FOUND and start_date is None:
        return start_dates(session, member, t, referral_id, now, tz)
    referrals.staff_change(session, member, referral, to, now, reason=reason, start_date=start_date)
    note = t._("✅ Recorded: {status}.").format(status=t._(STATUSES[to]))
    return Screen(
        f"{note}\n\n{referral_card(session, referral, t, tz)}", outcome_buttons(referral, t)
    )


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
    referral = _get(session, Referral, referral_id)
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
    referral = _get(session, Referral, referral_id)
    if referral.status != codes.REFERRED:
        raise Refused("wrong_status")
    seeker = session.get(JobSeeker, referral.seeker_id)
    title, firm = _job(session, referral)
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
    return Screen(text, tuple(rows))


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
    referral = _get(session, Referral, referral_id)
    referrals.accept_for_seeker(session, member, referral, how, now)
    # The seeker hears it too: their data goes to a firm on staff's word, so they can
    # object if the word was not theirs.
    seeker = _get(session, JobSeeker, referral.seeker_id)
    title, firm = _job(session, referral)
    _tell(
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
    _tell_firm_interested(session, referral, now)
    note = t._("✅ Recorded: {status}.").format(status=t._(STATUSES[codes.INTERESTED]))
    return Screen(
        f"{note}\n\n{referral_card(session, referral, t, tz)}", outcome_buttons(referral, t)
    )


def not_hired_reasons(
    session: Session, member: StaffMember | None, t: Translator, referral_id: int
) -> Screen:
    registry.authorize(member)
    referral = _get(session, Referral, referral_id)
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
    referral = _get(session, Referral, referral_id)
    return Screen(referral_card(session, referral, t, tz), outcome_buttons(referral, t))


# --- What citizens answer ------------------------------------------------------------------


def interested(
    session: Session, citizen: Citizen, t: Translator, referral_id: int, yes: bool, now: datetime
) -> Screen:
    """The seeker's answer to a job offer; an interested one's name and phone go to the
    firm."""
    referral = _get(session, Referral, referral_id)
    referrals.seeker_change(
        session, citizen, referral, codes.INTERESTED if yes else codes.DECLINED, now
    )
    vacancy = _get(session, Vacancy, referral.vacancy_id or 0)
    if not yes:
        return Screen(
            t._("All right, we will not pass this job on. We will tell you about others.")
        )
    employer = _tell_firm_interested(session, referral, now)
    return Screen(
        t._(
            "✅ Thank you! We passed these to {firm} for “{title}”: {shared}. They will "
            "contact you about an interview."
        ).format(
            firm=html.escape(employer.name),
            title=html.escape(vacancy.title),
            shared=html.escape(shared_with_firm(t)),
        )
    )


def _tell_firm_interested(session: Session, referral: Referral, now: datetime) -> Employer:
    """The firm hears that a candidate accepted its vacancy (the seeker's own button, or
    staff passing on their word): the same message either way. Returns the firm."""
    vacancy = _get(session, Vacancy, referral.vacancy_id or 0)
    employer = _get(session, Employer, vacancy.employer_id)
    seeker = _get(session, JobSeeker, referral.seeker_id)
    _tell(
        session,
        employer.citizen_id,
        "ref_interested",
        now,
        lambda ct: ct._(
            "👤 A candidate referred by the employment centre is interested in your "
            "vacancy “{title}”: {name}, phone {phone}. Please contact them to arrange an "
            "interview."
        ).format(title=vacancy.title, name=seeker.name or "—", phone=seeker.phone or "—"),
    )
    return employer


def interview_held(
    session: Session, citizen: Citizen, t: Translator, referral_id: int, yes: bool, now: datetime
) -> Screen:
    referral = _get(session, Referral, referral_id)
    followups.answer_interview(session, citizen, referral, yes, now)
    if yes:
        return Screen(t._("✅ Thank you! Good luck; we will ask how it went."))
    return Screen(t._("Thank you for telling us. The employment centre will look into it."))


def seeker_started(
    session: Session, citizen: Citizen, t: Translator, referral_id: int, yes: bool, now: datetime
) -> Screen:
    referral = _get(session, Referral, referral_id)
    followups.answer_start_as_seeker(session, citizen, referral, yes, now)
    if yes:
        return Screen(t._("🎉 Congratulations on your new job! Thank you for telling us."))
    return Screen(t._("Thank you for telling us. We will keep looking for jobs for you."))


def employer_started(
    session: Session, citizen: Citizen, t: Translator, referral_id: int, yes: bool, now: datetime
) -> Screen:
    referral = _get(session, Referral, referral_id)
    followups.answer_start_as_employer(session, citizen, referral, yes, now)
    return Screen(t._("✅ Thank you, recorded."))


# --- Follow-up questions (the sweep) ---------------------------------------------------------


def ask_interview(session: Session, referral: Referral, now: datetime) -> None:
    """Queue "Did the interview happen?" for the seeker."""
    assert referral.id is not None
    referral_id = referral.id
    seeker = session.get(JobSeeker, referral.seeker_id)
    vacancy, employer = _job(session, referral)
    _tell(
        session,
        seeker.citizen_id if seeker else None,
        "ref_interview",
        now,
        lambda ct: ct._("💼 Did your interview for “{title}” at {firm} happen?").format(
            title=vacancy, firm=employer
        ),
        lambda ct: (
            (
                s.InterviewHeld(referral_id, "y").choice(ct._("Yes")),
                s.InterviewHeld(referral_id, "n").choice(ct._("No")),
            ),
        ),
    )


def ask_interview_firm(session: Session, referral: Referral, now: datetime) -> None:
    """Queue "How did the interview with … go?" for the firm's registering citizen, with
    the firm's own outcome buttons: hired asks the start date and not hired the reason
    (flows.employment.employer.outcome), not yet decided leaves it open."""
    assert referral.id is not None
    referral_id = referral.id
    seeker = session.get(JobSeeker, referral.seeker_id)
    firm = session.get(Employer, referral.employer_id) if referral.employer_id else None
    vacancy, _ = _job(session, referral)
    name = (seeker.name if seeker and seeker.erased_at is None else None) or "—"
    _tell(
        session,
        firm.citizen_id if firm else None,
        "ref_interview",
        now,
        lambda ct: ct._(
            "💼 How did the interview with {candidate} for your vacancy “{title}” go?"
        ).format(candidate=name, title=vacancy),
        lambda ct: (
            (j.Outcome(referral_id, "job_found").choice(ct._(OUTCOME_BUTTONS["job_found"])),),
            (j.Outcome(referral_id, "not_hired").choice(ct._(OUTCOME_BUTTONS["not_hired"])),),
            (j.Undecided(referral_id).choice(ct._("⏳ Not yet decided")),),
        ),
    )


def ask_start(session: Session, referral: Referral, now: datetime) -> None:
    """Queue "Did you start work?" for the seeker and "Did they start?" for the firm."""
    assert referral.id is not None
    referral_id = referral.id
    seeker = session.get(JobSeeker, referral.seeker_id)
    firm = session.get(Employer, referral.employer_id) if referral.employer_id else None
    vacancy, employer = _job(session, referral)
    _tell(
        session,
        seeker.citizen_id if seeker else None,
        "ref_start",
        now,
        lambda ct: ct._("💼 Did you start work as “{title}” at {firm}?").format(
            title=vacancy, firm=employer
        ),
        lambda ct: (
            (
                s.SeekerStarted(referral_id, "y").choice(ct._("Yes")),
                s.SeekerStarted(referral_id, "n").choice(ct._("No")),
            ),
        ),
    )
    name = (seeker.name if seeker else None) or "—"
    _tell(
        session,
        firm.citizen_id if firm else None,
        "ref_start",
        now,
        lambda ct: ct._(
            "💼 Did {name}, referred by the employment centre, start work as “{title}”?"
        ).format(name=name, title=vacancy),
        lambda ct: (
            (
                s.EmployerStarted(referral_id, "y").choice(ct._("Yes")),
                s.EmployerStarted(referral_id, "n").choice(ct._("No")),
            ),
        ),
    )


def tell_vacancy_closed(session: Session, ended: list[Referral], now: datetime) -> None:
    """The seekers whose referral ended with its vacancy (firm or staff closed it) are
    told, so an offer's buttons do not wait for an answer that no longer counts."""
    for referral in ended:
        seeker = session.get(JobSeeker, referral.seeker_id)
        _tell(
            session,
            seeker.citizen_id if seeker else None,
            "referral",
            now,
            _closed(*_job(session, referral)),
        )


def _closed(title: str, firm: str) -> Callable[[Translator], str]:
    return lambda ct: ct._(
        "💼 The vacancy “{title}” at {firm} is closed, so your referral to it has ended. "
        "The employment centre goes on looking for jobs for you."
    ).format(title=title, firm=firm)


def _job(session: Session, referral: Referral) -> tuple[str, str]:
    vacancy = session.get(Vacancy, referral.vacancy_id) if referral.vacancy_id else None
    employer = session.get(Employer, referral.employer_id) if referral.employer_id else None
    return (vacancy.title if vacancy else "—", employer.name if employer else "—")


# --- Sending to citizens -----------------------------------------------------------------------


def _tell(
    session: Session,
    citizen_id: int | None,
    kind: str,
    now: datetime,
    text: Callable[[Translator], str],
    buttons: Callable[[Translator], Rows] | None = None,
) -> bool:
    """Queue a message to a citizen in their language (the outbox sends it, plain text);
    False when there is nobody to send it to (no Telegram chat, blocked, erased)."""
    citizen = session.get(Citizen, citizen_id) if citizen_id is not None else None
    if (
        citizen is None
        or citizen.telegram_id is None
        or citizen.blocked_at is not None
        or citizen.deleted_at is not None
    ):
        return False
    ct = translator(resolve_language(citizen.language, citizen.telegram_language))
    rows = buttons(ct) if buttons else ()
    chat = citizen.telegram_id
    outbox.enqueue(
        session,
        {chat: text(ct)},
        kind=kind,
        now=now,
        buttons={chat: as_pairs(rows)} if rows else None,
    )
    return True
