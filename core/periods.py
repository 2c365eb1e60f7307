"""Reporting periods: a day, an ISO week, a month, a quarter, a half-year or a year.

The municipality counts by its own calendar, so a period's boundaries are local
midnights (Europe/Istanbul) turned into UTC instants; a request filed at 23:30
on 30 June, Istanbul time, belongs to the first half even though it is 20:30
UTC. A period is the half-open interval [start, end).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

KINDS: tuple[str, ...] = ("day", "week", "month", "quarter", "half", "year")


@dataclass(frozen=True)
class Period:
    """[start, end) as aware UTC datetimes; `label` names it, e.g. "2024-H1", "2024-W27"."""

    start: datetime
    end: datetime
    kind: str
    label: str

    def local_dates(self, tz: ZoneInfo) -> tuple[date, date]:
        """The first local day and the local day after the last (for date-keyed tables)."""
        return self.start.astimezone(tz).date(), self.end.astimezone(tz).date()

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "kind": self.kind,
            "label": self.label,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Period:
        return cls(
            start=datetime.fromisoformat(data["start"]).astimezone(UTC),
            end=datetime.fromisoformat(data["end"]).astimezone(UTC),
            kind=str(data["kind"]),
            label=str(data["label"]),
        )


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The UTC instant at which `day` begins in `tz`."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def _first_days(kind: str, day: date) -> tuple[date, date, str]:
    """First local day of the period containing `day`, first day after it, and its label."""
    if kind == "day":
        return day, day + timedelta(days=1), day.isoformat()
    if kind == "week":
        monday = day - timedelta(days=day.weekday())
        iso_year, iso_week, _ = monday.isocalendar()
        return monday, monday + timedelta(days=7), f"{iso_year}-W{iso_week:02d}"
    if kind == "year":
        return date(day.year, 1, 1), date(day.year + 1, 1, 1), str(day.year)
    months = {"month": 1, "quarter": 3, "half": 6}.get(kind)
    if months is None:
        raise ValueError(f"unknown period kind {kind!r}; known: {', '.join(KINDS)}")
    index = (day.month - 1) // months
    first = date(day.year, index * months + 1, 1)
    after_month = index * months + months + 1
    after = date(day.year + 1, 1, 1) if after_month > 12 else date(day.year, after_month, 1)
    label = {
        "month": f"{day.year}-{first.month:02d}",
        "quarter": f"{day.year}-Q{index + 1}",
        "half": f"{day.year}-H{index + 1}",
    }[kind]
    return first, after, label


def period(kind: str, containing: date, tz: ZoneInfo) -> Period:
    """The period of `kind` that contains the local date `containing`."""
    first, after, label = _first_days(kind, containing)
    return Period(local_midnight(first, tz), local_midnight(after, tz), kind, label)


def previous(current: Period, tz: ZoneInfo) -> Period:
    """The period of the same kind just before `current`."""
    return period(current.kind, current.start.astimezone(tz).date() - timedelta(days=1), tz)


def between(first: date, last: date, tz: ZoneInfo) -> Period:
    """The local days first..last inclusive, as a period of kind "range"."""
    if last < first:
        raise ValueError(f"{last} is before {first}")
    return Period(
        local_midnight(first, tz),
        local_midnight(last + timedelta(days=1), tz),
        "range",
        f"{first.isoformat()}..{last.isoformat()}",
    )
