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

With `--kind alerts`, the same harness measures vacancy alerts (issue 17) instead:
--seekers CVs (30,000) of which --matching (2,000) suit one vacancy (its occupation,
5131 waiters, in its district or with none), the rest other occupations, other districts,
or paused, stopped or blocked. First `--repeat` vacancies are approved and their alerts
queued in the benchmark's process, timed (match = `registry.approve_vacancy`, which
records the alerts; queue = `flows.employment.alerts.queue_instant`, which composes them
and fills the outbox); then, with the bot running, a few citizens file a complaint each
(the baseline), one more vacancy's alerts are queued, and the citizens keep filing while
the outbox delivers them at Telegram's pace. Printed: match and queue times against
< 1 s, alerts/s, lost and duplicate alerts, and the citizens' reply latency during the
delivery against the baseline (added p95 < 1 s). `--quick`: 3,000 CVs, 200 matching.

    .venv/bin/python -m bench.broadcast --kind alerts [--db ...] [--seekers 30000]
        [--matching 2000] [--citizens 3] [--think 1.0] [--repeat 5] [--quick]
"""

from __future__ import annotations

import random
import statistics
import threading
import time
from typing import Any

from sqlalchemy import delete, func, insert, update
from sqlmodel import SQLModel, col, select

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
from core import occupations
from core import staff as staff_core
from core.employment import registry
from db.engine import transaction
from db.models import (
    Citizen,
    Employer,
    JobSeeker,
    JobSeekerOccupation,
    Membership,
    OutboxMessage,
    Vacancy,
    VacancyAlert,
)
from db.types import utcnow
from flows.employment import alerts as alert_flow

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
    p.add_argument("--kind", choices=("announcements", "alerts"), default="announcements")
    p.add_argument("--seekers", type=int, default=30_000, help="alerts: CVs")
    p.add_argument("--matching", type=int, default=2_000, help="alerts: CVs the vacancy suits")
    p.add_argument("--repeat", type=int, default=5, help="alerts: vacancies timed before")
    p.add_argument("--quick", action="store_true", help="alerts: 3,000 CVs, 200 matching")
    p.add_argument(
        "--think", type=float, default=1.0, help="alerts: a citizen's seconds between steps"
    )
    p.add_argument("--members", type=int, default=960, help="members per assembly (6 of them)")
    p.add_argument(
        "--citizens", type=int, help="citizens filing meanwhile (20; alerts: 3, each again)"
    )
    p.add_argument(
        "--delay",
        type=float,
        default=3.0,
        help="seconds after the announcements before the citizens start",
    )
    p.add_argument("--timeout", type=float, default=900)
    args = p.parse_args()
    if args.kind == "alerts":
        args.citizens = 3 if args.citizens is None else args.citizens
        alerts_main(args)
        return
    args.citizens = 20 if args.citizens is None else args.citizens
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


# --- Vacancy alerts (issue 17) -------------------------------------------------------------

ALERT_TARGET_SECONDS = 1.0  # matching a vacancy against every CV, and queueing its alerts
ALERT_TARGET_ADDED = 1.0  # the citizens' added reply latency, p95, while alerts go out
OCCUPATION, DISTRICT = "5131", "Ümraniye"
OTHER_DISTRICTS = ("Ataşehir", "Üsküdar", "Kadıköy", "Maltepe", "Kartal", "Pendik")
CHUNK = 5_000


def _rows(connection: Any, model: Any, rows: list[dict[str, Any]]) -> None:
    table = SQLModel.metadata.tables[str(model.__tablename__)]
    for start in range(0, len(rows), CHUNK):
        connection.execute(insert(table), rows[start : start + CHUNK])


def job_seekers(world: Any, db: Any, total: int, matching: int) -> set[int]:
    """`total` CVs, `matching` of which the benchmark's vacancy suits: emulated people who
    opened the bot before (9 in 10 in its district, 1 in 10 with none on the CV). Of the
    others (citizens the emulator does not know: a message to one would fail), a tenth
    seek the same work in other districts, three hundredths the same work in the same
    district but paused, stopped or blocked, and the rest other occupations, one to three
    each, drawn with a skew, anywhere. Returns the matching people's Telegram ids."""
    rng = random.Random(17)
    codes = [o.code for o in occupations.unit_groups() if o.code != OCCUPATION]
    rng.shuffle(codes)
    weights = [1 / (rank + 1) for rank in range(len(codes))]
    ids = [
        int(
            world.emu.post(
                "users", {"first_name": f"Aday{n}", "language_code": "tr", "started": True}
            )["id"]
        )
        for n in range(matching)
    ]
    ids += [60_000_000 + n for n in range(total - matching)]
    now = utcnow()
    citizen_rows = [
        {"telegram_id": tg, "first_name": f"Kişi{n}", "language": "tr", "created_at": now}
        for n, tg in enumerate(ids)
    ]
    others = total - matching
    same_work_elsewhere = others // 10
    unreachable = others * 3 // 100
    seekers, wanted = [], []
    with db.engine.begin() as connection:
        _rows(connection, Citizen, citizen_rows)
        by_tg = dict(
            connection.execute(
                select(
                    SQLModel.metadata.tables["citizen"].c.telegram_id,
                    SQLModel.metadata.tables["citizen"].c.id,
                )
            ).all()
        )
        for n, tg in enumerate(ids):
            row: dict[str, Any] = {
                "id": n + 1,
                "citizen_id": by_tg[tg],
                "name": f"Kişi {n}",
                "district": DISTRICT,
                "experience": [],
                "languages": [],
                "paused": False,
                "alerts": "instant",
                "work_time": "any",
                "registered_at": now,
                "last_active_at": now,
            }
            chosen = [OCCUPATION]
            other = n - matching
            if n < matching:
                row["district"] = None if n % 10 == 9 else DISTRICT
            elif other < same_work_elsewhere:
                row["district"] = rng.choice(OTHER_DISTRICTS)
            elif other < same_work_elsewhere + unreachable:
                kind = (other - same_work_elsewhere) % 3  # paused, stopped, blocked (below)
                if kind == 0:
                    row["paused"] = True
                elif kind == 1:
                    row["alerts"] = "off"
            else:
                row["district"] = rng.choice((DISTRICT, *OTHER_DISTRICTS))
                chosen = sorted(set(rng.choices(codes, weights, k=rng.choice((1, 1, 2, 3)))))
            seekers.append(row)
            wanted += [{"seeker_id": n + 1, "code": code} for code in chosen]
        _rows(connection, JobSeeker, seekers)
        _rows(connection, JobSeekerOccupation, wanted)
        blocked = [by_tg[ids[matching + same_work_elsewhere + k]] for k in range(2, unreachable, 3)]
        citizens = SQLModel.metadata.tables["citizen"]
        for start in range(0, len(blocked), 1000):
            connection.execute(
                update(citizens)
                .where(citizens.c.id.in_(blocked[start : start + 1000]))
                .values(blocked_at=now)
            )
    if db.kind == "postgresql":
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    return set(ids[:matching])


