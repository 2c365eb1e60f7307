"""The disability quota (engelli kontenjanı): a vacancy's flag, and the only use of the
seeker's consented disability answer. On a quota vacancy, ranking gives a consented "yes"
its points and the staff desk marks that candidate ♿; on any other vacancy the answer
changes nothing and is shown nowhere; employers never see it. SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session

from common.i18n import translator
from core.employment import firms, ranking, referrals, registry
from db.engine import transaction
from db.models import Citizen, JobSeeker, StaffMember, Vacancy
from flows.employment import referral_desk, vacancy_desk
from flows.employment.employer_screens import candidate_lines
from tests.builders import citizen_of, id_of, make_citizen
from tests.employment_builders import NOW, make_staff, published_vacancy, sample_cv

PEOPLE = ("Ayşe Yılmaz", "Deniz Ak", "Selin Kaya")  # yes, no, never asked


def _seekers(db: Engine) -> tuple[list[int], int]:
    """Three seekers alike but for the disability answer (Ayşe: consented, yes; Deniz:
    consented, no; Selin: never asked); returns their ids and the firm owner's citizen."""
    citizen_ids = [make_citizen(db, 7300 + number) for number in range(len(PEOPLE))]
    owner_id = make_citizen(db, 7310)
    ids = []
    with transaction(db) as session:
        for number, name in enumerate(PEOPLE):
            # Selin is the most recently active: ties would go to her.
            active = NOW - timedelta(hours=3 - number)
            seeker = registry.save_cv(
                session, citizen_of(session, citizen_ids[number]), sample_cv(name=name), active
            )
            if number < 2:
                registry.set_disability(session, seeker, number == 0, NOW)
            ids.append(id_of(seeker))
    return ids, owner_id


def _vacancies(session: Session, owner: Citizen, centre: StaffMember) -> tuple[Vacancy, Vacancy]:
    quota = published_vacancy(session, owner, centre, quota=True)
    other = published_vacancy(session, owner, centre, tax_number="1234567890", title="Komi")
    return quota, other


def test_only_a_quota_vacancy_ranks_a_consented_yes_higher(db: Engine) -> None:
    (yes, no, unasked), owner_id = _seekers(db)
    with transaction(db) as session:
        centre = make_staff(session, 9301, "staff", "istihdam")
        quota, other = _vacancies(session, citizen_of(session, owner_id), centre)
        assert (quota.quota, other.quota) == (True, False)

        ranked = ranking.rank(session, quota, NOW)
        assert [c.seeker_id for c in ranked] == [yes, unasked, no]
        points = {c.seeker_id: (c.quota, c.score) for c in ranked}
        assert points[yes] == (ranking.QUOTA_POINTS, points[no][1] + ranking.QUOTA_POINTS)
        assert points[no][0] == points[unasked][0] == 0

        plain = ranking.rank(session, other, NOW)
        assert [c.seeker_id for c in plain] == [unasked, no, yes]  # activity alone decides
        assert {c.quota for c in plain} == {0}
        assert len({c.score for c in plain}) == 1

        # A withdrawn consent erases the answer: no points any more.
        seeker = session.get(JobSeeker, yes)
        assert seeker is not None
        registry.set_disability(session, seeker, None, NOW)
        assert {c.quota for c in ranking.rank(session, quota, NOW)} == {0}


def test_the_staff_desk_marks_the_quota_candidates_on_quota_vacancies_only(db: Engine) -> None:
    _, owner_id = _seekers(db)
    with transaction(db) as session:
        centre = make_staff(session, 9302, "staff", "istihdam")
        quota, other = _vacancies(session, citizen_of(session, owner_id), centre)
        t = translator("tr")

        shown = referral_desk.candidates(session, centre, t, id_of(quota), NOW).text
        assert "♿ Engelli kontenjanı kapsamında bir pozisyon" in shown
        lines = [line for line in shown.splitlines() if "puan" in line]
        assert lines[0] == "1. <b>Ayşe Yılmaz ♿</b> — 125 puan"
        assert [line for line in lines if "♿" in line] == [lines[0]]

        plain = referral_desk.candidates(session, centre, t, id_of(other), NOW).text
        assert "♿" not in plain and "Ayşe Yılmaz" in plain

        details = vacancy_desk.pending_vacancy(session, centre, t, id_of(quota)).text
        assert "Engelli kontenjanı: Evet" in details
        details = vacancy_desk.pending_vacancy(session, centre, t, id_of(other)).text
        assert "Engelli kontenjanı: Hayır" in details


def test_employers_never_see_the_disability_answer(db: Engine) -> None:
    (yes, _, _), owner_id = _seekers(db)
    # What the firm is given of a candidate has no place for it at all.
    fields = {field.name for field in dataclasses.fields(firms.Candidate)}
    assert not {"disability", "quota", "disability_consent_at"} & fields
    with transaction(db) as session:
        centre = make_staff(session, 9303, "staff", "istihdam")
        owner = citizen_of(session, owner_id)
        quota, _ = _vacancies(session, owner, centre)
        seeker = session.get(JobSeeker, yes)
        assert seeker is not None
        referral = referrals.refer(session, centre, quota, seeker, NOW, NOW.date())
        referral.status = "interested"
        found = firms.candidate(session, referral)
        assert found is not None and found.name == "Ayşe Yılmaz"
        t = translator("tr")
        card = "\n".join(candidate_lines(found, t, ZoneInfo("Europe/Istanbul")))
        assert "♿" not in card and "ngelli" not in card
