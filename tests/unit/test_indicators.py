"""Indicators: periods in Istanbul time, the seed's figures to the digit, snapshots.

The seed (../shared/seed/performance-program-2025.txt) gives 2023 and 2024-H1
actuals whose components add up exactly; loading the components and getting
the seed's totals and ratios back is the test. The ~206,000 seed requests
(tests/builders.py) are bulk-inserted once per database (the module-scoped `seeded`
fixture of unit/conftest.py), not once per test.
"""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import case, event, func, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from common.config import Config
from common.i18n import translator
from core import breakdowns, indicators
from core.periods import KINDS, Period, between, period, previous
from db.engine import transaction
from db.models import (
    CallCentreDay,
    Citizen,
    CouncilEvent,
    IndicatorSnapshot,
    Membership,
    Registration,
    Request,
    SatisfactionAnswer,
)
from tests.builders import SEED_2023, SEED_2024_H1, id_of, seed_periods, table

IST = ZoneInfo("Europe/Istanbul")

# --- periods -------------------------------------------------------------------------------


def test_periods_follow_istanbul_calendar_boundaries() -> None:
    half = period("half", date(2024, 6, 30), IST)
    assert (half.start, half.end, half.label) == (
        datetime(2023, 12, 31, 21, tzinfo=UTC),
        datetime(2024, 6, 30, 21, tzinfo=UTC),
        "2024-H1",
    )
    assert period("half", date(2024, 7, 1), IST).label == "2024-H2"
    assert period("half", date(2024, 7, 1), IST).end == datetime(2024, 12, 31, 21, tzinfo=UTC)
    week = period("week", date(2024, 7, 3), IST)  # a Wednesday
    assert week.start.astimezone(IST) == datetime(2024, 7, 1, tzinfo=IST)  # Monday
    assert week.end - week.start == timedelta(days=7) and week.label == "2024-W27"
    assert period("week", date(2024, 12, 31), IST).label == "2025-W01"
    quarter = period("quarter", date(2024, 11, 15), IST)
    assert quarter.label == "2024-Q4"
    assert quarter.start.astimezone(IST).date() == date(2024, 10, 1)
    assert quarter.end.astimezone(IST).date() == date(2025, 1, 1)
    assert period("quarter", date(2024, 3, 31), IST).label == "2024-Q1"
    month = period("month", date(2024, 12, 5), IST)
    assert (month.label, month.end.astimezone(IST).date()) == ("2024-12", date(2025, 1, 1))
    day = period("day", date(2024, 2, 29), IST)
    assert (day.start, day.label) == (datetime(2024, 2, 28, 21, tzinfo=UTC), "2024-02-29")
    year = period("year", date(2024, 2, 29), IST)
    assert (year.label, year.end) == ("2024", datetime(2024, 12, 31, 21, tzinfo=UTC))
    assert previous(year, IST).label == "2023"
    assert previous(period("week", date(2025, 1, 1), IST), IST).label == "2024-W52"
    assert (
        between(date(2025, 1, 1), date(2025, 3, 31), IST).end
        == period("quarter", date(2025, 2, 1), IST).end
    )
    with pytest.raises(ValueError):
        period("fortnight", date(2024, 1, 1), IST)


def test_periods_round_trip_as_json() -> None:
    for kind in KINDS:
        span = period(kind, date(2024, 6, 30), IST)
        assert Period.from_dict(span.to_dict()) == span


def _request(session: Session, number: str, created: datetime, **values: Any) -> None:
    session.add(
        Request(
            number=number,
            channel=values.pop("channel", "telegram"),
            type=values.pop("type", "talep"),
            category_code="cop",
            department_code="temizlik",
            text="",
            created_at=created,
            **values,
        )
    )


