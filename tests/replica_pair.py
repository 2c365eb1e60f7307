"""A PostgreSQL primary and a streaming hot standby made from it with `pg_basebackup -R`,
each in a temporary data directory on its own port on 127.0.0.1: what the replica test
(tests/e2e/test_replica_e2e.py) and the metropolitan benchmark (bench/metropolitan.py
--replica) read from. Needs PostgreSQL's server programs (Debian's postgresql package)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from web.server import free_port

Run = Callable[..., subprocess.CompletedProcess[str]]


def bin_dir() -> Path | None:
    """Where pg_ctl, initdb and pg_basebackup are, or None without them."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_basebackup"))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_basebackup")
    return Path(on_path).parent if on_path else None


@dataclass
class Pair:
    primary_url: str
    replica_url: str
    run: Run
    replica_dir: Path
    replica_port: int
    bin: Path
    log: Path


def _as_postgres(programs: Path) -> Run:
    """PostgreSQL's servers refuse to run as root: as root, run them as `postgres`."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def run(program: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*prefix, str(programs / program), *args],
            check=True,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run


@contextmanager
def streaming_pair(programs: Path) -> Iterator[Pair]:
    """Starts the primary (initdb, trust auth, user postgres) and its replica; stops both
    and removes their directories at the end."""
    run = _as_postgres(programs)
    base = Path(tempfile.mkdtemp(prefix="kentbot-replica-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    primary, replica = base / "primary", base / "replica"
    primary_port, replica_port = free_port(), free_port()
    options = "-c listen_addresses=127.0.0.1 -k {dir} -p {port}"
    run("initdb", "-D", str(primary), "-A", "trust", "-U", "postgres", "--no-sync")
    try:
        run(
            "pg_ctl", "-D", str(primary), "-l", str(base / "primary.log"), "-w",
            "-o", options.format(dir=base, port=primary_port), "start",
        )  # fmt: skip
        run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary_port), "-U", "postgres",
            "-D", str(replica), "-R", "-X", "stream", "--no-sync",
        )  # fmt: skip
        run(
            "pg_ctl", "-D", str(replica), "-l", str(base / "replica.log"), "-w",
            "-o", options.format(dir=base, port=replica_port), "start",
        )  # fmt: skip
        yield Pair(
            primary_url=f"postgresql://postgres@127.0.0.1:{primary_port}/postgres",
            replica_url=f"postgresql://postgres@127.0.0.1:{replica_port}/postgres",
            run=run,
            replica_dir=replica,
            replica_port=replica_port,
            bin=programs,
            log=base / "replica.log",
        )
    finally:
        for data in (replica, primary):
            subprocess.run(
                [*(["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []),
                 str(programs / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                capture_output=True, timeout=60,
            )  # fmt: skip
        shutil.rmtree(base, ignore_errors=True)


def caught_up(primary: Engine, replica: Engine, seconds: float = 600) -> float:
    """Waits until the replica has replayed everything the primary had written when called;
    returns how long that took."""
    began = time.monotonic()
    with primary.connect() as connection:
        target = connection.execute(text("SELECT pg_current_wal_lsn()")).scalar_one()
    while True:
        with replica.connect() as connection:
            behind = connection.execute(
                text("SELECT pg_wal_lsn_diff(:target, pg_last_wal_replay_lsn()) > 0"),
                {"target": target},
            ).scalar_one()
        if not behind:
            return time.monotonic() - began
        if time.monotonic() - began > seconds:
            raise TimeoutError(f"the replica did not catch up in {seconds:g} s")
        time.sleep(0.2)
