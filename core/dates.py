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


# Month names as people write them (folded: ş→s, ı→i…), Turkish and English, whole or
# cut to three letters ("31 Ara 2026", "31 Dec").
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("ocak", "january"),
            ("subat", "february"),
            ("mart", "march"),
            ("nisan", "april"),
            ("mayis", "may"),
            ("haziran", "june"),
            ("temmuz", "july"),
            ("agustos", "august"),
            ("eylul", "september"),
            ("ekim", "october"),
            ("kasim", "november"),
            ("aralik", "december"),
        ),
        start=1,
    )
    for whole in names
    for name in (whole, whole[:3])
}
_SHORT_DATE = re.compile(r"^\s*(\d{1,2})[./-](\d{1,2})(?:[./-](\d{2}|\d{4}))?\s*$")
_WORDS_DATE = re.compile(r"^\s*(\d{1,2})\.?\s+([^\W\d_]+)\.?(?:\s+(\d{4}))?\s*$")


def parse_day(text: str, today: date, *, nearest: bool = False) -> date:
    """A day as people type it: what `parse_date` reads, a two-digit year (31.12.26), no
    year (31.12, "31 Aralık", "5 mart", "31 Dec": the next such day from `today` on, or
    with `nearest` the closest one before or after `today`, for a day that may have
    passed, like an interview recorded afterwards), or the month by name with a year
    ("31 Aralık 2026"); ValueError otherwise."""
    from core.matching import fold

    try:
        return parse_date(text)
    except ValueError:
        pass
    year: int | None
    match = _SHORT_DATE.match(text)
    if match:
        day, month = int(match.group(1)), int(match.group(2))
        year = int(match.group(3)) if match.group(3) else None
        if year is not None and year < 100:
            year += 2000
    else:
        match = _WORDS_DATE.match(text)
        if not match:
            raise ValueError(f"not a date: {text!r}")
        found = _MONTHS.get(fold(match.group(2)))
        if found is None:
            raise ValueError(f"not a month: {match.group(2)!r}")
        day, month = int(match.group(1)), found
        year = int(match.group(3)) if match.group(3) else None
    if year is not None:
        return date(year, month, day)
    if nearest:
        return _nearest(month, day, today, text)
    this_year = date(today.year, month, day) if (month, day) != (2, 29) else None
    if this_year is not None and this_year >= today:
        return this_year
    for ahead in range(1, 9):  # 29 February: the next leap year
        try:
            return date(today.year + ahead, month, day)
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")


def _nearest(month: int, day: int, today: date, text: str) -> date:
    """The day `day`.`month` closest to `today` (at most about six months away; 29
    February: the closest leap year's)."""
    found: list[date] = []
    for year in range(today.year - 4, today.year + 5):
        try:
            found.append(date(year, month, day))
        except ValueError:
            continue
    if not found:
        raise ValueError(f"not a date: {text!r}")
    return min(found, key=lambda candidate: (abs((candidate - today).days), candidate))


def parse_day_and_time(text: str, today: date) -> tuple[date, time | None]:
    """A day that may have passed, with an optional time: "5.12", "5.12 14:30",
    "5 Aralık 2026 9.05". A day without a year is the nearest one (`parse_day` with
    `nearest`); the time is None when none was typed. ValueError otherwise."""
    parts = text.strip().split()
    moment: time | None = None
    if len(parts) > 1:
        match = _TIME.match(parts[-1])
        if match:
            hour, minute = int(match.group(1)), int(match.group(2))
            moment = time(hour, minute)  # ValueError for 25:00
            parts = parts[:-1]
    return parse_day(" ".join(parts), today, nearest=True), moment
