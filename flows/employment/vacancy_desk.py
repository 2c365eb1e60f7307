"""The staff desk's vacancies, channel-neutral: those to approve (approved, or sent back to
the firm with a reason), the published ones, a published vacancy's referrals, and
closing one. A list shows LISTED at a time, oldest first, with paging buttons. The firm
is told what staff decided; closing a vacancy tells the seekers whose referrals end.

Every staff function checks the actor through core (registry.authorize) before it reads
anything."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from common.i18n import N_, Translator
from core.employment import desk, registry
from core.refusals import Refused
from db.models import Employer, StaffMember, Vacancy
from flows.employment import staff_actions as s
from flows.employment.referral_answers import tell_vacancy_closed
from flows.employment.screens import WORK_TIMES, occupation_title, yes_no
from flows.employment.staff_common import (
    LABEL,
    LISTED,
    STATUSES,
    back_to_desk,
    get_or_refuse,
    tell_citizen,
)
from flows.screen import Choice, Screen, fit

VACANCY_RETURNS = {
    "unclear": N_("The job description is unclear."),
    "not_allowed": N_(
        "It asks for something a job posting may not ask, such as age, gender or marital status."
    ),
    "incomplete": N_("Some information is missing."),
    "other": N_("It does not meet the employment centre's conditions."),
}


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
    rows.append((back_to_desk(t),))
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
    vacancy = get_or_refuse(session, Vacancy, vacancy_id)
    employer = get_or_refuse(session, Employer, vacancy.employer_id)
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
    vacancy = get_or_refuse(session, Vacancy, vacancy_id)
    employer = get_or_refuse(session, Employer, vacancy.employer_id)
    registry.approve_vacancy(session, member, vacancy, now)
    tell_citizen(
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
    vacancy = get_or_refuse(session, Vacancy, vacancy_id)
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
    vacancy = get_or_refuse(session, Vacancy, vacancy_id)
    employer = get_or_refuse(session, Employer, vacancy.employer_id)
    desk.return_vacancy(session, member, vacancy, reason)
    tell_citizen(
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
    vacancy = get_or_refuse(session, Vacancy, vacancy_id)
    employer = get_or_refuse(session, Employer, vacancy.employer_id)
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
    return Screen("\n".join(lines), tuple(rows), seekers_shown=tuple(r.seeker_id for r, _ in found))


def close_vacancy(
    session: Session, member: StaffMember | None, t: Translator, vacancy_id: int
) -> Screen:
    """🔒 Close vacancy: asks to confirm first."""
    registry.authorize(member)
    vacancy = get_or_refuse(session, Vacancy, vacancy_id)
    if vacancy.status == "closed":
        raise Refused("wrong_status")
    employer = get_or_refuse(session, Employer, vacancy.employer_id)
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
    vacancy = get_or_refuse(session, Vacancy, vacancy_id)
    ended = desk.close_vacancy(session, member, vacancy, now)
    tell_vacancy_closed(session, ended, now)
    note = t._("🔒 “{title}” is closed.").format(title=html.escape(vacancy.title))
    return published(session, member, t, now, tz, note)
