"""Start and idle (issue 7, point 6).

Launches `kentbot run` as a subprocess (KENTBOT_TOKEN set, --api-url pointing at the
emulator started separately, a fresh database) and times, from the launch, the first
Bot API call and the first getUpdates seen in the emulator's call log; then reads the
process's resident memory (VmRSS in /proc/<pid>/status) after it has idled. Repeated
--n times with a new database each time, plus once more against the database the last
run left behind (a restart, with nothing to migrate). For the breakdown it also times
`import bot.app` alone in a fresh interpreter.

    .venv/bin/python -m bench.startup [--db sqlite|postgresql] [--n 3] [--idle 5]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from pathlib import Path

from bench.common import (
    PYTHON,
    REPO,
    Database,
    World,
    database,
    emulator,
    heading,
    parser,
    proc_rss_mb,
    terminate,
    wait_for_call,
)

TARGET_SECONDS = 2.0
TARGET_MB = 120
KENTBOT = str(Path(PYTHON).parent / "kentbot")


def launch(world: World, db: Database, idle: float) -> dict[str, float]:
    world.emu.post("reset")
    world.emu.create_bot(token=world.token, username="kentbot_bench")
    env = {**os.environ, "KENTBOT_TOKEN": world.token, "KENTBOT_LOG_LEVEL": "WARNING"}
    started = time.time()
    proc = subprocess.Popen(
        [KENTBOT, "run", "--api-url", world.api_url, "--database-url", db.url],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        polled = wait_for_call(world.emu, "getUpdates", 60, proc)
        first = world.emu.calls()[0]
        time.sleep(idle)
        rss = proc_rss_mb(proc.pid)
        time.sleep(idle)
        rss_later = proc_rss_mb(proc.pid)
    finally:
        terminate(proc, timeout=20)
    return {
        "first_call": first["time"] - started,
        "get_updates": polled["time"] - started,
        "rss": rss,
        "rss_later": rss_later,
        "first_method": first["method"],
    }


def import_seconds() -> tuple[float, float]:
    code = (
        "import time; t = time.perf_counter(); import bot.cli, bot.app; "
        "e = time.perf_counter() - t; "
        "rss = [l for l in open('/proc/self/status') if l.startswith('VmRSS')][0]; "
        "print(e, int(rss.split()[1]) / 1024)"
    )
    out = subprocess.run(
        [PYTHON, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[0]), float(out[1])


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--n", type=int, default=3, help="launches, each on a fresh database")
    p.add_argument("--idle", type=float, default=5.0, help="seconds idle before reading RSS")
    args = p.parse_args()
    heading(
        "start and idle: kentbot run",
        db=args.db,
        launches=args.n,
        targets=f"first getUpdates < {TARGET_SECONDS} s, idle RSS < {TARGET_MB} MB",
    )
    runs: list[dict[str, float]] = []
    with emulator(staff_groups=False) as world:
        for n in range(args.n):
            with database(args.db) as db:
                run = launch(world, db, args.idle)
                runs.append(run)
                print(
                    f"   fresh database #{n + 1}: first call ({run['first_method']}) after "
                    f"{run['first_call']:.2f} s, first getUpdates after "
                    f"{run['get_updates']:.2f} s; RSS {run['rss']:.0f} MB after "
                    f"{args.idle:g} s idle, {run['rss_later']:.0f} MB after {2 * args.idle:g} s"
                )
                if n == args.n - 1:
                    again = launch(world, db, args.idle)
                    print(
                        f"   restart on that database: first getUpdates after "
                        f"{again['get_updates']:.2f} s; RSS {again['rss']:.0f} MB"
                    )
    seconds, rss = import_seconds()
    print(f"   `import bot.cli, bot.app` alone: {seconds:.2f} s, {rss:.0f} MB resident")
    median = statistics.median(r["get_updates"] for r in runs)
    memory = statistics.median(r["rss_later"] for r in runs)
    print(
        f"-- median over {len(runs)} fresh starts: first getUpdates after {median:.2f} s "
        f"(target < {TARGET_SECONDS} s); idle RSS {memory:.0f} MB (target < {TARGET_MB} MB)"
    )


if __name__ == "__main__":
    main()
