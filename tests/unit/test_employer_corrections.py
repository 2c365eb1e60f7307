"""What a firm can put right (review of issue 17): an outcome's date typed without a
year is the nearest such day and is said back as stored; an interview far ahead or long
ago is refused. Database tests run on SQLite and PostgreSQL, on a fixed clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
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
from db.models import ConversationState, Employer, Referral, Vacancy
from flows.employment import employer as flow
from flows.employment import employer_vacancies as vacancy_flow
from flows.employment import employer_wizard as wizard
from tests.builders import citizen_of, make_citizen
from tests.employment_builders import NOW, firm_with_referrals, posted_vacancy, registered_firm

IST = ZoneInfo("Europe/Istanbul")
TODAY = date(2026, 12, 6)
# 6 December 2026, 12:00 in Istanbul.
CLOCK = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
tr, en = translator("tr"), translator("en")
PORTAL = datetime(2024, 5, 2, 9, 0, tzinfo=UTC)  # when an imported firm joined the portal


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
    owner_id, _, interested, _, _ = firm_with_referrals(db)
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
        vacancy_flow.outcome(
            session, citizen_of(session, owner_id), tr, referral_id, to, CLOCK, IST
        )


def test_a_yearless_interview_date_is_stored_as_the_day_just_passed_and_said_back(
    db: Engine,
) -> None:
    owner_id, _, interested, _, _ = firm_with_referrals(db)
    _asked(db, owner_id, interested, codes.INTERVIEW)
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        screen = vacancy_flow.outcome_answer(session, owner, tr, "5.12 14:30", CLOCK, IST)
    assert "✅ Mülakat tarihi 5 Aralık 2026 14:30 olarak kaydedildi." in screen.text
    with transaction(db) as session:
        referral = session.get(Referral, interested)
        assert referral is not None and referral.status == codes.INTERVIEW
        assert referral.interview_at == datetime(2026, 12, 5, 14, 30, tzinfo=IST)
        assert session.get(ConversationState, owner_id) is None


def test_an_interview_three_months_ahead_is_asked_again_with_the_reason(db: Engine) -> None:
    owner_id, _, interested, _, _ = firm_with_referrals(db)
    _asked(db, owner_id, interested, codes.INTERVIEW)
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        screen = vacancy_flow.outcome_answer(session, owner, en, "10.3.2027", CLOCK, IST)
    assert "at most 60 days ahead" in screen.text and "When is the interview" in screen.text
    with transaction(db) as session:
        referral = session.get(Referral, interested)
        assert referral is not None and referral.interview_at is None
        state = session.get(ConversationState, owner_id)
        assert state is not None and state.step == "e_out"  # still asked


def test_a_start_date_is_said_back(db: Engine) -> None:
    owner_id, _, interested, _, _ = firm_with_referrals(db)
    _asked(db, owner_id, interested, codes.JOB_FOUND)
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        screen = vacancy_flow.outcome_answer(session, owner, en, "1.12", CLOCK, IST)
    assert "Hired, starting on 1 December 2026: recorded." in screen.text
    with transaction(db) as session:
        referral = session.get(Referral, interested)
        assert referral is not None and referral.start_date == date(2026, 12, 1)


# --- The date question does not take a draft's place --------------------------------------


def test_an_outcome_date_is_not_asked_over_a_vacancy_being_written(db: Engine) -> None:
    owner_id, _, interested, _, _ = firm_with_referrals(db)
    with transaction(db) as session:
        referral = session.get(Referral, interested)
        assert referral is not None and referral.employer_id is not None
        employer_id = referral.employer_id
        owner = citizen_of(session, owner_id)
        wizard.new_vacancy(session, owner, en, employer_id)
        wizard.answer(session, owner, en, "Kasiyer", CLOCK, IST)
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        screen = vacancy_flow.outcome(session, owner, en, interested, codes.INTERVIEW, CLOCK, IST)
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
        resumed = wizard.new_vacancy(session, owner, en, employer_id)
        assert "Which occupation" in resumed.text
        wizard.cancel(session, owner, en)
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        asked = vacancy_flow.outcome(session, owner, en, interested, codes.INTERVIEW, CLOCK, IST)
    assert "When is the interview" in asked.text


# --- A vacancy sent back, corrected and sent again -----------------------------------------


def _sent_back(db: Engine) -> tuple[int, int, int]:
    """A verified firm's vacancy that staff sent back; the owner's, the vacancy's and
    another citizen's ids."""
    owner_id, other_id = make_citizen(db, 7201), make_citizen(db, 7202)
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        centre = staff.upsert(session, 9201, "staff", codes.DEPARTMENT)
        employer = registered_firm(session, owner)
        registry.verify_employer(session, centre, employer, NOW)
        vacancy = posted_vacancy(session, owner, employer)
        desk.return_vacancy(session, centre, vacancy, "unclear")
        assert vacancy.id is not None
        return owner_id, vacancy.id, other_id


