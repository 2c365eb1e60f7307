"""Due times by bisection over the table of working periods give what the day-by-day walk
gave, to the microsecond: the walk is kept here as the reference."""

from __future__ import annotations

import time as clock
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.working_time import _MAX_DAYS, DEFAULT_LUNCH, WorkingCalendar

IST = ZoneInfo("Europe/Istanbul")
BERLIN = ZoneInfo("Europe/Berlin")
HOURS = (0, 0.5, 8, 16, 16.25, 40, 200)


def walked_due(cal: WorkingCalendar, start: datetime, hours: float) -> datetime:
    """add_working_hours as it was before the table: walk the days from the start's."""
    remaining = hours * 3600.0
    cursor = start.astimezone(UTC)
    day = cal._local_date(start)
    for _ in range(_MAX_DAYS):
        for opens, closes in cal._periods_of(day):
            begin = max(cursor, opens)
            if begin <= closes:
                available = (closes - begin).total_seconds()
                if remaining <= available:
                    return begin + timedelta(seconds=remaining)
                remaining -= available
        day += timedelta(days=1)
    raise ValueError(f"no working time found within {_MAX_DAYS} days of {start.isoformat()}")


def walked_seconds(cal: WorkingCalendar, start: datetime, end: datetime) -> float:
    """working_seconds_between as it was before the table."""
    begin, finish = start.astimezone(UTC), end.astimezone(UTC)
    if finish <= begin:
        return 0.0
    total = 0.0
    day, last = cal._local_date(begin), cal._local_date(finish)
    while day <= last:
        for opens, closes in cal._periods_of(day):
            overlap = (min(finish, closes) - max(begin, opens)).total_seconds()
            if overlap > 0:
                total += overlap
        day += timedelta(days=1)
    return total


@st.composite
def calendars_and_starts(draw: st.DrawFn) -> tuple[WorkingCalendar, datetime]:
    tz = draw(st.sampled_from((IST, BERLIN)))
    opens, closes = draw(
        st.sampled_from(((time(8, 30), time(17, 30)), (time(9), time(18)), (time(13), time(17))))
    )
    # Starts over several years, the odd microsecond included, or right on a boundary
    # (opening, lunch, closing, the arife's 13:00), where the edges are.
    day = draw(st.dates(min_value=date(2024, 1, 1), max_value=date(2029, 12, 31)))
    on_boundary = st.sampled_from(
        (time(8, 30), time(9), time(12, 30), time(13), time(13, 30), time(17, 30), time(18))
    ).map(lambda moment: datetime.combine(day, moment, tzinfo=tz))
    anywhere = st.datetimes(
        min_value=datetime.combine(day, time()),
        max_value=datetime.combine(day, time.max),
        timezones=st.just(tz),
    )
    start = draw(st.one_of(on_boundary, anywhere))
    # Days off near the start, where they move the due time.
    closed_days = draw(
        st.frozensets(st.integers(min_value=0, max_value=60), max_size=8).map(
            lambda offsets: frozenset(day + timedelta(days=offset) for offset in offsets)
        )
    )
    cal = WorkingCalendar(
        tz=tz,
        days=draw(
            st.sampled_from((frozenset({1, 2, 3, 4, 5}), frozenset({1, 2, 3, 4, 5, 6})))
            | st.frozensets(st.integers(min_value=1, max_value=7), min_size=1)
        ),
        start=opens,
        end=closes,
        public_holidays=draw(st.booleans()),
        closed_days=closed_days,
        lunch=draw(st.sampled_from((DEFAULT_LUNCH, None))),
    )
    return cal, start


@settings(max_examples=500, deadline=None)
@given(calendar_and_start=calendars_and_starts(), hours=st.sampled_from(HOURS))
def test_due_times_equal_the_walk(
    calendar_and_start: tuple[WorkingCalendar, datetime], hours: float
) -> None:
    cal, start = calendar_and_start
    result = cal.add_working_hours(start, hours)
    assert result == walked_due(cal, start, hours)
    assert result.tzinfo is UTC


@settings(max_examples=300, deadline=None)
@given(
    calendar_and_start=calendars_and_starts(),
    length=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=120)),
)
def test_working_seconds_equal_the_walk(
    calendar_and_start: tuple[WorkingCalendar, datetime], length: timedelta
) -> None:
    cal, start = calendar_and_start
    # The walk adds float seconds, the table whole microseconds: within a microsecond.
    assert cal.working_seconds_between(start, start + length) == pytest.approx(
        walked_seconds(cal, start, start + length), abs=1e-6
    )


def test_one_table_answers_starts_in_any_order() -> None:
    # Years asked for out of order widen the table backwards and forwards; answers before
    # and after the widening agree with the walk.
    cal = WorkingCalendar(tz=BERLIN, days=frozenset({1, 2, 3, 4, 5}), start=time(8), end=time(16))
    starts = [datetime(year, 3, 30, 15, 59, 59, 999_999, tzinfo=BERLIN) for year in (2026, 2024)]
    starts += [datetime(2031, 10, 24, 12, tzinfo=BERLIN), datetime(2026, 12, 31, 10, tzinfo=UTC)]
    for start in starts:
        for hours in HOURS:
            assert cal.add_working_hours(start, hours) == walked_due(cal, start, hours)


def test_no_working_time_within_the_window() -> None:
    # Mondays only, and every Monday of ten years declared leave.
    mondays = frozenset(date(2026, 1, 5) + timedelta(weeks=week) for week in range(53 * 10))
    cal = WorkingCalendar(
        tz=IST, days=frozenset({1}), start=time(8, 30), end=time(17, 30), closed_days=mondays
    )
    start = datetime(2026, 1, 1, 9, tzinfo=IST)
    for hours in (0, 1):
        with pytest.raises(ValueError, match="no working time found within 3660 days") as walked:
            walked_due(cal, start, hours)
        with pytest.raises(ValueError) as tabled:
            cal.add_working_hours(start, hours)
        assert str(tabled.value) == str(walked.value)


def test_more_hours_than_the_window_holds() -> None:
    cal = WorkingCalendar(tz=IST, days=frozenset({1, 2, 3, 4, 5}), start=time(8), end=time(18))
    start = datetime(2026, 1, 1, 9, tzinfo=IST)
    # About 24,500 working hours in the ten years: the last hour in, one more out.
    inside = cal.working_seconds_between(start, start + timedelta(days=_MAX_DAYS - 1)) / 3600
    assert cal.add_working_hours(start, inside) == walked_due(cal, start, inside)
    for hours in (inside + 24, 1e12):
        with pytest.raises(ValueError, match="no working time found"):
            cal.add_working_hours(start, hours)
    with pytest.raises(ValueError, match="no working time found"):
        walked_due(cal, start, inside + 24)


def test_a_long_sla_costs_no_more_than_a_short_one() -> None:
    # The walk took about 0.35 ms for 2000 h (250 working days); the table bisects.
    cal = WorkingCalendar(tz=IST, days=frozenset({1, 2, 3, 4, 5}), start=time(8), end=time(17))
    arrival = datetime(2026, 1, 1, 9, tzinfo=IST)
    cal.add_working_hours(arrival, 2000)
    begin = clock.perf_counter()
    for index in range(3000):
        cal.add_working_hours(arrival + timedelta(minutes=37 * index), 2000)
    assert clock.perf_counter() - begin < 0.5
