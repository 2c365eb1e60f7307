"""A metropolitan year (issue #19): 11,000,000 requests with their events and survey
answers, loaded with PostgreSQL's COPY, then every figure the issue sets a target for.

Generates --requests requests created over 2025 (Istanbul time) by channel in the seed's
proportions (tests/builders.py SEED_2023), with every topic of config.toml (so every
department), ~85 % answered and ~68 % resolved (bench.indicators.request_rows, the
generator the other benchmarks use), a `created` event each, an `answered` and a
`resolved` event where they were, and a satisfaction answer for one resolved request in
ten. They stream to three `COPY … FROM STDIN` (the events and answers through temporary
files, since one connection copies into one table at a time): no list of rows in memory.
Then `VACUUM (ANALYZE)`, as autovacuum would leave the tables.

Then, on that database: the size of each table per million requests; core.indicators'
compute() for a day, a month and the year from raw rows, and from the stored snapshots
(refresh_snapshots once, as the nightly job); the dashboard's pages through the ASGI app
(bench.dashboard's timing); the citizen's paths (filing, the request list, a staff
answer), their statements and time, beside the same at 10,000 requests (a fresh schema);
and core.imports.import_requests of two generated CSVs of --import-rows rows, one in order
of arrival and one shuffled, each into the loaded year (the first's rows are deleted
before the second).

    .venv/bin/python -m bench.metropolitan [--requests 11000000] [--database-url URL]
        [--replica] [--import-rows 1000000] [--rounds 50] [--keep]

Everything goes into fresh schemas of that database (search_path in the URL), dropped at
the end unless --keep. With --replica the benchmark starts a PostgreSQL primary and a
streaming replica of its own (tests/replica_pair.py: initdb, pg_basebackup -R, temporary
directories, other ports on 127.0.0.1), loads the primary, and times every read twice: on
the primary, and on the replica as KENTBOT_READ_DATABASE_URL would send it there (writes,
the citizen's paths and the import, stay on the primary).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from psycopg.copy import LibpqWriter
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from bench.common import Database, heading, parser, prepared
from bench.dashboard import TARGET_MS, p95, timed
from bench.import_requests import write_csv
from bench.indicators import request_rows
from common.config import Config, load_config
from core import imports, indicators, staff, workflow
from core.filing import Filing, file_request
from core.periods import Period, local_midnight, period
from core.working_time import WorkingCalendar
from db.engine import make_engine, transaction
from db.models import Citizen
from db.replica import Reads
from db.types import utcnow
from tests.builders import SEED_2023
from tests.replica_pair import bin_dir, caught_up, streaming_pair
from web.app import create_app
from web.site import Site

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/kentbot_metro"
YEAR = 2025
SMALL = 10_000
TARGET_RAW_YEAR_S = 5.0
TARGET_SNAPSHOT_MS = 50.0
TARGET_IMPORT_S = 60.0  # for 1,000,000 rows
IMPORT_TARGET_ROWS = 1_000_000
BATCH = 5_000  # rows per write to a COPY
NULL = r"\N"
REQUEST_COLUMNS = (
    "id, number, channel, type, category_code, department_code, citizen_id, text, status, "
    "created_at, first_response_at, resolved_at, due_at, updated_at"
)


# --- a fresh schema of the given database ----------------------------------------------------


def in_schema(url: str, schema: str) -> str:
    """`url` with its search_path set to `schema` (the replica's URL too: same schema)."""
    joined = "&" if "?" in url else "?"
    return f"{url}{joined}options={quote(f'-csearch_path={schema}')}"


@contextmanager
def scratch(url: str, keep: bool) -> Iterator[tuple[Database, str]]:
    """A fresh schema of `url`'s database, migrated, and its name; dropped afterwards
    unless `keep`."""
    schema = f"metro_{uuid.uuid4().hex[:10]}"
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    own = in_schema(url, schema)
    engine = make_engine(own)
    db = Database("postgresql", own, engine)
    try:
        prepared(db, load_config())
        yield db, schema
    finally:
        engine.dispose()
        if keep:
            print(f"   kept schema {schema}")
        else:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


# --- generating and loading with COPY --------------------------------------------------------


def stamp(value: datetime | None) -> str:
    """COPY's text form of an aware UTC datetime, or NULL. A `timestamp without time zone`
    column ignores the "+00:00", so it stores the naive UTC that UTCDateTime reads back;
    isoformat() is twice as fast as strftime(), and this runs seven times a request."""
    return NULL if value is None else value.isoformat(" ")


@dataclass
class Loaded:
    requests: int = 0
    events: int = 0
    answers: int = 0
    # Of the requests' COPY, the time spent in copy.write and the COPY's end (PostgreSQL
    # taking the rows and updating the indexes), the rest being Python generating them.
    waited: float = 0.0
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return self.requests + self.events + self.answers

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def copy_file(cursor: Any, statement: str, handle: IO[str]) -> None:
    handle.seek(0)
    with cursor.copy(statement) as copy:
        while block := handle.read(1 << 20):
            copy.write(block)


def load(engine: Engine, config: Config, count: int, seed: int) -> Loaded:
    """Stream `count` requests, their events and answers into the database with COPY."""
    loaded = Loaded()
    first_day = local_midnight(date(YEAR, 1, 1), config.tz).astimezone(UTC)
    span = int((local_midnight(date(YEAR + 1, 1, 1), config.tz) - first_day).total_seconds())
    with engine.connect() as connection:
        low = 1 + connection.execute(text("SELECT coalesce(max(id), 0) FROM request")).scalar_one()
    rows = request_rows(
        config, low, count, random.Random(seed), first_day, span, SEED_2023["channels"]
    )
    raw = engine.raw_connection()
    try:
        pg: Any = raw.driver_connection
        with (
            tempfile.TemporaryFile("w+", encoding="utf-8") as events,
            tempfile.TemporaryFile("w+", encoding="utf-8") as answers,
            pg.cursor() as cursor,
        ):
            began = time.monotonic()
            with cursor.copy(f"COPY request ({REQUEST_COLUMNS}) FROM STDIN") as copy:
                batch: list[str] = []
                for rid, row in enumerate(rows, low):
                    created, first, resolved = (
                        row["created_at"],
                        row["first_response_at"],
                        row["resolved_at"],
                    )
                    batch.append(
                        f"{rid}\t{row['number']}\t{row['channel']}\t{row['type']}\t"
                        f"{row['category_code']}\t{row['department_code']}\t{NULL}\t"
                        f"{row['text']}\t{row['status']}\t{stamp(created)}\t{stamp(first)}\t"
                        f"{stamp(resolved)}\t{stamp(row['due_at'])}\t{stamp(row['updated_at'])}\n"
                    )
                    events.write(f"{rid}\t{stamp(created)}\tcreated\tcitizen\t{{}}\n")
                    loaded.events += 1
                    if first is not None:
                        events.write(f"{rid}\t{stamp(first)}\tanswered\tstaff\t{{}}\n")
                        loaded.events += 1
                    if resolved is not None:
                        events.write(f"{rid}\t{stamp(resolved)}\tresolved\tstaff\t{{}}\n")
                        loaded.events += 1
                        if rid % 10 == 0:
                            # The seed's satisfaction: nine in ten satisfied (4 or 5).
                            score = 2 if (rid // 10) % 10 == 0 else 4 + (rid // 10) % 2
                            at = stamp(resolved + timedelta(hours=2))
                            answers.write(f"{rid}\t{score}\t{at}\n")
                            loaded.answers += 1
                    loaded.requests += 1
                    if len(batch) == BATCH:
                        waited = time.monotonic()
                        copy.write("".join(batch))
                        loaded.waited += time.monotonic() - waited
                        batch.clear()
                waited = time.monotonic()
                if batch:
                    copy.write("".join(batch))
            loaded.waited += time.monotonic() - waited
            loaded.seconds["requests (generated and copied)"] = time.monotonic() - began
            began = time.monotonic()
            copy_file(
                cursor, "COPY request_event (request_id, at, kind, actor, data) FROM STDIN", events
            )
            loaded.seconds["request events"] = time.monotonic() - began
            began = time.monotonic()
            copy_file(
                cursor,
                "COPY satisfaction_answer (request_id, score, answered_at) FROM STDIN",
                answers,
            )
            loaded.seconds["satisfaction answers"] = time.monotonic() - began
            # The ids were given: the sequence goes on after them, as filing needs.
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('request', 'id'), max(id)) FROM request"
            )
            began = time.monotonic()
            pg.commit()
            loaded.seconds["commit"] = time.monotonic() - began
    finally:
        raw.close()
    began = time.monotonic()
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        for name in ("request", "request_event", "satisfaction_answer"):
            connection.execute(text(f"VACUUM (ANALYZE) {name}"))
    loaded.seconds["VACUUM (ANALYZE)"] = time.monotonic() - began
    return loaded