def _fields(title: str) -> dict[str, Any]:
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
        shown = vacancy_flow.vacancy(session, owner, en, vacancy_id)
        assert "sent this vacancy back" in shown.text
        labels = [c.label for row in shown.choices for c in row]
        assert "✏️ Correct and send again" in labels
        summary = wizard.correct_vacancy(session, owner, en, vacancy_id)
        assert "Garson" in summary.text
        assert "📨 Send again for approval" in [c.label for row in summary.choices for c in row]
        wizard.edit(session, owner, en, "title")
        wizard.answer(session, owner, en, "Deneyimli garson", CLOCK, IST)
        done = wizard.save(session, owner, en, NOW)
    assert "sent to the employment centre again" in done.text
    with transaction(db) as session:
        (vacancy,) = session.exec(select(Vacancy)).all()
        assert (vacancy.id, vacancy.title, vacancy.status) == (
            vacancy_id,
            "Deneyimli garson",
            "pending",
        )
        assert session.get(ConversationState, owner_id) is None


# --- A firm turned down, and a firm imported from the portal --------------------------------


def _turned_down(db: Engine) -> tuple[int, int, int]:
    """A firm staff turned down for its tax number: the owner's, the firm's and another
    citizen's ids."""
    owner_id, other_id = make_citizen(db, 7301), make_citizen(db, 7302)
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        centre = staff.upsert(session, 9301, "staff", codes.DEPARTMENT)
        employer = registered_firm(session, owner)
        desk.reject_employer(session, centre, employer, "tax_number", NOW)
        assert employer.id is not None
        return owner_id, employer.id, other_id


def _firm_fields(vkn: str = "1234567890") -> dict[str, Any]:
    return {
        "name": "Lezzet Lokantası Ltd.",
        "tax_number": vkn,
        "sector": "Yiyecek",
        "district": "Ümraniye",
        "contact_name": "Mehmet Demir",
        "contact_phone": "+902161112233",
    }


def test_a_firm_turned_down_is_corrected_by_its_owner_and_waits_again(db: Engine) -> None:
    owner_id, employer_id, other_id = _turned_down(db)
    with transaction(db) as session:
        other = citizen_of(session, other_id)
        with pytest.raises(Refused, match="not_allowed"):
            firms.correct_firm(session, other, employer_id, **_firm_fields())
        owner = citizen_of(session, owner_id)
        with pytest.raises(Refused, match="bad_tax_number"):
            firms.correct_firm(session, owner, employer_id, **_firm_fields("1234567891"))
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        firms.correct_firm(session, owner, employer_id, **_firm_fields())
    with transaction(db) as session:
        (employer,) = session.exec(select(Employer)).all()
        assert (employer.id, employer.name, employer.tax_number) == (
            employer_id,
            "Lezzet Lokantası Ltd.",
            "1234567890",
        )
        assert (employer.rejected_at, employer.rejection_reason) == (None, None)
        centre = staff.upsert(session, 9301, "staff", codes.DEPARTMENT)
        assert [e.id for e in desk.firms_to_verify(session, centre)] == [employer_id]
        owner = citizen_of(session, owner_id)
        with pytest.raises(Refused, match="wrong_status"):  # waiting, not turned down
            firms.correct_firm(session, owner, employer_id, **_firm_fields())


def test_a_corrected_firm_may_not_take_another_firms_tax_number(db: Engine) -> None:
    owner_id, employer_id, other_id = _turned_down(db)
    with transaction(db) as session:
        registered_firm(session, citizen_of(session, other_id), vkn="1234567890")
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        with pytest.raises(Refused, match="already_registered"):
            firms.correct_firm(session, owner, employer_id, **_firm_fields("1234567890"))
        assert firms.new_tax_number(session, "4540536920", employer_id) == "4540536920"


