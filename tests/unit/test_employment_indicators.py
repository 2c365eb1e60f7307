"""Goal 4.3.1 (the employment centre) against the seed: components that add up to the
2023 and 2024-H1 figures of ../shared/INDICATORS.md are bulk-inserted once per database,
and the indicators give the seed's figures back to the digit, except where the seed
contradicts itself (registered firms; docs/indicators.md, "Goal 4.3.1")."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from babel.numbers import format_decimal
from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.app import prepare_database
from common.config import Config
from core.employment import events, indicators
from core.periods import Period, period
from db.engine import transaction
from db.models import CouncilEvent, Employer, JobSeeker, Referral
from tests.builders import IST, seed_periods, table
from tests.databases import postgres_engine, sqlite_engine

# (new CVs, new firms, referrals, people with a job found, people started) per period.
SEED = {"2023": (3538, 209, 30079, 6062, 467), "2024-H1": (1804, 91, 14149, 3104, 339)}
CVS_BEFORE_2023 = 25502 - 3538  # registered CVs at the end of 2023, less its new ones
FIRMS_BEFORE_2023 = 1009 - 209
CHUNK = 10_000


def _spread(span: Period, index: int, count: int) -> datetime:
    seconds = (span.end - span.start).total_seconds()
    return span.start + timedelta(seconds=int(seconds * (index + 0.5) / count))


def _registrations(before: int, spans: list[tuple[Period, int]]) -> list[datetime]:
    first = spans[0][0].start
    times = [first - timedelta(days=1 + index % 700) for index in range(before)]
    for span, count in spans:
        times += [_spread(span, index, count) for index in range(count)]
    return times


def _referral(seeker: int, referred: datetime, **times: datetime | None) -> dict[str, Any]:
    status = "started" if times.get("started_at") else "job_found"
    if not times.get("job_found_at"):
        status = "not_hired"
    return {
        "seeker_id": seeker,
        "status": status,
        "referred_at": referred,
        "updated_at": referred,
        "job_found_at": times.get("job_found_at"),
        "started_at": times.get("started_at"),
    }


def _referrals(year: Period, half: Period) -> list[dict[str, Any]]:
    """2023: 30,079 referrals; 6,062 people found a job (one of them twice) and 467 of them
    started. One referral of late 2023 found its job in January 2024, and one person
    found in 2023 started in February 2024: those two count in 2024-H1, whose own
    referrals bring the rest (3,103 found, 338 started)."""
    rows: list[dict[str, Any]] = []
    _, _, referred, found, started = SEED["2023"]
    for index in range(referred):
        at = _spread(year, index, referred)
        if index < found:
            start = at + timedelta(days=2) if index < started else None
            if index == 5000:  # found in 2023, started in 2024-H1
                start = datetime(2024, 2, 5, 9, tzinfo=IST)
            rows.append(
                _referral(index, at, job_found_at=at + timedelta(hours=1), started_at=start)
            )
        elif index == found:  # the same person as the first: a second job found
            rows.append(_referral(0, at, job_found_at=at + timedelta(hours=1)))
        elif index == referred - 1:  # referred in late December, found in January
            rows.append(_referral(20000, at, job_found_at=datetime(2024, 1, 9, 10, tzinfo=IST)))
        else:
            rows.append(_referral(index % 20000, at))
    _, _, referred, found, started = SEED["2024-H1"]
    for index in range(referred):
        at = _spread(half, index, referred)
        seeker = 21000 + index % 6000
        if index < found - 1:
            start = at + timedelta(days=2) if index < started - 1 else None
            rows.append(
                _referral(seeker, at, job_found_at=at + timedelta(hours=1), started_at=start)
            )
        else:
            rows.append(_referral(seeker, at))
    return rows


def _load(engine: Engine) -> None:
    year, half = seed_periods()
    seekers = _registrations(CVS_BEFORE_2023, [(year, SEED["2023"][0]), (half, SEED["2024-H1"][0])])
    firms = _registrations(FIRMS_BEFORE_2023, [(year, SEED["2023"][1]), (half, SEED["2024-H1"][1])])
    with transaction(engine) as session:
        rows = [
            {"id": n + 1, "registered_at": at, "experience": [], "languages": [], "paused": False}
            for n, at in enumerate(seekers)
        ]
        for start in range(0, len(rows), CHUNK):
            session.execute(insert(table(JobSeeker)), rows[start : start + CHUNK])
        session.execute(
            insert(table(Employer)),
            [{"name": f"Firma {n}", "registered_at": at} for n, at in enumerate(firms)],
        )
        referrals = _referrals(year, half)
        for row in referrals:
            row["seeker_id"] += 1
        for start in range(0, len(referrals), CHUNK):
            session.execute(insert(table(Referral)), referrals[start : start + CHUNK])
        # A training a month in 2023 and 2024, career and vocational in turn, on the
        # council's event engine (no fair before 2025), plus one cancelled: not held.
        session.execute(insert(table(CouncilEvent)), [*TRAININGS, CANCELLED])


def _training(year: int, month: int, cancelled: bool = False) -> dict[str, Any]:
    starts = datetime(year, month, 15, 10, tzinfo=IST)
    return {
        "kind": "career_training" if month % 2 else "vocational_training",
        "assembly_code": None,
        "title": f"Eğitim {month}/{year}",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=3),
        "capacity": 30,
        "created_at": starts - timedelta(days=20),
        "cancelled_at": starts - timedelta(days=2) if cancelled else None,
    }


TRAININGS = [_training(year, month) for year in (2023, 2024) for month in range(1, 13)]
CANCELLED = _training(2023, 6, cancelled=True)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, config: Config
) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = sqlite_engine(tmp_path_factory.mktemp("employment"))
        prepare_database(engine, config)
        _load(engine)
        yield engine
        engine.dispose()
        return
    for engine in postgres_engine():
        prepare_database(engine, config)
        _load(engine)
        yield engine


NOW = datetime(2026, 1, 1, tzinfo=IST)


def _compute(seeded: Engine, config: Config, span: Period) -> indicators.EmploymentIndicators:
    with Session(seeded) as session:
        return indicators.compute(session, config, span, NOW, events.RECORDED)


def test_2023_gives_the_seeds_figures_to_the_digit(seeded: Engine, config: Config) -> None:
    year, _ = seed_periods()
    figures = _compute(seeded, config, year)
    assert (
        figures.people_started,
        figures.people_job_found,
        figures.referrals,
        figures.trainings,
        figures.registered_cvs,
        figures.new_cvs,
        figures.registered_firms,
        figures.new_firms,
    ) == (467, 6062, 30079, 12, 25502, 3538, 1009, 209)
    assert figures.starter_rate is not None
    assert format_decimal(100 * figures.starter_rate, "#,##0.0", locale="tr") == "7,7"
    assert format_decimal(figures.people_job_found, locale="tr") == "6.062"


def test_2024_h1_gives_the_seeds_figures_and_registered_firms_one_consistent_total(
    seeded: Engine, config: Config
) -> None:
    _, half = seed_periods()
    figures = _compute(seeded, config, half)
    assert (
        figures.people_started,
        figures.people_job_found,
        figures.referrals,
        figures.trainings,
        figures.registered_cvs,
        figures.new_cvs,
        figures.new_firms,
    ) == (339, 3104, 14149, 6, 27306, 1804, 91)
    assert figures.starter_rate is not None
    assert format_decimal(100 * figures.starter_rate, "#,##0.0", locale="tr") == "10,9"
    # The seed's 1.218 is 2023's total plus 2023's new firms; a total at the end of a
    # period is its start plus its new ones, as for CVs: 1.009 + 91.
    assert figures.registered_firms == 1009 + 91 == 1100


def test_a_whole_year_of_2024_counts_each_person_once_and_the_totals_carry_on(
    seeded: Engine, config: Config
) -> None:
    figures = _compute(seeded, config, period("year", NOW.date().replace(year=2024), IST))
    assert (figures.registered_cvs, figures.new_cvs, figures.trainings) == (27306, 1804, 12)
    assert figures.job_fair_firms == figures.job_fair_hires == 0


def test_without_an_event_source_trainings_and_the_fair_are_not_recorded(
    seeded: Engine, config: Config
) -> None:
    year, _ = seed_periods()
    with Session(seeded) as session:
        figures = indicators.compute(session, config, year, NOW)
    assert (figures.trainings, figures.job_fair_firms, figures.job_fair_hires) == (None, None, None)
    assert figures.to_dict()["period"]["label"] == "2023"


def test_the_2025_targets_come_from_config(seeded: Engine, config: Config) -> None:
    with Session(seeded) as session:
        figures = indicators.compute(
            session, config, period("year", NOW.date().replace(year=2025), IST), NOW
        )
    assert figures.people_job_found == 0 and figures.starter_rate is None
    assert figures.targets == {
        "starter_rate": 0.107,
        "people_started": 750,
        "people_job_found": 7000,
        "referrals": 35000,
        "trainings": 12,
        "registered_cvs": 31306,
        "new_cvs": 4000,
        "registered_firms": 1438,
        "new_firms": 220,
        "job_fair_firms": 100,
        "job_fair_hires": 300,
    }
    assert figures.target("referrals") == 35000
