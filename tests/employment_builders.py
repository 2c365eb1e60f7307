"""Rows the employment centre's unit tests start from, made through core/ as the bot makes
them, on a fixed clock (NOW): staff, a CV, a firm and its vacancies, referrals at
interview, and the outbox the follow-ups write to."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core import staff
from core.employment import codes, firms, referrals, registry
from core.employment.registry import CV, Experience
from db.engine import transaction
from db.models import Citizen, Employer, JobSeeker, OutboxMessage, Referral, StaffMember, Vacancy
from tests.builders import citizen_of, id_of, make_citizen

NOW = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)

# --- People ----------------------------------------------------------------------------------


def make_staff(
    session: Session, telegram_id: int, role: str, department: str | None
) -> StaffMember:
    return staff.upsert(session, telegram_id, role, department)


def make_citizen_in(session: Session, telegram_id: int) -> int:
    """A consenting Turkish-speaking citizen who joined at NOW, in the caller's session."""
    citizen = Citizen(telegram_id=telegram_id, language="tr", created_at=NOW, consent_at=NOW)
    session.add(citizen)
    session.flush()
    return id_of(citizen)


def set_citizen_language(session: Session, citizen_id: int, language: str) -> None:
    citizen = citizen_of(session, citizen_id)
    citizen.language = language
    session.add(citizen)


def sample_cv(**changes: Any) -> CV:
    """A complete CV (a waitress in Ümraniye), with `changes` over it."""
    values: dict[str, Any] = {
        "name": "Ayşe Yılmaz",
        "birth_year": 1994,
        "district": "Ümraniye",
        "neighbourhood": "Atatürk",
        "phone": "+905321112233",
        "education": "high_school",
        "occupations": ["5131"],
        "experience": [Experience("Garson", "Lokanta", 3)],
        "languages": ["tr", "en"],
        "driving_licence": "B",
        "availability": "now",
        "work_time": "full",
    }
    values.update(changes)
    return CV(**values)


# --- Firms and vacancies ---------------------------------------------------------------------


def published_vacancy(
    session: Session, owner: Citizen, centre: StaffMember, **changes: Any
) -> Vacancy:
    """A firm of `owner`'s verified by `centre`, and its vacancy approved: open to referrals."""
    employer = registry.register_employer(
        session,
        owner,
        name="Lezzet Lokantası",
        tax_number=changes.pop("tax_number", "4540536920"),
        sector="Yiyecek",
        district="Ümraniye",
        contact_name="Mehmet Demir",
        contact_phone="+902161112233",
        now=NOW,
    )
    registry.verify_employer(session, centre, employer, NOW)
    values: dict[str, Any] = {
        "title": "Garson",
        "occupation": "5131",
        "positions": 2,
        "district": "Ümraniye",
        "work_time": "full",
        "requirements": "Deneyimli",
        "valid_until": date(2026, 4, 1),
    }
    values.update(changes)
    vacancy = registry.create_vacancy(session, employer, now=NOW, **values)
    registry.submit_vacancy(session, employer, vacancy)
    return registry.approve_vacancy(session, centre, vacancy, NOW)


def registered_firm(session: Session, owner: Citizen, vkn: str = "4540536920") -> Employer:
    """A firm registered by `owner`, not yet verified."""
    return registry.register_employer(
        session,
        owner,
        name="Lezzet Lokantası",
        tax_number=vkn,
        sector="Yiyecek",
        district="Ümraniye",
        contact_name="Mehmet Demir",
        contact_phone="+902161112233",
        now=NOW,
    )


def posted_vacancy(session: Session, owner: Citizen, employer: Employer) -> Vacancy:
    """A vacancy the firm's owner posted, waiting for the centre's approval."""
    assert employer.id is not None
    return firms.post_vacancy(
        session,
        owner,
        employer.id,
        title="Garson",
        occupation="5131",
        positions=2,
        district="Ümraniye",
        work_time="full",
        requirements="Deneyimli",
        valid_until=date(2026, 4, 1),
        now=NOW,
    )


