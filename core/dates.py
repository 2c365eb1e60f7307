"""Reading dates and times that people type, the Turkish way first (25.11.2026 14:30)."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

_DATE = re.compile(r"^\s*(\d{1,2})[./-](\d{1,2})[./-](\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def parse_date(text: str) -> date:
    """`25.11.2026`, `25/11/2026`, `25-11-2026` or `2026-11-25`; ValueError otherwise."""
    match = _DATE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return date(year, month, day)
    match = _ISO_DATE.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return date(year, month, day)
    raise ValueError(f"not a date: {text!r}")


def parse_local_datetime(text: str, tz: ZoneInfo) -> datetime:
    """`25.11.2026 14:30` (or ISO `2026-11-25 14:30`) in the municipality's time zone."""
    parts = text.strip().split()
    if len(parts) != 2:
        raise ValueError(f"not a date and time: {text!r}")
    day = parse_date(parts[0])
    match = _TIME.match(parts[1])
    if not match:
        raise ValueError(f"not a time: {parts[1]!r}")
    hour, minute = int(match.group(1)), int(match.group(2))
    return datetime.combine(day, time(hour, minute), tzinfo=tz)


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def aware(value: datetime) -> datetime:
    """The datetime itself, once checked to carry its time zone (core's rules take aware
    times only)."""
    if value.tzinfo is None:
        raise ValueError("naive datetime given; pass aware datetimes")
    return value
