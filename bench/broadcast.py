"""Broadcast against Telegram's cap (issue 7, point 3).

The emulator enforces Telegram's flood limits (30 messages/s overall, 1/s per private
chat after a burst of 3, 20/min per group) and Kent Bot runs as in production, with its
rate limiter. 5,760 members (six assemblies of 960) are created in the emulator and the
database (citizens and memberships inserted directly); a coordinator sends
`/duyuru meclis <code> ...` once per assembly (six batches in the outbox at once, which
its one worker sends oldest first; the end of each is the coordinator's "delivered"
message), and a few seconds later 20 citizens start filing complaints (the short flow:
9 updates each, one after another).

Printed, from the emulator's call log: announcement messages per second (first to
last delivery), 429 answers against all sends, members who got nothing, and the
citizens' reply latency per step while the announcements were going out.

    .venv/bin/python -m bench.broadcast [--db sqlite|postgresql] [--members 960] [--citizens 20]
"""

from __future__ import annotations

import statistics
import threading
import time
from typing import Any

from sqlalchemy import insert, select
from sqlmodel import SQLModel

from bench.common import (
    JSON,
    BotProcess,
    Person,
    database,
    describe_ms,
    emulator,
    file_complaint,
    heading,
    new_citizen,
    parser,
    percentile,
    prepared,
)
from common.config import load_config
from core import staff as staff_core
from db.engine import transaction
from db.models import Citizen, Membership
from db.types import utcnow

TARGET_RATE = 28.0
TARGET_429 = 0.01
TARGET_LATENCY = 1.0
TEXT = "Yarınki toplantı 14:00'te Kültür Merkezi'nde."


