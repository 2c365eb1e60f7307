"""Vacancy alerts (core.employment.alerts, flows.employment.alerts): who a published
vacancy is told to (occupation, area; never the paused, erased, stopped or blocked), that
nobody is told twice (approving again, sweeping again), the daily summary's grouping, and
what the outbox is given. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core import privacy, staff
from core.employment import alerts, desk, registry
from core.employment.personal_data import blank_cv
from core.employment.registry import CV
from core.refusals import Refused
from db.engine import transaction
from db.models import Citizen, JobSeeker, OutboxMessage, StaffMember, Vacancy, VacancyAlert
from flows.employment import alerts as flow
from handlers.feature import personal_data_of
from handlers.features import FEATURES
from tests.builders import citizen_of, id_of, make_citizen

NOW = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
PARTS = personal_data_of(FEATURES)


def _seeker(
    db: Engine,
    telegram_id: int,
    *,
    occupations: tuple[str, ...] = ("5131",),
    district: str | None = "Ümraniye",
    language: str = "tr",
) -> int:
    """A citizen with a CV; returns the seeker's id."""
    citizen_id = make_citizen(db, telegram_id)
    with transaction(db) as session:
        citizen = citizen_of(session, citizen_id)
        citizen.language = language
        cv = CV(
            name=f"Kişi {telegram_id}",
            birth_year=1990,
            district=district or "Merkez",
            occupations=list(occupations),
        )
        seeker = registry.save_cv(session, citizen, cv, NOW)
        if district is None:
            seeker.district = None
        return id_of(seeker)


def _centre(session: Session) -> StaffMember:
    return staff.upsert(session, 9100, "staff", "istihdam")


def _vacancy(session: Session, *, approve: bool = True, **changes: Any) -> Vacancy:
    """A verified firm's vacancy, approved by the centre (unless `approve` is False)."""
    owner = citizen_of(session, _owner(session))
    employer = registry.register_employer(
        session,
        owner,
        name=changes.pop("firm", "Lezzet Lokantası"),
        tax_number=changes.pop("tax_number", "4540536920"),
        sector="Yiyecek",
        district="Ümraniye",
        contact_name="Mehmet Demir",
        contact_phone="+902161112233",
        now=NOW,
    )
    registry.verify_employer(session, _centre(session), employer, NOW)
    values: dict[str, Any] = {
        "title": "Garson",
        "occupation": "5131",
        "positions": 2,
        "district": "Ümraniye",
        "work_time": "full",
        "requirements": "",
        "valid_until": date(2026, 4, 1),
    }
    values.update(changes)
    # A vacancy anywhere (district None): the employer's form asks for one today, but a
    # vacancy imported or edited by staff may have none.
    anywhere = values["district"] is None
    values["district"] = values["district"] or "Ümraniye"
    vacancy = registry.create_vacancy(session, employer, now=NOW, **values)
    if anywhere:
        vacancy.district = None
    registry.submit_vacancy(session, employer, vacancy)
    if approve:
        registry.approve_vacancy(session, _centre(session), vacancy, NOW)
    return vacancy


def _owner(session: Session) -> int:
    found = session.exec(select(Citizen).where(Citizen.telegram_id == 8000)).first()
    if found is None:
        found = Citizen(telegram_id=8000, language="tr")
        session.add(found)
        session.flush()
    return id_of(found)


def _alerted(session: Session, vacancy: Vacancy) -> set[int]:
    return set(
        session.exec(select(VacancyAlert.seeker_id).where(VacancyAlert.vacancy_id == vacancy.id))
    )


def _outbox(session: Session) -> list[OutboxMessage]:
    return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))))


def _set(db: Engine, seeker_id: int, **values: Any) -> None:
    with transaction(db) as session:
        seeker = session.get(JobSeeker, seeker_id)
        assert seeker is not None
        for name, value in values.items():
            setattr(seeker, name, value)
        session.add(seeker)


# --- Who is told ---------------------------------------------------------------------------


