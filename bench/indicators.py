"""Indicators at scale (issue 7, point 4).

Generates requests spread over five years (2021-2025; channels, types and categories
from config.toml, about 85 % with a first response, a "created" event each, a
satisfaction answer for one resolved request in ten), 20,000 council events with
200,000 registrations (10 per event, 60 % attended) over the same years, 5,760
memberships and 3 years of call-centre days, all with SQLAlchemy Core bulk inserts,
then runs ANALYZE.

`core.indicators.compute` is timed for the year 2025 and for the whole range, first at
--small requests (100,000) and again after growing the table to --n (1,000,000). Each
measurement runs in a fresh process, so its peak resident memory (ru_maxrss) and
tracemalloc's peak are those of the computation alone: 1 cold run, then the median of 3.

    .venv/bin/python -m bench.indicators [--db sqlite|postgresql] [--n 1000000]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, insert, text
from sqlmodel import SQLModel

from bench.common import PYTHON, REPO, database, heading, parser, prepared
from common.config import Config, load_config
from core import codes
from db.engine import make_engine
from db.models import (
    CallCentreDay,
    Citizen,
    CouncilEvent,
    Membership,
    Registration,
    Request,
    RequestEvent,
    SatisfactionAnswer,
)

FIRST_DAY = datetime(2021, 1, 1, tzinfo=UTC)
SPAN_SECONDS = int((datetime(2026, 1, 1, tzinfo=UTC) - FIRST_DAY).total_seconds()) - 86_400
CHUNK = 20_000
TARGET_SECONDS = 2.0
TARGET_MB = 300
# Shares of codes.CHANNELS, in its order.
DEFAULT_CHANNEL_WEIGHTS = [30, 40, 10, 6, 2, 4, 3, 1, 1, 1, 1, 1]


def table(model: type[SQLModel]) -> Table:
    return SQLModel.metadata.tables[str(model.__tablename__)]


def chunked(rows: Iterator[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def bulk(engine: Any, model: type[SQLModel], rows: Iterator[dict[str, Any]]) -> int:
    count = 0
    statement = insert(table(model))
    with engine.begin() as connection:
        for batch in chunked(rows):
            connection.execute(statement, batch)
            count += len(batch)
    return count


# --- generators ------------------------------------------------------------------------------


def request_rows(
    config: Config,
    start: int,
    count: int,
    rng: random.Random,
    first_day: datetime = FIRST_DAY,
    span_seconds: int = SPAN_SECONDS,
    channel_weights: dict[str, int] | None = None,
) -> Iterator[dict[str, Any]]:
    """Requests numbered from `start`; each year's numbers stay unique (YYYY-NNNNNNN).

    Created at random over `span_seconds` from `first_day`, by channel in the proportions
    of `channel_weights` (bench.metropolitan passes the seed's; default: every channel)."""
    categories = [(c.code, c.department, c.sla_hours) for c in config.categories]
    channels = list(channel_weights or codes.CHANNELS)
    weights = list(channel_weights.values()) if channel_weights else DEFAULT_CHANNEL_WEIGHTS
    types = list(codes.REQUEST_TYPES)
    for n in range(start, start + count):
        created = first_day + timedelta(seconds=rng.randrange(span_seconds))
        category, department, sla = rng.choice(categories)
        answered = rng.random() < 0.85
        first = created + timedelta(minutes=rng.randrange(10, 60 * 24 * 10)) if answered else None
        resolved = (
            first + timedelta(hours=rng.randrange(0, 72)) if first and rng.random() < 0.8 else None
        )
        yield {
            "number": f"{created.year}-B{n:08d}",
            "channel": rng.choices(channels, weights)[0],
            "type": rng.choice(types),
            "category_code": category,
            "department_code": department,
            "citizen_id": None,
            "text": "Bench talep metni",
            "status": "resolved" if resolved else "answered" if first else "new",
            "created_at": created,
            "first_response_at": first,
            "resolved_at": resolved,
            "due_at": created + timedelta(hours=sla * 3),
            "import_key": None,
            "updated_at": resolved or first or created,
        }


def grow_requests(engine: Any, config: Config, start: int, count: int, seed: int) -> float:
    """Adds `count` requests, a "created" event each, and answers for 1 in 10 resolved."""
    began = time.monotonic()
    requests, events, answers = table(Request), table(RequestEvent), table(SatisfactionAnswer)
    with engine.begin() as connection:
        low = (
            1
            + connection.execute(
                text(f"SELECT coalesce(max(id), 0) FROM {requests.name}")
            ).scalar_one()
        )
    bulk(engine, Request, request_rows(config, start, count, random.Random(seed)))
    with engine.begin() as connection:
        connection.execute(
            text(
                f"INSERT INTO {events.name} (request_id, at, kind, actor, data) "
                f"SELECT id, created_at, 'created', 'citizen', '{{}}' FROM {requests.name} "
                f"WHERE id >= :low"
            ),
            {"low": low},
        )
        connection.execute(
            text(
                f"INSERT INTO {answers.name} (request_id, score, answered_at) "
                f"SELECT id, 1 + (id % 5), resolved_at FROM {requests.name} "
                f"WHERE id >= :low AND resolved_at IS NOT NULL AND id % 10 = 0"
            ),
            {"low": low},
        )
    return time.monotonic() - began


def council_and_calls(engine: Any, config: Config, seed: int) -> None:
    rng = random.Random(seed)
    assemblies = [a.code for a in config.assemblies]
    people = 20_000
    bulk(
        engine,
        Citizen,
        (
            {
                "telegram_id": 500_000_000 + n,
                "first_name": f"Üye{n}",
                "language": "tr",
                "consent_at": FIRST_DAY,
                "created_at": FIRST_DAY,
            }
            for n in range(people)
        ),
    )
    with engine.begin() as connection:
        first_citizen = connection.execute(
            text(f"SELECT min(id) FROM {table(Citizen).name}")
        ).scalar_one()
    bulk(
        engine,
        Membership,
        (
            {
                "assembly_code": assemblies[n % 6],
                "citizen_id": first_citizen + n,
                "joined_at": FIRST_DAY + timedelta(days=n % 1500),
            }
            for n in range(6 * 960)
        ),
    )

    def events() -> Iterator[dict[str, Any]]:
        for n in range(20_000):
            starts = FIRST_DAY + timedelta(seconds=rng.randrange(SPAN_SECONDS))
            yield {
                "assembly_code": assemblies[n % 6],
                "title": f"Etkinlik {n}",
                "description": "",
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=2),
                "place": "Kültür Merkezi",
                "capacity": 50,
                "registered": 10,
                "last_seq": 10,
                "revision": 0,
                "members_only": False,
                "created_at": starts,
            }

    bulk(engine, CouncilEvent, events())
    with engine.begin() as connection:
        first_event = connection.execute(
            text(f"SELECT min(id) FROM {table(CouncilEvent).name}")
        ).scalar_one()

    def registrations() -> Iterator[dict[str, Any]]:
        for event in range(20_000):
            for seq, person in enumerate(rng.sample(range(people), 10), 1):
                yield {
                    "event_id": first_event + event,
                    "citizen_id": first_citizen + person,
                    "status": "attended" if rng.random() < 0.6 else "no_show",
                    "seq": seq,
                    "code": f"{event:06d}{seq:02d}",
                    "created_at": FIRST_DAY,
                }

    bulk(engine, Registration, registrations())
    first_day = date(2023, 1, 1)

    def days() -> Iterator[dict[str, Any]]:
        for n in range(3 * 365 + 1):
            information, application, missed = (
                rng.randrange(200, 600),
                rng.randrange(50, 200),
                rng.randrange(0, 60),
            )
            yield {
                "day": first_day + timedelta(days=n),
                "information": information,
                "application": application,
                "missed": missed,
                "total": information + application + missed,
            }

    bulk(engine, CallCentreDay, days())