def members(world: Any, db: Any, assemblies: list[str], per_assembly: int) -> set[int]:
    """Emulated people who opened the bot before, as citizens who joined an assembly."""
    ids: list[int] = []
    for n in range(len(assemblies) * per_assembly):
        user = world.emu.post(
            "users", {"first_name": f"Üye{n}", "language_code": "tr", "started": True}
        )
        ids.append(int(user["id"]))
    now = utcnow()
    citizens = SQLModel.metadata.tables[str(Citizen.__tablename__)]
    memberships = SQLModel.metadata.tables[str(Membership.__tablename__)]
    with db.engine.begin() as connection:
        connection.execute(
            insert(citizens),
            [
                {
                    "telegram_id": tg,
                    "first_name": f"Üye{n}",
                    "language": "tr",
                    "consent_at": now,
                    "created_at": now,
                }
                for n, tg in enumerate(ids)
            ],
        )
        by_tg = dict(
            connection.execute(
                select(citizens.c.telegram_id, citizens.c.id).where(citizens.c.telegram_id.in_(ids))
            ).all()
        )
        connection.execute(
            insert(memberships),
            [
                {
                    "assembly_code": assemblies[n // per_assembly],
                    "citizen_id": by_tg[tg],
                    "joined_at": now,
                }
                for n, tg in enumerate(ids)
            ],
        )
    return set(ids)


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--members", type=int, default=960, help="members per assembly (6 of them)")
    p.add_argument("--citizens", type=int, default=20, help="citizens filing meanwhile")
    p.add_argument(
        "--delay",
        type=float,
        default=3.0,
        help="seconds after the announcements before the citizens start",
    )
    p.add_argument("--timeout", type=float, default=900)
    args = p.parse_args()
    config = load_config()
    assemblies = [a.code for a in config.assemblies]
    total = len(assemblies) * args.members
    heading(
        "broadcast under Telegram's flood limits",
        db=args.db,
        members=f"{len(assemblies)} assemblies x {args.members} = {total}",
        citizens_filing=args.citizens,
        targets=f">= {TARGET_RATE}/s, 429s <= "
        f"{TARGET_429:.0%} of sends, 0 lost, citizens' median latency < {TARGET_LATENCY} s",
    )
    with database(args.db) as db, emulator(flood=True) as world:
        prepared(db, config)
        began = time.monotonic()
        audience = members(world, db, assemblies, args.members)
        coordinator_user = world.emu.post("users", {"first_name": "Koordinatör"})
        with transaction(db.engine) as session:
            staff_core.upsert(
                session,
                int(coordinator_user["id"]),
                "coordinator",
                "kent_konseyi",
                name="Koordinatör",
            )
        coordinator = Person(world.emu, coordinator_user)
        print(f"   created {total} members in {time.monotonic() - began:.1f} s")
        bot = BotProcess(world, "kent", db, rate_limit=True).start()
        citizens: list[Person] = []
        failures: list[BaseException] = []
        try:
            start_calls = world.emu.stats()["calls"]
            for code in assemblies:
                coordinator.step(
                    "send_message", "kişiye gönderiliyor", text=f"/duyuru meclis {code} {TEXT}"
                )
            time.sleep(args.delay)
            window = [time.time(), 0.0]

            def file(n: int) -> None:
                person = new_citizen(world.emu, n)
                citizens.append(person)
                try:
                    file_complaint(person, full=False, timeout=args.timeout)
                except BaseException as exc:
                    failures.append(exc)

            threads = [
                threading.Thread(target=file, args=(n,), daemon=True) for n in range(args.citizens)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(args.timeout)
            window[1] = time.time()
            reports: list[str] = []
            deadline = time.monotonic() + args.timeout
            while len(reports) < len(assemblies) and time.monotonic() < deadline:
                reports.append(
                    coordinator.wait("kişiye iletildi", timeout=deadline - time.monotonic()).text
                )
            world.emu.wait_idle(timeout=60, quiet=1.0)
            calls: list[JSON] = world.emu.calls(after=start_calls)
        finally:
            result = bot.stop()
    sends = [c for c in calls if c["method"].lower().startswith("send")]
    to_members = [c for c in sends if int(c["params"].get("chat_id", 0)) in audience]
    delivered = [c for c in to_members if c["status"] == 200]
    refused = [c for c in sends if c["status"] == 429]
    reached = {int(c["params"]["chat_id"]) for c in delivered}
    span = delivered[-1]["time"] - delivered[0]["time"] if len(delivered) > 1 else float("nan")
    during = [c for c in delivered if window[0] <= c["time"] <= window[1]]
    latencies = [v for person in citizens for v in person.latencies]
    print(f"   coordinator was told: {' | '.join(r.splitlines()[0] for r in reports)}")
    print(
        f"-- announcement: {len(delivered)} delivered to {len(reached)} of {total} members "
        f"in {span:.1f} s = {len(delivered) / span:.1f} messages/s (target >= {TARGET_RATE})"
    )
    print(
        f"   while the citizens were filing ({window[1] - window[0]:.1f} s): "
        f"{len(during) / max(window[1] - window[0], 1e-9):.1f} announcement messages/s"
    )
    print(
        f"   429 answers: {len(refused)} of {len(sends)} sends = "
        f"{len(refused) / max(len(sends), 1):.2%} (target <= {TARGET_429:.0%}); "
        f"{sum(1 for c in refused if int(c['params'].get('chat_id', 0)) in audience)} of "
        "them to members"
    )
    print(
        f"   lost: {total - len(reached)} members got nothing (target 0); duplicates: "
        f"{len(delivered) - len(reached)}"
    )
    print(
        f"-- citizens: {args.citizens - len(failures)} of {args.citizens} complaints filed "
        f"during the broadcast; reply latency {describe_ms(latencies)}"
    )
    if latencies:
        print(
            f"   median {statistics.median(latencies):.2f} s (target < {TARGET_LATENCY} s), "
            f"p99 {percentile(latencies, 99):.2f} s"
        )
    print(
        f"   handler errors: {result.get('errors')}; failures: "
        f"{[repr(f)[:200] for f in failures[:3]]}"
    )


if __name__ == "__main__":
    main()
