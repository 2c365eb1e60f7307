"""CVs, firms and vacancies, and the staff actions on them (verify a firm, approve a
vacancy). Each function validates what it is given and refuses with a reason code."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from core import staff
from core.employment import alerts, codes, validation
from core.refusals import Refused
from db.models import Citizen, Employer, JobSeeker, JobSeekerOccupation, StaffMember, Vacancy

MAX_OCCUPATIONS = 5


def authorize(actor: StaffMember | None) -> StaffMember:
    """The actor, if they are the employment centre's staff (or a supervisor or admin);
    Refused: not_allowed otherwise. The caller looks the actor up (a Telegram id, a web
    login), so every channel goes through this one check."""
    if actor is None or not staff.may_act(actor, codes.DEPARTMENT):
        raise Refused("not_allowed")
    return actor


# --- CVs -------------------------------------------------------------------------------


@dataclass
class Experience:
    title: str
    employer: str
    years: float

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "employer": self.employer, "years": self.years}


@dataclass
class CV:
    """What a seeker enters; `save_cv` checks every field."""

    name: str
    birth_year: int
    district: str
    neighbourhood: str = ""
    phone: str = ""
    education: str | None = None
    occupations: list[str] = field(default_factory=list)
    experience: list[Experience] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    driving_licence: str | None = None
    availability: str | None = None
    work_time: str = "any"
    # An existing CV the seeker sent (a PDF): the channel's file id, its name and size.
    # The file itself is never downloaded; staff open it through the channel.
    cv_file_id: str | None = None
    cv_file_name: str | None = None
    cv_file_size: int | None = None


def seeker_of(session: Session, citizen: Citizen) -> JobSeeker | None:
    return session.exec(select(JobSeeker).where(JobSeeker.citizen_id == citizen.id)).first()


def occupations_of(session: Session, seeker: JobSeeker) -> list[str]:
    return list(
        session.exec(
            select(JobSeekerOccupation.code)
            .where(JobSeekerOccupation.seeker_id == seeker.id)
            .order_by(col(JobSeekerOccupation.id))
        ).all()
    )


def set_occupations(session: Session, seeker: JobSeeker, occupations: list[str]) -> list[str]:
    """Replace the seeker's occupations (1 to 5 ISCO-08 codes, duplicates dropped)."""
    assert seeker.id is not None
    wanted = list(dict.fromkeys(validation.occupation(code) for code in occupations))
    if not wanted:
        raise Refused("occupation_required")
    if len(wanted) > MAX_OCCUPATIONS:
        raise Refused("too_many")
    session.execute(
        delete(JobSeekerOccupation).where(col(JobSeekerOccupation.seeker_id) == seeker.id)
    )
    for code in wanted:
        session.add(JobSeekerOccupation(seeker_id=seeker.id, code=code))
    session.flush()
    return wanted


def save_cv(session: Session, citizen: Citizen, cv: CV, now: datetime) -> JobSeeker:
    """Create or update the citizen's CV; consent is recorded the first time."""
    assert citizen.id is not None
    name = validation.text(cv.name)
    year = validation.birth_year(cv.birth_year, now.year)
    district = validation.text(cv.district, 64)
    neighbourhood = validation.text(cv.neighbourhood, 100, required=False)
    phone = validation.text(cv.phone, 32, required=False)
    if cv.education is not None and cv.education not in codes.EDUCATION:
        raise Refused("unknown_education")
    if cv.availability is not None and cv.availability not in codes.AVAILABILITY:
        raise Refused("unknown_availability")
    if cv.work_time not in codes.WORK_TIMES:
        raise Refused("unknown_work_time")
    if len(cv.experience) > validation.MAX_EXPERIENCE:
        raise Refused("too_many")
    experience = [
        Experience(
            validation.text(item.title),
            validation.text(item.employer, required=False),
            validation.experience_years(item.years),
        ).to_dict()
        for item in cv.experience
    ]
    languages = [validation.text(language, 32) for language in cv.languages]
    licence = validation.driving_licence(cv.driving_licence)
    file_id = validation.text(cv.cv_file_id or "", 255, required=False) or None
    file_name = None
    if file_id is not None:
        file_name = validation.cv_file(cv.cv_file_name, validation.PDF_MIME, cv.cv_file_size)
    seeker = seeker_of(session, citizen)
    if seeker is None:
        seeker = JobSeeker(citizen_id=citizen.id, registered_at=now, consent_at=now)
    seeker.name, seeker.birth_year, seeker.district = name, year, district
    seeker.neighbourhood, seeker.phone = neighbourhood or None, phone or None
    seeker.education, seeker.experience, seeker.languages = cv.education, experience, languages
    seeker.driving_licence = licence
    seeker.cv_file_id, seeker.cv_file_name = file_id, file_name
    seeker.cv_file_size = cv.cv_file_size if file_id is not None else None
    seeker.availability, seeker.work_time = cv.availability, cv.work_time
    seeker.last_active_at = now
    seeker.erased_at = None
    session.add(seeker)
    session.flush()
    set_occupations(session, seeker, cv.occupations)
    return seeker


