"""Creating and upgrading the schema with Alembic, from code (no alembic.ini needed).

Alembic is imported only when there is work for it: a process that finds its database
already at the head revision (every restart of a running deployment) never loads it,
which keeps about 11 MB of modules out of the bot's resident memory for its lifetime
(bench/README.md, "Start and idle")."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_REVISION = re.compile(r"^(down_)?revision(?::[^=]*)?=\s*['\"]?(\w+)['\"]?", re.M)


def alembic_config(engine: Engine) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def current_revision(engine: Engine) -> str | None:
    """The database's revision, or None for a database Kent Bot never migrated."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        found = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return None if found is None else str(found)


def upgrade(engine: Engine, revision: str = "head") -> None:
    if revision == "head" and current_revision(engine) == head_revision():
        return  # nothing to do: Alembic stays unloaded
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(engine), revision)


@cache
def head_revision() -> str | None:
    """The revision `upgrade` brings a database to: the one no migration revises. Read
    from the migration files' `revision` and `down_revision` lines, so finding it costs
    no Alembic import (tests/unit/test_database.py checks it against Alembic's own)."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for down, value in _REVISION.findall(path.read_text(encoding="utf-8")):
            (revised if down else revisions).add(value)
    heads = sorted(revisions - revised)
    if len(heads) != 1:
        raise RuntimeError(f"the migrations must have one head, they have {heads or 'none'}")
    return heads[0]


def schema_problem(engine: Engine) -> str | None:
    """Why `engine`'s database cannot be read as Kent Bot's, or None when it can.

    Read-only: for commands that only read (reports), which must not create or
    migrate a database that someone named by mistake.
    """
    current = current_revision(engine)
    if current is None:
        return "it has no Kent Bot tables (run `kentbot db upgrade` to create them)"
    head = head_revision()
    if current != head:
        return (
            f"its schema is at revision {current}, this kentbot expects {head} "
            "(run `kentbot db upgrade`)"
        )
    return None
