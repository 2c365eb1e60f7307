"""The SLA clock: adding and measuring time in working hours.

A request is due its category's SLA in *working* hours after it arrives: only the
configured working days and hours count; Turkish public holidays, the afternoons of
the half-day eves and the extra days off the config lists do not. All datetimes must be
timezone-aware; results are in UTC.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
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
# The last day the due time may fall on, counted from the start's local date.
_WINDOW_END = timedelta(days=_MAX_DAYS - 1)
_MICROSECOND = timedelta(microseconds=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The window's end is looked up exactly only for a result this far after the start; any
# nearer one is inside it whatever the zone's offset changes (a day covers them).
_SURELY_IN_WINDOW = (_MAX_DAYS - 2) * 86_400_000_000

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


def _not_found(start: datetime) -> ValueError:
    return ValueError(f"no working time found within {_MAX_DAYS} days of {start.isoformat()}")


@lru_cache(maxsize=256)
def _hours_in_micros(hours: float) -> int:
    """Rounded as timedelta rounds, like the day walk this replaced; cached because the
    same few SLAs come again and again and the conversion is a third of a call's cost."""
    return timedelta(seconds=hours * 3600.0) // _MICROSECOND


def _micros(moment: datetime) -> int:
    """Microseconds since the epoch: integers add up exactly, where float seconds drift."""
    return (moment - _EPOCH) // _MICROSECOND


@dataclass(frozen=True)
class _Table:
    """A calendar's working periods over whole local years, in UTC microseconds.

    W(t), the working time up to t, is `before[i] + min(t, closes[i]) - opens[i]` for the
    last period i that opens at or before t: a bisection rather than a walk over the days.
    Never changed once built; a wider table replaces it whole.
    """

    first_year: int
    last_year: int
    low: int  # the local midnight opening first_year
    high: int  # the local midnight closing last_year
    opens: tuple[int, ...]
    closes: tuple[int, ...]
    before: tuple[int, ...]  # working time from the table's first period to opens[i]
    after: tuple[int, ...]  # ... to closes[i]

    def covers(self, moment: int) -> bool:
        return self.low <= moment < self.high

    def worked(self, moment: int) -> int:
        index = bisect_right(self.opens, moment) - 1
        if index < 0:
            return 0
        return self.before[index] + min(moment, self.closes[index]) - self.opens[index]


_NO_TABLE = _Table(1, 0, 0, 0, (), (), (), ())


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
    # A box holding the current _Table. The calendar is shared by threads: a wider table
    # is built aside and put in with one assignment, so a reader sees the old one or the
    # new one, never one half built.
    _table: list[_Table] = field(
        default_factory=lambda: [_NO_TABLE], init=False, repr=False, compare=False, hash=False
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
        if not self.is_working_day(day):
            return ()
        closes_at = HALF_DAY_CLOSES if self.is_half_day(day) else self.end
        # Combine in local time and convert: wall-clock hours stay right across DST
        # changes in zones that have them.
        return tuple(
            (
                datetime.combine(day, opens, tzinfo=self.tz).astimezone(UTC),
                datetime.combine(day, closes, tzinfo=self.tz).astimezone(UTC),
            )
            for opens, closes in self._day_periods(closes_at)
        )

    def _local_midnight(self, day: date) -> int:
        return _micros(datetime.combine(day, time(), tzinfo=self.tz))

    def _widen(self, table: _Table, first_year: int, last_year: int) -> _Table:
        """A table covering `table`'s years and first_year..last_year, now the current one.

        The caller goes on with the table returned: another thread may have put in a
        narrower one meanwhile, which costs a rebuild later but never a wrong answer.
        """
        if table is not _NO_TABLE:
            first_year = min(first_year, table.first_year)
            last_year = max(last_year, table.last_year)
        opens: list[int] = []
        closes: list[int] = []
        before: list[int] = []
        after: list[int] = []
        worked = 0
        day = date(first_year, 1, 1)
        while day.year <= last_year:
            for start, end in self._periods_of(day):
                period_opens, period_closes = _micros(start), _micros(end)
                # A period that a DST gap turns inside out holds no time; skipping it
                # keeps the table in order (the day walk never used one either).
                if period_closes < period_opens:
                    continue
                opens.append(period_opens)
                closes.append(period_closes)
                before.append(worked)
                worked += period_closes - period_opens
                after.append(worked)
            day += _ONE_DAY
        table = _Table(
            first_year,
            last_year,
            self._local_midnight(date(first_year, 1, 1)),
            self._local_midnight(date(last_year + 1, 1, 1)),
            tuple(opens),
            tuple(closes),
            tuple(before),
            tuple(after),
        )
        self._table[0] = table
        return table

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
        if hours * 3600.0 > _MAX_DAYS * 86_400:
            raise _not_found(start)  # more than the whole window, working or not
        need = _hours_in_micros(hours)
        moment = _micros(start)
        table = self._table[0]
        if not table.covers(moment):
            year = self._local_date(start).year
            table = self._widen(table, year, year)
        while True:
            # The clock starts in the first period not closed before the start (one
            # closing at the very start counts: it is where a zero SLA ends).
            first = bisect_left(table.closes, moment)
            if first < len(table.closes):
                begin = max(moment, table.opens[first])
                target = table.before[first] + begin - table.opens[first] + need
                # The earliest period that reaches the target: a due time at closing
                # time stays there rather than moving to the next opening.
                last = bisect_left(table.after, target, first)
                if last < len(table.after):
                    break
            # The due time lies beyond the table: widen it a year, within the window.
            if table.last_year >= (self._local_date(start) + _WINDOW_END).year:
                raise _not_found(start)
            table = self._widen(table, table.last_year + 1, table.last_year + 1)
        opens = table.opens[last]
        if opens - moment > _SURELY_IN_WINDOW:
            window_ends = self._local_midnight(self._local_date(start) + _WINDOW_END + _ONE_DAY)
            if opens >= window_ends:
                raise _not_found(start)
        return _EPOCH + timedelta(microseconds=opens + target - table.before[last])

    def working_seconds_between(self, start: datetime, end: datetime) -> float:
        """Working time between two moments, in seconds; 0 when end <= start."""
        _require_aware(start, "start")
        _require_aware(end, "end")
        begin, finish = _micros(start), _micros(end)
        if finish <= begin:
            return 0.0
        table = self._table[0]
        if not (table.covers(begin) and table.covers(finish)):
            table = self._widen(table, self._local_date(start).year, self._local_date(end).year)
        return (table.worked(finish) - table.worked(begin)) / 1_000_000

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