def _vacancy(db: Any, title: str) -> int:
    """A verified firm's vacancy for the matching work, sent for approval."""
    with transaction(db.engine) as session:
        employer = session.exec(select(Employer)).first()
        if employer is None:
            employer = Employer(name="Deniz Restoran", district=DISTRICT, registered_at=utcnow())
            employer.verified_at = utcnow()
            session.add(employer)
            session.flush()
        vacancy = registry.create_vacancy(
            session,
            employer,
            title=title,
            occupation=OCCUPATION,
            positions=3,
            district=DISTRICT,
            work_time="full",
            requirements="",
            valid_until=None,
            now=utcnow(),
        )
        registry.submit_vacancy(session, employer, vacancy)
        assert vacancy.id is not None
        return vacancy.id


def _approve_and_queue(db: Any, vacancy_id: int) -> tuple[float, float, int, int]:
    """Approve (which matches and records the alerts) and queue them, each in its own
    transaction, as the staff's press and the bot's sweep do: seconds each, and counts."""
    start = time.perf_counter()
    with transaction(db.engine) as session:
        centre = staff_core.upsert(session, 990_001, "staff", "istihdam")
        vacancy = session.get(Vacancy, vacancy_id)
        assert vacancy is not None
        registry.approve_vacancy(session, centre, vacancy, utcnow())
    matched_at = time.perf_counter()
    with transaction(db.engine) as session:
        found = session.exec(
            select(func.count()).where(col(VacancyAlert.vacancy_id) == vacancy_id)
        ).one()
    counted = time.perf_counter()
    with transaction(db.engine) as session:
        now = utcnow()
        queued = alert_flow.queue_instant(session, now, now.date())
    done = time.perf_counter()
    return matched_at - start, done - counted, int(found), queued


