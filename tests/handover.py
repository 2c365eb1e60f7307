"""The leadership hand-over under load (issue #19), as an operator's worst case: two real
`kentbot run` processes on one PostgreSQL schema and the Bot API emulator in a process of
its own; an announcement of `messages` chats; the leader paused with SIGSTOP in the middle
of sending it (a stopped process keeps its connections, so its lock session is cut as a
DBA or a network fault would); the standby takes over; the old leader is resumed with
SIGCONT; then every chat's deliveries are counted in the emulator and every message's
outcome in the database.

The SLA sweep runs too: requests seeded before the start make it post cards that never
arrived, remind at 80 % and escalate overdue ones to the supervisors. The batch is timed to
be half sent when the old leader's first sweep begins (30 s after it starts leading), and
the old leader is paused once that sweep has posted a card, so its SLA work is cut in the
middle; it is resumed only after the new leader's own first sweep (30 s after the
takeover), so that whatever the old one read or claimed before the pause was there for the
new one to do again. Each seeded request's reminder, card or escalation is counted in the
emulator's groups: sent once, or claimed in the database and never sent (the old leader
claimed it, then stopped); never twice.

Used by tests/e2e/test_handover_e2e.py (a few hundred messages) and by
`python -m bench.handover` (2,000 messages, ten times in a row)."""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, func
from sqlmodel import col, select

from bot.app import prepare_database
from common.config import DEFAULT_CONFIG_PATH, load_config
from core import outbox
from db.engine import make_engine, transaction
from db.models import Announcement, JobRun, LeadershipEpoch, OutboxMessage, Request
from db.types import utcnow
from emulator.client import EmulatorClient
from tests.databases import terminate_lock_holder
from tests.processes import Instance, stop, wait_until

TEXT = "📣 Yarın 10:00'da Kent Konseyi Genel Kurulu toplanıyor."

# The SLA work seeded: per kind, how many requests (40 in all), and the department whose
# group gets it: each group stays within Telegram's 20 messages a minute (the emulator's
# flood limits), so no send waits out a 429 after the scenario counted.
REMINDER, ESCALATION, CARD = "reminder", "escalation", "card"
SEEDED = {REMINDER: 14, ESCALATION: 13, CARD: 13}
WHERE = {REMINDER: ("park", "park"), ESCALATION: ("fen", "yol"), CARD: ("temizlik", "cop")}
SWEEP_FIRST = 30.0  # s after a leader starts until its first SLA sweep (handlers/staff_desk.py)
# The placeholders of config.toml made groups of the emulator: the supervisors' (who get
# the escalations), the cleaning department's (cards) and the parks' (reminders).
PLACEHOLDERS = ("-1001000000000", "-1001000000002", "-1001000000003")


@dataclass
class Outcome:
    messages: int
    by_status: dict[str, int]
    deliveries: Counter[int]  # successful sendMessage calls per chat of the batch
    status_of: dict[int, str]  # each chat's message's final status
    sent_when_paused: int
    old_exit: int | None
    old_log: str
    new_log: str
    epochs: int
    seconds: float
    # Each seeded piece of SLA work, (kind, request number): how often the groups got it,
    # and whether the database records it as done or claimed (its mark, its card's
    # message id, or the sweep's claim of the card).
    sla_sent: Counter[tuple[str, str]] = field(default_factory=Counter)
    sla_recorded: dict[tuple[str, str], bool] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def twice(self) -> list[int]:
        """Chats given the message more than once: must be none."""
        return [chat for chat, n in self.deliveries.items() if n > 1]

    @property
    def sent_but_not_delivered(self) -> list[int]:
        return [c for c, s in self.status_of.items() if s == "sent" and self.deliveries[c] != 1]

    @property
    def failed(self) -> int:
        return self.by_status.get(outbox.FAILED, 0)

    @property
    def sla_twice(self) -> list[tuple[str, str]]:
        """SLA messages a group got more than once: must be none."""
        return sorted(work for work, n in self.sla_sent.items() if n > 1)

    @property
    def sla_lost(self) -> list[tuple[str, str]]:
        """SLA work neither sent nor recorded as claimed: must be none."""
        return sorted(
            w for w, done in self.sla_recorded.items() if not done and not self.sla_sent[w]
        )

    def sla_summary(self) -> str:
        sent = Counter(work[0] for work in self.sla_recorded if self.sla_sent[work])
        return (
            ", ".join(f"{kind} {sent[kind]}/{n} sent" for kind, n in SEEDED.items())
            + f" ({len(self.sla_twice)} twice, {len(self.sla_lost)} lost)"
        )

    def summary(self) -> str:
        return (
            f"{self.messages} messages: {self.by_status.get('sent', 0)} sent, "
            f"{self.failed} failed as unknown, {len(self.twice)} chats twice, "
            f"{len(self.sent_but_not_delivered)} recorded sent but not delivered once; "
            f"SLA: {self.sla_summary()}; "
            f"paused at {self.sent_when_paused} sent; old leader exit {self.old_exit}; "
            f"{self.seconds:.1f} s"
        )


