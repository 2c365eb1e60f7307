"""What citizens are asked about a referral and what their answers do, channel-neutral: the
seeker's answer to a job offer (an interested one's name and phone go to the firm), the
follow-up questions the daily sweep queues (did the interview happen, how did it go, did
the work start) and the answers to them, and the notice to the seekers whose referral
ended with its vacancy.

A citizen's answer is checked by core against the referral's own seeker or firm."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session

from common.i18n import Translator
from core.employment import codes, followups, referrals
from db.models import Citizen, Employer, JobSeeker, Referral, Vacancy
from flows.employment import employer_actions as j
from flows.employment import staff_actions as s
from flows.employment.employer_screens import OUTCOME_BUTTONS
from flows.employment.staff_common import (
    get_or_refuse,
    job_of,
    shared_with_firm,
    tell_citizen,
)
from flows.screen import Screen


def interested(
    session: Session, citizen: Citizen, t: Translator, referral_id: int, yes: bool, now: datetime
) -> Screen:
    """The seeker's answer to a job offer; an interested one's name and phone go to the
    firm."""
    referral = get_or_refuse(session, Referral, referral_id)
    referrals.seeker_change(
        session, citizen, referral, codes.INTERESTED if yes else codes.DECLINED, now
    )
    vacancy = get_or_refuse(session, Vacancy, referral.vacancy_id or 0)
    if not yes:
        return Screen(
            t._("All right, we will not pass this job on. We will tell you about others.")
        )
    employer = tell_firm_interested(session, referral, now)
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


def tell_firm_interested(session: Session, referral: Referral, now: datetime) -> Employer:
    """The firm hears that a candidate accepted its vacancy (the seeker's own button, or
    staff passing on their word): the same message either way. Returns the firm."""
    vacancy = get_or_refuse(session, Vacancy, referral.vacancy_id or 0)
    employer = get_or_refuse(session, Employer, vacancy.employer_id)
    seeker = get_or_refuse(session, JobSeeker, referral.seeker_id)
    tell_citizen(
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
    referral = get_or_refuse(session, Referral, referral_id)
    followups.answer_interview(session, citizen, referral, yes, now)
    if yes:
        return Screen(t._("✅ Thank you! Good luck; we will ask how it went."))
    return Screen(t._("Thank you for telling us. The employment centre will look into it."))


def seeker_started(
    session: Session, citizen: Citizen, t: Translator, referral_id: int, yes: bool, now: datetime
) -> Screen:
    referral = get_or_refuse(session, Referral, referral_id)
    followups.answer_start_as_seeker(session, citizen, referral, yes, now)
    if yes:
        return Screen(t._("🎉 Congratulations on your new job! Thank you for telling us."))
    return Screen(t._("Thank you for telling us. We will keep looking for jobs for you."))


def employer_started(
    session: Session, citizen: Citizen, t: Translator, referral_id: int, yes: bool, now: datetime
) -> Screen:
    referral = get_or_refuse(session, Referral, referral_id)
    followups.answer_start_as_employer(session, citizen, referral, yes, now)
    return Screen(t._("✅ Thank you, recorded."))


# --- Follow-up questions (the sweep) ---------------------------------------------------------


def ask_interview(session: Session, referral: Referral, now: datetime) -> None:
    """Queue "Did the interview happen?" for the seeker."""
    assert referral.id is not None
    referral_id = referral.id
    seeker = session.get(JobSeeker, referral.seeker_id)
    vacancy, employer = job_of(session, referral)
    tell_citizen(
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
    (flows.employment.employer_vacancies.outcome), not yet decided leaves it open."""
    assert referral.id is not None
    referral_id = referral.id
    seeker = session.get(JobSeeker, referral.seeker_id)
    firm = session.get(Employer, referral.employer_id) if referral.employer_id else None
    vacancy, _ = job_of(session, referral)
    name = (seeker.name if seeker and seeker.erased_at is None else None) or "—"
    tell_citizen(
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
    vacancy, employer = job_of(session, referral)
    tell_citizen(
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
    tell_citizen(
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
        tell_citizen(
            session,
            seeker.citizen_id if seeker else None,
            "referral",
            now,
            _closed(*job_of(session, referral)),
        )


def _closed(title: str, firm: str) -> Callable[[Translator], str]:
    return lambda ct: ct._(
        "💼 The vacancy “{title}” at {firm} is closed, so your referral to it has ended. "
        "The employment centre goes on looking for jobs for you."
    ).format(title=title, firm=firm)