def alerts_main(args: Any) -> None:
    if args.quick:
        args.seekers, args.matching = 3_000, 200
    heading(
        "vacancy alerts: match and queue, then delivery beside live replies",
        db=args.db,
        seekers=f"{args.seekers:,} CVs, {args.matching:,} suit the vacancy",
        citizens_chatting=f"{args.citizens}, {args.think:g} s between steps",
        targets=f"match and queue < {ALERT_TARGET_SECONDS:g} s each; "
        f"citizens' added p95 < {ALERT_TARGET_ADDED:g} s; 0 lost, 0 duplicates",
    )
    config = load_config()
    with database(args.db) as db, emulator(flood=True) as world:
        prepared(db, config)
        began = time.monotonic()
        audience = job_seekers(world, db, args.seekers, args.matching)
        print(f"   created {args.seekers:,} CVs in {time.monotonic() - began:.1f} s")
        # (a) Match and queue, timed in the benchmark's process; those alerts are then
        # taken out of the outbox, so that only (b)'s go to Telegram.
        timings: list[tuple[float, float, int, int]] = []
        for n in range(args.repeat):
            timings.append(_approve_and_queue(db, _vacancy(db, f"Garson {n}")))
        with db.engine.begin() as connection:
            connection.execute(delete(SQLModel.metadata.tables["outbox_message"]))
            connection.execute(delete(SQLModel.metadata.tables["announcement"]))
        # (b) Delivery while citizens chat.
        bot = BotProcess(world, "kent", db, rate_limit=True).start()
        baseline: list[Person] = []
        during: list[Person] = []
        failures: list[BaseException] = []
        try:
            _file_all(world, baseline, args.citizens, args.think, failures, args.timeout)
            start_calls = world.emu.stats()["calls"]
            vacancy_id = _vacancy(db, "Garson aranıyor")
            live = _approve_and_queue(db, vacancy_id)
            queued_at = time.time()
            finished = threading.Event()

            def chat(n: int) -> None:
                while not finished.is_set():
                    person = new_citizen(world.emu, 1_000 + n * 100 + len(during))
                    during.append(person)
                    try:
                        file_complaint(person, think, full=False, timeout=args.timeout)
                    except BaseException as exc:
                        failures.append(exc)
                        return

            def think() -> None:
                time.sleep(args.think)

            threads = [
                threading.Thread(target=chat, args=(n,), daemon=True) for n in range(args.citizens)
            ]
            for thread in threads:
                thread.start()
            deadline = time.monotonic() + args.timeout
            while time.monotonic() < deadline and _open_alerts(db):
                time.sleep(0.5)
            delivered_at = time.time()
            finished.set()
            for thread in threads:
                thread.join(args.timeout)
            world.emu.wait_idle(timeout=60, quiet=1.0)
            calls: list[JSON] = world.emu.calls(after=start_calls)
        finally:
            result = bot.stop()
    _report_alerts(args, timings, live, audience, calls, baseline, during, failures, result)
    print(f"   queued → last delivery: {delivered_at - queued_at:.1f} s")