def show_load(loaded: Loaded) -> None:
    for part, seconds in loaded.seconds.items():
        print(f"   {part:<32} {seconds:7.1f} s")
    print(f"   (of the requests' COPY, {loaded.waited:.1f} s waiting on PostgreSQL)")
    print(
        f"-- loaded {loaded.requests:,} requests, {loaded.events:,} events, "
        f"{loaded.answers:,} answers = {loaded.rows:,} rows in {loaded.total_seconds:.1f} s "
        f"({loaded.rows / loaded.total_seconds:,.0f} rows/s, "
        f"{loaded.requests / loaded.total_seconds:,.0f} requests/s)",
        flush=True,
    )


def sizes(engine: Engine, requests: int) -> None:
    per_million = requests / 1_000_000
    total = 0
    with engine.connect() as connection:
        for name in ("request", "request_event", "satisfaction_answer"):
            table, everything = connection.execute(
                text("SELECT pg_relation_size(:t), pg_total_relation_size(:t)"), {"t": name}
            ).one()
            total += everything
            print(
                f"   {name:<20} {everything / 2**20:9.1f} MB (table {table / 2**20:.1f} MB, "
                f"indexes and TOAST {(everything - table) / 2**20:.1f} MB) = "
                f"{everything / 2**20 / per_million:.1f} MB per million requests"
            )
        database = connection.execute(text("SELECT pg_database_size(current_database())")).scalar()
    print(
        f"-- the three tables: {total / 2**30:.2f} GB = {total / 2**20 / per_million:.0f} MB per "
        f"million requests (the whole database, other schemas too: "
        f"{(database or 0) / 2**30:.2f} GB)",
        flush=True,
    )


