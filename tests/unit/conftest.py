"""Fixtures of the unit tests: the working calendar of the configuration, and the seeded
indicator database (tests/builders.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from common.config import Config
from core.working_time import WorkingCalendar
from tests.builders import seeded_engine


@pytest.fixture
def calendar(config: Config) -> WorkingCalendar:
    return WorkingCalendar.from_config(config)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, config: Config
) -> Iterator[Engine]:
    """A migrated database of each kind holding the seed's components, built once per
    test module."""
    yield from seeded_engine(request.param, tmp_path_factory.mktemp("seed"), config)
