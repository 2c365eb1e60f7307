"""The leadership hand-over under load (issue #19), as an operator's worst case: two real
`kentbot run` processes on one PostgreSQL schema and the Bot API emulator in a process of
its own; an announcement of `messages` chats; the leader paused with SIGSTOP in the middle
of sending it (a stopped process keeps its connections, so its lock session is cut as a
DBA or a network fault would); the standby takes over; the old leader is resumed with
SIGCONT; then every chat's deliveries are counted in the emulator and every message's
outcome in the database.

Used by tests/e2e/test_handover_e2e.py (a few hundred messages) and by
`python -m bench.handover` (2,000 messages, ten times in a row)."""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func
from sqlmodel import col, select

from core import outbox
from db.engine import make_engine, transaction
from db.models import Announcement, LeadershipEpoch, OutboxMessage
from db.types import utcnow
from emulator.client import EmulatorClient
from tests.databases import terminate_lock_holder
from tests.processes import Instance, stop, wait_until

TEXT = "📣 Yarın 10:00'da Kent Konseyi Genel Kurulu toplanıyor."


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

    def summary(self) -> str:
        return (
            f"{self.messages} messages: {self.by_status.get('sent', 0)} sent, "
            f"{self.failed} failed as unknown, {len(self.twice)} chats twice, "
            f"{len(self.sent_but_not_delivered)} recorded sent but not delivered once; "
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
        old = Instance("old", emulator, database_url, key, logs)
        started.append(old)
        wait_until(lambda: old.leading, 60, f"the first instance leads: {old!r}")
        new = Instance("new", emulator, database_url, key, logs)
        started.append(new)
        wait_until(lambda: new.standing_by, 30, f"the second stands by: {new!r}")
        # The leader migrated the schema: the batch goes in as /duyuru would put it.
        wait_until(lambda: "leadership epoch" in old.output(), 30, f"old migrated: {old!r}")
        with transaction(engine) as session:
            batch = outbox.enqueue(
                session, dict.fromkeys(people, TEXT), kind="announcement", now=utcnow()
            )
        wait_until(
            lambda: _count(database_url, outbox.SENT) >= pause_after,
            timeout,
            f"the old leader sends: {old!r}",
        )
        old.process.send_signal(signal.SIGSTOP)
        sent_when_paused = _count(database_url, outbox.SENT)
        try:
            # A stopped process keeps its lock session: cut it, as a network fault would.
            assert terminate_lock_holder(key) == 1
            wait_until(lambda: new.leading, 30, f"the standby takes over: {new!r}")
            # The new leader sends some of what is left, then the old one wakes up.
            wait_until(
                lambda: (
                    _count(database_url, outbox.SENT) >= sent_when_paused + 30
                    or _count(database_url, outbox.PENDING) == 0
                ),
                timeout,
                f"the new leader sends: {new!r}",
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
        )
    finally:
        for instance in started:
            if instance.process.poll() is None:
                instance.process.send_signal(signal.SIGCONT)
            stop(instance.process)
        engine.dispose()
