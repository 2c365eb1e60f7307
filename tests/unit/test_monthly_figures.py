"""Figures only staff know (core/monthly_figures.py): who may enter them, what is refused,
the audit trail of corrections, and a period's sums."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from common.config import Config
from common.i18n import translator
from core import digests, monthly_figures, staff
from core.periods import period
from core.refusals import Refused
from db.engine import transaction
from db.models import MonthlyFigure, MonthlyFigureChange, StaffMember
from handlers.digests import render

IST = ZoneInfo("Europe/Istanbul")
# A Tuesday in mid-June 2025, Istanbul time.
NOW = datetime(2025, 6, 17, 9, 0, tzinfo=IST)


def _member(session: Session, telegram_id: int, role: str, department: str | None) -> StaffMember:
    return staff.upsert(session, telegram_id, role, department, name=f"{role} {department}")


def _record(
    session: Session,
    member: StaffMember | None,
    month: date,
    code: str,
    value: int,
    config: Config,
    now: datetime = NOW,
) -> bool:
    return monthly_figures.record(session, member, month, code, value, now, config)


def test_who_may_enter_which_figure(db: Engine, config: Config) -> None:
    march = date(2025, 3, 1)
    with transaction(db) as session:
        admin = _member(session, 1, "admin", None)
        supervisor = _member(session, 2, "supervisor", None)
        relations = _member(session, 3, "staff", "halkla_iliskiler")
        social = _member(session, 4, "staff", "sosyal")
        works = _member(session, 5, "staff", "fen")
        coordinator = _member(session, 6, "coordinator", "kent_konseyi")
        gone = _member(session, 7, "staff", "halkla_iliskiler")
        staff.remove(session, 7)
        everything = monthly_figures.CODES
        assert monthly_figures.codes_for(admin) == everything
        assert monthly_figures.codes_for(supervisor) == everything
        assert monthly_figures.codes_for(relations) == everything
        assert monthly_figures.codes_for(social) == ("condolence_visits", "funeral_meals")
        assert monthly_figures.codes_for(works) == ()
        assert monthly_figures.codes_for(coordinator) == ()
        assert monthly_figures.codes_for(gone) == ()
        assert monthly_figures.codes_for(None) == ()

        assert _record(session, social, march, "funeral_meals", 19_000, config)
        for member, code in (
            (social, "new_projects"),
            (works, "funeral_meals"),
            (coordinator, "condolence_visits"),
            (gone, "new_projects"),
            (None, "new_projects"),
        ):
            with pytest.raises(Refused) as refused:
                _record(session, member, march, code, 1, config)
            assert refused.value.reason == "not_allowed"
        with pytest.raises(Refused) as refused:
            _record(session, admin, march, "tree_plantings", 1, config)
        assert refused.value.reason == "unknown_code"
    with transaction(db) as session:
        # Only the social-support entry went in.
        rows = session.exec(select(MonthlyFigure)).all()
        assert [(r.code, r.value) for r in rows] == [("funeral_meals", 19_000)]


@pytest.mark.parametrize("text", ["-3", "abc", "2.5", "1,5", "", "10.000.001", "12 000", "1e3"])
def test_values_that_are_not_whole_numbers_in_range_are_refused(text: str) -> None:
    with pytest.raises(Refused) as refused:
        monthly_figures.parse_value(text)
    assert refused.value.reason == "bad_value"


def test_values_are_read_as_typed_with_turkish_thousands() -> None:
    assert monthly_figures.parse_value("229.480") == 229_480
    assert monthly_figures.parse_value(" 0 ") == 0
    assert monthly_figures.parse_value("10000000") == monthly_figures.MAX_VALUE
    assert monthly_figures.parse_value("007") == 7


@pytest.mark.parametrize("text", ["2025-13", "2025-00", "2025/03", "Mart 2025", "25-03", ""])
def test_months_that_do_not_exist_are_refused(text: str) -> None:
    with pytest.raises(Refused) as refused:
        monthly_figures.parse_month(text)
    assert refused.value.reason == "bad_month"


def test_bad_values_and_future_months_are_refused_by_the_rule(db: Engine, config: Config) -> None:
    assert monthly_figures.parse_month("2025-3") == date(2025, 3, 1)
    with transaction(db) as session:
        admin = _member(session, 1, "admin", None)
        for value in (-1, monthly_figures.MAX_VALUE + 1):
            with pytest.raises(Refused) as refused:
                _record(session, admin, date(2025, 3, 1), "new_projects", value, config)
            assert refused.value.reason == "bad_value"
        with pytest.raises(Refused) as refused:
            _record(session, admin, date(2025, 7, 1), "new_projects", 1, config)
        assert refused.value.reason == "future_month"
        # The month that has begun counts: staff may enter June's figures so far.
        assert _record(session, admin, date(2025, 6, 1), "new_projects", 1, config)
        # 31 May 23:30 in Istanbul is already June in UTC terms, and still May here.
        late_may = datetime(2025, 5, 31, 20, 30, tzinfo=UTC)
        with pytest.raises(Refused):
            _record(session, admin, date(2025, 6, 1), "funeral_meals", 1, config, late_may)
    with transaction(db) as session:
        assert session.exec(select(MonthlyFigure.code)).all() == ["new_projects"]


def test_a_correction_replaces_the_value_and_keeps_the_old_one(db: Engine, config: Config) -> None:
    april = date(2025, 4, 1)
    with transaction(db) as session:
        relations = _member(session, 3, "staff", "halkla_iliskiler")
        admin = _member(session, 1, "admin", None)
        assert _record(session, relations, date(2025, 4, 20), "condolence_visits", 240, config)
        assert _record(session, admin, april, "condolence_visits", 245, config)
        # The same value again is not a change and leaves no trace.
        assert not _record(session, admin, april, "condolence_visits", 245, config)
        relations_id, admin_id = relations.id, admin.id
    with transaction(db) as session:
        rows = session.exec(select(MonthlyFigure)).all()
        assert len(rows) == 1
        assert (rows[0].month, rows[0].value, rows[0].entered_by) == (april, 245, admin_id)
        changes = session.exec(select(MonthlyFigureChange).order_by(col(MonthlyFigureChange.id)))
        assert [(c.old_value, c.new_value, c.changed_by) for c in changes] == [
            (None, 240, relations_id),
            (240, 245, admin_id),
        ]
        entries = monthly_figures.entries(session, april, april)
    entry = entries[(april, "condolence_visits")]
    assert (entry.value, entry.entered_by) == (245, "admin None")


def test_a_period_sums_the_months_whose_first_day_it_holds(db: Engine, config: Config) -> None:
    with transaction(db) as session:
        admin = _member(session, 1, "admin", None)
        for month, meals in ((1, 100), (2, 200), (3, 300), (4, 400), (12, 50)):
            _record(session, admin, date(2024, month, 1), "funeral_meals", meals, config)
        _record(session, admin, date(2024, 2, 1), "new_projects", 1, config)
        _record(session, admin, date(2025, 1, 1), "funeral_meals", 9, config)
    with transaction(db) as session:
        first_quarter = monthly_figures.sums(
            session, config, period("quarter", date(2024, 2, 9), IST)
        )
        year = monthly_figures.sums(session, config, period("year", date(2024, 6, 1), IST))
        march = monthly_figures.sums(session, config, period("month", date(2024, 3, 1), IST))
        first_of_april = monthly_figures.sums(session, config, period("day", date(2024, 4, 1), IST))
        second_of_april = monthly_figures.sums(
            session, config, period("day", date(2024, 4, 2), IST)
        )
    assert first_quarter == {"new_projects": 1, "condolence_visits": None, "funeral_meals": 600}
    assert year == {"new_projects": 1, "condolence_visits": None, "funeral_meals": 1050}
    assert march == {"new_projects": None, "condolence_visits": None, "funeral_meals": 300}
    # A month belongs to the day its first day is, and to no other day.
    assert first_of_april["funeral_meals"] == 400
    assert second_of_april["funeral_meals"] is None


def test_targets_come_from_config(config: Config) -> None:
    assert monthly_figures.targets(config, 2025) == {
        "new_projects": 3,
        "condolence_visits": 3500,
        "funeral_meals": 300_000,
    }
    assert set(monthly_figures.targets(config, 2019).values()) == {None}


def test_the_last_months_cross_the_year() -> None:
    months = monthly_figures.last_months(date(2025, 2, 17), 4)
    assert months == [date(2025, 2, 1), date(2025, 1, 1), date(2024, 12, 1), date(2024, 11, 1)]


def test_the_digest_shows_the_years_figures_against_their_targets(
    db: Engine, config: Config
) -> None:
    """The staff digest's "this year so far" block: entered sums beside the targets; a
    figure not entered yet shows a dash, not 0."""
    now = datetime(2025, 3, 4, 8, 30, tzinfo=IST)
    with transaction(db) as session:
        admin = _member(session, 1, "admin", None)
        _record(session, admin, date(2025, 1, 1), "funeral_meals", 120_000, config, now)
        _record(session, admin, date(2025, 2, 1), "funeral_meals", 109_480, config, now)
        _record(session, admin, date(2025, 2, 1), "new_projects", 1, config, now)
        digest = digests.build(session, config, "daily", now)
    text = render(translator("tr"), digest, IST)
    year = text[text.index("<b>Bu yıl şimdiye kadar</b>") :]
    assert "Yeni halkla ilişkiler projeleri: 1 (hedef 3)" in year
    assert "Taziye ziyaretleri (aile): — (hedef 3.500)" in year
    assert "Cenaze yemeği ikramı (kişi): 229.480 (hedef 300.000)" in year
    english = render(translator("en"), digest, IST)
    assert "Funeral meals served (people): 229,480 (target 300,000)" in english
