"""The employment centre's staff desk, channel-neutral: its front screen (what waits,
counted by the database) and the firms to verify, each verified or turned down (the firm
is told).

The desk's other screens are in vacancy_desk (vacancies to approve, published ones) and
referral_desk (ranked candidates, referrals and their outcomes); what citizens are asked
about a referral and what their answers do is in referral_answers, and what these share
in staff_common. Every staff function checks the actor through core
(registry.authorize) before it reads anything."""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from common.i18n import N_, Translator
from core.employment import desk, registry
from db.models import Employer, StaffMember
from flows.employment import staff_actions as s
from flows.employment.staff_common import (
    LABEL,
    LISTED,
    back_to_desk,
    get_or_refuse,
    tell_citizen,
)
from flows.screen import Choice, Screen, fit

FIRM_REJECTIONS = {
    "tax_number": N_("The tax number does not match the firm."),
    "unreachable": N_("We could not reach the contact person."),
    "not_a_firm": N_("It does not appear to be an active business."),
    "other": N_("It does not meet the employment centre's conditions."),
}


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
    rows.append((back_to_desk(t),))
    return Screen(f"{note}\n\n{text}" if note else text, tuple(rows))


def firm(session: Session, member: StaffMember | None, t: Translator, employer_id: int) -> Screen:
    registry.authorize(member)
    employer = get_or_refuse(session, Employer, employer_id)
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
    return Screen("\n".join(lines), tuple(rows), firms_shown=(employer_id,))


def verify(
    session: Session, member: StaffMember | None, t: Translator, employer_id: int, now: datetime
) -> Screen:
    employer = get_or_refuse(session, Employer, employer_id)
    registry.verify_employer(session, member, employer, now)
    tell_citizen(
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
    employer = get_or_refuse(session, Employer, employer_id)
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
    employer = get_or_refuse(session, Employer, employer_id)
    desk.reject_employer(session, member, employer, reason, now)
    tell_citizen(
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
