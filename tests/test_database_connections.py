"""How the engine treats PostgreSQL: connections the server closed, and text it refuses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import select

from db.engine import make_engine, transaction
from db.models import Citizen
from tests.conftest import PG_URL, Kent, _postgres_engine


@pytest.fixture
def pg() -> Iterator[Engine]:
    yield from _postgres_engine()


def test_a_connection_the_server_closed_is_replaced(pg: Engine) -> None:
    with pg.connect() as connection:
        old = connection.execute(text("SELECT pg_backend_pid()")).scalar()
    # Back in the pool: now the server ends it, as a restart or an administrator would.
    admin = make_engine(PG_URL)
    try:
        with admin.connect() as connection:
            # With a timeout, the call returns only once the backend has exited, so its
            # goodbye has been sent to the pooled socket. (Polling pg_stat_activity instead
            # was flaky: a transaction keeps its first snapshot of that view.)
            assert connection.execute(
                text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": old}
            ).scalar(), "the backend did not end"
    finally:
        admin.dispose()
    with transaction(pg) as session:
        new = session.execute(text("SELECT pg_backend_pid()")).scalar()
    assert new is not None and new != old


def test_text_parameters_stay_untyped_for_postgresql_to_cast(pg: Engine) -> None:
    """Dropping NUL must not type every string as text: PostgreSQL casts an untyped
    parameter to what it is compared with (a timestamp, a number)."""
    with transaction(pg) as session:
        assert session.execute(text("SELECT now() > :day"), {"day": "2020-01-01"}).scalar()
        assert session.execute(text("SELECT 1 = :one"), {"one": "1"}).scalar()
        assert session.execute(text("SELECT :word"), {"word": "a\x00b"}).scalar() == "ab"


def test_a_nul_character_in_a_message_gets_an_answer_not_an_error(kent: Kent) -> None:
    """PostgreSQL refuses NUL in text: the engine drops it (SQLite keeps it as it is)."""
    ayse = kent.citizen()
    ayse.send("/takip \x00\x01\x7f")
    ayse.wait_message(contains="numaralı bir talebiniz bulunmuyor")
    with transaction(kent.engine) as session:
        session.add(Citizen(telegram_id=5_550_001, first_name="Ay\x00şe"))
    with transaction(kent.engine) as session:
        stored = session.exec(select(Citizen).where(Citizen.first_name == "Ay\x00şe")).all()
        names = [c.first_name for c in stored]
    assert names == (["Ayşe"] if kent.engine.dialect.name == "postgresql" else ["Ay\x00şe"])
