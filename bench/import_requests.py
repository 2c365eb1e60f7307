"""Import (issue 7, point 5): `kentbot import requests` of a year's worth of rows.

Writes a CSV of --n rows (150,000 by default: a year of the seed's volume) received over
2025 in Istanbul time, by the other channels, with every type and category of
config.toml, 80 % with a first response and 60 % resolved, and varied texts; migrates a
fresh database; then times the CLI in a subprocess (interpreter start, schema check and
import: what a user waits for), and times importing the same file again (everything is
found already imported, nothing is added).

With --source-ids the file carries a source_id column (the call centre's id of each row),
and a third run imports a corrected re-export of it: every tenth row's text fixed, so as
many requests are corrected in place, each with an event (issue #19).

    .venv/bin/python -m bench.import_requests [--db sqlite|postgresql] [--n 150000]
                                              [--source-ids]
"""

from __future__ import annotations

import csv
import random
import resource
import subprocess
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bench.common import PYTHON, REPO, database, heading, parser, prepared
from common.config import Config, load_config
from core import codes
from db.engine import transaction
from db.models import Request, RequestEvent

TARGET_SECONDS = 30.0
KENTBOT = str(Path(PYTHON).parent / "kentbot")
WORDS = (
    "çöp",
    "konteyner",
    "sokak",
    "lamba",
    "yol",
    "çukur",
    "park",
    "ağaç",
    "kaldırım",
    "otobüs",
    "durak",
    "gürültü",
    "su",
    "kanal",
    "köpek",
    "bank",
    "tabela",
    "ışık",
)


# With --source-ids, the share of rows the corrected re-export changes: one in CORRECTED.
CORRECTED = 10


def write_csv(
    path: Path,
    rows: int,
    config: Config,
    seed: int = 7,
    *,
    source_ids: bool = False,
    corrected: bool = False,
    in_order: bool = False,
) -> None:
    """The same rows for the same seed; `corrected` fixes the text of every CORRECTED-th.
    They are received at random times of the year, listed in that random order unless
    `in_order` (as another system exports them: in order of arrival, rows of the same
    minute in the order generated)."""
    rng = random.Random(seed)
    channels = [c for c in codes.CHANNELS if c != "telegram"]
    types = list(codes.REQUEST_TYPES)
    categories = [c.code for c in config.categories]
    first_day = datetime(2025, 1, 1)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "received_at",
                "channel",
                "type",
                "category",
                "text",
                "first_response_at",
                "resolved_at",
                *(["source_id"] if source_ids else []),
            ]
        )
        for n in range(rows):
            received = first_day + timedelta(seconds=rng.randrange(365 * 86_400 - 30 * 86_400))
            first = (
                received + timedelta(hours=rng.randrange(1, 200)) if rng.random() < 0.8 else None
            )
            resolved = (
                (first or received) + timedelta(hours=rng.randrange(0, 100))
                if first and rng.random() < 0.75
                else None
            )
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(4, 20)))
            if corrected and n % CORRECTED == 0:
                text += " (düzeltildi)"
            writer.writerow(
                [
                    received.strftime("%Y-%m-%d %H:%M"),
                    rng.choice(channels),
                    rng.choice(types),
                    rng.choice(categories),
                    f"{text} (kayıt {n})",
                    first.strftime("%Y-%m-%d %H:%M") if first else "",
                    resolved.isoformat(sep=" ", timespec="minutes") if resolved else "",
                    *([f"CC-{n}"] if source_ids else []),
                ]
            )
    if in_order:
        # The received time leads each line as "YYYY-MM-DD HH:MM", so text order is time
        # order; the sort is stable. No text here holds a line break.
        header, *lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        lines.sort(key=lambda line: line[:16])
        path.write_text(header + "".join(lines), encoding="utf-8")


def run_import(path: Path, url: str) -> tuple[float, str]:
    began = time.monotonic()
    done = subprocess.run(
        [KENTBOT, "import", "requests", str(path), "--database-url", url],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    seconds = time.monotonic() - began
    if done.returncode != 0:
        raise RuntimeError(f"kentbot import failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds, done.stdout.strip()


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--n", type=int, default=150_000, help="rows in the file")
    p.add_argument(
        "--source-ids",
        action="store_true",
        help="give the rows a source_id and import a corrected re-export as well",
    )
    args = p.parse_args()
    heading(
        "kentbot import requests",
        db=args.db,
        rows=f"{args.n:,}",
        target=f"< {TARGET_SECONDS:g} s on SQLite",
    )
    config = load_config()
    with tempfile.TemporaryDirectory(prefix="kentbench-") as tmp, database(args.db) as db:
        path = Path(tmp) / "requests-2025.csv"
        began = time.monotonic()
        write_csv(path, args.n, config, source_ids=args.source_ids)
        print(
            f"   wrote {path.name} ({path.stat().st_size / 2**20:.1f} MB) in "
            f"{time.monotonic() - began:.1f} s"
        )
        prepared(db, config)
        seconds, said = run_import(path, db.url)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        again, said_again = run_import(path, db.url)
        if args.source_ids:
            fixed = Path(tmp) / "requests-2025-corrected.csv"
            write_csv(fixed, args.n, config, source_ids=True, corrected=True)
            corrected, said_corrected = run_import(fixed, db.url)
        with transaction(db.engine) as session:
            stored = session.execute(select(func.count()).select_from(Request)).scalar_one()
            events = session.execute(select(func.count()).select_from(RequestEvent)).scalar_one()
    print(f"   kentbot said: {said}")
    print(
        f"-- first import: {seconds:.1f} s = {args.n / seconds:,.0f} rows/s "
        f"(target < {TARGET_SECONDS:g} s); peak RSS of the import process {peak:.0f} MB; "
        f"stored {stored:,} requests and {events:,} events"
    )
    print(f"-- same file again: {again:.1f} s; kentbot said: {said_again}")
    if args.source_ids:
        print(f"-- corrected re-export: {corrected:.1f} s; kentbot said: {said_corrected}")


if __name__ == "__main__":
    main()