def _seeker(session: Session, who: Citizen, name: str) -> JobSeeker:
    return registry.save_cv(
        session,
        who,
        CV(
            name=name,
            birth_year=1994,
            district="Ümraniye",
            neighbourhood="Atatürk",
            phone="+905321112233",
            occupations=["5131", "9412"],
            experience=[Experience("Garson", "Lokanta", 3)],
            availability="now",
            work_time="full",
        ),
        NOW,
    )


def firm_with_referrals(db: Engine) -> tuple[int, int, int, int, int]:
    """A verified firm with a published vacancy, and two referrals to it: the first
    seeker said they are interested, the second has not answered. Returns the owner's,
    the vacancy's and both referrals' ids, and another citizen's id."""
    owner_id, seeker_id, quiet_id, other_id = (
        make_citizen(db, n) for n in (7101, 7102, 7103, 7104)
    )
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        centre = staff.upsert(session, 9101, "staff", codes.DEPARTMENT)
        employer = registered_firm(session, owner)
        registry.verify_employer(session, centre, employer, NOW)
        vacancy = posted_vacancy(session, owner, employer)
        registry.approve_vacancy(session, centre, vacancy, NOW)
        found = []
        for citizen_id, name in ((seeker_id, "Selin Kaya"), (quiet_id, "Deniz Ak")):
            who = citizen_of(session, citizen_id)
            referral = referrals.refer(
                session, centre, vacancy, _seeker(session, who, name), NOW, NOW.date()
            )
            if citizen_id == seeker_id:
                referrals.seeker_change(session, who, referral, codes.INTERESTED, NOW)
            found.append(referral.id)
        assert vacancy.id is not None and found[0] is not None and found[1] is not None
        return owner_id, vacancy.id, found[0], found[1], other_id


# --- Referrals and what they send ------------------------------------------------------------


def referral_at_interview(
    session: Session, **cv: Any
) -> tuple[Referral, Citizen, Citizen, StaffMember]:
    """A seeker (7110) referred to a firm's (7111) vacancy by the centre (9101), interested,
    and the firm set an interview at NOW. Returns the referral, seeker, owner and staff."""
    citizen = citizen_of(session, make_citizen_in(session, 7110))
    owner = citizen_of(session, make_citizen_in(session, 7111))
    centre = make_staff(session, 9101, "staff", "istihdam")
    seeker = registry.save_cv(session, citizen, sample_cv(**cv), NOW)
    vacancy = published_vacancy(session, owner, centre)
    referral = referrals.refer(session, centre, vacancy, seeker, NOW, NOW.date())
    referrals.seeker_change(session, citizen, referral, codes.INTERESTED, NOW)
    referrals.employer_change(session, owner, referral, codes.INTERVIEW, NOW)
    return referral, citizen, owner, centre


def outbox_messages(session: Session) -> list[OutboxMessage]:
    """Everything queued for sending, oldest first."""
    return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all())


def logistics_firm(
    session: Session, owner: Citizen, tax_number: str = "1234567890", now: datetime = NOW
) -> Employer:
    """Ege Lojistik, registered by `owner`, not yet verified."""
    return registry.register_employer(
        session,
        owner,
        name="Ege Lojistik",
        tax_number=tax_number,
        sector="Lojistik",
        district="Merkez",
        contact_name="Can Ege",
        contact_phone="+902321112233",
        now=now,
    )


def forklift_vacancy(session: Session, employer: Employer, now: datetime = NOW) -> Vacancy:
    """A forklift operator's vacancy of `employer`, sent to the centre for approval."""
    vacancy = registry.create_vacancy(
        session,
        employer,
        title="Forklift operatörü",
        occupation="8344",
        positions=1,
        district="Merkez",
        work_time="full",
        requirements="Forklift belgesi",
        valid_until=None,
        now=now,
    )
    return registry.submit_vacancy(session, employer, vacancy)
