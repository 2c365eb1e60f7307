"""The employment centre's rules (core/employment/): the VKN check digit, what people type,
staff roles, the referral state machine with its audit trail, candidate ranking, and
KVKK: the export holds the CV, referrals and firms; erasure and retention blank the person
and leave goal 4.3.1's figures unchanged. Database tests run on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from common.config import Config
from core import privacy
from core.employment import codes, indicators, ranking, referrals, registry, validation
from core.periods import period
from core.refusals import Refused
from db.engine import transaction
from db.models import (
    Employer,
    JobSeeker,
    JobSeekerOccupation,
    Referral,
    ReferralEvent,
    Vacancy,
)
from handlers.feature import personal_data_of
from handlers.features import FEATURES
from tests.builders import citizen_of, id_of, make_citizen
from tests.employment_builders import NOW, make_staff, published_vacancy, sample_cv

PARTS = personal_data_of(FEATURES)
VALID_VKN = ("4540536920", "1234567890", "9876543217", "9029589240", "3721052062")


# --- VKN and input checks ----------------------------------------------------------------


@pytest.mark.parametrize("number", VALID_VKN)
def test_valid_tax_numbers_pass_the_check_digit(number: str) -> None:
    assert validation.is_valid_vkn(number)
    assert validation.vkn_check_digit(number[:9]) == int(number[9])


@pytest.mark.parametrize(
    "number",
    [
        "4540536921",
        "1234567891",
        "0010002208",
        "1111111111",
        "123456789",
        "12345678901",
        "abcdefghij",
    ],
)
def test_wrong_check_digits_and_shapes_are_refused(number: str) -> None:
    assert not validation.is_valid_vkn(number)
    with pytest.raises(Refused) as refused:
        validation.tax_number(number)
    assert refused.value.reason == "bad_tax_number"


def test_every_wrong_last_digit_of_a_valid_number_fails() -> None:
    for number in VALID_VKN:
        for digit in "0123456789":
            assert validation.is_valid_vkn(number[:9] + digit) == (digit == number[9])


def test_a_tax_number_may_be_typed_with_spaces() -> None:
    assert validation.tax_number(" 454 053 6920 ") == "4540536920"


@pytest.mark.parametrize(
    ("check", "value", "reason"),
    [
        (lambda v: validation.birth_year(v, 2026), 1890, "bad_birth_year"),
        (lambda v: validation.birth_year(v, 2026), 2030, "bad_birth_year"),
        (lambda v: validation.birth_year(v, 2026), "bin dokuz yüz", "bad_birth_year"),
        (validation.positions, 0, "bad_positions"),
        (validation.positions, "-3", "bad_positions"),
        (validation.positions, 1001, "bad_positions"),
        (validation.cv_size, 5 * 1024 * 1024, "too_large"),
        (validation.occupation, "512", "bad_occupation"),
        (validation.occupation, "garson", "bad_occupation"),
        (validation.occupation, "9999", "bad_occupation"),  # four digits, no such group
        (validation.experience_years, "70", "bad_years"),
    ],
)
def test_bad_input_is_refused_with_a_reason(check: Any, value: Any, reason: str) -> None:
    with pytest.raises(Refused) as refused:
        check(value)
    assert refused.value.reason == reason


def test_good_input_passes() -> None:
    assert validation.birth_year("1990", 2026) == 1990
    assert validation.positions("3") == 3
    validation.cv_size(1_500_000)
    assert validation.occupation(" 5131 ") == "5131"
    assert validation.experience_years("2,5") == 2.5


# --- Firms, vacancies and who may act -----------------------------------------------------


def test_only_the_centres_staff_verify_firms_and_approve_vacancies(db: Engine) -> None:
    owner_id = make_citizen(db, 7001)
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        centre = make_staff(session, 9001, "staff", "istihdam")
        other = make_staff(session, 9002, "staff", "fen")
        supervisor = make_staff(session, 9003, "supervisor", None)
        employer = registry.register_employer(
            session,
            owner,
            name="Lezzet Lokantası",
            tax_number="4540536920",
            sector="",
            district="Ümraniye",
            contact_name="Mehmet Demir",
            contact_phone="+902161112233",
            now=NOW,
        )
        vacancy = registry.create_vacancy(
            session,
            employer,
            title="Garson",
            occupation="5131",
            positions=1,
            district="Ümraniye",
            work_time="full",
            requirements="",
            valid_until=None,
            now=NOW,
        )
        with pytest.raises(Refused, match="not_verified"):
            registry.submit_vacancy(session, employer, vacancy)
        for outsider in (other, None):
            with pytest.raises(Refused, match="not_allowed"):
                registry.verify_employer(session, outsider, employer, NOW)
        registry.verify_employer(session, centre, employer, NOW)
        assert employer.verified_by == centre.id
        with pytest.raises(Refused, match="already_verified"):
            registry.verify_employer(session, supervisor, employer, NOW)
        registry.submit_vacancy(session, employer, vacancy)
        with pytest.raises(Refused, match="not_allowed"):
            registry.approve_vacancy(session, other, vacancy, NOW)
        registry.approve_vacancy(session, supervisor, vacancy, NOW)
        assert (vacancy.status, vacancy.approved_by) == ("published", supervisor.id)
        with pytest.raises(Refused, match="already_registered"):
            registry.register_employer(
                session,
                owner,
                name="Aynı firma",
                tax_number="4540536920",
                sector="",
                district="Ümraniye",
                contact_name="X",
                contact_phone="1",
                now=NOW,
            )


def test_a_vacancy_with_zero_positions_or_a_bad_tax_number_is_refused(db: Engine) -> None:
    owner_id = make_citizen(db, 7002)
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        centre = make_staff(session, 9001, "staff", "istihdam")
        with pytest.raises(Refused, match="bad_tax_number"):
            published_vacancy(session, owner, centre, tax_number="4540536921")
        with pytest.raises(Refused, match="bad_positions"):
            published_vacancy(session, owner, centre, positions=0)


# --- Referrals ----------------------------------------------------------------------------


def test_a_referral_goes_from_referred_to_started_and_every_change_is_recorded(
    db: Engine,
) -> None:
    seeker_citizen, owner_id = make_citizen(db, 7003), make_citizen(db, 7004)
    with transaction(db) as session:
        citizen, owner = citizen_of(session, seeker_citizen), citizen_of(session, owner_id)
        centre = make_staff(session, 9001, "staff", "istihdam")
        seeker = registry.save_cv(session, citizen, sample_cv(), NOW)
        vacancy = published_vacancy(session, owner, centre)
        referral = referrals.refer(session, centre, vacancy, seeker, NOW, NOW.date())
        with pytest.raises(Refused, match="already_referred"):
            referrals.refer(session, centre, vacancy, seeker, NOW, NOW.date())
        # The employer cannot answer for the seeker, nor skip the seeker's answer.
        with pytest.raises(Refused, match="not_allowed"):
            referrals.employer_change(session, citizen, referral, codes.INTERVIEW, NOW)
        with pytest.raises(Refused, match="wrong_status"):
            referrals.employer_change(session, owner, referral, codes.INTERVIEW, NOW)
        with pytest.raises(Refused, match="not_allowed"):
            referrals.seeker_change(session, owner, referral, codes.INTERESTED, NOW)
        steps = [
            (
                lambda t, at: referrals.seeker_change(session, citizen, referral, t, at),
                "interested",
            ),
            (lambda t, at: referrals.employer_change(session, owner, referral, t, at), "interview"),
            (
                lambda t, at: referrals.employer_change(
                    session, owner, referral, t, at, start_date=date(2026, 3, 16)
                ),
                "job_found",
            ),
            (lambda t, at: referrals.seeker_change(session, citizen, referral, t, at), "started"),
        ]
        for hours, (step, status) in enumerate(steps, start=1):
            step(status, NOW + timedelta(hours=hours))
        assert referral.status == "started"
        assert referral.job_found_at == NOW + timedelta(hours=3)
        assert referral.started_at == referral.closed_at == NOW + timedelta(hours=4)
        assert referral.start_date == date(2026, 3, 16)
        with pytest.raises(Refused, match="wrong_status"):
            referrals.staff_change(session, centre, referral, codes.CANCELLED, NOW)
        trail = [
            (e.from_status, e.status, e.actor_kind, e.actor_id)
            for e in referrals.history(session, referral)
        ]
        assert trail == [
            (None, "referred", "staff", centre.id),
            ("referred", "interested", "seeker", citizen.id),
            ("interested", "interview", "employer", owner.id),
            ("interview", "job_found", "employer", owner.id),
            ("job_found", "started", "seeker", citizen.id),
        ]


def test_not_hired_needs_a_reason_from_the_list_and_only_the_system_expires(db: Engine) -> None:
    seeker_citizen, owner_id = make_citizen(db, 7005), make_citizen(db, 7006)
    with transaction(db) as session:
        citizen, owner = citizen_of(session, seeker_citizen), citizen_of(session, owner_id)
        centre = make_staff(session, 9001, "staff", "istihdam")
        other = make_staff(session, 9002, "staff", "fen")
        seeker = registry.save_cv(session, citizen, sample_cv(), NOW)
        vacancy = published_vacancy(session, owner, centre)
        with pytest.raises(Refused, match="not_allowed"):
            referrals.refer(session, other, vacancy, seeker, NOW, NOW.date())
        referral = referrals.refer(session, centre, vacancy, seeker, NOW, NOW.date())
        with pytest.raises(Refused, match="not_allowed"):
            referrals.change(session, referral, codes.EXPIRED, codes.SEEKER, id_of(citizen), NOW)
        referrals.seeker_change(session, citizen, referral, codes.INTERESTED, NOW)
        with pytest.raises(Refused, match="reason_required"):
            referrals.employer_change(session, owner, referral, codes.NOT_HIRED, NOW)
        with pytest.raises(Refused, match="unknown_reason"):
            referrals.employer_change(
                session, owner, referral, codes.NOT_HIRED, NOW, reason="too_tall"
            )
        referrals.employer_change(
            session, owner, referral, codes.NOT_HIRED, NOW, reason="did_not_come"
        )
        assert (referral.status, referral.reason, referral.closed_at) == (
            "not_hired",
            "did_not_come",
            NOW,
        )
        # Closed, it still stands: the seeker is not referred to this vacancy again.
        with pytest.raises(Refused, match="already_referred"):
            referrals.refer(session, centre, vacancy, seeker, NOW + timedelta(days=1), NOW.date())
        assert session.exec(select(func.count()).select_from(Referral)).one() == 1
        # Not after the vacancy's last day, nor for a CV imported without a citizen.
        with pytest.raises(Refused, match="vacancy_expired"):
            referrals.refer(
                session, centre, vacancy, seeker, datetime(2026, 4, 2, tzinfo=UTC), date(2026, 4, 2)
            )
        imported = JobSeeker(external_id="JS-1", registered_at=NOW)
        session.add(imported)
        session.flush()
        with pytest.raises(Refused, match="seeker_unavailable"):
            referrals.refer(session, centre, vacancy, imported, NOW, NOW.date())


def test_every_transition_of_the_state_machine_leads_somewhere_known() -> None:
    assert set(referrals.TRANSITIONS) == set(codes.REFERRAL_STATUSES)
    for status, targets in referrals.TRANSITIONS.items():
        assert targets <= set(codes.REFERRAL_STATUSES), status
        assert (not targets) == (status in codes.CLOSED_STATUSES), status


# --- Ranking ------------------------------------------------------------------------------


def test_candidates_are_ranked_by_occupation_district_availability_and_activity(
    db: Engine,
) -> None:
    owner_id = make_citizen(db, 7010)
    people = {
        "exact_here_now": ("5131", "Ümraniye", "now", NOW - timedelta(days=2)),
        "exact_away_later": ("5131", "Kadıköy", "later", NOW - timedelta(days=200)),
        "minor_group_here": ("5132", "Ümraniye", "now", NOW - timedelta(days=2)),
        "sub_major_here": ("5120", "Ümraniye", "month", NOW - timedelta(days=60)),
        "other_group": ("7231", "Ümraniye", "now", NOW),
        "paused": ("5131", "Ümraniye", "now", NOW),
    }
    ids: dict[str, int] = {}
    citizen_ids = [make_citizen(db, 7100 + number) for number in range(len(people))]
    with transaction(db) as session:
        centre = make_staff(session, 9001, "staff", "istihdam")
        for number, (name, (code, district, availability, active)) in enumerate(people.items()):
            citizen = citizen_of(session, citizen_ids[number])
            seeker = registry.save_cv(
                session,
                citizen,
                sample_cv(
                    name=name,
                    occupations=[code],
                    district=district,
                    availability=availability,
                ),
                active,
            )
            if name == "paused":
                registry.pause(session, seeker, True, NOW)
            ids[name] = id_of(seeker)
        imported = JobSeeker(external_id="JS-1", registered_at=NOW, availability="now")
        session.add(imported)
        session.flush()
        session.add(JobSeekerOccupation(seeker_id=id_of(imported), code="5131"))
        vacancy = published_vacancy(session, citizen_of(session, owner_id), centre)
        ranked = ranking.rank(session, vacancy, NOW)
        names = {seeker_id: name for name, seeker_id in ids.items()}
        assert [names[c.seeker_id] for c in ranked] == [
            "exact_here_now",
            "minor_group_here",
            "exact_away_later",
            "sub_major_here",
        ]
        first = ranked[0]
        assert (first.occupation, first.district, first.availability, first.activity) == (
            50,
            20,
            15,
            10,
        )
        assert first.score == 50 + 20 + 15 + 5 + 10
        # A seeker referred is no longer a candidate: neither while the referral is open,
        # nor after they declined it (nor, for the same reason, after any other end).
        best = session.get(JobSeeker, ids["exact_here_now"])
        assert best is not None
        referral = referrals.refer(session, centre, vacancy, best, NOW, NOW.date())
        assert ids["exact_here_now"] not in {
            c.seeker_id for c in ranking.rank(session, vacancy, NOW)
        }
        referrals.seeker_change(
            session, citizen_of(session, citizen_ids[0]), referral, codes.DECLINED, NOW
        )
        assert [names[c.seeker_id] for c in ranking.rank(session, vacancy, NOW)] == [
            "minor_group_here",
            "exact_away_later",
            "sub_major_here",
        ]


# --- Personal data ------------------------------------------------------------------------


def _figures(session: Session, config: Config) -> dict[str, Any]:
    span = period("year", NOW.date(), config.tz)
    return indicators.compute(session, config, span, NOW + timedelta(days=1)).to_dict()


def test_export_holds_the_cv_referrals_and_firms_and_erasure_keeps_every_count(
    db: Engine, config: Config
) -> None:
    seeker_citizen, owner_id = make_citizen(db, 7020), make_citizen(db, 7021)
    with transaction(db) as session:
        citizen, owner = citizen_of(session, seeker_citizen), citizen_of(session, owner_id)
        centre = make_staff(session, 9001, "staff", "istihdam")
        seeker = registry.save_cv(session, citizen, sample_cv(), NOW)
        registry.set_disability(session, seeker, True, NOW)
        vacancy = published_vacancy(session, owner, centre)
        referral = referrals.refer(session, centre, vacancy, seeker, NOW, NOW.date())
        referrals.seeker_change(session, citizen, referral, codes.INTERESTED, NOW)
        referrals.staff_change(
            session, centre, referral, codes.JOB_FOUND, NOW, start_date=date(2026, 3, 16)
        )
        referrals.staff_change(session, centre, referral, codes.STARTED, NOW)
        seeker_id = id_of(seeker)

    with transaction(db) as session:
        data = privacy.export(session, citizen_of(session, seeker_citizen), PARTS, NOW)
        cv = data["employment"]["cv"]
        assert (cv["name"], cv["phone"], cv["occupations"], cv["disability"]) == (
            "Ayşe Yılmaz",
            "+905321112233",
            ["5131"],
            True,
        )
        assert cv["experience"] == [{"title": "Garson", "employer": "Lokanta", "years": 3.0}]
        [exported] = data["employment"]["referrals"]
        assert (exported["status"], exported["employer"], len(exported["history"])) == (
            "started",
            "Lezzet Lokantası",
            4,
        )
        firm = privacy.export(session, citizen_of(session, owner_id), PARTS, NOW)["employment"]
        assert firm["firms"][0]["contact_name"] == "Mehmet Demir" and firm["cv"] is None
        before = _figures(session, config)
    assert (before["people_started"], before["people_job_found"], before["referrals"]) == (1, 1, 1)
    assert (before["registered_cvs"], before["registered_firms"]) == (1, 1)

    with transaction(db) as session:
        privacy.erase(session, citizen_of(session, seeker_citizen), PARTS, NOW)
        privacy.erase(session, citizen_of(session, owner_id), PARTS, NOW)
    with transaction(db) as session:
        assert _figures(session, config) == before
        erased = session.get(JobSeeker, seeker_id)
        assert erased is not None and erased.erased_at == NOW
        assert (erased.name, erased.phone, erased.birth_year, erased.disability) == (
            None,
            None,
            None,
            None,
        )
        assert erased.experience == [] and erased.languages == []
        assert not session.exec(
            select(JobSeekerOccupation).where(JobSeekerOccupation.seeker_id == seeker_id)
        ).all()
        employer = session.exec(select(Employer)).one()
        assert (employer.contact_name, employer.contact_phone) == (None, None)
        assert session.exec(select(Referral)).one().status == "started"
        assert len(session.exec(select(ReferralEvent)).all()) == 4
        # An erased CV is no longer a candidate.
        assert ranking.rank(session, session.exec(select(Vacancy)).one(), NOW) == []


def test_retention_blanks_only_cvs_idle_longer_than_the_period_and_only_once(
    db: Engine, config: Config
) -> None:
    old, recent = make_citizen(db, 7030), make_citizen(db, 7031)
    with transaction(db) as session:
        registry.save_cv(session, citizen_of(session, old), sample_cv(), NOW - timedelta(days=400))
        registry.save_cv(
            session, citizen_of(session, recent), sample_cv(), NOW - timedelta(days=10)
        )
    with transaction(db) as session:
        before = _figures(session, config)
        privacy.retention_sweep(session, PARTS, NOW, 365)
    with transaction(db) as session:
        rows = session.exec(select(JobSeeker).order_by(col(JobSeeker.id))).all()
        assert [(s.name is None, s.erased_at) for s in rows] == [(True, NOW), (False, None)]
        privacy.retention_sweep(session, PARTS, NOW + timedelta(days=1), 365)
    with transaction(db) as session:
        assert session.exec(select(JobSeeker).order_by(col(JobSeeker.id))).first().erased_at == NOW  # type: ignore[union-attr]
        assert _figures(session, config) == before
