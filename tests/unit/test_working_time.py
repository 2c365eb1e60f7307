"""The SLA clock in working time: weekends, Turkish public holidays, half-day eves, extra
days off, arrivals off hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.config import Config
from core.working_time import DEFAULT_LUNCH, WorkingCalendar

IST = ZoneInfo("Europe/Istanbul")


def calendar(
    public_holidays: bool = True,
    days: frozenset[int] | None = None,
    lunch: tuple[time, time] | None = DEFAULT_LUNCH,
    closed_days: frozenset[date] = frozenset(),
) -> WorkingCalendar:
    return WorkingCalendar(
        tz=IST,
        days=days if days is not None else frozenset({1, 2, 3, 4, 5}),
        start=time(8, 30),
        end=time(17, 30),
        public_holidays=public_holidays,
        closed_days=closed_days,
        lunch=lunch,
    )


CAL = calendar()


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=IST)


def due(start: datetime, hours: float, cal: WorkingCalendar = CAL) -> datetime:
    result = cal.add_working_hours(start, hours)
    assert result.tzinfo is UTC
    return result.astimezone(IST)


def test_from_config(config: Config) -> None:
    cal = WorkingCalendar.from_config(config)
    assert cal.tz == ZoneInfo("Europe/Istanbul")
    assert cal.days == frozenset({1, 2, 3, 4, 5})
    assert (cal.start, cal.end, cal.public_holidays) == (time(8, 30), time(17, 30), True)
    assert cal.lunch == (time(12, 30), time(13, 30))
    assert cal.closed_days == frozenset()


def test_within_a_day() -> None:
    # Tuesday 10:00
    assert due(local(2026, 11, 24, 10), 2) == local(2026, 11, 24, 12)
    assert due(local(2026, 11, 24, 10), 0.5) == local(2026, 11, 24, 10, 30)
    assert due(local(2026, 11, 24, 14), 3) == local(2026, 11, 24, 17)


def test_lunch_hour_does_not_count() -> None:
    # 10:00-12:30 is 2.5 h, the last half hour after lunch.
    assert due(local(2026, 11, 24, 10), 3) == local(2026, 11, 24, 14)
    # Arriving at lunch starts the clock at 13:30.
    assert due(local(2026, 11, 24, 12, 45), 1) == local(2026, 11, 24, 14, 30)
    # Landing on the start of lunch stays there, like closing time.
    assert due(local(2026, 11, 24, 10), 2.5) == local(2026, 11, 24, 12, 30)
    # A full working day is 8 hours.
    assert CAL.working_seconds_between(local(2026, 11, 24), local(2026, 11, 25)) == 8 * 3600


def test_calendar_without_lunch() -> None:
    cal = calendar(lunch=None)
    assert due(local(2026, 11, 24, 10), 3, cal) == local(2026, 11, 24, 13)
    assert due(local(2026, 11, 24, 10), 16, cal) == local(2026, 11, 25, 17)
    assert cal.working_seconds_between(local(2026, 11, 24), local(2026, 11, 25)) == 9 * 3600


def test_lunch_outside_working_hours_is_ignored() -> None:
    cal = WorkingCalendar(tz=IST, days=frozenset({1, 2, 3, 4, 5}), start=time(13), end=time(17))
    assert cal.working_seconds_between(local(2026, 11, 24), local(2026, 11, 25)) == 3.5 * 3600
    assert due(local(2026, 11, 24, 9), 1, cal) == local(2026, 11, 24, 14, 30)


def test_across_a_night() -> None:
    # Tuesday 16:00: 1.5 h left today, 2.5 h on Wednesday morning.
    assert due(local(2026, 11, 24, 16), 4) == local(2026, 11, 25, 11)


def test_two_working_days() -> None:
    assert due(local(2026, 11, 24, 10), 16) == local(2026, 11, 26, 10)


def test_ending_exactly_at_closing_time_stays_there() -> None:
    assert due(local(2026, 11, 24, 16, 30), 1) == local(2026, 11, 24, 17, 30)
    assert due(local(2026, 11, 24, 8, 30), 8) == local(2026, 11, 24, 17, 30)
    # Friday: not moved to Monday morning either.
    assert due(local(2026, 11, 27, 9, 30), 7) == local(2026, 11, 27, 17, 30)


def test_friday_afternoon_across_the_weekend() -> None:
    # Friday 2026-11-27 15:30: 2 h on Friday, 6 h on Monday 11-30 (4 before lunch).
    assert due(local(2026, 11, 27, 15, 30), 8) == local(2026, 11, 30, 15, 30)


@pytest.mark.parametrize(
    ("arrival", "expected"),
    [
        (local(2026, 11, 28, 11), local(2026, 11, 30, 10, 30)),  # Saturday
        (local(2026, 11, 29, 23, 59), local(2026, 11, 30, 10, 30)),  # Sunday night
        (local(2026, 11, 25, 3), local(2026, 11, 25, 10, 30)),  # 03:00 Wednesday
        (local(2026, 11, 24, 20), local(2026, 11, 25, 10, 30)),  # 20:00 Tuesday
        (local(2026, 11, 24, 17, 30), local(2026, 11, 25, 10, 30)),  # at closing time
        (local(2026, 11, 24, 8, 29), local(2026, 11, 24, 10, 30)),  # just before opening
    ],
)
def test_arrival_outside_working_time_counts_from_next_opening(
    arrival: datetime, expected: datetime
) -> None:
    assert due(arrival, 2) == expected


def test_republic_day() -> None:
    # Wednesday 2026-10-28 10:00 + 8 h: offices close at 13:00 on the eve, so 2.5 h until
    # lunch; Thursday 10-29 is Republic Day; 5.5 h on Friday 10-30 (4 before lunch).
    assert not CAL.is_working_day(date(2026, 10, 29))
    assert due(local(2026, 10, 28, 10), 8) == local(2026, 10, 30, 15)
    # Arriving on the eve's afternoon: the clock starts on Friday morning.
    assert due(local(2026, 10, 28, 16, 30), 8) == local(2026, 10, 30, 17, 30)


def test_holiday_and_weekend_together() -> None:
    # Ramazan Bayramı 2026-03-20 (Fri) .. 03-22 (Sun): Thursday 12:00 + 1 h -> half an hour
    # before the arife closes, half an hour on Monday.
    assert due(local(2026, 3, 19, 12), 1) == local(2026, 3, 23, 9)
    # Kurban Bayramı 2026-05-27 (Wed) .. 05-30 (Sat): Tuesday 16:30, on the arife afternoon,
    # + 2 h -> Monday 06-01 10:30.
    assert due(local(2026, 5, 26, 16, 30), 2) == local(2026, 6, 1, 10, 30)


def test_the_half_day_eves_of_2026_close_at_13() -> None:
    # Law 2429: the arife of Ramazan and Kurban Bayramı, and 28 Ekim, from 13:00.
    for eve in (date(2026, 3, 19), date(2026, 5, 26), date(2026, 10, 28)):
        assert CAL.is_working_day(eve) and CAL.is_half_day(eve)
        morning = CAL.working_seconds_between(
            local(eve.year, eve.month, eve.day), local(eve.year, eve.month, eve.day, 23, 59)
        )
        assert morning == 4 * 3600  # 08:30-12:30; the lunch hour runs into the closing
    assert not CAL.is_half_day(date(2026, 3, 18))
    assert not CAL.is_half_day(date(2026, 3, 20))  # the bayram itself is a whole holiday


def test_a_request_filed_at_noon_on_the_arife_with_two_working_days() -> None:
    # Thursday 19 March 2026, arife of Ramazan Bayramı, 12:00, 16 working hours:
    # 12:00-12:30 gives 0.5 h and the afternoon is off; Friday 20 to Sunday 22 is the
    # bayram and the weekend; Monday 23 gives 8 h (7.5 h left); Tuesday 24 gives 4 h
    # before lunch (3.5 h left), and 13:30 + 3.5 h = 17:00. Counting the arife afternoon,
    # it used to be Tuesday 12:00.
    assert due(local(2026, 3, 19, 12), 16) == local(2026, 3, 24, 17)


def test_a_half_day_without_lunch_closes_at_13() -> None:
    cal = calendar(lunch=None)
    assert due(local(2026, 10, 28, 12), 2, cal) == local(2026, 10, 30, 9, 30)
    assert cal.working_seconds_between(local(2026, 10, 28), local(2026, 10, 29)) == 4.5 * 3600


def test_extra_closed_days_move_due_times() -> None:
    # Friday 22 May 2026 16:00, 16 working hours. Without leave: 1.5 h on Friday, 8 h on
    # Monday 25, 4 h on the arife morning of Tuesday 26 (13.5 h), the bayram to Saturday
    # 30, and 2.5 h on Monday 1 June: 11:00.
    friday = local(2026, 5, 22, 16)
    assert due(friday, 16) == local(2026, 6, 1, 11)
    # With Monday 25 declared administrative leave, 8 h more are needed after the bayram.
    leave = calendar(closed_days=frozenset({date(2026, 5, 25)}))
    assert not leave.is_working_day(date(2026, 5, 25))
    assert due(friday, 16, leave) == local(2026, 6, 2, 11)
    # The overdue mark waits for it too: at 11:00 on Monday 1 June, 1.5 + 4 + 2.5 = 8 of
    # the 16 hours are used rather than all of them.
    deadline = leave.add_working_hours(friday, 16)
    assert leave.elapsed_fraction(friday, deadline, local(2026, 6, 1, 11)) == pytest.approx(0.5)


def test_arrival_on_a_holiday() -> None:
    assert due(local(2026, 10, 29, 10), 1) == local(2026, 10, 30, 9, 30)


def test_public_holidays_can_be_ignored() -> None:
    cal = calendar(public_holidays=False)
    assert cal.is_working_day(date(2026, 10, 29))
    assert not cal.is_half_day(date(2026, 10, 28))
    assert due(local(2026, 10, 28, 16, 30), 8, cal) == local(2026, 10, 29, 16, 30)
    assert not cal.is_working_day(date(2026, 10, 31))  # still a Saturday


def test_configured_days() -> None:
    # A six-day week that includes Saturday.
    cal = calendar(days=frozenset({1, 2, 3, 4, 5, 6}))
    assert due(local(2026, 11, 27, 15, 30), 8, cal) == local(2026, 11, 28, 15, 30)


def test_result_is_utc_and_input_zone_does_not_matter() -> None:
    arrival = local(2026, 11, 24, 10)
    result = CAL.add_working_hours(arrival.astimezone(UTC), 16)
    assert result == local(2026, 11, 26, 10)
    assert result.tzinfo is UTC
    assert result.hour == 7  # Istanbul is UTC+3 all year


def test_naive_datetimes_are_rejected() -> None:
    naive = datetime(2026, 11, 24, 10)
    aware = local(2026, 11, 24, 10)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.add_working_hours(naive, 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.working_seconds_between(naive, aware)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.working_seconds_between(aware, naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.elapsed_fraction(aware, aware + timedelta(hours=1), naive)


def test_invalid_hours_and_calendars_are_rejected() -> None:
    with pytest.raises(ValueError):
        CAL.add_working_hours(local(2026, 11, 24, 10), -1)
    with pytest.raises(ValueError):
        CAL.add_working_hours(local(2026, 11, 24, 10), float("nan"))
    with pytest.raises(ValueError):
        calendar(days=frozenset())
    with pytest.raises(ValueError):
        WorkingCalendar(tz=IST, days=frozenset({1}), start=time(17), end=time(9))
    with pytest.raises(ValueError):
        calendar(lunch=(time(13), time(12)))
    with pytest.raises(ValueError):
        calendar(days=frozenset({0, 1}))


def test_working_seconds_between() -> None:
    start = local(2026, 11, 27, 15, 30)  # Friday
    assert CAL.working_seconds_between(start, local(2026, 11, 30, 15, 30)) == 8 * 3600
    assert CAL.working_seconds_between(start, local(2026, 11, 28, 12)) == 2 * 3600
    assert CAL.working_seconds_between(start, start) == 0
    assert CAL.working_seconds_between(start, start - timedelta(days=3)) == 0
    # A whole week with Republic Day: three working days and the eve's morning.
    week = CAL.working_seconds_between(local(2026, 10, 26), local(2026, 11, 2))
    assert week == 3 * 8 * 3600 + 4 * 3600


def test_elapsed_fraction() -> None:
    start = local(2026, 11, 24, 10)
    deadline = CAL.add_working_hours(start, 16)
    assert CAL.elapsed_fraction(start, deadline, start) == 0
    assert CAL.elapsed_fraction(start, deadline, local(2026, 11, 24, 17, 30)) == pytest.approx(
        6.5 / 16
    )
    # 80 % used: 12.8 working hours in.
    eighty = CAL.add_working_hours(start, 12.8)
    assert CAL.elapsed_fraction(start, deadline, eighty) == pytest.approx(0.8)
    assert CAL.elapsed_fraction(start, deadline, deadline) == pytest.approx(1.0)
    # Overdue by 8 working hours.
    assert CAL.elapsed_fraction(start, deadline, local(2026, 11, 27, 10)) == pytest.approx(1.5)
    # Nights before the deadline do not use the allowance.
    assert CAL.elapsed_fraction(start, deadline, local(2026, 11, 25, 3)) == pytest.approx(6.5 / 16)


def test_elapsed_fraction_with_no_allowance() -> None:
    moment = local(2026, 11, 24, 10)
    assert CAL.elapsed_fraction(moment, moment, moment - timedelta(minutes=1)) == 0
    assert CAL.elapsed_fraction(moment, moment, moment) == 1.0


def test_holidays_of_other_years() -> None:
    assert not CAL.is_working_day(date(2025, 10, 29))
    assert not CAL.is_working_day(date(2027, 1, 1))
    # 2000 h (the largest SLA) crosses several years of holidays without trouble.
    result = due(local(2026, 12, 30, 9), 2000)
    assert CAL.working_seconds_between(local(2026, 12, 30, 9), result) == 2000 * 3600


def test_many_requests_are_fast() -> None:
    # The benchmark imports 150,000 requests; a generous bound catches a per-minute walk
    # or a holidays object rebuilt on every call.
    import time as clock

    begin = clock.perf_counter()
    arrival = local(2026, 1, 1, 9)
    for index in range(20_000):
        CAL.add_working_hours(arrival + timedelta(minutes=37 * index), 16 + index % 25)
    assert clock.perf_counter() - begin < 5


working_arrivals = st.builds(
    lambda day, minute: datetime.combine(day, time(8, 30), tzinfo=IST) + timedelta(minutes=minute),
    st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)).filter(CAL.is_working_day),
    st.integers(min_value=0, max_value=9 * 60 - 1),
)


@settings(max_examples=300, deadline=None)
@given(arrival=working_arrivals, hours=st.floats(min_value=0, max_value=400))
def test_working_seconds_between_inverts_add_working_hours(arrival: datetime, hours: float) -> None:
    result = CAL.add_working_hours(arrival, hours)
    assert result >= arrival
    assert abs(CAL.working_seconds_between(arrival, result) - hours * 3600) < 1


@settings(max_examples=200, deadline=None)
@given(
    arrival=st.datetimes(
        min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(IST)
    ),
    hours=st.floats(min_value=0.01, max_value=100),
)
def test_any_arrival_lands_in_working_time(arrival: datetime, hours: float) -> None:
    result = CAL.add_working_hours(arrival, hours).astimezone(IST)
    assert CAL.is_working_day(result.date())
    clock = result.time()
    assert time(8, 30) < clock <= time(12, 30) or time(13, 30) < clock <= time(17, 30)