def test_a_request_belongs_to_the_half_of_its_istanbul_date(db: Engine, config: Config) -> None:
    with transaction(db) as session:
        _request(session, "2024-000001", datetime(2024, 6, 30, 23, 30, tzinfo=IST))
        _request(
            session,
            "2024-000002",
            datetime(2024, 7, 1, 0, 10, tzinfo=IST),
            channel="whatsapp",
            type="sikayet",
        )
    with transaction(db) as session:
        first = indicators.compute(session, config, period("half", date(2024, 1, 1), IST))
        second = indicators.compute(session, config, period("half", date(2024, 12, 1), IST))
    assert (first.requests_total, first.requests_by_channel["telegram"]) == (1, 1)
    assert (second.requests_total, second.requests_by_channel["whatsapp"]) == (1, 1)
    assert (first.complaints_total, second.complaints_total) == (0, 1)
    assert set(first.requests_by_channel) == set(indicators.codes.CHANNELS)
    # Nothing else: empty figures are None or 0, never a division by zero.
    assert first.satisfaction_percent is None and first.missed_call_rate is None
    assert first.average_response_days is None and first.calls_completed == 0


# --- the seed's figures --------------------------------------------------------------------


def test_seed_2023_reproduced_to_the_digit(seeded: Engine, config: Config) -> None:
    tr = translator("tr")
    with transaction(seeded) as session:
        figures = indicators.compute(session, config, seed_periods()[0])
    assert figures.requests_by_channel == {"telegram": 0, "whatsapp": 0, **SEED_2023["channels"]}
    assert figures.requests_total == 148748 and tr.number(figures.requests_total) == "148.748"
    expected_complaints = {
        channel: (count + 2) // 3 for channel, count in SEED_2023["channels"].items()
    }
    assert {c: n for c, n in figures.complaints_by_channel.items() if n} == expected_complaints
    assert figures.complaints_total == sum(expected_complaints.values())
    assert (
        figures.calls_total,
        figures.calls_information,
        figures.calls_application,
        figures.calls_missed,
        figures.calls_completed,
    ) == (206041, 94206, 84145, 27690, 178351)
    assert figures.missed_call_rate is not None
    assert tr.percent(figures.missed_call_rate) == "%13,4"
    assert figures.satisfaction_percent == 90.0
    assert tr.percent(figures.satisfaction_percent / 100) == "%90,0"
    days = figures.average_response_days
    assert days is not None and days == pytest.approx(2.0, abs=1e-9)
    assert tr.number(round(days, 1)) == "2"
    # Entered by staff month by month (tests/builders.py), summed to the seed's year.
    assert (figures.new_projects, figures.condolence_visits, figures.funeral_meals) == (
        2,
        2910,
        229480,
    )
    assert tr.number(figures.funeral_meals or 0) == "229.480"
    # No targets for a year the config gives none (2023 actuals are not targets).
    assert all(value is None for value in figures.targets.values())


def test_seed_2024_first_half_reproduced_to_the_digit(seeded: Engine, config: Config) -> None:
    tr = translator("tr")
    with transaction(seeded) as session:
        figures = indicators.compute(session, config, seed_periods()[1])
    assert figures.requests_by_channel == {"telegram": 0, **SEED_2024_H1["channels"]}
    assert figures.requests_total == 57092 and tr.number(figures.requests_total) == "57.092"
    assert (
        figures.calls_total,
        figures.calls_information,
        figures.calls_application,
        figures.calls_missed,
        figures.calls_completed,
    ) == (126853, 69222, 39043, 18588, 108265)
    assert figures.missed_call_rate is not None
    assert tr.percent(figures.missed_call_rate) == "%14,7"
    assert tr.number(figures.calls_completed) == "108.265"
    assert figures.satisfaction_percent == 95.0
    assert figures.average_response_days == pytest.approx(2.0, abs=1e-9)
    assert (figures.new_projects, figures.condolence_visits, figures.funeral_meals) == (
        1,
        1554,
        126510,
    )


def test_a_quarter_of_the_seed_adds_up_with_the_others(seeded: Engine, config: Config) -> None:
    """Sub-periods partition the year: the four quarters sum to the year's figures."""
    with transaction(seeded) as session:
        quarters = [
            indicators.compute(session, config, period("quarter", date(2023, m, 1), IST))
            for m in (1, 4, 7, 10)
        ]
    assert sum(q.requests_total for q in quarters) == 148748
    assert sum(q.calls_missed for q in quarters) == 27690
    # A monthly figure falls in the quarter its month's first day falls in: March's project
    # in the first, September's in the third, none in the others (0 entered, not missing).
    assert [q.new_projects for q in quarters] == [1, 0, 1, 0]
    assert sum(q.condolence_visits or 0 for q in quarters) == 2910
    assert [q.funeral_meals for q in quarters] == [
        19123 * 3 + 3,
        19123 * 3 + 1,
        19123 * 3,
        19123 * 3,
    ]