def cv_file(seeker: JobSeeker | None) -> tuple[str, str]:
    """(file id, name) of the PDF sent with the CV; Refused: not_found without one. The
    callers check who may see it (desk: the centre's staff; firms: a firm the seeker
    accepted a referral to)."""
    if seeker is None or seeker.erased_at is not None or not seeker.cv_file_id:
        raise Refused("not_found")
    return seeker.cv_file_id, seeker.cv_file_name or "cv.pdf"


def set_disability(
    session: Session, seeker: JobSeeker, disability: bool | None, now: datetime
) -> None:
    """Special-category data (KVKK art. 6): stored only with its own explicit consent,
    given at `now` (the time is kept with it); None withdraws both, erasing the answer."""
    seeker.disability = disability
    seeker.disability_consent_at = None if disability is None else now
    session.add(seeker)


def pause(session: Session, seeker: JobSeeker, paused: bool, now: datetime) -> None:
    """ "Not looking now": a paused CV is neither ranked nor alerted."""
    seeker.paused = paused
    seeker.last_active_at = now
    session.add(seeker)


# --- Employers and vacancies -------------------------------------------------------------


def firm_fields(
    *, name: str, sector: str, district: str, contact_name: str, contact_phone: str
) -> dict[str, Any]:
    """A firm's details as typed, checked: what registering it and correcting it store."""
    return {
        "name": validation.text(name),
        "sector": validation.text(sector, 100, required=False) or None,
        "district": validation.text(district, 64),
        "contact_name": validation.text(contact_name),
        "contact_phone": validation.text(contact_phone, 32),
    }


def register_employer(
    session: Session,
    citizen: Citizen,
    *,
    name: str,
    tax_number: str,
    sector: str,
    district: str,
    contact_name: str,
    contact_phone: str,
    now: datetime,
) -> Employer:
    """A firm registered by a citizen; it publishes only once staff verified it."""
    vkn = validation.tax_number(tax_number)
    if session.exec(select(Employer).where(Employer.tax_number == vkn)).first() is not None:
        raise Refused("already_registered")
    employer = Employer(
        tax_number=vkn,
        citizen_id=citizen.id,
        registered_at=now,
        **firm_fields(
            name=name,
            sector=sector,
            district=district,
            contact_name=contact_name,
            contact_phone=contact_phone,
        ),
    )
    session.add(employer)
    session.flush()
    return employer


def verify_employer(
    session: Session, actor: StaffMember | None, employer: Employer, now: datetime
) -> Employer:
    member = authorize(actor)
    if employer.verified_at is not None:
        raise Refused("already_verified")
    employer.verified_at, employer.verified_by = now, member.id
    session.add(employer)
    return employer


def vacancy_fields(
    *,
    title: str,
    occupation: str,
    positions: int | str,
    district: str,
    work_time: str,
    requirements: str,
    valid_until: date | None,
    now: datetime,
    quota: bool = False,
) -> dict[str, Any]:
    """A vacancy's details as typed, checked: what creating it and correcting it store."""
    if work_time not in codes.VACANCY_WORK_TIMES:
        raise Refused("unknown_work_time")
    if valid_until is not None and valid_until < now.date():
        raise Refused("in_the_past")
    return {
        "title": validation.text(title),
        "occupation": validation.occupation(occupation),
        "positions": validation.positions(positions),
        "district": validation.text(district, 64),
        "work_time": work_time,
        "quota": bool(quota),
        "requirements": validation.text(requirements, validation.MAX_TEXT, required=False),
        "valid_until": valid_until,
    }


def create_vacancy(
    session: Session,
    employer: Employer,
    *,
    title: str,
    occupation: str,
    positions: int | str,
    district: str,
    work_time: str,
    requirements: str,
    valid_until: date | None,
    now: datetime,
    quota: bool = False,
) -> Vacancy:
    """A draft vacancy; `submit_vacancy` sends it to the centre for approval. `quota`: a
    position under the legal quota for disabled employees (ranking.rank counts it)."""
    assert employer.id is not None
    vacancy = Vacancy(
        employer_id=employer.id,
        status="draft",
        created_at=now,
        **vacancy_fields(
            title=title,
            occupation=occupation,
            positions=positions,
            district=district,
            work_time=work_time,
            requirements=requirements,
            valid_until=valid_until,
            now=now,
            quota=quota,
        ),
    )
    session.add(vacancy)
    session.flush()
    return vacancy


def submit_vacancy(session: Session, employer: Employer, vacancy: Vacancy) -> Vacancy:
    """Draft → pending; only a verified firm's vacancy can go to approval."""
    if vacancy.employer_id != employer.id:
        raise Refused("not_allowed")
    if employer.verified_at is None:
        raise Refused("not_verified")
    if vacancy.status != "draft":
        raise Refused("wrong_status")
    vacancy.status = "pending"
    session.add(vacancy)
    return vacancy


def approve_vacancy(
    session: Session, actor: StaffMember | None, vacancy: Vacancy, now: datetime
) -> Vacancy:
    """Pending → published, by the centre's staff; the seekers it suits get an alert
    (core.employment.alerts), recorded in this transaction."""
    member = authorize(actor)
    if vacancy.status != "pending":
        raise Refused("wrong_status")
    vacancy.status, vacancy.approved_at, vacancy.approved_by = "published", now, member.id
    session.add(vacancy)
    session.flush()
    alerts.on_published(session, vacancy, now)
    return vacancy
