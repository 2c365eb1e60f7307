"""The yearly question to idle job seekers (core.employment.renewal): who is asked, only
once per idle spell, and again a year after keeping the CV. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine

from core import citizens
from core.employment import registry, renewal
from core.employment.personal_data import blank_cv
from core.employment.registry import CV
from db.engine import transaction
from db.models import JobSeeker
from tests.builders import citizen_of, make_citizen

NOW = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
RETENTION = 730


def _cv() -> CV:
    return CV(name="Ayşe Yılmaz", birth_year=1994, district="Merkez", occupations=["5131"])


def _seeker(db: Engine, telegram_id: int, active: datetime) -> int:
    citizen_id = make_citizen(db, telegram_id)
    with transaction(db) as session:
        seeker = registry.save_cv(session, citizen_of(session, citizen_id), _cv(), active)
        assert seeker.id is not None
        return seeker.id


def _asked(db: Engine, now: datetime) -> list[int]:
    with transaction(db) as session:
        return [item.telegram_id for item in renewal.claim_due(session, now, RETENTION)]


def test_a_seeker_idle_for_a_year_is_asked_once(db: Engine) -> None:
    _seeker(db, 7101, NOW - timedelta(days=366))
    _seeker(db, 7102, NOW - timedelta(days=300))  # not a year yet
    assert _asked(db, NOW) == [7101]
    assert _asked(db, NOW + timedelta(days=1)) == []  # a second run, another instance
    assert _asked(db, NOW + timedelta(days=66)) == [7102]


def test_the_question_says_when_the_cv_would_be_deleted_and_in_whose_language(
    db: Engine,
) -> None:
    active = NOW - timedelta(days=400)
    _seeker(db, 7111, active)
    with transaction(db) as session:
        citizens.set_language(session, 7111, "en")
    with transaction(db) as session:
        [item] = renewal.claim_due(session, NOW, RETENTION)
    assert item.language == "en"
    assert item.erase_on == active + timedelta(days=RETENTION)


def test_keeping_the_cv_starts_the_clock_again(db: Engine) -> None:
    seeker_id = _seeker(db, 7121, NOW - timedelta(days=400))
    assert _asked(db, NOW) == [7121]
    with transaction(db) as session:
        seeker = session.get(JobSeeker, seeker_id)
        assert seeker is not None
        renewal.renew(session, seeker, NOW + timedelta(days=2))
    assert _asked(db, NOW + timedelta(days=300)) == []
    assert _asked(db, NOW + timedelta(days=368)) == [7121]


def test_erased_blocked_and_imported_cvs_are_not_asked(db: Engine) -> None:
    erased = _seeker(db, 7131, NOW - timedelta(days=400))
    _seeker(db, 7132, NOW - timedelta(days=400))
    with transaction(db) as session:
        seeker = session.get(JobSeeker, erased)
        assert seeker is not None
        blank_cv(session, seeker, NOW - timedelta(days=1))
        citizens.mark_blocked(session, 7132)
        session.add(JobSeeker(external_id="portal-1", registered_at=NOW - timedelta(days=900)))
    assert _asked(db, NOW) == []


def test_a_short_retention_period_asks_at_its_half() -> None:
    assert renewal.ask_after(730) == timedelta(days=365)
    assert renewal.ask_after(180) == timedelta(days=90)