def test_a_vacancy_is_told_to_seekers_of_its_occupation_in_its_area_only(db: Engine) -> None:
    here = _seeker(db, 7001)
    elsewhere = _seeker(db, 7002, district="Kadıköy")
    nowhere = _seeker(db, 7003, district=None)  # no district on the CV: anywhere suits
    bartender = _seeker(db, 7004, occupations=("5132",))  # same minor group, not the job
    second_choice = _seeker(db, 7005, occupations=("9112", "5131"))
    paused = _seeker(db, 7006)
    erased = _seeker(db, 7007)
    stopped = _seeker(db, 7008)
    blocked = _seeker(db, 7009)
    left = _seeker(db, 7010)
    daily = _seeker(db, 7011)
    with transaction(db) as session:
        registry.pause(session, session.get(JobSeeker, paused), True, NOW)  # type: ignore[arg-type]
        blank_cv(session, session.get(JobSeeker, erased), NOW)  # type: ignore[arg-type]
        alerts.set_preference(session, session.get(JobSeeker, stopped), alerts.OFF)  # type: ignore[arg-type]
        alerts.set_preference(session, session.get(JobSeeker, daily), alerts.DAILY)  # type: ignore[arg-type]
        for telegram_id, column in ((7009, "blocked_at"), (7010, "deleted_at")):
            person = session.exec(select(Citizen).where(Citizen.telegram_id == telegram_id)).one()
            setattr(person, column, NOW)
    with transaction(db) as session:
        in_umraniye = _vacancy(session)
        anywhere = _vacancy(session, district=None, tax_number="1234567890")
        assert anywhere.district is None
    with transaction(db) as session:
        assert _alerted(session, in_umraniye) == {here, nowhere, second_choice, daily}
        assert _alerted(session, anywhere) == {here, elsewhere, nowhere, second_choice, daily}
        assert {bartender, paused, erased, stopped, blocked, left}.isdisjoint(
            _alerted(session, in_umraniye) | _alerted(session, anywhere)
        )


def test_a_vacancy_not_yet_published_alerts_nobody(db: Engine) -> None:
    _seeker(db, 7101)
    with transaction(db) as session:
        pending = _vacancy(session, approve=False)
        assert alerts.on_published(session, pending, NOW) == 0
        assert _alerted(session, pending) == set()


# --- Never twice ---------------------------------------------------------------------------


def test_nobody_is_told_twice_whatever_runs_again(db: Engine) -> None:
    seeker = _seeker(db, 7201)
    with transaction(db) as session:
        vacancy = _vacancy(session)
        assert _alerted(session, vacancy) == {seeker}
        assert alerts.on_published(session, vacancy, NOW) == 0  # matched again: nothing new
        with pytest.raises(Refused, match="wrong_status"):
            registry.approve_vacancy(session, _centre(session), vacancy, NOW)
    with transaction(db) as session:
        assert flow.queue_instant(session, NOW, NOW.date()) == 1
    with transaction(db) as session:
        assert flow.queue_instant(session, NOW + timedelta(seconds=5), NOW.date()) == 0
        assert (
            flow.queue_daily(session, NOW + timedelta(days=1), NOW.date() + timedelta(days=1)) == 0
        )
        assert alerts.on_published(session, session.get(Vacancy, vacancy.id), NOW) == 0  # type: ignore[arg-type]
    with transaction(db) as session:
        messages = _outbox(session)
        assert [m.chat_id for m in messages] == [7201]
        row = session.exec(select(VacancyAlert)).one()
        assert (row.status, row.sent_at) == (alerts.SENT, NOW)


def test_the_unique_constraint_holds_even_past_the_code(db: Engine) -> None:
    seeker = _seeker(db, 7301)
    with transaction(db) as session:
        vacancy = _vacancy(session)
    with pytest.raises(IntegrityError), transaction(db) as session:
        session.add(VacancyAlert(seeker_id=seeker, vacancy_id=id_of(vacancy), matched_at=NOW))
        session.flush()


# --- What is sent --------------------------------------------------------------------------


def test_an_instant_alert_in_the_seekers_language_with_its_buttons(db: Engine) -> None:
    _seeker(db, 7401)
    _seeker(db, 7402, language="en")
    with transaction(db) as session:
        _vacancy(session, title="Garson", firm="Deniz Restoran", positions=3)
        assert flow.queue_instant(session, NOW, NOW.date()) == 2
    with transaction(db) as session:
        turkish, english = _outbox(session)
    assert turkish.text.splitlines()[:5] == [
        "🔔 Size uygun yeni bir iş ilanı",
        "",
        "Garson — Deniz Restoran",
        "📍 Ümraniye · Tam zamanlı · 3 kişi alınacak",
        "⏳ Son başvuru tarihi: 1 Nisan 2026",
    ]
    assert turkish.buttons == [
        [["🗓 Bunun yerine günlük özet", "ea:a:daily"]],
        [["🔕 Bildirimleri durdur", "ea:a:off"]],
    ]
    assert english.text.splitlines()[2:5] == [
        "Garson — Deniz Restoran",
        "📍 Ümraniye · Full time · 3 positions",
        "⏳ Open until 1 April 2026",
    ]
    assert english.buttons == [
        [["🗓 Daily summary instead", "ea:a:daily"]],
        [["🔕 Stop alerts", "ea:a:off"]],
    ]


