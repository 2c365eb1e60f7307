"""Issue 6.4: one active instance. Two real `kentbot run` processes share a database (the
local PostgreSQL, or one SQLite file) and the Bot API emulator: only the leader polls, and
when it is SIGKILLed the standby takes over within 30 s without answering anything twice.
The locks under them are tested in unit/test_leadership.py."""

from __future__ import annotations

import contextlib
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from emulator.client import EmulatorClient, SimUser
from tests.databases import terminate_lock_holder
from tests.processes import Instance, stop, wait_until

TAKEOVER = 30.0  # the bound, from the leader's death to the standby's first answer


@contextlib.contextmanager
def processes(
    emulator: EmulatorClient, database_url: str, key: str, logs: Path
) -> Iterator[Callable[[str], Instance]]:
    """Starts instances on demand; kills every one of them at the end."""
    started: list[Instance] = []

    def start(name: str) -> Instance:
        started.append(Instance(name, emulator, database_url, key, logs))
        return started[-1]

    try:
        yield start
    finally:
        for instance in started:
            stop(instance.process)


def hellos(user: SimUser) -> int:
    return sum("Hello" in message.text for message in user.transcript())


def conflicts(emulator: EmulatorClient, since: float = 0.0) -> list[dict[str, object]]:
    """getUpdates calls started after `since` that another getUpdates cut off with 409:
    the mark of two pollers."""
    return [
        c for c in emulator.calls(method="getUpdates") if c["status"] == 409 and c["time"] >= since
    ]


def answers_once(emulator: EmulatorClient, name: str, timeout: float) -> SimUser:
    user = emulator.create_user(first_name=name, language_code="en")
    user.send("/start")
    user.wait_message(contains="Hello", timeout=timeout)
    emulator.wait_idle(timeout=10)
    assert hellos(user) == 1, user.transcript()
    return user


def one_leads_and_the_other_takes_over(
    emulator: EmulatorClient, start: Callable[[str], Instance]
) -> Instance:
    """Two instances start at once: one leads and answers, the other stands by silently. The
    leader is SIGKILLed and the standby answers within 30 s. Returns the new leader."""
    a, b = start("a"), start("b")
    ayse = answers_once(emulator, "Ayse", timeout=25)
    wait_until(
        lambda: (a.leading and b.standing_by) or (b.leading and a.standing_by),
        15,
        f"one leader and one standby: {a!r}\n{b!r}",
    )
    leader, standby = (a, b) if a.leading else (b, a)
    # Longer than a standby's retry interval: had the standby polled, the emulator would
    # have cut one of the two long polls with 409 Conflict.
    time.sleep(4)
    assert not conflicts(emulator), emulator.calls(method="getUpdates")
    assert standby.process.poll() is None, standby
    assert not standby.leading and "polling" not in standby.output(), standby

    leader.process.send_signal(signal.SIGKILL)
    killed_at = time.time()
    leader.process.wait(timeout=10)
    answers_once(emulator, "Mehmet", timeout=TAKEOVER)
    assert time.time() - killed_at < TAKEOVER
    assert standby.leading, standby
    assert hellos(ayse) == 1
    # The dead leader's last long poll may end in 409 once the new leader polls; no poll
    # started after its death may.
    assert not conflicts(emulator, since=killed_at), emulator.calls(method="getUpdates")
    return standby


def test_two_processes_on_postgresql(
    emulator: EmulatorClient, pg_url: str, leader_key: str, tmp_path: Path
) -> None:
    with processes(emulator, pg_url, leader_key, tmp_path) as start:
        leader = one_leads_and_the_other_takes_over(emulator, start)
        standby = start("c")
        wait_until(lambda: standby.standing_by, 15, f"c stands by: {standby!r}")
        # The leader's lock session is cut (a DBA, a failover): it steps down and exits 1
        # for its supervisor to restart; the standby takes over.
        assert terminate_lock_holder(leader_key) == 1
        assert leader.process.wait(timeout=20) == 1, leader
        assert "lost leadership" in leader.output()
        answers_once(emulator, "Zeynep", timeout=TAKEOVER)
        assert standby.leading, standby


def test_two_processes_on_one_sqlite_file(
    emulator: EmulatorClient, leader_key: str, tmp_path: Path
) -> None:
    database = f"sqlite:///{tmp_path / 'kentbot.sqlite'}"
    with processes(emulator, database, leader_key, tmp_path) as start:
        one_leads_and_the_other_takes_over(emulator, start)
        # Stopping a standby is an ordinary operation: a clean exit, no traceback.
        standby = start("c")
        wait_until(lambda: standby.standing_by, 15, f"c stands by: {standby!r}")
        standby.process.send_signal(signal.SIGTERM)
        assert standby.process.wait(timeout=10) == 0, standby
        assert "Traceback" not in standby.output()