# --- the indicators, raw and from snapshots --------------------------------------------------


def spans(config: Config) -> dict[str, Period]:
    return {
        "day": period("day", date(YEAR, 6, 17), config.tz),
        "month": period("month", date(YEAR, 6, 1), config.tz),
        "year": period("year", date(YEAR, 6, 1), config.tz),
    }


def timings(run: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """(first, median of the next `repeat`) seconds."""
    times = []
    for _ in range(repeat + 1):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return times[0], statistics.median(times[1:])


def raw_times(engine: Engine, config: Config, repeat: int) -> float:
    """Prints compute()'s times for a day, a month and the year from raw rows read through
    `engine`; returns the year's median (seconds)."""

    def raw(span: Period) -> Callable[[], Any]:
        def run() -> Any:
            with transaction(engine) as session:
                return indicators.compute(session, config, span)

        return run

    year_raw = 0.0
    for name, span in spans(config).items():
        cold, warm = timings(raw(span), repeat)
        with transaction(engine) as session:
            figures = indicators.compute(session, config, span)
        target = f"target < {TARGET_RAW_YEAR_S:g} s, ratio {warm / TARGET_RAW_YEAR_S:.2f}"
        print(
            f"   raw {name:<6} first {cold:7.3f} s, median {warm:7.3f} s "
            f"({figures.requests_total:,} requests)" + (f"; {target}" if name == "year" else ""),
            flush=True,
        )
        if name == "year":
            year_raw = warm
    return year_raw


def nightly(engine: Engine, config: Config) -> None:
    """The nightly job's snapshots (on the primary: it writes), and the timed periods' own
    where the job does not keep them, as a first view would store them."""
    now = utcnow()
    began = time.monotonic()
    with transaction(engine) as session:
        refreshed = indicators.refresh_snapshots(session, config, now)
    print(
        f"   the nightly job (refresh_snapshots, {len(refreshed)} periods) took "
        f"{time.monotonic() - began:.1f} s",
        flush=True,
    )
    with transaction(engine) as session:
        for span in spans(config).values():
            if indicators.stored(session, span.kind, span.start) is None:
                indicators.store_snapshot(session, config, span, now)


def snapshot_times(engine: Engine, config: Config, repeat: int) -> None:
    for name, span in spans(config).items():

        def read(span: Period = span) -> Any:
            with transaction(engine) as session:
                found = indicators.snapshot(session, span.kind, span.start)
            assert found is not None
            return found

        cold, warm = timings(read, max(repeat, 10))
        print(
            f"   snapshot {name:<6} first {cold * 1000:6.1f} ms, median {warm * 1000:6.2f} ms; "
            f"target < {TARGET_SNAPSHOT_MS:g} ms, ratio {warm * 1000 / TARGET_SNAPSHOT_MS:.3f}",
            flush=True,
        )


def explained(engine: Engine, config: Config, span: Period) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of every statement compute() sends that reads requests,
    their events or the answers, slowest first."""
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if any(t in statement for t in (" request", "satisfaction_answer")):
            captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        with transaction(engine) as session:
            indicators.compute(session, config, span)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    plans = []
    with engine.connect() as connection:
        for statement, parameters in captured:
            rows = connection.exec_driver_sql(
                "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters
            ).all()
            lines = [str(row[0]) for row in rows]
            took = next((line for line in lines if line.startswith("Execution Time")), "")
            ms = float(took.split(":")[1].split()[0]) if took else 0.0
            plans.append((ms, " ".join(statement.split()), lines))
    for ms, statement, lines in sorted(plans, reverse=True):
        print(f"   -- {ms:.0f} ms: {statement[:160]}")
        for line in lines[:30]:
            print(f"      {line}")


# --- the dashboard ---------------------------------------------------------------------------


def dashboard_times(site: Site, rounds: int) -> None:
    worst = 0.0
    with TestClient(create_app(site)) as client:
        for path in ("/", f"/{YEAR}", "/en/", f"/veri/{YEAR}.csv"):
            client.get(path)  # templates compiled, connections pooled, first view stored
            times = timed(client, path, rounds)
            high = p95(times)
            worst = max(worst, high)
            print(
                f"   GET {path:<16} p50 {statistics.median(times):6.1f} ms  p95 {high:6.1f} ms; "
                f"target < {TARGET_MS:.0f} ms, ratio {high / TARGET_MS:.2f}"
            )
    print(f"-- worst p95 {worst:.1f} ms: ratio {worst / TARGET_MS:.2f} of the target", flush=True)


# --- the citizen's own paths -----------------------------------------------------------------

CITIZEN_TELEGRAM_ID = 7_700_000_001
STAFF_TELEGRAM_ID = 7_700_000_002


@dataclass
class PathCost:
    statements: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


def citizen_paths(engine: Engine, config: Config, rounds: int) -> dict[str, PathCost]:
    """Statements and time of one transaction each (what a handler opens: the citizen or
    staff member looked up, the core call, the commit): (a) filing a request in the chat,
    (b) the citizen's list (/taleplerim), (c) a staff member answering that request."""
    calendar = WorkingCalendar.from_config(config)
    category = config.categories[0]
    with transaction(engine) as session:
        citizen = Citizen(
            telegram_id=CITIZEN_TELEGRAM_ID, first_name="Ayşe", language="tr", consent_at=utcnow()
        )
        session.add(citizen)
        session.flush()
        citizen_id = citizen.id
        staff.upsert(session, STAFF_TELEGRAM_ID, "staff", category.department, name="Mehmet")
    filing = Filing(
        channel="telegram", type="sikayet", category_code=category.code, text="Çöp toplanmadı."
    )
    counted = [0]

    def count(*_: Any) -> None:
        counted[0] += 1

    costs = {name: PathCost() for name in ("file", "list", "answer")}

    @contextmanager
    def measured(name: str) -> Iterator[None]:
        counted[0] = 0
        began = time.perf_counter()
        yield
        costs[name].seconds.append(time.perf_counter() - began)
        costs[name].statements.append(counted[0])

    event.listen(engine, "before_cursor_execute", count)
    try:
        # Round 0 warms up (the year's number counter is created, the pool filled) and is
        # left out.
        for round_ in range(rounds + 1):
            if round_ == 1:
                costs = {name: PathCost() for name in costs}
            with measured("file"), transaction(engine) as session:
                owner = session.get(Citizen, citizen_id)
                request, _ = file_request(session, calendar, filing, owner)
                request_id = request.id
            assert request_id is not None
            with measured("list"), transaction(engine) as session:
                owner = session.get(Citizen, citizen_id)
                assert owner is not None
                listed, total = workflow.list_for_citizen(session, owner)
            assert listed and total >= 1
            with measured("answer"), transaction(engine) as session:
                workflow.staff_action(
                    session,
                    request_id,
                    staff.active_member(session, STAFF_TELEGRAM_ID),
                    "answer",
                    "Ekibimiz yönlendirildi.",
                )
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return costs


def show_paths(big: int, at_big: dict[str, PathCost], at_small: dict[str, PathCost]) -> None:
    names = {
        "file": "(a) filing (core.filing.file_request)",
        "list": "(b) /taleplerim (workflow.list_for_citizen)",
        "answer": "(c) staff answer (workflow.staff_action)",
    }
    print(f"   {'':<46} {f'at {SMALL:,}':>24}   {f'at {big:,}':>24}   time ratio")
    for key, name in names.items():
        small, large = at_small[key], at_big[key]
        s_ms, l_ms = (statistics.median(c.seconds) * 1000 for c in (small, large))
        s_n = "/".join(str(n) for n in sorted(set(small.statements)))
        l_n = "/".join(str(n) for n in sorted(set(large.statements)))
        print(
            f"   {name:<46} {s_n:>4} statements {s_ms:6.2f} ms   "
            f"{l_n:>4} statements {l_ms:6.2f} ms   x{l_ms / s_ms:.2f}"
        )


# --- the import ------------------------------------------------------------------------------


@contextmanager
def copies_timed(spent: dict[str, float]) -> Iterator[None]:
    """Adds to spent["COPY (sending, PostgreSQL)"] the time psycopg's COPYs spend handing
    their buffers to the server and waiting for it, the rest of a COPY being Python
    making its rows (SQLAlchemy's statement events do not see a COPY)."""
    write, finish = LibpqWriter.write, LibpqWriter.finish
    what = "COPY (sending, PostgreSQL)"

    def timed(method: Callable[..., None]) -> Callable[..., None]:
        def run(self: LibpqWriter, *args: Any) -> None:
            began = time.perf_counter()
            try:
                method(self, *args)
            finally:
                spent[what] = spent.get(what, 0.0) + time.perf_counter() - began

        return run

    LibpqWriter.write = timed(write)  # type: ignore[method-assign]
    LibpqWriter.finish = timed(finish)  # type: ignore[method-assign]
    try:
        yield
    finally:
        LibpqWriter.write = write  # type: ignore[method-assign]
        LibpqWriter.finish = finish  # type: ignore[method-assign]


def import_time(engine: Engine, config: Config, rows: int) -> None:
    """Two files of `rows` rows: one in order of arrival, as another system exports them
    (written while it is read), and one shuffled (read whole and sorted first). Each goes
    into the loaded year as it was: what the first added is deleted before the second."""
    with engine.connect() as connection:
        loaded = connection.execute(text("SELECT coalesce(max(id), 0) FROM request")).scalar_one()
    for in_order, seed in ((True, 7), (False, 8)):
        print(f"   -- a file {'in order of arrival' if in_order else 'shuffled'}", flush=True)
        import_one(engine, config, rows, in_order, seed)
        if not in_order:
            break  # the last: nothing to delete for
        began = time.monotonic()
        with engine.connect() as connection:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.execute(text(f"DELETE FROM request_event WHERE request_id > {loaded}"))
            connection.execute(text(f"DELETE FROM request WHERE id > {loaded}"))
            for name in ("request", "request_event"):
                connection.execute(text(f"VACUUM (ANALYZE) {name}"))
        print(f"   (its rows deleted again in {time.monotonic() - began:.1f} s)", flush=True)


def import_one(engine: Engine, config: Config, rows: int, in_order: bool, seed: int) -> None:
    with tempfile.TemporaryDirectory(prefix="kentbench-") as tmp:
        path = Path(tmp) / f"requests-{YEAR}.csv"
        began = time.monotonic()
        write_csv(path, rows, config, seed, in_order=in_order)
        print(
            f"   wrote {path.name}: {rows:,} rows, {path.stat().st_size / 2**20:.0f} MB in "
            f"{time.monotonic() - began:.1f} s",
            flush=True,
        )
        spent: dict[str, float] = {}
        started: list[float] = []

        def before(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            started.append(time.perf_counter())

        def after(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            what = " ".join(statement.split()[:3])
            spent[what] = spent.get(what, 0.0) + time.perf_counter() - started.pop()

        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
        began = time.monotonic()
        try:
            with copies_timed(spent):
                report = imports.import_requests(engine, config, path)
        finally:
            seconds = time.monotonic() - began
            event.remove(engine, "before_cursor_execute", before)
            event.remove(engine, "after_cursor_execute", after)
    print(f"   import_requests said: {report}")
    # Where the time goes: each kind of statement (for an executemany, the driver's
    # binding of every row and the server's work), the rest being Python in core.imports.
    for what, took in sorted(spent.items(), key=lambda item: -item[1])[:4]:
        print(f"   in {what}…: {took:.1f} s ({took / seconds:.0%})")
    outside = seconds - sum(spent.values())
    print(
        f"   outside the statements (reading, checking, hashing, making COPY rows): {outside:.1f} s"
        + (
            " (written while read: a thread feeds the requests' COPY beside the reading, so "
            "the two overlap and this split is not the sum)"
            if in_order
            else ""
        )
    )
    line = (
        f"-- import of {rows:,} rows{' in order' if in_order else ' shuffled'} into the loaded "
        f"database: {seconds:.1f} s = "
        f"{rows / seconds:,.0f} rows/s"
    )
    if rows == IMPORT_TARGET_ROWS:
        print(f"{line}; target < {TARGET_IMPORT_S:g} s, ratio {seconds / TARGET_IMPORT_S:.2f}")
    else:
        guess = seconds * IMPORT_TARGET_ROWS / rows
        print(
            f"{line}; EXTRAPOLATED linearly to {IMPORT_TARGET_ROWS:,} rows (not run): "
            f"{guess:.0f} s, ratio {guess / TARGET_IMPORT_S:.2f} of the {TARGET_IMPORT_S:g} s "
            "target"
        )


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{os.cpu_count()} CPUs, load average {one:.2f} {five:.2f} {fifteen:.2f}"


# --- main ------------------------------------------------------------------------------------


def run(args: argparse.Namespace, config: Config, replica_url: str | None) -> None:
    with scratch(args.database_url, args.keep) as (small, _):
        show_load(load(small.engine, config, SMALL, seed=1))
        at_small = citizen_paths(small.engine, config, args.paths)
    with scratch(args.database_url, args.keep) as (big, schema):
        print(f"== load {args.requests:,} requests", flush=True)
        loaded = load(big.engine, config, args.requests, seed=2)
        show_load(loaded)
        sizes(big.engine, args.requests)
        # The reads' engines: the primary alone, and the replica when there is one (the same
        # schema there, a hot standby that refuses writes).
        readers = {"primary": big.engine}
        if replica_url:
            readers["replica"] = make_engine(in_schema(replica_url, schema))
            took = caught_up(big.engine, readers["replica"])
            print(f"   the replica replayed the load {took:.1f} s after the primary ended it")
        year_raw = 0.0
        for where, reader in readers.items():
            print(f"== indicators from raw rows, read on the {where}", flush=True)
            year_raw = max(year_raw, raw_times(reader, config, args.repeat))
        nightly(big.engine, config)
        for where, reader in readers.items():
            if where == "replica":
                caught_up(big.engine, reader)
            print(f"== indicators from the snapshots, read on the {where}", flush=True)
            snapshot_times(reader, config, args.repeat)
        if year_raw > TARGET_RAW_YEAR_S or args.explain:
            print("== EXPLAIN (ANALYZE, BUFFERS) of the year's statements", flush=True)
            explained(big.engine, config, spans(config)["year"])
        for where, reader in readers.items():
            print(
                f"== the dashboard's pages ({args.rounds} GETs each), read on the {where}",
                flush=True,
            )
            reads = None
            if reader is not big.engine:
                # As `kentbot run` with KENTBOT_READ_DATABASE_URL: writes (a first view's
                # snapshot) on the primary, reads on the replica while it is fit.
                reads = Reads(big.engine, reader, max_lag=timedelta(hours=1), check_every=3600)
                assert reads.check(), "the replica is not fit for reads"
            dashboard_times(Site(engine=big.engine, config=config, reads=reads), args.rounds)
        print("== the citizen's paths: statements and median time per transaction", flush=True)
        show_paths(args.requests, citizen_paths(big.engine, config, args.paths), at_small)
        if args.import_rows:
            print("== core.imports.import_requests", flush=True)
            import_time(big.engine, config, args.import_rows)
        for reader in readers.values():
            if reader is not big.engine:
                reader.dispose()


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--requests", type=int, default=11_000_000, help="requests of the year")
    p.add_argument("--database-url", default=DEFAULT_URL, help="a PostgreSQL database of yours")
    p.add_argument(
        "--replica",
        action="store_true",
        help="start a primary and its streaming replica (pg_basebackup -R) in temporary "
        "directories instead of --database-url, and time the reads on both",
    )
    p.add_argument("--import-rows", type=int, default=IMPORT_TARGET_ROWS, help="0: no import")
    p.add_argument("--rounds", type=int, default=50, help="GETs of each dashboard page")
    p.add_argument("--paths", type=int, default=7, help="rounds of the citizen's paths")
    p.add_argument("--repeat", type=int, default=3, help="timed runs of each indicator period")
    p.add_argument("--explain", action="store_true", help="EXPLAIN the year even if in time")
    p.add_argument("--keep", action="store_true", help="keep the schemas")
    args = p.parse_args()
    config = load_config()
    if args.replica:
        programs = bin_dir()
        if programs is None:
            raise SystemExit("--replica needs PostgreSQL's server programs (pg_basebackup)")
        pair = streaming_pair(programs)
    heading(
        "a metropolitan year",
        db="a primary and its replica of their own" if args.replica else args.database_url,
        requests=f"{args.requests:,} over {YEAR}, channels as in the seed of 2023",
        small=f"{SMALL:,} requests for the citizen's paths' comparison",
        import_rows=f"{args.import_rows:,}",
        machine=load_average(),
    )
    if args.replica:
        with pair as started:
            args.database_url = started.primary_url
            run(args, config, started.replica_url)
    else:
        run(args, config, None)
    print(f"-- at the end: {load_average()}")


if __name__ == "__main__":
    main()
