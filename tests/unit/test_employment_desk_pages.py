"""The staff desk reaches all its work (review of issue 17): the totals are counted by
the database, the lists of vacancies to approve and published vacancies page on past
the first ten, staff close a published vacancy (its waiting referrals end, their
seekers are told), and a published vacancy's referrals are listed in one place, each to
its card. Fixed clock; SQLite and PostgreSQL."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from common.i18n import translator
from core.employment import codes, desk, referrals, registry
from db.engine import transaction
from db.models import Citizen, Employer, OutboxMessage, Referral, Vacancy
from flows.employment import referral_desk, staff, vacancy_desk
from flows.employment import staff_actions as s
from flows.screen import Screen
from tests.builders import citizen_of, make_citizen
from tests.employment_builders import NOW, make_staff, published_vacancy, sample_cv

en = translator("en")
IST = ZoneInfo("Europe/Istanbul")


def _labels(screen: Screen) -> list[str]:
    return [c.label for row in screen.choices for c in row]


def _press(screen: Screen, label: str) -> str:
    (found,) = [c.data for row in screen.choices for c in row if c.label == label]
    return found


def _vacancies(session: Session, employer: Employer, count: int, *, publish: bool) -> None:
    centre = make_staff(session, 9501, "staff", codes.DEPARTMENT)
    for number in range(1, count + 1):
        vacancy = registry.create_vacancy(
            session,
            employer,
            title=f"İlan {number:02d}",
            occupation="5131",
            positions=1,
            district="Ümraniye",
            work_time="full",
            requirements="",
            valid_until=None,
            now=NOW,
        )
        registry.submit_vacancy(session, employer, vacancy)
        if publish:
            registry.approve_vacancy(session, centre, vacancy, NOW)


def _firm(session: Session, owner: Citizen) -> Employer:
    centre = make_staff(session, 9501, "staff", codes.DEPARTMENT)
    employer = registry.register_employer(
        session,
        owner,
        name="Ege Lojistik",
        tax_number="1234567890",
        sector="",
        district="Merkez",
        contact_name="Can Ege",
        contact_phone="+902321112233",
        now=NOW,
    )
    registry.verify_employer(session, centre, employer, NOW)
    return employer


def test_the_desk_counts_and_pages_through_23_vacancies_to_approve(db: Engine) -> None:
    owner_id = make_citizen(db, 7601)
    with transaction(db) as session:
        _vacancies(session, _firm(session, citizen_of(session, owner_id)), 23, publish=False)
    with transaction(db) as session:
        centre = make_staff(session, 9501, "staff", codes.DEPARTMENT)
        assert desk.desk_counts(session, centre, NOW) == desk.Waiting(0, 23, 0)
        assert "Vacancies to approve: 23" in staff.desk_screen(session, centre, en, NOW, IST).text
        first = vacancy_desk.pending(session, centre, en, NOW, IST)
        assert "1–10 of 23" in first.text
        assert _labels(first)[0].startswith("İlan 01") and "Next ▶️" in _labels(first)
        assert "◀️ Previous" not in _labels(first)
        action = s.PendingPage.unpack(_press(first, "Next ▶️"))
        assert action == s.PendingPage(10)
        second = vacancy_desk.pending(session, centre, en, NOW, IST, offset=action.offset)
        assert "11–20 of 23" in second.text
        assert _labels(second)[0].startswith("İlan 11")
        assert {"◀️ Previous", "Next ▶️"} <= set(_labels(second))
        last = vacancy_desk.pending(session, centre, en, NOW, IST, offset=20)
        assert "21–23 of 23" in last.text and "Next ▶️" not in _labels(last)
        assert [label[:7] for label in _labels(last)[:3]] == ["İlan 21", "İlan 22", "İlan 23"]
        assert s.PendingPage.unpack(_press(last, "◀️ Previous")) == s.PendingPage(10)


def test_published_vacancies_page_on_and_are_counted(db: Engine) -> None:
    owner_id = make_citizen(db, 7602)
    with transaction(db) as session:
        _vacancies(session, _firm(session, citizen_of(session, owner_id)), 12, publish=True)
    with transaction(db) as session:
        centre = make_staff(session, 9501, "staff", codes.DEPARTMENT)
        assert "Published vacancies: 12" in staff.desk_screen(session, centre, en, NOW, IST).text
        first = vacancy_desk.published(session, centre, en, NOW, IST)
        assert "1–10 of 12" in first.text
        assert s.PublishedPage.unpack(_press(first, "Next ▶️")) == s.PublishedPage(10)
        rest = vacancy_desk.published(session, centre, en, NOW, IST, offset=10)
        assert [label[:7] for label in _labels(rest)[:2]] == ["İlan 11", "İlan 12"]


def test_staff_see_a_vacancys_referrals_in_one_place_and_close_it(db: Engine) -> None:
    owner_id, seeker_id, quiet_id = (make_citizen(db, n) for n in (7611, 7612, 7613))
    with transaction(db) as session:
        centre = make_staff(session, 9501, "staff", codes.DEPARTMENT)
        vacancy = published_vacancy(session, citizen_of(session, owner_id), centre)
        for citizen_id, name in ((seeker_id, "Selin Kaya"), (quiet_id, "Deniz Ak")):
            who = citizen_of(session, citizen_id)
            cv = registry.save_cv(session, who, sample_cv(name=name), NOW)
            referral = referrals.refer(session, centre, vacancy, cv, NOW, NOW.date())
            if citizen_id == seeker_id:
                referrals.seeker_change(session, who, referral, codes.INTERESTED, NOW)
        assert vacancy.id is not None
        vacancy_id = vacancy.id
    with transaction(db) as session:
        centre = make_staff(session, 9501, "staff", codes.DEPARTMENT)
        shown = referral_desk.candidates(session, centre, en, vacancy_id, NOW)
        assert {"📋 Referrals", "🔒 Close vacancy"} <= set(_labels(shown))
        assert s.Referrals.unpack(_press(shown, "📋 Referrals")) == s.Referrals(vacancy_id, 0)
        listed = vacancy_desk.vacancy_referrals(session, centre, en, vacancy_id)
        assert "Selin Kaya — Interested" in listed.text and "Deniz Ak — Referred" in listed.text
        card = s.Card.unpack(_press(listed, "Selin Kaya — Interested"))
        assert card is not None
        assert "Selin Kaya" in referral_desk.card(session, centre, en, card.referral_id, IST).text
        asked = vacancy_desk.close_vacancy(session, centre, en, vacancy_id)
        assert "Close “Garson” of Lezzet Lokantası?" in asked.text
        assert _labels(asked) == ["🔒 Yes, close it", "↩️ No, keep it open"]
        done = vacancy_desk.close_vacancy_confirmed(session, centre, en, vacancy_id, NOW, IST)
        assert "“Garson” is closed." in done.text
    with transaction(db) as session:
        stored = session.get(Vacancy, vacancy_id)
        assert stored is not None and (stored.status, stored.closed_at) == ("closed", NOW)
        statuses = sorted(r.status for r in session.exec(select(Referral)).all())
        assert statuses == [codes.CANCELLED, codes.NOT_HIRED]
        told = session.exec(select(OutboxMessage)).all()
        assert len([m for m in told if "ilanı kapandı" in m.text]) == 2
        centre = make_staff(session, 9501, "staff", codes.DEPARTMENT)
        assert desk.desk_counts(session, centre, NOW).published == 0


def test_a_page_button_past_a_shrunk_list_shows_its_last_page(db: Engine) -> None:
    owner_id = make_citizen(db, 7603)
    with transaction(db) as session:
        _vacancies(session, _firm(session, citizen_of(session, owner_id)), 12, publish=False)
    with transaction(db) as session:
        centre = make_staff(session, 9501, "staff", codes.DEPARTMENT)
        # Pressed when there were 23; 12 are left.
        late = vacancy_desk.pending(session, centre, en, NOW, IST, offset=20)
        assert "11–12 of 12" in late.text
        assert [label[:7] for label in _labels(late)[:2]] == ["İlan 11", "İlan 12"]
