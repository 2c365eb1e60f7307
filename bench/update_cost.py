"""Per-update cost of Kent Bot against the framework floor (issue 7, point 1).

N simulated citizens go through the complete complaint flow (KVKK, topic with its type,
text, location, photo, continue, phone, send: 9 updates each, 7 of them answered) against
the emulator with its flood limits off; then a bare python-telegram-bot echo bot is
driven through the same number of updates, with the same concurrency, against the same
emulator (reset in between). Both bots run in their own process; the drivers and the
emulator share this one.

Printed: updates per second for both and their ratio, the bot process's CPU time per
update (the cost that does not depend on how fast the drivers are), and the latency per
step (a person's action to the bot's first message or edit in that chat, read from the
emulator's event log) at a paced 50 updates per second.

    .venv/bin/python -m bench.update_cost [--db sqlite|postgresql] [--n 200]
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.common import (
    BotProcess,
    Database,
    Pacer,
    Person,
    World,
    database,
    describe_ms,
    emulator,
    file_complaint,
    heading,
    machine_cpu_seconds,
    new_citizen,
    parser,
    percentile,
    postgres_cpu_seconds,
    prepared,
    proc_cpu_seconds,
    run_workers,
)
from common.config import load_config

# The answered steps; the location and the photo (before continue) get no answer.
STEPS = ("/talep", "KVKK accept", "topic", "text", "continue", "phone", "send")
ECHO_MESSAGES = 9


@dataclass
class Phase:
    updates: int = 0
    seconds: float = 0.0
    cpu: float = 0.0
    emulator_cpu: float = 0.0
    driver_cpu: float = 0.0
    postgres_cpu: float = 0.0
    machine_busy: float = 0.0
    machine_all: float = 0.0
    latencies: list[float] = field(default_factory=list)
    by_step: dict[int, list[float]] = field(default_factory=dict)
    failures: list[BaseException] = field(default_factory=list)
    late: int = 0

    @property
    def rate(self) -> float:
        return self.updates / self.seconds if self.seconds else float("nan")

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.cpu / self.updates if self.updates else float("nan")


def measure(
    world: World,
    bot: BotProcess,
    people: int,
    concurrency: int,
    one: Callable[[Person, Callable[[], None]], None],
    pacer: Pacer | None,
    timeout: float,
) -> Phase:
    phase = Phase()
    lock = threading.Lock()
    pace: Callable[[], None] = pacer if pacer is not None else (lambda: None)

    def work(i: int) -> None:
        person = new_citizen(world.emu, i)
        one(person, pace)
        with lock:
            phase.updates += person.updates
            phase.latencies += person.latencies
            for n, value in enumerate(person.latencies):
                phase.by_step.setdefault(n, []).append(value)

    emu0, own0 = proc_cpu_seconds(world.proc.pid), time.process_time()
    pg0, (busy0, all0) = postgres_cpu_seconds(), machine_cpu_seconds()
    cpu0, t0 = bot.cpu(), time.monotonic()
    phase.failures = run_workers(concurrency, work, people, timeout)
    phase.seconds, phase.cpu = time.monotonic() - t0, bot.cpu() - cpu0
    phase.emulator_cpu = proc_cpu_seconds(world.proc.pid) - emu0
    phase.driver_cpu = time.process_time() - own0
    phase.postgres_cpu = postgres_cpu_seconds() - pg0
    busy1, all1 = machine_cpu_seconds()
    phase.machine_busy, phase.machine_all = busy1 - busy0, all1 - all0
    phase.late = pacer.late if pacer is not None else 0
    return phase


def kent_flow(person: Person, pace: Callable[[], None]) -> None:
    file_complaint(person, pace)


def echo_flow(person: Person, pace: Callable[[], None]) -> None:
    for n in range(ECHO_MESSAGES):
        pace()
        person.step("send_message", f"merhaba {person.id} {n}", text=f"merhaba {person.id} {n}")


def run_bot(
    world: World,
    kind: str,
    db: Database | None,
    args: argparse.Namespace,
    one: Callable[[Person, Callable[[], None]], None],
) -> tuple[Phase, Phase, dict]:
    n, concurrency = args.n, args.concurrency
    rate, paced_people = args.rate, args.paced
    bot = BotProcess(world, kind, db, rate_limit=args.rate_limit).start()
    try:
        measure(world, bot, 3, 3, one, None, 60)  # warm-up: imports, caches, connections
        busy = measure(world, bot, n, concurrency, one, None, args.timeout)
        paced = (
            measure(
                world, bot, paced_people, args.paced_concurrency, one, Pacer(rate), args.timeout
            )
            if paced_people
            else Phase()
        )
    finally:
        result = bot.stop()
    return busy, paced, result


def report(name: str, busy: Phase, paced: Phase, result: dict, rate: float) -> None:
    print(f"-- {name}")
    print(
        f"   throughput: {busy.updates} updates in {busy.seconds:.1f} s = "
        f"{busy.rate:.1f} updates/s; bot CPU {busy.cpu_ms:.2f} ms/update"
    )
    print(
        f"   CPU busy while driven flat out: bot {100 * busy.cpu / busy.seconds:.0f} %, "
        f"emulator {100 * busy.emulator_cpu / busy.seconds:.0f} %, simulated people "
        f"{100 * busy.driver_cpu / busy.seconds:.0f} %, PostgreSQL "
        f"{100 * busy.postgres_cpu / busy.seconds:.0f} % (of one core each); the machine "
        f"{100 * busy.machine_busy / busy.machine_all:.0f} % busy over all its cores"
    )
    print(
        f"   paced at {rate:g}/s: {paced.updates} updates in {paced.seconds:.1f} s "
        f"({paced.rate:.1f}/s achieved, {paced.late} slots late); latency "
        f"{describe_ms(paced.latencies)}"
    )
    print(
        f"   bot CPU while paced: {paced.cpu_ms:.2f} ms/update; handler errors: "
        f"{result.get('errors')}; driver failures: {len(busy.failures) + len(paced.failures)}"
    )
    if "statements" in result:
        updates = busy.updates + paced.updates + 3 * ECHO_MESSAGES  # with the warm-up
        print(
            f"   database per update: {result['statements'] / updates:.1f} SQL statements, "
            f"{result['checkouts'] / updates:.2f} connection checkouts; most frequent:"
        )
        for sql, count in result["top_statements"]:
            print(f"     {count / updates:5.2f}  {sql}")
    for failure in (busy.failures + paced.failures)[:3]:
        print(f"   failure: {failure!r}"[:300])


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--n", type=int, default=200, help="citizens (9 updates each)")
    p.add_argument("--concurrency", type=int, default=16, help="citizens acting at once")
    p.add_argument("--rate", type=float, default=50.0, help="paced updates per second")
    p.add_argument("--paced", type=int, default=100, help="citizens in the paced phase")
    p.add_argument("--paced-concurrency", type=int, default=10)
    p.add_argument(
        "--rate-limit",
        action="store_true",
        help="Kent Bot with its production rate limiter (30 sends/s)",
    )
    p.add_argument("--timeout", type=float, default=300, help="seconds per phase at most")
    args = p.parse_args()
    heading(
        "update cost: Kent Bot vs bare python-telegram-bot echo bot",
        db=args.db,
        citizens=args.n,
        concurrency=args.concurrency,
        paced=f"{args.rate:g} updates/s",
        rate_limiter="on" if args.rate_limit else "off (flood limits off too)",
    )
    config = load_config()
    with database(args.db) as db, emulator() as world:
        prepared(db, config)
        kent_busy, kent_paced, kent_result = run_bot(world, "kent", db, args, kent_flow)
        world.emu.reset()
        world.emu.create_bot(token=world.token, username="echo_bench", first_name="Echo")
        echo_args = type(args)(**vars(args))
        echo_args.n = kent_busy.updates // ECHO_MESSAGES
        echo_args.paced = kent_paced.updates // ECHO_MESSAGES
        echo_busy, echo_paced, echo_result = run_bot(world, "echo", None, echo_args, echo_flow)
        world.emu.reset()
        world.emu.create_bot(token=world.token, username="echo_bench", first_name="Echo")
        echo_args.paced = 0
        same_busy, _, _ = run_bot(world, "echo-aiohttp", None, echo_args, echo_flow)
    report("Kent Bot (complete complaint flow)", kent_busy, kent_paced, kent_result, args.rate)
    for n, values in sorted(kent_paced.by_step.items()):
        name = STEPS[n] if n < len(STEPS) else str(n)
        print(
            f"     step {n + 1:2} {name:<14} median {1000 * statistics.median(values):6.1f} ms"
            f"  p99 {1000 * percentile(values, 99):6.1f} ms"
        )
    report("bare echo bot", echo_busy, echo_paced, echo_result, args.rate)
    print("-- ratios (Kent Bot / echo bot)")
    print(
        f"   cost per update by throughput: {echo_busy.rate / kent_busy.rate:.2f}x (target <= 2x)"
    )
    print(f"   cost per update by bot CPU time: {kent_busy.cpu_ms / echo_busy.cpu_ms:.2f}x")
    print("-- like for like: the echo bot on Kent Bot's HTTP client (bot/transport.py)")
    print(
        f"   throughput: {same_busy.updates} updates in {same_busy.seconds:.1f} s = "
        f"{same_busy.rate:.1f} updates/s; bot CPU {same_busy.cpu_ms:.2f} ms/update"
    )
    print(
        f"   Kent Bot / this echo bot: by throughput {same_busy.rate / kent_busy.rate:.2f}x, "
        f"by bot CPU time {kent_busy.cpu_ms / same_busy.cpu_ms:.2f}x"
    )
    kent_ms = [v * 1000 for v in kent_paced.latencies]
    print(
        f"   Kent Bot latency at {args.rate:g}/s: median "
        f"{statistics.median(kent_ms) if kent_ms else float('nan'):.1f} ms (target < 20), "
        f"p99 {percentile(kent_ms, 99):.1f} ms (target < 100)"
    )


if __name__ == "__main__":
    main()
