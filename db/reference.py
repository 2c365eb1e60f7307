"""Departments and categories from memory: read once per process and database.

They change only when config.toml is synced (core.reference_data), and the bot reads
config.toml only when it starts; the sync calls `forget` once it has committed. Every
filing step, card and notice reads them, so a query each time was a good part of a
citizen's update. The rows handed out are detached and shared by every caller: read
them, never change them. They belong to no session (a session's own rows stay its own),
so code that changes them must load them with a query of its own.
"""

from __future__ import annotations

from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from db.models import Category, Department

Row = TypeVar("Row", Category, Department)

# Per database (the sync engine: a PostgreSQL engine's non-blocking twin shares its rows),
# each type's rows by primary key, once the type was read whole.
_rows: WeakKeyDictionary[Engine, dict[type, dict[str, Any]]] = WeakKeyDictionary()
_origins: WeakKeyDictionary[Engine, Engine] = WeakKeyDictionary()


def same_database(twin: Engine, engine: Engine) -> None:
    """`twin` reaches the database `engine` does: they share what is kept here."""
    _origins[twin] = engine


def get(session: Session, entity: type[Row], code: str | None) -> Row | None:
    """The row with this code, or None."""
    if code is None:
        return None
    return _all(session, entity).get(code)


def every(session: Session, entity: type[Row]) -> list[Row]:
    """Every row of the type, the inactive ones too, in no particular order."""
    return list(_all(session, entity).values())


def forget(engine: Engine) -> None:
    """The rows changed (a sync committed): read them afresh on next use."""
    _rows.pop(_origins.get(engine, engine), None)


def _all(session: Session, entity: type[Row]) -> dict[str, Row]:
    engine = session.get_bind().engine
    kept = _rows.setdefault(_origins.get(engine, engine), {})
    rows = kept.get(entity)
    if rows is None:
        # One query for the whole type: there are tens of them, and a screen of topics
        # needs them all anyway. Read as plain columns, so that the session's own rows
        # (which the caller may be changing) are neither touched nor handed out.
        table = entity.__table__  # type: ignore[attr-defined]
        loaded = [entity(**row._mapping) for row in session.execute(select(*table.columns))]
        rows = kept[entity] = {row.code: row for row in loaded}
    return rows
