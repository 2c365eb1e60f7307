"""The employer's side of the employment centre, channel-neutral: the citizen's firms
(🏢 I am an employer) and a firm, with what was registered, whether the centre's staff
verified it (or turned it down, to be corrected and sent again), and the way to its
vacancies. Registering a firm and writing a vacancy by chat are employer_wizard's; the
firm's vacancies, their candidates, the outcomes and closing a vacancy are
employer_vacancies'. Every id a button carries is checked by core.employment.firms
against the citizen who pressed it."""

from __future__ import annotations

import html

from sqlmodel import Session

from common.i18n import Translator
from core.employment import firms
from db.models import Citizen, Employer
from flows.employment import actions as a
from flows.employment import employer_actions as j
from flows.employment import staff
from flows.employment.employer_common import LABEL, leave, with_note
from flows.employment.employer_screens import firm_lines, firm_status
from flows.employment.employer_state import FirmState
from flows.screen import Choice, Screen, fit


def home(session: Session, citizen: Citizen, t: Translator, note: str = "") -> Screen:
    """🏢 I am an employer: the citizen's firms, and registering one."""
    leave(session, citizen)
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
    return with_note(note, Screen(text, tuple(rows)))


def firm(session: Session, citizen: Citizen, t: Translator, employer_id: int) -> Screen:
    """A firm: what was registered, whether it is verified, and (verified) its vacancies."""
    leave(session, citizen)
    employer = firms.own_firm(session, citizen, employer_id)
    verified = employer.verified_at is not None
    lines = [
        f"🏢 <b>{html.escape(employer.name)}</b>",
        "",
        *firm_lines(firm_state(employer), t)[1:],
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


def firm_state(employer: Employer) -> FirmState:
    return FirmState(
        name=employer.name,
        tax_number=employer.tax_number,
        sector=employer.sector,
        district=employer.district,
        contact_name=employer.contact_name,
        contact_phone=employer.contact_phone,
    )
