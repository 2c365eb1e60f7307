"""What a firm can put right (review of issue 17): an outcome's date typed without a
year is the nearest such day and is said back as stored; an interview far ahead or long
ago is refused. Database tests run on SQLite and PostgreSQL, on a fixed clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from common.i18n import translator
from core import staff
from core.dates import parse_day, parse_day_and_time
from core.employment import codes, desk, firms, registry
from core.refusals import Refused
from db.engine import transaction
from db.models import ConversationState, Referral, Vacancy
from flows.employment import employer as flow
from tests.builders import citizen_of, make_citizen
from tests.unit.test_employer import NOW, _firm, _setting, _vacancy

IST = ZoneInfo("Europe/Istanbul")
TODAY = date(2026, 12, 6)
# 6 December 2026, 12:00 in Istanbul.
CLOCK = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
tr, en = translator("tr"), translator("en")


# --- A day without a year ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("5.12", date(2026, 12, 5)),  # yesterday, not 5 December 2027
        ("5 Aralık", date(2026, 12, 5)),
        ("20.11", date(2026, 11, 20)),
        ("10.1", date(2027, 1, 10)),
        ("1.3", date(2027, 3, 1)),
        ("1.7", date(2026, 7, 1)),
        ("5.12.2025", date(2025, 12, 5)),  # a year typed is kept
    ],
)
def test_an_outcome_day_without_a_year_is_the_nearest_one(typed: str, day: date) -> None:
    assert parse_day(typed, TODAY, nearest=True) == day


def test_a_vacancy_date_without_a_year_is_still_the_next_one() -> None:
    assert parse_day("5.12", TODAY) == date(2027, 12, 5)


def test_a_time_may_follow_the_day() -> None:
    assert parse_day_and_time("5.12 14:30", TODAY) == (date(2026, 12, 5), time(14, 30))
    assert parse_day_and_time("5 Aralık 2026 9.05", TODAY) == (date(2026, 12, 5), time(9, 5))
    assert parse_day_and_time("5.12", TODAY) == (date(2026, 12, 5), None)
    for bad in ("5.12 25:00", "14:30", "yarın 14:30", "5.12 14:30 extra"):
        with pytest.raises(ValueError):
            parse_day_and_time(bad, TODAY)


# --- Recording it --------------------------------------------------------------------------


def test_an_interview_far_ahead_or_long_ago_is_refused(db: Engine) -> None:
    owner_id, _, interested, _, _ = _setting(db)
    now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        with pytest.raises(Refused, match="too_far_ahead"):
            firms.record_outcome(
                session,
                owner,
                interested,
                codes.INTERVIEW,
                now,
                interview_at=datetime(2026, 5, 10, 9, 0, tzinfo=UTC),
            )
        with pytest.raises(Refused, match="too_long_ago"):
            firms.record_outcome(
                session,
                owner,
                interested,
                codes.INTERVIEW,
                now,
                interview_at=datetime(2025, 2, 1, 9, 0, tzinfo=UTC),
            )
    with transaction(db) as session:
        referral = session.get(Referral, interested)
        assert referral is not None
        assert (referral.status, referral.interview_at) == (codes.INTERESTED, None)


def _asked(db: Engine, owner_id: int, referral_id: int, to: str) -> None:
    with transaction(db) as session:
        flow.outcome(session, citizen_of(session, owner_id), tr, referral_id, to, CLOCK, IST)


def test_a_yearless_interview_date_is_stored_as_the_day_just_passed_and_said_back(
    db: Engine,
) -> None:
    owner_id, _, interested, _, _ = _setting(db)
    _asked(db, owner_id, interested, codes.INTERVIEW)
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        screen = flow.outcome_answer(session, owner, tr, "5.12 14:30", CLOCK, IST)
    assert "✅ Mülakat 5 Aralık 2026 14:30 olarak kaydedildi." in screen.text
    with transaction(db) as session:
        referral = session.get(Referral, interested)
        assert referral is not None and referral.status == codes.INTERVIEW
        assert referral.interview_at == datetime(2026, 12, 5, 14, 30, tzinfo=IST)
        assert session.get(ConversationState, owner_id) is None


def test_an_interview_three_months_ahead_is_asked_again_with_the_reason(db: Engine) -> None:
    owner_id, _, interested, _, _ = _setting(db)
    _asked(db, owner_id, interested, codes.INTERVIEW)
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        screen = flow.outcome_answer(session, owner, en, "10.3.2027", CLOCK, IST)
    assert "at most 60 days ahead" in screen.text and "When is the interview" in screen.text
    with transaction(db) as session:
        referral = session.get(Referral, interested)
        assert referral is not None and referral.interview_at is None
        state = session.get(ConversationState, owner_id)
        assert state is not None and state.step == "e_out"  # still asked


def test_a_start_date_is_said_back(db: Engine) -> None:
    owner_id, _, interested, _, _ = _setting(db)
    _asked(db, owner_id, interested, codes.JOB_FOUND)
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        screen = flow.outcome_answer(session, owner, en, "1.12", CLOCK, IST)
    assert "Hired, starting on 1 December 2026: recorded." in screen.text
    with transaction(db) as session:
        referral = session.get(Referral, interested)
        assert referral is not None and referral.start_date == date(2026, 12, 1)


# --- The date question does not take a draft's place --------------------------------------


def test_an_outcome_date_is_not_asked_over_a_vacancy_being_written(db: Engine) -> None:
    owner_id, _, interested, _, _ = _setting(db)
    with transaction(db) as session:
        referral = session.get(Referral, interested)
        assert referral is not None and referral.employer_id is not None
        employer_id = referral.employer_id
        owner = citizen_of(session, owner_id)
        flow.new_vacancy(session, owner, en, employer_id)
        flow.answer(session, owner, en, "Kasiyer", CLOCK, IST)
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        screen = flow.outcome(session, owner, en, interested, codes.INTERVIEW, CLOCK, IST)
    assert "You are writing a vacancy" in screen.text
    assert [c.label for row in screen.choices for c in row] == [
        "📝 Go to the vacancy",
        "✖️ Cancel the vacancy",
        "⬅️ Back",
    ]
    with transaction(db) as session:
        draft = session.get(ConversationState, owner_id)
        assert draft is not None and draft.step == "e_vac"
        assert draft.data["title"] == "Kasiyer"  # nothing typed is lost
        owner = citizen_of(session, owner_id)
        # Going to it: the vacancy's next question, the title kept.
        resumed = flow.new_vacancy(session, owner, en, employer_id)
        assert "Which occupation" in resumed.text
        flow.cancel(session, owner, en)
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        asked = flow.outcome(session, owner, en, interested, codes.INTERVIEW, CLOCK, IST)
    assert "When is the interview" in asked.text


# --- A vacancy sent back, corrected and sent again -----------------------------------------


def _sent_back(db: Engine) -> tuple[int, int, int]:
    """A verified firm's vacancy that staff sent back; the owner's, the vacancy's and
    another citizen's ids."""
    owner_id, other_id = make_citizen(db, 7201), make_citizen(db, 7202)
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        centre = staff.upsert(session, 9201, "staff", codes.DEPARTMENT)
        employer = _firm(session, owner)
        registry.verify_employer(session, centre, employer, NOW)
        vacancy = _vacancy(session, owner, employer)
        desk.return_vacancy(session, centre, vacancy, "unclear")
        assert vacancy.id is not None
        return owner_id, vacancy.id, other_id


