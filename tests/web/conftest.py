"""Fixtures of the web application's tests: the app on a migrated database (each kind in
turn) through Starlette's test client, and a running bot with its site on a real port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from common.config import Config
from web.app import create_app
from web.site import Site


@pytest.fixture
def site(db: Engine, config: Config) -> Site:
    return Site(engine=db, config=config)


@pytest.fixture
def client(site: Site) -> Iterator[TestClient]:
    with TestClient(create_app(site), raise_server_exceptions=False) as test_client:
        yield test_client
