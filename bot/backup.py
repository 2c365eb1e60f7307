"""`kentbot backup FILE` and `kentbot restore FILE`: the whole database, in one file.

* SQLite: sqlite3's online backup API copies the database page by page in one step,
  under a read transaction. In WAL mode readers do not block writers, so the bot may go
  on writing meanwhile; the copy is the database as it was when the step began, never a
  half-written transaction. The copy is a plain self-contained SQLite file (journal mode
  DELETE, no -wal beside it), checked with `PRAGMA quick_check`.
* PostgreSQL: `pg_dump -Fc` (the custom format, compressed, for `pg_restore`) and
  `pg_restore --clean --if-exists --single-transaction`, found on PATH, against the
  configured URL. The password goes to them through PGPASSWORD, never on the command line
  (where `ps` would show it). They take the whole database, every schema.

Restoring replaces the database. It is refused when the database already holds tables,
unless `--force` is given, and always while a bot runs on the database: restore holds the
leadership lock (bot/leadership.py) for its whole length, so no standby starts leading
over a half-restored database either. The backup's heartbeats (bot/health.py) are
deleted: they belong to the processes that ran when it was taken.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import delete, inspect
from sqlalchemy.engine import URL, Engine

from bot.leadership import leadership_for
from db.models import Heartbeat

SQLITE_HEADER = b"SQLite format 3\x00"
PG_CLIENT_HINT = (
    "install the PostgreSQL client programs of the server's major version or newer "
    "(Debian/Ubuntu: apt install postgresql-client)"
)


class BackupError(Exception):
    """What went wrong, in one line for the operator."""


def sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def _writable_target(file: Path, force: bool) -> None:
    if file.exists() and not force:
        raise BackupError(f"{file} already exists; add --force to overwrite it")
    file.parent.mkdir(parents=True, exist_ok=True)


def backup(engine: Engine, file: Path, force: bool = False) -> str:
    """Write the database to `file`; returns what was done, in one line."""
    _writable_target(file, force)
    if engine.url.get_backend_name() == "sqlite":
        return _sqlite_backup(sqlite_path(engine), file)
    if engine.url.get_backend_name() == "postgresql":
        return _pg_dump(engine.url, file)
    raise BackupError(f"backups of {engine.url.get_backend_name()} databases are not supported")


def restore(engine: Engine, file: Path, force: bool = False) -> str:
    """Replace the database with the backup in `file`; returns what was done, in one line."""
    if not file.is_file():
        raise BackupError(f"no such file: {file}")
    backend = engine.url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(f"restoring {backend} databases is not supported")
    if backend == "sqlite":
        _check_sqlite_file(file)
        target = sqlite_path(engine)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
    lock = leadership_for(engine)
    if not lock.try_acquire():
        raise BackupError(
            f"a bot is running on this database ({lock.describe()}); stop it before restoring"
        )
    try:
        tables = inspect(engine).get_table_names()
        engine.dispose()  # nothing of ours stays connected to what is replaced
        if tables and not force:
            raise BackupError(
                f"the database {_shown(engine.url)} is not empty ({len(tables)} tables); "
                "add --force to replace it with the backup"
            )
        if backend == "sqlite":
            done = _sqlite_restore(file, sqlite_path(engine))
        else:
            done = _pg_restore(engine.url, file)
        _forget_heartbeats(engine)
        return done
    finally:
        lock.release()


def _forget_heartbeats(engine: Engine) -> None:
    """The backup's heartbeats are of processes that ran when it was taken: none runs now
    (restore holds the lock), and a fresh-looking one would make `kentbot status` say so."""
    if inspect(engine).has_table(Heartbeat.__tablename__):
        with engine.begin() as connection:
            connection.execute(delete(Heartbeat))
    engine.dispose()


def _shown(url: URL) -> str:
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    return f"{url.host or 'localhost'}/{url.database}"


# --- SQLite ------------------------------------------------------------------------------------


def _sqlite_backup(source: Path, file: Path) -> str:
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    partial = file.with_name(file.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)  # all pages in one step: one consistent snapshot
            dst.execute("PRAGMA journal_mode=DELETE")  # one file, without a -wal
            _quick_check(dst, partial)
        finally:
            dst.close()
    finally:
        src.close()
    partial.replace(file)
    return f"backed up {source} to {file} ({file.stat().st_size} bytes)"


def _quick_check(connection: sqlite3.Connection, file: Path) -> None:
    result = connection.execute("PRAGMA quick_check").fetchone()
    if not result or result[0] != "ok":
        raise BackupError(f"{file} fails SQLite's integrity check: {result and result[0]}")


def _check_sqlite_file(file: Path) -> None:
    with file.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{file} is not a SQLite backup (a PostgreSQL one needs pg_restore)")
    connection = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
    try:
        _quick_check(connection, file)
    finally:
        connection.close()


def _sqlite_restore(file: Path, target: Path) -> str:
    # Through SQLite rather than a file copy: the target's -wal and -shm stay consistent
    # with what is now in the database.
    src = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target, timeout=30)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")
        finally:
            dst.close()
    finally:
        src.close()
    return f"restored {file} into {target}"


# --- PostgreSQL --------------------------------------------------------------------------------


def libpq_target(url: URL) -> tuple[str, dict[str, str]]:
    """The libpq URI of `url` without its password, and the environment that carries it."""
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    plain = URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )
    return plain.render_as_string(hide_password=False), env


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not on PATH; {PG_CLIENT_HINT}")
    return found


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        # Their last line says why (e.g. "server version mismatch"), in one line.
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        why = lines[-1] if lines else f"exit status {done.returncode}"
        raise BackupError(f"{Path(command[0]).name} failed: {why}")


def _pg_dump(url: URL, file: Path) -> str:
    program = _program("pg_dump")
    uri, env = libpq_target(url)
    partial = file.with_name(file.name + ".partial")
    _run([program, "--format=custom", f"--file={partial}", f"--dbname={uri}"], env)
    partial.replace(file)
    return f"backed up {_shown(url)} to {file} ({file.stat().st_size} bytes)"


def _pg_restore(url: URL, file: Path) -> str:
    program = _program("pg_restore")
    with file.open("rb") as handle:
        if handle.read(5) != b"PGDMP":
            raise BackupError(f"{file} is not a pg_dump -Fc backup")
    uri, env = libpq_target(url)
    _run(
        [
            program,
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--no-owner",
            f"--dbname={uri}",
            str(file),
        ],
        env,
    )
    return f"restored {file} into {_shown(url)}"