def analyze(engine: Any) -> None:
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))


# --- the measurement, in a fresh process -----------------------------------------------------


def parts_of(config: Config, span: Any) -> dict[str, Any]:
    """compute()'s aggregates one by one, to see which one the time goes to."""
    from core import council as council_core
    from core import indicators as ind

    return {
        "satisfaction": lambda s: ind._satisfaction(s, span.start, span.end),
        "requests and average response": lambda s: ind._requests(s, span.start, span.end),
        "call centre": lambda s: ind._calls(s, config, span),
        "council events": lambda s: council_core.events_per_assembly(
            s, span.start, span.end, now=span.end
        ),
        "council attendance": lambda s: council_core.attendance(s, span.start, span.end, span.end),
        "council members": lambda s: council_core.members_per_assembly(s, span.end),
    }


def plans(engine: Any, config: Config, span: Any) -> list[str]:
    """The database's plan for every statement compute() sends that reads `request`."""
    from sqlalchemy import event

    from core.indicators import compute
    from db.engine import transaction

    statements: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if " request" in statement and "request_event" not in statement:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    with transaction(engine) as session:
        compute(session, config, span)
    event.remove(engine, "before_cursor_execute", capture)
    explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    shown = []
    with engine.connect() as connection:
        for statement, parameters in statements:
            rows = connection.exec_driver_sql(explain + statement, parameters).all()
            plan = " / ".join(str(row[-1]).strip() for row in rows)
            shown.append(f"{' '.join(statement.split())[:90]}... => {plan[:400]}")
    return shown


