"""A migrated database with config's reference data, made once per test run and copied
for each test that asks for one (the `db` and `pg` fixtures). Migrating took a quarter of
a second a test on SQLite and half a second on PostgreSQL, a third of the whole suite;
a copy takes milliseconds. The copy is the migrated database itself: a SQLite file copied
byte for byte, a PostgreSQL schema as pg_dump writes it (tables, indexes, constraints,
sequences and rows). Tests of the migrations themselves still run them (`engine`)."""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings
from functools import cached_property
from pathlib import Path

from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError

from bot.app import prepare_database
from common.config import Config
from tests.databases import PG_URL, postgres_engine, sqlite_engine

# Where the template's schema name stood in its dump.
_SCHEMA = "__template_schema__"


class Template:
    def __init__(self, sqlite: Path, config: Config) -> None:
        self.sqlite = sqlite
        self.config = config

    @cached_property
    def postgres(self) -> str | None:
        """The PostgreSQL schema's script; made on first use (not every run needs it), and
        None when pg_dump is missing, so each copy is migrated instead."""
        return _postgres_script(self.config)

    def copy_into(self, engine: Engine) -> None:
        """Make the empty database `engine` (a test's SQLite file, not yet opened, or its
        PostgreSQL schema) the migrated one."""
        if engine.dialect.name == "sqlite":
            target = Path(str(engine.url.database))
            if target.exists():  # opened already: nothing may be copied under it
                prepare_database(engine, self.config)
                return
            shutil.copyfile(self.sqlite, target)
            return
        script = self.postgres
        if script is None:
            prepare_database(engine, self.config)
            return
        try:
            with engine.begin() as connection:
                schema = connection.exec_driver_sql("SELECT current_schema()").scalar_one()
                driver = connection.connection.driver_connection
                assert driver is not None
                # One round trip; with no parameters psycopg sends it as one simple query.
                driver.execute(script.replace(_SCHEMA, f'"{schema}"'))
        except DBAPIError as refused:
            # A dump the server cannot read (a setting newer than the server, say): its
            # transaction undid all of it, and from now on each copy is migrated.
            warnings.warn(f"the dump does not replay, each test migrates: {refused}", stacklevel=1)
            self.__dict__["postgres"] = None
            prepare_database(engine, self.config)


def sqlite_template(folder: Path, config: Config) -> Template:
    engine = sqlite_engine(folder)
    prepare_database(engine, config)
    engine.dispose()
    return Template(folder / "kentbot.sqlite", config)


def _postgres_script(config: Config) -> str | None:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        return None
    url = make_url(PG_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    for engine in postgres_engine():  # a schema of its own, dropped afterwards
        prepare_database(engine, config)
        with engine.connect() as connection:
            schema = connection.exec_driver_sql("SELECT current_schema()").scalar_one()
        engine.dispose()
        dumped = subprocess.run(
            [pg_dump, "--no-owner", "--no-privileges", "--inserts", "--schema", schema, url],
            capture_output=True,
            text=True,
        )
    if dumped.returncode != 0:  # a pg_dump older than the server, say: migrate each copy
        warnings.warn(f"pg_dump failed, each test migrates: {dumped.stderr.strip()}", stacklevel=1)
        return None
    dump = dumped.stdout
    # psql's own commands (\restrict) are no SQL, the copy's schema exists already, and
    # pg_dump 17 sets transaction_timeout, which an older server does not know; nothing
    # else goes, as a line of a text may start with anything.
    skipped = ("\\", "CREATE SCHEMA ", "SET transaction_timeout")
    kept = [line for line in dump.splitlines() if not line.startswith(skipped)]
    # The dump's settings (search_path among them) end with the copy.
    return re.sub(rf"\b{schema}\b", _SCHEMA, "\n".join(kept)) + "\nRESET ALL;\n"