def _count(database_url: str, status: str) -> int:
    engine = make_engine(database_url)
    try:
        with transaction(engine) as session:
            return int(
                session.exec(select(func.count()).where(col(OutboxMessage.status) == status)).one()
            )
    finally:
        engine.dispose()


def _config_with_groups(emulator: EmulatorClient, folder: Path) -> Path:
    """The repository's config.toml with the groups of PLACEHOLDERS made real in the
    emulator (so that cards, reminders and escalations arrive)."""
    text = DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")
    for placeholder in PLACEHOLDERS:
        assert placeholder in text, placeholder
        text = text.replace(placeholder, str(emulator.create_group(placeholder).id))
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _seed_sla_work(engine: Engine, config: Path) -> dict[str, str]:
    """Open, unanswered requests for each kind of SLA work: at ~99 % of a month-long
    target (reminded: the calendar counts working time only, so a month of it is used up
    at any hour), past due (escalated), and filed an hour ago with no card (posted again).
    Those with work other than their card have a card whose chat is unknown, so the sweep
    does not edit it when it marks one overdue (an edit would count against the group's
    limit). Returns each request's number and its kind."""
    prepare_database(engine, load_config(config))
    now = utcnow()
    kinds = [kind for kind, n in SEEDED.items() for _ in range(n)]
    with transaction(engine) as session:
        for n, kind in enumerate(kinds, start=1):
            department, category = WHERE[kind]
            session.add(
                Request(
                    number=f"HO-{n:04d}",
                    channel="telegram",
                    type="talep",
                    category_code=category,
                    department_code=department,
                    text=f"Devrilen ağaç yolu kapattı ({kind})",
                    created_at=now - (timedelta(hours=1) if kind == CARD else timedelta(days=30)),
                    due_at={
                        REMINDER: now + timedelta(hours=2),
                        ESCALATION: now - timedelta(hours=1),
                        CARD: None,
                    }[kind],
                    card_message_id=None if kind == CARD else 900_000 + n,
                )
            )
    return {f"HO-{n:04d}": kind for n, kind in enumerate(kinds, start=1)}


def _sla_recorded(engine: Engine, seeded: dict[str, str]) -> dict[tuple[str, str], bool]:
    with transaction(engine) as session:
        requests = session.exec(select(Request).where(col(Request.number).in_(list(seeded)))).all()
        claimed = {
            key.split("@")[0]
            for key in session.exec(select(JobRun.key).where(col(JobRun.job) == "card-repost"))
        }
        return {
            (seeded[r.number], r.number): {
                REMINDER: r.sla_reminded_at is not None,
                ESCALATION: r.overdue_marked_at is not None,
                CARD: r.card_message_id is not None or str(r.id) in claimed,
            }[seeded[r.number]]
            for r in requests
        }


def _sla_sent(emulator: EmulatorClient, seeded: dict[str, str]) -> Counter[tuple[str, str]]:
    """Messages the groups got naming a seeded request, by what they are: an escalation
    lists all overdue requests it tells of, one per line."""
    sent: Counter[tuple[str, str]] = Counter()
    for call in emulator.calls("sendMessage"):
        if call["status"] != 200 or int(call["params"]["chat_id"]) > 0:
            continue
        text = str(call["params"].get("text", ""))
        kind = REMINDER if text.startswith("⏰") else ESCALATION if "⚠️" in text else CARD
        sent.update((kind, number) for number in seeded if number in text)
    return sent


