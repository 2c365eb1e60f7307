"""Departments and categories are read once per process, and afresh after a sync."""

from __future__ import annotations

import asyncio

from sqlalchemy.engine import Engine
from sqlmodel import select

from common.config import Config
from core.reference_data import sync_reference_data
from db import reference
from db.engine import autocommit, one_connection, transaction, without_blocking
from db.models import Category, Department
from tests.databases import statements

FEN = "Fen İşleri Müdürlüğü"
RENAMED = "Fen ve Yapı İşleri Müdürlüğü"


def _renamed(config: Config) -> Config:
    fen = config.departments[0]
    assert fen.code == "fen" and fen.name.tr == FEN
    fen = fen.model_copy(update={"name": fen.name.model_copy(update={"tr": RENAMED})})
    return config.model_copy(update={"departments": [fen, *config.departments[1:]]})


def _fen(db: Engine) -> str:
    with transaction(db) as session:
        department = reference.get(session, Department, "fen")
        assert department is not None
        return department.name_tr


def test_read_once_by_every_kind_of_transaction_until_the_next_sync(
    db: Engine, config: Config
) -> None:
    with statements(db) as sql:
        for _update in range(2):
            with one_connection(db), transaction(db) as session:
                category = reference.get(session, Category, "yol")
                assert category is not None and category.department_code == "fen"
                assert reference.get(session, Department, category.department_code) is not None
        with transaction(db) as session:
            assert reference.get(session, Category, "cop") is not None
            assert reference.get(session, Category, "no_such_topic") is None
            assert reference.get(session, Category, None) is None
        with autocommit(db) as session:
            codes = {c.code for c in reference.every(session, Category)}
        assert sql == ["SELECT", "SELECT"]  # one per type, for the whole process
    assert {"yol", "cop"} <= codes
    with transaction(db) as session:
        sync_reference_data(session, _renamed(config))
    assert _fen(db) == RENAMED


def test_what_is_read_while_a_sync_is_under_way_is_read_again_after_it(
    db: Engine, config: Config
) -> None:
    """Forgotten when the sync commits, not when it starts: an update reading meanwhile
    gets the old rows (not yet committed), and must not keep them afterwards."""
    with transaction(db) as session:
        sync_reference_data(session, _renamed(config))
        session.flush()
        if db.dialect.name == "postgresql":  # SQLite would wait for the writer's lock
            assert _fen(db) == FEN
    assert _fen(db) == RENAMED


def test_a_sessions_own_rows_are_neither_handed_out_nor_let_go(db: Engine) -> None:
    """The rows kept are the process's own copies: a transaction changing its department
    keeps its change, whatever reads the same department meanwhile."""
    with transaction(db) as session:
        own = session.exec(select(Department).where(Department.code == "fen")).one()
        own.name_en = "Public Works"
        shared = reference.get(session, Department, "fen")
        assert shared is not None and shared is not own and own in session
    with transaction(db) as session:
        stored = session.exec(select(Department).where(Department.code == "fen")).one()
        assert stored.name_en == "Public Works"


def test_the_non_blocking_driver_shares_the_rows_and_forgets_them_with_its_engine(
    db: Engine, config: Config
) -> None:
    """On PostgreSQL updates read through the engine's twin (db.engine.here)."""

    async def read() -> str:
        return _fen(db)

    assert asyncio.run(without_blocking(db, read())) == FEN
    with statements(db) as sql:
        assert _fen(db) == FEN
    assert sql == []  # what the twin read serves the blocking driver too
    with transaction(db) as session:
        sync_reference_data(session, _renamed(config))
    assert asyncio.run(without_blocking(db, read())) == RENAMED