def test_a_daily_seeker_gets_one_summary_of_the_days_matches(db: Engine) -> None:
    daily = _seeker(db, 7501, occupations=("5131", "5120"))
    instant = _seeker(db, 7502, occupations=("5131", "5120"))
    _set(db, daily, alerts=alerts.DAILY)
    with transaction(db) as session:
        _vacancy(session, title="Garson", firm="Deniz Restoran")
        _vacancy(
            session,
            title="Aşçı",
            occupation="5120",
            firm="Ev Yemekleri",
            district=None,
            tax_number="1234567890",
            positions=1,
            valid_until=None,
        )
    with transaction(db) as session:
        assert flow.queue_instant(session, NOW, NOW.date()) == 2  # the instant seeker's two
        assert flow.queue_daily(session, NOW, NOW.date()) == 1  # one summary for the daily one
        assert (
            flow.queue_daily(session, NOW + timedelta(days=1), NOW.date() + timedelta(days=1)) == 0
        )  # and only once
    with transaction(db) as session:
        messages = _outbox(session)
    assert [m.chat_id for m in messages] == [7502, 7502, 7501]
    summary = messages[2].text.splitlines()
    assert summary[:9] == [
        "🗓 Size uygun yeni iş ilanları: 2",
        "",
        "1. Garson — Deniz Restoran",
        "   📍 Ümraniye · Tam zamanlı · 2 kişi alınacak",
        "   ⏳ Son başvuru tarihi: 1 Nisan 2026",
        "",
        "2. Aşçı — Ev Yemekleri",
        "   📍 İlçe fark etmez · Tam zamanlı · 1 kişi alınacak",
        "",
    ]
    assert messages[2].buttons == [
        [["⚡ Bunun yerine anında bildir", "ea:a:instant"]],
        [["🔕 Bildirimleri durdur", "ea:a:off"]],
    ]
    assert instant != daily


def test_alerts_that_can_no_longer_go_are_dropped_not_sent(db: Engine) -> None:
    pauses = _seeker(db, 7601)
    stops = _seeker(db, 7602)
    blocks = _seeker(db, 7603)
    stays = _seeker(db, 7604)
    with transaction(db) as session:
        vacancy = _vacancy(session)
        closing = _vacancy(session, title="Komi", tax_number="1234567890")
    _set(db, pauses, paused=True)
    _set(db, stops, alerts=alerts.OFF)
    with transaction(db) as session:
        person = session.exec(select(Citizen).where(Citizen.telegram_id == 7603)).one()
        person.blocked_at = NOW
        desk.close_vacancy(session, _centre(session), session.get(Vacancy, closing.id), NOW)  # type: ignore[arg-type]
    with transaction(db) as session:
        assert flow.queue_instant(session, NOW, NOW.date()) == 1
    with transaction(db) as session:
        assert [m.chat_id for m in _outbox(session)] == [7604]
        statuses = {
            (row.seeker_id, row.vacancy_id): row.status
            for row in session.exec(select(VacancyAlert))
        }
    assert statuses[(stays, id_of(vacancy))] == alerts.SENT
    assert statuses[(stays, id_of(closing))] == alerts.DROPPED
    for seeker in (pauses, stops, blocks):
        assert statuses[(seeker, id_of(vacancy))] == alerts.DROPPED
    assert {s for (s, _), status in statuses.items() if status == alerts.NEW} == set()


def test_a_preference_is_one_of_three(db: Engine) -> None:
    seeker_id = _seeker(db, 7701)
    with transaction(db) as session:
        seeker = session.get(JobSeeker, seeker_id)
        assert seeker is not None and seeker.alerts == alerts.INSTANT  # the default
        alerts.set_preference(session, seeker, alerts.DAILY)
        with pytest.raises(Refused, match="not_found"):
            alerts.set_preference(session, seeker, "hourly")
        assert seeker.alerts == alerts.DAILY


