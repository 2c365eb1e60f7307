"""What the public dashboard shows for a year, read from the year's indicator snapshot.

A page never aggregates raw requests: it reads one snapshot row (the year's indicators,
goal 4.3.1 and the breakdowns, core.indicators.snapshot_data). The nightly job
(`refresh_snapshots`) keeps the current and the previous year's row current; an older
year, or a year whose row was stored before the breakdowns existed, is computed once, on
its first view, and stored, so later views read it too. A year with nothing in it is
not stored: its empty aggregates are cheap, and data imported for it later then shows
at once. Only aggregates leave this module, never a row about a person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Engine

from common.config import Config
from core import indicators, reports
from core.breakdowns import Breakdowns
from core.employment.indicators import EmploymentIndicators
from core.indicators import BREAKDOWNS, EMPLOYMENT, Indicators
from core.periods import Period, period
from db.engine import transaction

# No municipality kept these records in a database before this; earlier "years" are
# refused like future ones rather than shown as empty.
FIRST_YEAR = 2000


@dataclass(frozen=True)
class YearFigures:
    year: int
    period: Period
    computed_at: datetime  # when the figures were computed (UTC)
    current: bool  # the year is still running: the figures are "as of" computed_at
    indicators: Indicators
    employment: EmploymentIndicators | None
    breakdowns: Breakdowns

    @property
    def empty(self) -> bool:
        return not _has_data(self.indicators, self.employment)

    def sections(self, config: Config) -> tuple[reports.Section, ...]:
        """Every indicator of both goals against its target, exactly as the report's."""
        return reports.sections(config, self.indicators, self.employment, date(self.year, 1, 1))


def published(year: int, today: date) -> bool:
    """Whether the dashboard has a page for `year`: not before FIRST_YEAR, not the future."""
    return FIRST_YEAR <= year <= today.year


def _has_data(figures: Indicators, jobs: EmploymentIndicators | None) -> bool:
    counts: tuple[int, ...] = (
        figures.requests_total,
        figures.calls_total,
        figures.satisfaction_answers,
        figures.council_events_total,
        sum(figures.council_members.values()),
    )
    if jobs is not None:
        counts += (jobs.referrals, jobs.registered_cvs, jobs.registered_firms)
    return any(counts)


def _figures(
    year: int, span: Period, data: dict[str, Any], computed_at: datetime, today: date
) -> YearFigures:
    jobs = data.get(EMPLOYMENT)
    return YearFigures(
        year=year,
        period=span,
        computed_at=computed_at,
        current=year == today.year,
        indicators=Indicators.from_dict(data),
        employment=None if jobs is None else EmploymentIndicators.from_dict(jobs),
        breakdowns=Breakdowns.from_dict(data[BREAKDOWNS]),
    )


def year_figures(
    reader: Engine, writer: Engine, config: Config, year: int, now: datetime
) -> YearFigures:
    """The year's figures from its snapshot (read from `reader`, which may be a replica);
    computed and stored through `writer` when it has none yet. The caller checks
    `published` first (ValueError otherwise)."""
    today = now.astimezone(config.tz).date()
    if not published(year, today):
        raise ValueError(f"the year {year} has no dashboard page")
    span = period("year", date(year, 1, 1), config.tz)
    with transaction(reader) as session:
        found = indicators.stored(session, "year", span.start)
    if found is not None and BREAKDOWNS in found[0]:
        data, computed_at = found
        return _figures(year, span, data, computed_at, today)
    with transaction(writer) as session:
        figures, data = indicators.snapshot_data(session, config, span, now)
        jobs = EmploymentIndicators.from_dict(data[EMPLOYMENT])
        if _has_data(figures, jobs):
            indicators.save_snapshot(session, span, data, now)
    return _figures(year, span, data, now, today)
