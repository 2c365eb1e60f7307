"""The SLA clock: adding and measuring time in working hours.

A request is due its category's SLA in *working* hours after it arrives: only the
configured working days and hours count; Turkish public holidays, the afternoons of
the half-day eves and the extra days off the config lists do not. All datetimes must be
timezone-aware; results are in UTC.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import holidays

if TYPE_CHECKING:
    from common.config import Config

# Long enough for the largest SLA the config allows (2000 h) plus several years of
# holidays; reaching it means the calendar can never accumulate the requested time.
_MAX_DAYS = 366 * 10

_ONE_DAY = timedelta(days=1)

DEFAULT_LUNCH = (time(12, 30), time(13, 30))

# Public offices close at 13:00 on the eves (arife) of both bayrams and on 28 Ekim
# (law 2429); the `holidays` package lists those afternoons as "from 1pm" half days.
HALF_DAY_CLOSES = time(13, 0)


@lru_cache(maxsize=64)
def turkish_public_holidays(year: int) -> frozenset[date]:
    """Turkish public holidays of one year, built once per year for the whole process.

    Building a `holidays` object is slow (it computes the lunar Bayram dates), and
    looking up a date of another year in one silently extends it, so we freeze a set.
    Half-day eves (arife) are not in the set: see turkish_half_days.
    """
    return frozenset(holidays.country_holidays("TR", years=year).keys())


@lru_cache(maxsize=64)
def turkish_half_days(year: int) -> frozenset[date]:
    """The eves whose afternoons are off: arife of both bayrams and 28 Ekim, from 13:00."""
    half_days = holidays.country_holidays("TR", years=year, categories=("half_day",))
    return frozenset(half_days.keys()) - turkish_public_holidays(year)


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {value!r}")


@dataclass(frozen=True)
class WorkingCalendar:
    tz: ZoneInfo
    days: frozenset[int]  # isoweekday numbers, 1 = Monday ... 7 = Sunday
    start: time
    end: time
    # Public holidays and the afternoons of the half-day eves (from 13:00) are off.
    public_holidays: bool = True
    # Further days off: the administrative leave declared around the bayrams.
    closed_days: frozenset[date] = frozenset()
    # The working day is 8 hours (40 a week, law 657 art. 99) inside 08:30-17:30, and
    # SLAs are set on that basis ("16 = two working days"), so the lunch hour does not
    # count. None for a calendar without a break.
    lunch: tuple[time, time] | None = DEFAULT_LUNCH
    # Per-date working periods in UTC (empty on days off). Every request walks the same
    # few hundred dates, so caching turns each step into a dict lookup.
    _periods: dict[date, tuple[tuple[datetime, datetime], ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        if not self.days:
            raise ValueError("a working calendar needs at least one working day")
        if any(day < 1 or day > 7 for day in self.days):
            raise ValueError("days are isoweekday numbers, 1 (Monday) to 7 (Sunday)")
        if self.start >= self.end:
            raise ValueError("start must be before end")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("start and end are local wall-clock times without tzinfo")
        if self.lunch is not None and self.lunch[0] >= self.lunch[1]:
            raise ValueError("lunch must start before it ends")

    @classmethod
    def from_config(cls, config: Config) -> WorkingCalendar:
        wt = config.working_time
        return cls(
            tz=config.tz,
            days=frozenset(wt.days),
            start=wt.start,
            end=wt.end,
            public_holidays=wt.public_holidays,
            closed_days=frozenset(wt.closed_days),
            lunch=(wt.lunch_start, wt.lunch_end) if wt.lunch_start and wt.lunch_end else None,
        )

    def is_working_day(self, day: date) -> bool:
        """Whether any of the day is working time (a half-day eve's morning is)."""
        if day.isoweekday() not in self.days or day in self.closed_days:
            return False
        return not (self.public_holidays and day in turkish_public_holidays(day.year))

    def is_half_day(self, day: date) -> bool:
        """A working day whose working time ends at 13:00 (HALF_DAY_CLOSES)."""
        return (
            self.public_holidays and self.is_working_day(day) and day in turkish_half_days(day.year)
        )

    def _day_periods(self, closes_at: time) -> tuple[tuple[time, time], ...]:
        end = min(self.end, closes_at)
        periods: tuple[tuple[time, time], ...]
        if self.lunch is None:
            periods = ((self.start, end),)
        else:
            periods = (
                (self.start, min(end, self.lunch[0])),
                (max(self.start, self.lunch[1]), end),
            )
        return tuple((opens, closes) for opens, closes in periods if opens < closes)

    def _periods_of(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The day's working periods as UTC instants, in order; empty on a day off."""
        try:
            return self._periods[day]
        except KeyError:
            pass
        periods: tuple[tuple[datetime, datetime], ...] = ()
        if self.is_working_day(day):
            closes_at = HALF_DAY_CLOSES if self.is_half_day(day) else self.end
            # Combine in local time and convert: wall-clock hours stay right across
            # DST changes in zones that have them.
            periods = tuple(
                (
                    datetime.combine(day, opens, tzinfo=self.tz).astimezone(UTC),
                    datetime.combine(day, closes, tzinfo=self.tz).astimezone(UTC),
                )
                for opens, closes in self._day_periods(closes_at)
            )
        self._periods[day] = periods
        return periods

    def _local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The moment `hours` of working time after `start`, in UTC.

        Arrival outside working time starts counting at the next working moment. A
        result that falls exactly at closing time stays there (Friday 17:30 rather than
        Monday 08:30; 12:30 rather than 13:30 before lunch), which is what citizens are
        told the deadline means.
        """
        _require_aware(start, "start")
        if not math.isfinite(hours) or hours < 0:
            raise ValueError(f"hours must be a finite number >= 0, got {hours!r}")
        remaining = hours * 3600.0
        cursor = start.astimezone(UTC)
        day = self._local_date(start)
        for _ in range(_MAX_DAYS):
            for opens, closes in self._periods_of(day):
                begin = max(cursor, opens)
                if begin <= closes:
                    available = (closes - begin).total_seconds()
                    if remaining <= available:
                        return begin + timedelta(seconds=remaining)
                    remaining -= available
            day += _ONE_DAY
        raise ValueError(f"no working time found within {_MAX_DAYS} days of {start.isoformat()}")

    def working_seconds_between(self, start: datetime, end: datetime) -> float:
        """Working time between two moments, in seconds; 0 when end <= start."""
        _require_aware(start, "start")
        _require_aware(end, "end")
        begin, finish = start.astimezone(UTC), end.astimezone(UTC)
        if finish <= begin:
            return 0.0
        total = 0.0
        day, last = self._local_date(begin), self._local_date(finish)
        while day <= last:
            for opens, closes in self._periods_of(day):
                overlap = (min(finish, closes) - max(begin, opens)).total_seconds()
                if overlap > 0:
                    total += overlap
            day += _ONE_DAY
        return total

    def elapsed_fraction(self, start: datetime, due: datetime, now: datetime) -> float:
        """Share of the allowed working time already used: 0.8 means 80 %, >= 1.0 is due.

        Time after `due` keeps counting, so an overdue request goes above 1.0 as
        working hours pass (and stays at exactly 1.0 over a weekend right after due).
        """
        _require_aware(now, "now")
        allowed = self.working_seconds_between(start, due)
        if allowed <= 0:
            # A zero SLA (or due before start) is used up the moment it is due.
            return 1.0 if now >= due else 0.0
        return self.working_seconds_between(start, now) / allowed