def _fields(title: str) -> dict[str, object]:
    return {
        "title": title,
        "occupation": "5131",
        "positions": 3,
        "district": "Ümraniye",
        "work_time": "part",
        "requirements": "",
        "valid_until": date(2026, 4, 1),
    }


def test_a_vacancy_sent_back_is_corrected_in_place_and_sent_again(db: Engine) -> None:
    owner_id, vacancy_id, other_id = _sent_back(db)
    with transaction(db) as session:
        other = citizen_of(session, other_id)
        with pytest.raises(Refused, match="not_allowed"):
            firms.correct_vacancy(session, other, vacancy_id, **_fields("Komi"), now=NOW)
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        firms.correct_vacancy(session, owner, vacancy_id, **_fields("Komi"), now=NOW)
    with transaction(db) as session:
        (vacancy,) = session.exec(select(Vacancy)).all()  # the same row, no new one
        assert vacancy.id == vacancy_id
        assert (vacancy.title, vacancy.positions, vacancy.work_time, vacancy.status) == (
            "Komi",
            3,
            "part",
            "pending",
        )
        owner = citizen_of(session, owner_id)
        with pytest.raises(Refused, match="wrong_status"):  # pending: nothing to correct
            firms.correct_vacancy(session, owner, vacancy_id, **_fields("Garson"), now=NOW)


def test_the_firm_corrects_a_vacancy_sent_back_through_the_wizard(db: Engine) -> None:
    owner_id, vacancy_id, _ = _sent_back(db)
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        shown = flow.vacancy(session, owner, en, vacancy_id)
        assert "sent this vacancy back" in shown.text
        labels = [c.label for row in shown.choices for c in row]
        assert "✏️ Correct and send again" in labels
        summary = flow.correct_vacancy(session, owner, en, vacancy_id)
        assert "Garson" in summary.text
        assert "📨 Send again for approval" in [c.label for row in summary.choices for c in row]
        flow.edit(session, owner, en, "title")
        flow.answer(session, owner, en, "Deneyimli garson", CLOCK, IST)
        done = flow.save(session, owner, en, NOW)
    assert "sent to the employment centre again" in done.text
    with transaction(db) as session:
        (vacancy,) = session.exec(select(Vacancy)).all()
        assert (vacancy.id, vacancy.title, vacancy.status) == (
            vacancy_id,
            "Deneyimli garson",
            "pending",
        )
        assert session.get(ConversationState, owner_id) is None
