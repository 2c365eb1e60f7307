"""Creating and upgrading the schema with Alembic, from code (no alembic.ini needed)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


def head_revision() -> str | None:
    """The revision `upgrade` brings a database to."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def schema_problem(engine: Engine) -> str | None:
    """Why `engine`'s database cannot be read as Kent Bot's, or None when it can.

    Read-only: for commands that only read (reports), which must not create or
    migrate a database that someone named by mistake.
    """
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return "it has no Kent Bot tables (run `kentbot db upgrade` to create them)"
        current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    if current is None:
        return "it has no Kent Bot tables (run `kentbot db upgrade` to create them)"
    head = head_revision()
    if current != head:
        return (
            f"its schema is at revision {current}, this kentbot expects {head} "
            "(run `kentbot db upgrade`)"
        )
    return None