def measure(url: str, repeat: int) -> dict[str, Any]:
    from core.indicators import compute
    from core.periods import between, period
    from db.engine import transaction

    config = load_config()
    engine = make_engine(url)
    spans = {
        "year 2025": period("year", date(2025, 6, 1), config.tz),
        "2021-2025": between(date(2021, 1, 1), date(2025, 12, 31), config.tz),
    }
    result: dict[str, Any] = {}
    tracemalloc.start()
    for name, span in spans.items():
        times = []
        for _ in range(repeat + 1):
            began = time.perf_counter()
            with transaction(engine) as session:
                figures = compute(session, config, span)
            times.append(time.perf_counter() - began)
        result[name] = {
            "cold": times[0],
            "median": statistics.median(times[1:]),
            "requests": figures.requests_total,
            "events": figures.council_events_total,
            "calls": figures.calls_total,
        }
    result["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    year = spans["year 2025"]
    result["parts"] = {}
    for part, run in parts_of(config, year).items():
        times = []
        for _ in range(repeat):
            began = time.perf_counter()
            with transaction(engine) as session:
                run(session)
            times.append(time.perf_counter() - began)
        result["parts"][part] = statistics.median(times)
    result["plans"] = plans(engine, config, year)
    engine.dispose()
    return result


def measured(url: str, repeat: int) -> dict[str, Any]:
    out = subprocess.run(
        [PYTHON, "-m", "bench.indicators", "--measure", url, "--repeat", str(repeat)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def show(rows: int, result: dict[str, Any]) -> None:
    print(f"-- {rows:,} requests")
    for name in ("year 2025", "2021-2025"):
        r = result[name]
        print(
            f"   {name:<10} cold {r['cold']:.3f} s, warm median {r['median']:.3f} s "
            f"({r['requests']:,} requests, {r['events']:,} council events, "
            f"{r['calls']:,} calls in the period)"
        )
    print(
        f"   peak memory of the measuring process: {result['maxrss_mb']:.0f} MB resident "
        f"(ru_maxrss), {result['tracemalloc_peak_mb']:.1f} MB Python allocations "
        f"(tracemalloc)"
    )
    print(
        "   a year, aggregate by aggregate (warm median): "
        + ", ".join(f"{part} {seconds:.3f} s" for part, seconds in result["parts"].items())
    )
    for plan in result["plans"]:
        print(f"   plan: {plan}")


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--n", type=int, default=1_000_000, help="requests in the end")
    p.add_argument("--small", type=int, default=100_000, help="requests at the first timing")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--measure", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.repeat)))
        return
    heading(
        "indicators at scale",
        db=args.db,
        requests=f"{args.small:,} then {args.n:,}",
        council="20,000 events, 200,000 registrations, 5,760 memberships",
        call_centre="3 years of days",
        targets=f"< {TARGET_SECONDS} s for a year, < {TARGET_MB} MB",
    )
    config = load_config()
    results: dict[int, dict[str, Any]] = {}
    with database(args.db) as db:
        prepared(db, config)
        began = time.monotonic()
        council_and_calls(db.engine, config, seed=1)
        print(f"   generated the council and call-centre rows in {time.monotonic() - began:.1f} s")
        made = 0
        for rows in (args.small, args.n):
            if rows <= made:
                continue
            seconds = grow_requests(db.engine, config, made, rows - made, seed=rows)
            analyze(db.engine)
            print(
                f"   generated {rows - made:,} requests (+ events, answers) in {seconds:.1f} s "
                f"({(rows - made) / seconds:,.0f} rows/s)",
                flush=True,
            )
            made = rows
            results[rows] = measured(db.url, args.repeat)
            show(rows, results[rows])
    if len(results) == 2:
        small, large = (results[k] for k in sorted(results))
        for name in ("year 2025", "2021-2025"):
            print(
                f"-- growth {name}: x{large[name]['median'] / small[name]['median']:.1f} time "
                f"for x{args.n / args.small:.0f} rows"
            )
    final = results[max(results)]
    print(
        f"-- at {max(results):,} rows: a year in {final['year 2025']['median']:.2f} s warm, "
        f"{final['year 2025']['cold']:.2f} s cold (target < {TARGET_SECONDS} s); peak "
        f"{final['maxrss_mb']:.0f} MB (target < {TARGET_MB} MB)"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
