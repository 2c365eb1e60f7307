"""The employment centre's personal data: a seeker's CV, their referrals, and the firms
they registered. /verilerim shows them; /verilerimi_sil blanks the CV and the firm's
contact person, and keeps the rows that count CVs, firms, referrals, people with a job
found and people started (goal 4.3.1 is unchanged by an erasure); the retention sweep
does the same to CVs idle longer than the retention period."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_
from sqlmodel import Session, col, select

from core.employment import alerts, group_messages, referrals
from core.privacy import Erased, PersonalData, iso
from db.models import (
    Citizen,
    Employer,
    EmploymentDeskScreen,
    EmploymentGroupMessage,
    JobSeeker,
    JobSeekerOccupation,
    Referral,
    ReferralEvent,
    Vacancy,
    VacancyAlert,
)


def _cv(session: Session, seeker: JobSeeker) -> dict[str, Any]:
    occupations = session.exec(
        select(JobSeekerOccupation.code)
        .where(JobSeekerOccupation.seeker_id == seeker.id)
        .order_by(col(JobSeekerOccupation.id))
    ).all()
    return {
        "name": seeker.name,
        "birth_year": seeker.birth_year,
        "district": seeker.district,
        "neighbourhood": seeker.neighbourhood,
        "phone": seeker.phone,
        "education": seeker.education,
        "occupations": list(occupations),
        "experience": seeker.experience,
        "languages": seeker.languages,
        "driving_licence": seeker.driving_licence,
        "cv_file": None
        if seeker.cv_file_id is None
        else {"name": seeker.cv_file_name, "size": seeker.cv_file_size},
        "availability": seeker.availability,
        "work_time": seeker.work_time,
        "paused": seeker.paused,
        "consent_at": iso(seeker.consent_at),
        "disability": seeker.disability,
        "disability_consent_at": iso(seeker.disability_consent_at),
        "registered_at": iso(seeker.registered_at),
        "last_active_at": iso(seeker.last_active_at),
    }


def _referrals(session: Session, seeker: JobSeeker) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Referral)
        .where(Referral.seeker_id == seeker.id)
        .order_by(col(Referral.referred_at), col(Referral.id))
    ).all()
    result = []
    for referral in rows:
        vacancy = session.get(Vacancy, referral.vacancy_id) if referral.vacancy_id else None
        employer = session.get(Employer, referral.employer_id) if referral.employer_id else None
        events = session.exec(
            select(ReferralEvent)
            .where(ReferralEvent.referral_id == referral.id)
            .order_by(col(ReferralEvent.at), col(ReferralEvent.id))
        ).all()
        result.append(
            {
                "vacancy": vacancy.title if vacancy else None,
                "employer": employer.name if employer else None,
                "occupation": referral.occupation,
                "status": referral.status,
                "reason": referral.reason,
                "referred_at": iso(referral.referred_at),
                "interview_at": iso(referral.interview_at),
                "job_found_at": iso(referral.job_found_at),
                "start_date": iso(referral.start_date),
                "started_at": iso(referral.started_at),
                # The follow-up questions asked and what the seeker answered.
                "interview_asked_at": iso(referral.interview_asked_at),
                "interview_answered_at": iso(referral.interview_answered_at),
                "interview_held": referral.interview_held,
                "start_asked_at": iso(referral.start_asked_at),
                "history": [
                    {"at": iso(e.at), "status": e.status, "by": e.actor_kind, "reason": e.reason}
                    for e in events
                ],
            }
        )
    return result


def _firms(session: Session, citizen_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Employer).where(Employer.citizen_id == citizen_id).order_by(col(Employer.id))
    ).all()
    return [
        {
            "name": e.name,
            "tax_number": e.tax_number,
            "sector": e.sector,
            "district": e.district,
            "contact_name": e.contact_name,
            "contact_phone": e.contact_phone,
            "registered_at": iso(e.registered_at),
            "verified_at": iso(e.verified_at),
            "rejected_at": iso(e.rejected_at),
            "rejection_reason": e.rejection_reason,
        }
        for e in rows
    ]


def export(session: Session, citizen: Citizen) -> dict[str, Any]:
    assert citizen.id is not None
    seeker = session.exec(select(JobSeeker).where(JobSeeker.citizen_id == citizen.id)).first()
    return {
        "employment": {
            "cv": None if seeker is None else _cv(session, seeker),
            "referrals": [] if seeker is None else _referrals(session, seeker),
            "job_alerts": None if seeker is None else alerts.export(session, seeker),
            "firms": _firms(session, citizen.id),
        }
    }


def blank_cv(session: Session, seeker: JobSeeker, now: datetime) -> None:
    """Everything that describes the person goes; the row stays, counted as a CV
    registered on its date, and its referrals keep counting their milestones. Those still
    waiting on the person end (referrals.end_for_erased_seeker): nobody is left to answer
    an offer or to be passed to a firm."""
    referrals.end_for_erased_seeker(session, seeker, now)
    seeker.name = seeker.phone = seeker.neighbourhood = None
    seeker.birth_year = None
    seeker.district = seeker.education = seeker.driving_licence = None
    seeker.availability = seeker.work_time = None
    seeker.experience, seeker.languages = [], []
    seeker.disability = seeker.disability_consent_at = None
    seeker.cv_file_id = seeker.cv_file_name = seeker.cv_file_size = None
    seeker.paused = True
    seeker.erased_at = seeker.erased_at or now
    session.add(seeker)
    session.execute(
        delete(JobSeekerOccupation).where(col(JobSeekerOccupation.seeker_id) == seeker.id)
    )
    # Which vacancies they were told of says what work they looked for.
    session.execute(delete(VacancyAlert).where(col(VacancyAlert.seeker_id) == seeker.id))


def delete_cv(session: Session, seeker: JobSeeker, now: datetime) -> Erased:
    """The seeker deletes their CV (🗑 in My CV): blanked as erasure blanks it, and its
    copies in the centre's group (its PDF, the reminders naming them) handed back to be
    taken out, as /verilerimi_sil takes them."""
    assert seeker.id is not None
    blank_cv(session, seeker, now)
    return Erased(copies=group_messages.take(session, [seeker.id], now))


def erase(session: Session, citizen: Citizen, now: datetime) -> Erased:
    """The CV is blanked; the firms they registered lose their contact person (a firm is
    not a person: its name and tax number stay, with its vacancies and referrals)."""
    assert citizen.id is not None
    seeker = session.exec(select(JobSeeker).where(JobSeeker.citizen_id == citizen.id)).first()
    seekers = []
    if seeker is not None:
        assert seeker.id is not None
        blank_cv(session, seeker, now)
        seekers.append(seeker.id)
    firms = []
    for employer in session.exec(select(Employer).where(Employer.citizen_id == citizen.id)).all():
        employer.contact_name = employer.contact_phone = None
        session.add(employer)
        assert employer.id is not None
        firms.append(employer.id)
    # Their referral reminders, CV and the desk's messages naming them go from the
    # centre's group too.
    copies = group_messages.take(session, seekers, now, firms)
    session.flush()
    return Erased(copies=copies)


def expire(session: Session, now: datetime, days: int) -> Erased:
    """CVs idle (no activity, or registered without any) longer than `days` are blanked."""
    cutoff = now - timedelta(days=days)
    idle = session.exec(
        select(JobSeeker).where(
            col(JobSeeker.erased_at).is_(None),
            or_(
                col(JobSeeker.last_active_at) < cutoff,
                (col(JobSeeker.last_active_at).is_(None)) & (col(JobSeeker.registered_at) < cutoff),
            ),
        )
    ).all()
    for seeker in idle:
        blank_cv(session, seeker, now)
    copies = group_messages.take(session, [s.id for s in idle if s.id is not None], now)
    session.flush()
    return Erased(copies=copies)


PERSONAL_DATA = PersonalData(
    tables=(
        JobSeeker,
        JobSeekerOccupation,
        Employer,
        Vacancy,
        Referral,
        ReferralEvent,
        VacancyAlert,
        EmploymentGroupMessage,
        EmploymentDeskScreen,
    ),
    export=export,
    erase=erase,
    expire=expire,
)