def test_switching_mode_moves_the_waiting_alerts_to_the_other_sweep(db: Engine) -> None:
    switches = _seeker(db, 7801)
    stays_daily = _seeker(db, 7802)
    _set(db, stays_daily, alerts=alerts.DAILY)
    with transaction(db) as session:
        vacancy = _vacancy(session)
    with transaction(db) as session:
        rows = {row.seeker_id: row.status for row in session.exec(select(VacancyAlert))}
        assert rows == {switches: alerts.NEW, stays_daily: alerts.NEW_DAILY}
        seeker = session.get(JobSeeker, switches)
        assert seeker is not None
        alerts.set_preference(session, seeker, alerts.DAILY)
    with transaction(db) as session:
        # The instant sweep no longer sees it; the day's summary takes both.
        assert flow.queue_instant(session, NOW, NOW.date()) == 0
        waiting = {row.seeker_id: row.status for row in session.exec(select(VacancyAlert))}
        assert waiting == {switches: alerts.NEW_DAILY, stays_daily: alerts.NEW_DAILY}
        seeker = session.get(JobSeeker, switches)
        assert seeker is not None
        alerts.set_preference(session, seeker, alerts.INSTANT)  # and back again
    with transaction(db) as session:
        assert flow.queue_instant(session, NOW, NOW.date()) == 1
        assert flow.queue_daily(session, NOW, NOW.date()) == 1
        assert (
            flow.queue_instant(session, NOW, NOW.date())
            == flow.queue_daily(session, NOW, NOW.date())
            == 0
        )
    with transaction(db) as session:
        assert sorted(m.chat_id for m in _outbox(session)) == [7801, 7802]
        sent = {row.seeker_id: row.status for row in session.exec(select(VacancyAlert))}
    assert sent == {switches: alerts.SENT, stays_daily: alerts.SENT}
    assert id_of(vacancy)


def test_a_row_matched_under_the_old_preference_goes_to_the_right_sweep(db: Engine) -> None:
    seeker_id = _seeker(db, 7803)
    with transaction(db) as session:
        _vacancy(session)
    _set(db, seeker_id, alerts=alerts.DAILY)  # changed without moving the row (a race)
    with transaction(db) as session:
        assert flow.queue_instant(session, NOW, NOW.date()) == 0
        assert session.exec(select(VacancyAlert.status)).one() == alerts.NEW_DAILY
        assert flow.queue_daily(session, NOW, NOW.date()) == 1


# --- Personal data -------------------------------------------------------------------------


def test_the_export_holds_the_alerts_and_erasure_removes_them(db: Engine) -> None:
    seeker_id = _seeker(db, 7801)
    with transaction(db) as session:
        _vacancy(session, title="Garson")
        flow.queue_instant(session, NOW, NOW.date())
    with transaction(db) as session:
        citizen = session.exec(select(Citizen).where(Citizen.telegram_id == 7801)).one()
        exported = privacy.export(session, citizen, PARTS, NOW)
    job_alerts = exported["employment"]["job_alerts"]
    assert job_alerts["preference"] == "instant"
    assert [(a["vacancy"], a["status"]) for a in job_alerts["alerts"]] == [("Garson", "sent")]
    with transaction(db) as session:
        citizen = session.exec(select(Citizen).where(Citizen.telegram_id == 7801)).one()
        privacy.erase(session, citizen, PARTS, NOW)
    with transaction(db) as session:
        assert (
            session.exec(select(VacancyAlert).where(VacancyAlert.seeker_id == seeker_id)).all()
            == []
        )


# --- The screens ---------------------------------------------------------------------------


def test_the_settings_screen_marks_the_choice_and_a_press_without_a_cv_is_refused(
    db: Engine,
) -> None:
    from common.i18n import translator

    _seeker(db, 7901, language="en")
    stranger = make_citizen(db, 7902)
    t = translator("en")
    with transaction(db) as session:
        citizen = session.exec(select(Citizen).where(Citizen.telegram_id == 7901)).one()
        screen = flow.settings(session, citizen, t)
        assert "Now: ⚡ Each one at once" in screen.text
        assert [c.label for row in screen.choices for c in row] == [
            "✓ ⚡ Each one at once",
            "🗓 One summary a day",
            "🔕 Off",
            "⬅️ Back",
        ]
        chosen = flow.choose(session, citizen, t, "daily")
        assert chosen.text.startswith("✅ Saved.")
        assert "✓ 🗓 One summary a day" in [c.label for row in chosen.choices for c in row]
        stopped = flow.from_alert(session, citizen, t, "off")
        assert "/istihdam → 📄 My CV → 🔔 Job alerts" in stopped.text
        assert [c.data for row in stopped.choices for c in row] == ["ea:s"]
        with pytest.raises(Refused, match="no_cv"):
            flow.from_alert(session, citizen_of(session, stranger), t, "off")