# --- one pass over the requests -----------------------------------------------------------


def _the_old_two_aggregates(
    session: Session, span: Period
) -> tuple[dict[str, int], dict[str, int], float | None, int]:
    """The definitions as two queries, as compute() ran them before one pass replaced them."""
    requests = table(Request)
    within = (requests.c.created_at >= span.start, requests.c.created_at < span.end)
    rows = session.execute(
        select(
            requests.c.channel,
            func.count(),
            func.sum(case((requests.c.type == "sikayet", 1), else_=0)),
        )
        .where(*within)
        .group_by(requests.c.channel)
    ).all()
    average, responded = session.execute(
        select(breakdowns.response_days(session), func.count()).where(
            *within, requests.c.first_response_at.is_not(None)
        )
    ).one()
    return (
        {channel: int(count) for channel, count, _ in rows},
        {channel: int(complaints) for channel, _, complaints in rows},
        None if average is None else float(average),
        int(responded),
    )


def test_one_pass_gives_the_figures_of_the_two_aggregates_to_the_last_digit(
    db: Engine, config: Config
) -> None:
    """Requests, complaints and the average response come from one statement over the
    period's requests, and equal the old definitions exactly: every channel, complaints and
    others, unanswered requests (no response time), answers to the microsecond."""
    rng = random.Random(19)
    march = period("month", date(2025, 3, 1), IST)
    channels = ["phone", "web", "whatsapp", "facebook", "telegram"]
    with transaction(db) as session:
        for n in range(400):
            # Some fall just outside March, on either side.
            created = march.start + timedelta(seconds=rng.randrange(-86_400, 32 * 86_400))
            answered = None
            if rng.random() < 0.7:
                answered = created + timedelta(seconds=rng.uniform(60, 12 * 86_400))
            _request(
                session,
                f"2025-{n:06d}",
                created,
                channel=rng.choice(channels),
                type=rng.choice(["sikayet", "talep", "oneri"]),
                first_response_at=answered,
            )
    statements: list[str] = []

    def capture(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    with transaction(db) as session:
        by_channel, complaints, average, responded = _the_old_two_aggregates(session, march)
        event.listen(db, "before_cursor_execute", capture)
        try:
            figures = indicators.compute(session, config, march)
        finally:
            event.remove(db, "before_cursor_execute", capture)
    assert {c: n for c, n in figures.requests_by_channel.items() if n} == by_channel
    assert {c: n for c, n in figures.complaints_by_channel.items() if n} == {
        c: n for c, n in complaints.items() if n
    }
    assert len(by_channel) == 5 and 0 < sum(complaints.values()) < sum(by_channel.values())
    assert (figures.average_response_days, figures.responded_requests) == (average, responded)
    assert figures.requests_total > responded > 0
    # One statement reads the requests (a year is most of the table: one scan, not two).
    assert len([s for s in statements if re.search(r"\bFROM request\b", s)]) == 1
    # Nothing answered: no average, no division by zero.
    with transaction(db) as session:
        session.execute(update(table(Request)).values(first_response_at=None))
    with transaction(db) as session:
        unanswered = indicators.compute(session, config, march)
    assert (unanswered.average_response_days, unanswered.responded_requests) == (None, 0)
    assert unanswered.requests_by_channel == figures.requests_by_channel


# --- targets and the council ---------------------------------------------------------------


def test_targets_of_2025_stand_beside_the_figures(db: Engine, config: Config) -> None:
    with transaction(db) as session:
        figures = indicators.compute(session, config, period("month", date(2025, 3, 1), IST))
    targets = figures.targets
    assert targets["satisfaction_percent"] == 95.0
    assert targets["missed_call_rate"] == pytest.approx(0.122)
    assert targets["average_response_days"] == 2
    assert (
        targets["requests_total"]
        == 114100
        == sum(targets[f"requests_by_channel.{c}"] or 0 for c in figures.requests_by_channel)
    )
    assert targets["requests_by_channel.phone"] == 75000
    assert targets["requests_by_channel.telegram"] is None
    assert targets["calls_completed"] == 215000
    assert (
        targets["council_events_total"]
        == 62
        == sum(targets[f"council_events.{a}"] or 0 for a in figures.council_events)
    )
    assert targets["council_participants_total"] == 5200
    assert targets["council_participants.genel_kurul"] == 400
    assert targets["council_members.kadin"] == 960
    assert (targets["new_projects"], targets["condolence_visits"], targets["funeral_meals"]) == (
        3,
        3500,
        300000,
    )
    # Nothing entered in that month: not recorded, which is not 0.
    assert (figures.new_projects, figures.condolence_visits, figures.funeral_meals) == (
        None,
        None,
        None,
    )


def test_council_events_participants_and_members(db: Engine, config: Config) -> None:
    span = period("year", date(2025, 6, 1), IST)
    inside = datetime(2025, 5, 10, 10, tzinfo=IST)
    with transaction(db) as session:
        people = [Citizen(telegram_id=7000 + n) for n in range(6)]
        session.add_all(people)
        session.flush()
        events = [
            CouncilEvent(
                assembly_code=code,
                title="Toplantı",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                capacity=50,
                registered=3,
                cancelled_at=cancelled,
            )
            for code, start, cancelled in (
                ("genel_kurul", inside, None),
                ("genel_kurul", inside + timedelta(days=30), None),
                ("kadin", inside, None),
                ("kadin", inside, inside),  # cancelled: not held
                ("genclik", datetime(2024, 12, 31, 23, 0, tzinfo=IST), None),  # last year
            )
        ]
        session.add_all(events)
        session.flush()
        for n, person in enumerate(people[:3]):
            for event, status in (
                (events[0], "attended"),
                (events[1], "no_show"),
                (events[2], "attended"),
            ):
                session.add(
                    Registration(
                        event_id=id_of(event),
                        citizen_id=id_of(person),
                        status=status,
                        seq=n + 1,
                        code=f"C{event.id}-{n}",
                    )
                )
        joined = datetime(2025, 2, 1, tzinfo=IST)
        for person in people:
            session.add(
                Membership(assembly_code="kadin", citizen_id=id_of(person), joined_at=joined)
            )
        session.add(
            Membership(
                assembly_code="genclik",
                citizen_id=id_of(people[0]),
                joined_at=joined,
                left_at=datetime(2025, 3, 1, tzinfo=IST),
            )
        )
        session.add(
            Membership(assembly_code="genel_kurul", citizen_id=id_of(people[1]), joined_at=joined)
        )
    with transaction(db) as session:
        figures = indicators.compute(session, config, span)
    assert figures.council_events == {
        "genel_kurul": 2,
        "kidemli": 0,
        "kadin": 1,
        "genclik": 0,
        "cocuk": 0,
        "engelli": 0,
    }
    assert figures.council_events_total == 3
    assert figures.council_participants["genel_kurul"] == 3  # attendances, not no-shows
    assert figures.council_participants["kadin"] == 3
    assert figures.council_members["kadin"] == 6 and figures.council_members["genclik"] == 0
    # 3 General Assembly attendances + 6 members of the other assemblies; the General
    # Assembly's own member is not counted twice.
    assert figures.council_participants_total == 9
    # Monitoring: 3 seats at each held General Assembly meeting, 3 of 6 checked in.
    assert figures.council_seats["genel_kurul"] == 6 and figures.council_seats["kadin"] == 3
    assert figures.attendance_rate("genel_kurul") == 0.5
    assert figures.no_show_rate("genel_kurul") == 0.5
    assert figures.attendance_rate("kadin") == 1.0 and figures.attendance_rate("genclik") is None
    assert figures.attendance_rate() == pytest.approx(6 / 9)


def test_an_event_is_held_once_it_is_over(db: Engine, config: Config) -> None:
    """Next week's meeting is not held yet: the count grows as events take place."""
    december = period("month", date(2026, 12, 1), IST)
    with transaction(db) as session:
        for start in (
            datetime(2026, 12, 2, 10, tzinfo=IST),
            datetime(2026, 12, 6, 10, tzinfo=IST),  # over at 12:00
            datetime(2026, 12, 6, 15, tzinfo=IST),  # still going on at 15:40
            datetime(2026, 12, 20, 10, tzinfo=IST),
        ):
            session.add(
                CouncilEvent(
                    assembly_code="kadin",
                    title="Toplantı",
                    starts_at=start,
                    ends_at=start + timedelta(hours=2),
                    capacity=20,
                )
            )
    with transaction(db) as session:
        today = indicators.compute(
            session, config, december, datetime(2026, 12, 6, 15, 40, tzinfo=IST)
        )
        later = indicators.compute(session, config, december, datetime(2027, 1, 5, tzinfo=IST))
    assert today.council_events["kadin"] == today.council_events_total == 2
    assert later.council_events["kadin"] == 4
    assert today.council_seats["kadin"] == 0 and today.attendance_rate("kadin") is None
    # A snapshot stored before seats were counted still reads back.
    data = today.to_dict()
    del data["council_seats"]
    assert indicators.Indicators.from_dict(data).council_seats == {}


# --- snapshots -----------------------------------------------------------------------------


def test_snapshot_stores_and_reads_back_equal(db: Engine, config: Config) -> None:
    span = period("month", date(2025, 3, 1), IST)
    with transaction(db) as session:
        _request(
            session,
            "2025-000001",
            datetime(2025, 3, 2, 9, tzinfo=IST),
            first_response_at=datetime(2025, 3, 4, 9, tzinfo=IST),
        )
        session.add(SatisfactionAnswer(score=4, answered_at=datetime(2025, 3, 5, tzinfo=IST)))
        session.add(
            CallCentreDay(day=date(2025, 3, 1), total=10, information=5, application=3, missed=2)
        )
        stored = indicators.store_snapshot(
            session, config, span, datetime(2025, 3, 6, 2, tzinfo=UTC)
        )
    with transaction(db) as session:
        read = indicators.snapshot(session, "month", span.start)
        assert indicators.snapshot(session, "week", span.start) is None
    assert read == stored
    assert read.average_response_days == 2.0 and read.missed_call_rate == 0.2
    # The snapshot is plain JSON: it survives a trip through a string.
    assert indicators.Indicators.from_dict(json.loads(json.dumps(stored.to_dict()))) == stored
    # One stored before staff entered monthly figures reads back as "not recorded".
    old = stored.to_dict()
    for name in ("new_projects", "condolence_visits", "funeral_meals"):
        del old[name]
    assert indicators.Indicators.from_dict(old).funeral_meals is None


def test_refresh_snapshots_twice_gives_the_same_rows(db: Engine, config: Config) -> None:
    now = datetime(2025, 7, 1, 2, 0, tzinfo=IST)
    with transaction(db) as session:
        _request(session, "2025-000001", datetime(2025, 6, 30, 10, tzinfo=IST))
        first = indicators.refresh_snapshots(session, config, now)
    with transaction(db) as session:
        before = session.execute(select(table(IndicatorSnapshot))).all()
    with transaction(db) as session:
        second = indicators.refresh_snapshots(session, config, now)
    with transaction(db) as session:
        after = session.execute(select(table(IndicatorSnapshot))).all()
        count = session.execute(
            select(func.count()).select_from(table(IndicatorSnapshot))
        ).scalar_one()
        half = indicators.snapshot(session, "half", period("half", date(2025, 1, 1), IST).start)
    assert first == second and count == len(first) == 2 * len(KINDS)
    assert sorted(before) == sorted(after)
    # 1 July local: the current half is H2, the previous H1 holds the request.
    assert half is not None and half.requests_total == 1
    assert {p.label for p in first} >= {"2025-H1", "2025-H2", "2025-06-30", "2025-07-01"}