def test_the_owner_sees_why_the_firm_was_turned_down_and_corrects_it(db: Engine) -> None:
    owner_id, employer_id, _ = _turned_down(db)
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        assert "⛔ Turned down: The tax number does not match the firm." in (
            flow.home(session, owner, en).text
        )
        shown = flow.firm(session, owner, en, employer_id)
        assert "⛔ Turned down: The tax number does not match the firm." in shown.text
        assert "Awaiting verification" not in shown.text
        summary = wizard.correct_firm(session, owner, en, employer_id)
        assert "📨 Send again for verification" in [c.label for row in summary.choices for c in row]
        wizard.edit(session, owner, en, "tax_number")
        wizard.answer(session, owner, en, "1234567890", CLOCK, IST)
        done = wizard.save(session, owner, en, NOW)
    assert "sent to the employment centre again" in done.text
    with transaction(db) as session:
        employer = session.get(Employer, employer_id)
        assert employer is not None
        assert (employer.tax_number, employer.rejected_at) == ("1234567890", None)
        owner = citizen_of(session, owner_id)
        assert "Awaiting verification" in flow.firm(session, owner, en, employer_id).text


def _imported(db: Engine) -> int:
    """A firm of the portal's import (no citizen), verified there, with a vacancy."""
    with transaction(db) as session:
        employer = Employer(
            name="Demir Lojistik",
            tax_number="4540536920",
            district="Tepebaşı",
            citizen_id=None,
            verified_at=NOW,
            registered_at=PORTAL,
        )
        session.add(employer)
        session.flush()
        assert employer.id is not None
        session.add(
            Vacancy(
                employer_id=employer.id,
                title="Forklift operatörü",
                occupation="8344",
                positions=1,
                district="Tepebaşı",
                work_time="full",
                status="published",
                created_at=NOW,
            )
        )
        return employer.id


def test_registering_an_imported_firms_tax_number_claims_it_for_verification(
    db: Engine,
) -> None:
    employer_id = _imported(db)
    owner_id, other_id = make_citizen(db, 7401), make_citizen(db, 7402)
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        assert firms.new_tax_number(session, "4540536920") == "4540536920"
        claimed = firms.register_firm(
            session, owner, **{**_firm_fields("4540536920"), "district": ""}, now=NOW
        )
        assert claimed.id == employer_id
    with transaction(db) as session:
        (employer,) = session.exec(select(Employer)).all()  # no second firm
        assert employer.citizen_id == owner_id
        assert (employer.name, employer.district) == ("Demir Lojistik", "Tepebaşı")
        assert (employer.contact_name, employer.contact_phone) == ("Mehmet Demir", "+902161112233")
        assert employer.verified_at is None  # staff verify the claim as a new firm
        assert employer.registered_at == PORTAL  # not counted as a new firm
        centre = staff.upsert(session, 9401, "staff", codes.DEPARTMENT)
        assert [e.id for e in desk.firms_to_verify(session, centre)] == [employer_id]
        owner = citizen_of(session, owner_id)
        (vacancy_id,) = session.exec(select(Vacancy.id)).all()
        assert vacancy_id is not None
        with pytest.raises(Refused, match="not_verified"):  # nothing of it before then
            firms.candidates(session, owner, vacancy_id)
        other = citizen_of(session, other_id)
        with pytest.raises(Refused, match="already_registered"):
            firms.new_tax_number(session, "4540536920")
        with pytest.raises(Refused, match="already_registered"):
            firms.register_firm(session, other, **_firm_fields("4540536920"), now=NOW)


def test_the_firm_wizard_claims_an_imported_firm(db: Engine) -> None:
    employer_id = _imported(db)
    owner_id = make_citizen(db, 7501)
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        wizard.consented(session, owner, en)
        for typed in ("Demir Lojistik A.Ş.", "4540536920"):
            asked = wizard.answer(session, owner, en, typed, CLOCK, IST)
        assert "sector" in asked.text  # the imported firm's VKN is not "already registered"
        wizard.skip(session, owner, en)
        for typed in ("Tepebaşı", "Ayşe Demir", "0532 123 45 67"):
            wizard.answer(session, owner, en, typed, CLOCK, IST)
        done = wizard.save(session, owner, en, NOW)
    assert "is registered" in done.text
    with transaction(db) as session:
        (employer,) = session.exec(select(Employer)).all()
        assert (employer.id, employer.citizen_id, employer.contact_name) == (
            employer_id,
            owner_id,
            "Ayşe Demir",
        )
        owner = citizen_of(session, owner_id)
        assert "Awaiting verification" in flow.firm(session, owner, en, employer_id).text
