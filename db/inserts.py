"""Inserting a row unless its key exists already, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.dml import Insert
from sqlmodel import Session


def insert_unless_exists(
    session: Session, model: Any, key: str | tuple[str, ...], rows: list[dict[str, Any]]
) -> Insert:
    """INSERT … ON CONFLICT (key) DO NOTHING, `key` being the columns of a primary key or a
    unique constraint: two transactions inserting the same key at once both succeed, and
    one row results. Needs no savepoint, so it works in autocommit too. Returned for the
    caller to add RETURNING to, and execute."""
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    columns = [key] if isinstance(key, str) else list(key)
    return insert(model).values(rows).on_conflict_do_nothing(index_elements=columns)
