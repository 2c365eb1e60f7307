"""The employer's side of the employment centre in core (core/employment/firms.py): what a
firm sees of a candidate (only those who said they are interested, only what they
share), and that every firm, vacancy and referral is checked against the citizen who
acts, whatever id a button carried. Database tests run on SQLite and PostgreSQL. And the
dates people type (core.dates.parse_day)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core import staff
from core.dates import parse_day
from core.employment import codes, desk, firms, referrals, registry
from core.employment.personal_data import blank_cv
from core.employment.registry import Experience
from core.refusals import Refused
from db.engine import transaction
from db.models import (
    Employer,
    JobSeeker,
    OutboxMessage,
    Referral,
    ReferralEvent,
    Vacancy,
)
from flows.employment import referral_answers
from tests.builders import citizen_of, make_citizen
from tests.employment_builders import NOW, firm_with_referrals, posted_vacancy, registered_firm

# --- What an employer sees of a candidate ---------------------------------------------------


def test_a_firm_sees_only_interested_candidates_and_only_what_they_share(db: Engine) -> None:
    owner_id, vacancy_id, interested, quiet, _ = firm_with_referrals(db)
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        seen = firms.candidates(session, owner, vacancy_id)
        assert [c.referral_id for c in seen] == [interested]  # not the one who did not answer
        card = seen[0]
        assert (card.name, card.phone, card.status) == ("Selin Kaya", "+905321112233", "interested")
        assert card.occupations == ("5131", "9412")
        assert card.experience == (Experience("Garson", "Lokanta", 3.0),)
        # Nothing else of the CV travels: no year of birth, neighbourhood or district.
        shown = {f.name for f in dataclasses.fields(card)}
        assert shown.isdisjoint({"birth_year", "neighbourhood", "district", "education"})
        quiet_row = session.get(Referral, quiet)
        assert quiet_row is not None and firms.candidate(session, quiet_row) is None
        with pytest.raises(Refused, match="not_allowed"):
            firms.own_referral(session, owner, quiet)


def test_a_candidate_who_declined_or_erased_the_cv_shows_nothing_of_them(db: Engine) -> None:
    owner_id, vacancy_id, interested, quiet, _ = firm_with_referrals(db)
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        # The second seeker says interested, then declines: the firm no longer sees them.
        second = session.get(Referral, quiet)
        assert second is not None
        who_else = citizen_of(session, _citizen_of_referral(session, second))
        referrals.seeker_change(session, who_else, second, codes.INTERESTED, NOW)
        referrals.seeker_change(session, who_else, second, codes.DECLINED, NOW)
        assert [c.referral_id for c in firms.candidates(session, owner, vacancy_id)] == [interested]
        referral = session.get(Referral, interested)
        assert referral is not None
        blank_cv(session, session.get(JobSeeker, referral.seeker_id), NOW)  # type: ignore[arg-type]
        (card,) = firms.candidates(session, owner, vacancy_id)
        assert card.erased and card.name is None and card.phone is None
        assert card.occupations == () and card.experience == ()
        # Deleting the CV ended the referral (the candidate withdrew), by the system…
        assert (card.status, card.reason) == (codes.NOT_HIRED, "candidate_declined")
        last = referrals.history(session, referral)[-1]
        assert (last.actor_kind, last.from_status) == (codes.SYSTEM, codes.INTERESTED)
        # …and the old offer's buttons do nothing any more.
        who = citizen_of(session, _citizen_of_referral(session, referral))
        with pytest.raises(Refused, match="not_found"):
            referrals.seeker_change(session, who, referral, codes.DECLINED, NOW)
        assert referral.status == codes.NOT_HIRED


def _citizen_of_referral(session: Session, referral: Referral) -> int:
    seeker = session.get(JobSeeker, referral.seeker_id)
    assert seeker is not None and seeker.citizen_id is not None
    return seeker.citizen_id


# --- Every action is checked against the citizen who acts ------------------------------------


def test_another_citizen_can_neither_see_nor_change_a_firms_rows(db: Engine) -> None:
    owner_id, vacancy_id, interested, _, other_id = firm_with_referrals(db)
    with transaction(db) as session:
        other = citizen_of(session, other_id)
        employer_id = session.exec(select(Employer.id)).one()
        assert employer_id is not None
        for attempt in (
            lambda: firms.own_firm(session, other, employer_id),
            lambda: firms.verified_firm(session, other, employer_id),
            lambda: firms.own_vacancy(session, other, vacancy_id),
            lambda: firms.candidates(session, other, vacancy_id),
            lambda: firms.own_referral(session, other, interested),
            lambda: firms.close_vacancy(session, other, vacancy_id, NOW),
            lambda: firms.record_outcome(
                session, other, interested, codes.JOB_FOUND, NOW, start_date=date(2026, 3, 9)
            ),
        ):
            with pytest.raises(Refused, match="not_allowed"):
                attempt()
        with pytest.raises(Refused, match="not_allowed"):
            posted_vacancy(session, other, session.get(Employer, employer_id))  # type: ignore[arg-type]
        for missing in (
            lambda: firms.own_firm(session, other, 999_999),
            lambda: firms.own_vacancy(session, other, 999_999),
            lambda: firms.own_referral(session, other, 999_999),
        ):
            with pytest.raises(Refused, match="not_found"):
                missing()
        assert firms.firms_of(session, other) == []
        owner = citizen_of(session, owner_id)
        assert [e.id for e in firms.firms_of(session, owner)] == [employer_id]
    with transaction(db) as session:
        vacancy = session.get(Vacancy, vacancy_id)
        referral = session.get(Referral, interested)
        assert vacancy is not None and vacancy.status == "published"
        assert referral is not None and referral.status == codes.INTERESTED


def test_an_unverified_firm_posts_nothing(db: Engine) -> None:
    owner_id = make_citizen(db, 7201)
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        employer = registered_firm(session, owner)
        assert employer.id is not None
        with pytest.raises(Refused, match="not_verified"):
            firms.verified_firm(session, owner, employer.id)
        with pytest.raises(Refused, match="not_verified"):
            posted_vacancy(session, owner, employer)
        assert firms.own_firm(session, owner, employer.id) is employer
        # The tax number is checked as soon as it is typed: its check digit, and that
        # no firm has it yet.
        with pytest.raises(Refused, match="already_registered"):
            firms.new_tax_number(session, "454 053 6920")
        with pytest.raises(Refused, match="bad_tax_number"):
            firms.new_tax_number(session, "1234567891")
        assert firms.new_tax_number(session, "1234567890") == "1234567890"
    with transaction(db) as session:
        assert session.exec(select(Vacancy)).all() == []


def test_a_posted_vacancy_waits_for_approval_and_the_firm_may_close_it(db: Engine) -> None:
    owner_id = make_citizen(db, 7301)
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        centre = staff.upsert(session, 9101, "staff", codes.DEPARTMENT)
        employer = registered_firm(session, owner)
        registry.verify_employer(session, centre, employer, NOW)
        vacancy = posted_vacancy(session, owner, employer)
        assert (vacancy.status, vacancy.positions, vacancy.valid_until) == (
            "pending",
            2,
            date(2026, 4, 1),
        )
        with pytest.raises(Refused, match="bad_positions"):
            firms.post_vacancy(
                session,
                owner,
                employer.id or 0,
                title="Aşçı",
                occupation="5120",
                positions="0",
                district="Ümraniye",
                work_time="full",
                requirements="",
                valid_until=None,
                now=NOW,
            )
        assert vacancy.id is not None
        assert [v.id for v in firms.vacancies_of(session, employer)] == [vacancy.id]
        firms.close_vacancy(session, owner, vacancy.id, NOW)
        assert (vacancy.status, vacancy.closed_at) == ("closed", NOW)
        with pytest.raises(Refused, match="wrong_status"):
            firms.close_vacancy(session, owner, vacancy.id, NOW)


def test_outcomes_follow_the_referral_and_are_recorded_as_the_employers(db: Engine) -> None:
    owner_id, _, interested, _, _ = firm_with_referrals(db)
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        with pytest.raises(Refused, match="unknown_reason"):
            firms.record_outcome(session, owner, interested, codes.NOT_HIRED, NOW, reason="rude")
        with pytest.raises(Refused, match="date_required"):
            firms.record_outcome(session, owner, interested, codes.JOB_FOUND, NOW)
        with pytest.raises(Refused, match="bad_date"):
            firms.record_outcome(
                session, owner, interested, codes.JOB_FOUND, NOW, start_date=date(2030, 1, 1)
            )
        with pytest.raises(Refused, match="wrong_status"):
            firms.record_outcome(session, owner, interested, codes.STARTED, NOW)
        on = datetime(2026, 3, 5, 11, 30, tzinfo=UTC)
        firms.record_outcome(session, owner, interested, codes.INTERVIEW, NOW, interview_at=on)
        firms.record_outcome(
            session,
            owner,
            interested,
            codes.JOB_FOUND,
            NOW + timedelta(days=2),
            start_date=date(2026, 3, 16),
        )
        firms.record_outcome(session, owner, interested, codes.STARTED, NOW + timedelta(days=13))
        with pytest.raises(Refused, match="wrong_status"):
            firms.record_outcome(
                session, owner, interested, codes.NOT_HIRED, NOW, reason="position_filled"
            )
    with transaction(db) as session:
        referral = session.get(Referral, interested)
        assert referral is not None
        assert referral.status == codes.STARTED and referral.interview_at == on
        assert referral.start_date == date(2026, 3, 16)
        events = session.exec(
            select(ReferralEvent)
            .where(ReferralEvent.referral_id == interested)
            .order_by(col(ReferralEvent.id))
        ).all()
        assert [(e.status, e.actor_kind) for e in events] == [
            ("referred", "staff"),
            ("interested", "seeker"),
            ("interview", "employer"),
            ("job_found", "employer"),
            ("started", "employer"),
        ]
        assert {e.actor_id for e in events if e.actor_kind == "employer"} == {owner_id}


def test_not_hired_takes_a_reason_from_the_fixed_list(db: Engine) -> None:
    owner_id, vacancy_id, interested, _, _ = firm_with_referrals(db)
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        firms.record_outcome(session, owner, interested, codes.NOT_HIRED, NOW, reason="skills")
        (card,) = firms.candidates(session, owner, vacancy_id)
        assert (card.status, card.reason) == ("not_hired", "skills")
    assert codes.NOT_HIRED_REASONS == (
        "did_not_come",
        "skills",
        "candidate_declined",
        "position_filled",
        "other",
    )


# --- Dates as people type them ----------------------------------------------------------------

TODAY = date(2026, 12, 6)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("31.12.2026", date(2026, 12, 31)),
        ("31/12/2026", date(2026, 12, 31)),
        ("31-12-2026", date(2026, 12, 31)),
        ("2026-12-31", date(2026, 12, 31)),
        ("31.12.26", date(2026, 12, 31)),
        ("31.12", date(2026, 12, 31)),
        ("5.3", date(2027, 3, 5)),  # no year: the next 5 March
        ("31 Aralık 2026", date(2026, 12, 31)),
        ("31 ARALIK", date(2026, 12, 31)),
        ("5 mart", date(2027, 3, 5)),
        ("15 Şubat 2027", date(2027, 2, 15)),
        ("15 subat", date(2027, 2, 15)),
        ("1 Oca", date(2027, 1, 1)),
        ("31 December 2027", date(2027, 12, 31)),
        ("29.02", date(2028, 2, 29)),
    ],
)
def test_dates_are_read_the_turkish_way_first(typed: str, day: date) -> None:
    assert parse_day(typed, TODAY) == day


@pytest.mark.parametrize("typed", ["32.12.2026", "31.13.2026", "yarın", "31 Foo 2026", "", "12"])
def test_what_is_no_date_is_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        parse_day(typed, TODAY)


def test_closing_a_vacancy_ends_the_referrals_waiting_on_it_and_tells_their_seekers(
    db: Engine,
) -> None:
    owner_id, vacancy_id, interested, quiet, _ = firm_with_referrals(db)
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        ended = firms.close_vacancy(session, owner, vacancy_id, NOW)
        assert sorted(r.id or 0 for r in ended) == sorted([interested, quiet])
        referral_answers.tell_vacancy_closed(session, ended, NOW)
    with transaction(db) as session:
        rows = {r.id: r for r in session.exec(select(Referral)).all()}
        assert (rows[interested].status, rows[interested].reason) == (
            codes.NOT_HIRED,
            "position_filled",
        )
        assert rows[quiet].status == codes.CANCELLED
        last = session.exec(select(ReferralEvent).where(ReferralEvent.referral_id == quiet)).all()[
            -1
        ]
        assert (last.status, last.actor_kind) == (codes.CANCELLED, codes.SYSTEM)
        told = session.exec(select(OutboxMessage)).all()
        assert len([m for m in told if "ilanı kapandı" in m.text]) == 2


def test_a_firm_gets_the_pdf_of_a_candidate_who_accepted_and_of_nobody_else(
    db: Engine,
) -> None:
    owner_id, vacancy_id, interested, quiet, other_id = firm_with_referrals(db)
    with transaction(db) as session:
        for seeker in session.exec(select(JobSeeker)).all():
            seeker.cv_file_id, seeker.cv_file_name = f"FILE{seeker.id}", f"{seeker.name}.pdf"
            session.add(seeker)
    with transaction(db) as session:
        owner, other = citizen_of(session, owner_id), citizen_of(session, other_id)
        file_id, name = firms.cv_file(session, owner, interested)
        assert name == "Selin Kaya.pdf" and file_id.startswith("FILE")
        [shown] = firms.candidates(session, owner, vacancy_id)
        assert shown.cv_file_name == "Selin Kaya.pdf"
        with pytest.raises(Refused, match="not_allowed"):
            firms.cv_file(session, owner, quiet)  # not accepted: nothing of them
        with pytest.raises(Refused, match="not_allowed"):
            firms.cv_file(session, other, interested)  # not their firm
        staff_member = staff.upsert(session, 9102, "staff", codes.DEPARTMENT)
        assert desk.cv_file(session, staff_member, shown_seeker(session, interested))[1] == (
            "Selin Kaya.pdf"
        )
        with pytest.raises(Refused, match="not_allowed"):
            desk.cv_file(session, None, shown_seeker(session, interested))


def shown_seeker(session: Session, referral_id: int) -> int:
    referral = session.get(Referral, referral_id)
    assert referral is not None
    return referral.seeker_id