def run(
    emulator: EmulatorClient,
    database_url: str,
    key: str,
    logs: Path,
    messages: int,
    pause_after: int,
    timeout: float = 100.0,
) -> Outcome:
    """The scenario; the processes are killed at the end whatever happens."""
    began = time.monotonic()
    # Telegram's limits: 30/s overall, 1/s per chat. Settings are the emulator's, not a
    # bot's: a client without a bot sets them.
    with EmulatorClient(emulator.base_url) as settings:
        settings.set_flood(True)
    people = [
        emulator.create_user(first_name=f"Üye{n}", language_code="tr", started=True).id
        for n in range(messages)
    ]
    started: list[Instance] = []
    engine = make_engine(database_url)
    try:
        config = _config_with_groups(emulator, logs)
        seeded = _seed_sla_work(engine, config)
        cards = [n for n, kind in seeded.items() if kind == CARD]

        def old_sweep_posted_a_card() -> bool:
            with transaction(engine) as session:
                return (
                    session.exec(
                        select(func.count()).where(
                            col(Request.number).in_(cards),
                            col(Request.card_message_id).is_not(None),
                        )
                    ).one()
                    > 0
                )

        old = Instance("old", emulator, database_url, key, logs, config)
        started.append(old)
        wait_until(lambda: old.leading, 60, f"the first instance leads: {old!r}")
        leading_since = time.monotonic()
        new = Instance("new", emulator, database_url, key, logs, config)
        started.append(new)
        wait_until(lambda: new.standing_by, 30, f"the second stands by: {new!r}")
        wait_until(lambda: "leadership epoch" in old.output(), 30, f"old migrated: {old!r}")
        # The batch goes in as /duyuru would put it, timed to be half sent (at 30/s) when
        # the old leader's first sweep begins.
        time.sleep(max(0.0, leading_since + SWEEP_FIRST - messages / 60 - time.monotonic()))
        with transaction(engine) as session:
            batch = outbox.enqueue(
                session, dict.fromkeys(people, TEXT), kind="announcement", now=utcnow()
            )
        wait_until(
            lambda: _count(database_url, outbox.SENT) >= pause_after and old_sweep_posted_a_card(),
            timeout,
            f"the old leader sends and sweeps: {old!r}",
        )
        old.process.send_signal(signal.SIGSTOP)
        sent_when_paused = _count(database_url, outbox.SENT)
        try:
            # A stopped process keeps its lock session: cut it, as a network fault would.
            assert terminate_lock_holder(key) == 1
            wait_until(lambda: new.leading, 30, f"the standby takes over: {new!r}")
            took_over = time.monotonic()
            # The new leader sends some of what is left and makes its first sweep, then the
            # old one wakes up in the middle of its own: what it read or claimed before the
            # pause is now the new leader's work too.
            wait_until(
                lambda: (
                    (
                        _count(database_url, outbox.SENT) >= sent_when_paused + 30
                        or _count(database_url, outbox.PENDING) == 0
                    )
                    and time.monotonic() > took_over + SWEEP_FIRST
                    and all(_sla_recorded(engine, seeded).values())
                ),
                timeout,
                f"the new leader sends and sweeps: {new!r}",
            )
        finally:
            old.process.send_signal(signal.SIGCONT)
        try:
            old_exit: int | None = old.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            old_exit = None

        def finished() -> bool:
            with transaction(engine) as session:
                row = session.get(Announcement, batch)
                return row is not None and row.finished_at is not None

        wait_until(finished, timeout, f"the batch finishes: {new!r}")
        emulator.wait_idle(timeout=15, quiet=1.0)
        wanted = set(people)
        deliveries = Counter(
            int(c["params"]["chat_id"])
            for c in emulator.calls("sendMessage")
            if c["status"] == 200 and int(c["params"]["chat_id"]) in wanted
        )
        with transaction(engine) as session:
            rows = session.exec(
                select(OutboxMessage.chat_id, OutboxMessage.status).where(
                    col(OutboxMessage.announcement_id) == batch
                )
            ).all()
            epochs = session.exec(select(LeadershipEpoch.epoch)).one()
        status_of = {int(chat): status for chat, status in rows}
        return Outcome(
            messages=messages,
            by_status=dict(Counter(status_of.values())),
            deliveries=deliveries,
            status_of=status_of,
            sent_when_paused=sent_when_paused,
            old_exit=old_exit,
            old_log=old.output(),
            new_log=new.output(),
            epochs=epochs,
            seconds=time.monotonic() - began,
            sla_sent=_sla_sent(emulator, seeded),
            sla_recorded=_sla_recorded(engine, seeded),
        )
    finally:
        for instance in started:
            if instance.process.poll() is None:
                instance.process.send_signal(signal.SIGCONT)
            stop(instance.process)
        engine.dispose()
