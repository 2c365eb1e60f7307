"""Goal 4.3.1 (the employment centre) against the seed: components that add up to the
2023 and 2024-H1 figures of docs/indicators.md ("Goal 4.3.1") are bulk-inserted once per
database (load_employment_seed, tests/builders.py), and the indicators give the seed's
figures back to the digit, except where the seed contradicts itself (registered firms,
explained there)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from babel.numbers import format_decimal
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.app import prepare_database
from common.config import Config
from core.employment import events, indicators
from core.periods import Period, period
from tests.builders import IST, load_employment_seed, seed_periods
from tests.databases import postgres_engine, sqlite_engine


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, config: Config
) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = sqlite_engine(tmp_path_factory.mktemp("employment"))
        prepare_database(engine, config)
        load_employment_seed(engine)
        yield engine
        engine.dispose()
        return
    for engine in postgres_engine():
        prepare_database(engine, config)
        load_employment_seed(engine)
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