def _file_all(
    world: Any,
    people: list[Person],
    count: int,
    think: float,
    failures: list[BaseException],
    timeout: float,
    rounds: int = 3,
) -> None:
    """The baseline: `count` citizens file `rounds` complaints each, the bot quiet."""

    def file(n: int) -> None:
        for round_ in range(rounds):
            person = new_citizen(world.emu, 500 + n * rounds + round_)
            people.append(person)
            try:
                file_complaint(person, lambda: time.sleep(think), full=False, timeout=timeout)
            except BaseException as exc:
                failures.append(exc)
                return

    threads = [threading.Thread(target=file, args=(n,), daemon=True) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)


def _open_alerts(db: Any) -> int:
    with transaction(db.engine) as session:
        return int(
            session.exec(
                select(func.count()).where(col(OutboxMessage.status).in_(("pending", "sending")))
            ).one()
        )


def _report_alerts(
    args: Any,
    timings: list[tuple[float, float, int, int]],
    live: tuple[float, float, int, int],
    audience: set[int],
    calls: list[JSON],
    baseline: list[Person],
    during: list[Person],
    failures: list[BaseException],
    result: JSON,
) -> None:
    matches = [t[0] for t in timings] + [live[0]]
    queues = [t[1] for t in timings] + [live[1]]
    counts = {t[2] for t in timings} | {live[2]}
    queued = {t[3] for t in timings} | {live[3]}
    print(
        f"-- match ({len(matches)} vacancies, {sorted(counts)} alerts each): median "
        f"{statistics.median(matches) * 1000:.0f} ms, max {max(matches) * 1000:.0f} ms; target "
        f"< {ALERT_TARGET_SECONDS:g} s: {max(matches) / ALERT_TARGET_SECONDS:.2f} of it"
    )
    print(
        f"   queue ({sorted(queued)} messages each): median "
        f"{statistics.median(queues) * 1000:.0f} ms, max {max(queues) * 1000:.0f} ms; "
        f"{max(queues) / ALERT_TARGET_SECONDS:.2f} of the target"
    )
    sends = [c for c in calls if c["method"].lower().startswith("send")]
    alerts_sent = [
        c for c in sends if int(c["params"].get("chat_id", 0)) in audience and c["status"] == 200
    ]
    outsiders = [
        c
        for c in sends
        if "Size uygun yeni bir iş ilanı" in str(c["params"].get("text", ""))
        and int(c["params"].get("chat_id", 0)) not in audience
    ]
    reached = {int(c["params"]["chat_id"]) for c in alerts_sent}
    span = (
        alerts_sent[-1]["time"] - alerts_sent[0]["time"] if len(alerts_sent) > 1 else float("nan")
    )
    refused = [c for c in sends if c["status"] == 429]
    print(
        f"-- delivery: {len(alerts_sent)} alerts to {len(reached)} of {len(audience)} seekers in "
        f"{span:.1f} s = {len(alerts_sent) / span:.1f} alerts/s; lost "
        f"{len(audience) - len(reached)}, duplicates {len(alerts_sent) - len(reached)}, "
        f"to seekers it does not suit {len(outsiders)}"
    )
    print(
        f"   429 answers: {len(refused)} of {len(sends)} sends, "
        f"{sum(1 for c in refused if int(c['params'].get('chat_id', 0)) in audience)} of them "
        "to seekers (the rest to the citizens, whose private chats allow ~1 message/s)"
    )
    before = [v for person in baseline for v in person.latencies]
    while_sending = [v for person in during for v in person.latencies]
    added = percentile(while_sending, 95) - percentile(before, 95)
    print(f"-- citizens' reply latency, quiet bot: {describe_ms(before)}")
    print(f"   while the alerts went out: {describe_ms(while_sending)}")
    print(
        f"   added p95 {added:.2f} s (p95 {percentile(before, 95):.2f} s quiet, "
        f"{percentile(while_sending, 95):.2f} s during; target < {ALERT_TARGET_ADDED:g} s: "
        f"{max(added, 0) / ALERT_TARGET_ADDED:.2f} of it); complaints filed during the "
        f"delivery: {len(during) - len(failures)} (the last ones may end after it)"
    )
    print(
        f"   handler errors: {result.get('errors')}; failures: "
        f"{[repr(f)[:200] for f in failures[:3]]}"
    )


if __name__ == "__main__":
    main()
