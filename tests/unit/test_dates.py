"""Typed dates and times: Turkish first, ISO accepted, nonsense refused."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from core.dates import age_on, parse_date, parse_local_datetime

IST = ZoneInfo("Europe/Istanbul")


@pytest.mark.parametrize(
    "text", ["25.11.2026", "25/11/2026", "25-11-2026", "2026-11-25", " 25.11.2026 "]
)
def test_dates_in_the_usual_spellings(text: str) -> None:
    assert parse_date(text) == date(2026, 11, 25)


@pytest.mark.parametrize("text", ["31.02.2026", "yarın", "25.11.26", "", "2026/11/25x"])
def test_nonsense_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


def test_local_datetime_is_aware_in_istanbul() -> None:
    moment = parse_local_datetime("25.11.2026 14:30", IST)
    assert moment == datetime(2026, 11, 25, 14, 30, tzinfo=IST)
    offset = moment.utcoffset()
    assert offset is not None and offset.total_seconds() == 3 * 3600
    assert parse_local_datetime("2026-11-25 9.05", IST).minute == 5
    for bad in ("25.11.2026", "25.11.2026 25:00", "25.11.2026 14:30 extra"):
        with pytest.raises(ValueError):
            parse_local_datetime(bad, IST)


def test_age_counts_birthdays() -> None:
    assert age_on(date(2011, 11, 25), date(2026, 11, 24)) == 14
    assert age_on(date(2011, 11, 24), date(2026, 11, 24)) == 15
