"""What every benchmark shares: a throw-away database, the emulator, the bot in its own
process, simulated citizens that time their steps, and a few small statistics.

Everything talks to 127.0.0.1 only and is removed at the end: SQLite files live in a
temporary directory, PostgreSQL runs in a fresh schema that is dropped afterwards.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import text
from sqlalchemy.engine import Engine

from common.config import Config, load_config
from db.engine import make_engine
from emulator.client import BotMessage, EmulatorClient
from emulator.media import tiny_png

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_URL = os.environ.get("KENTBOT_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
JSON = dict[str, Any]


# --- command line ----------------------------------------------------------------------------


def parser(description: str | None) -> argparse.ArgumentParser:
    """The options every benchmark takes; each adds its own --n and the like."""
    p = argparse.ArgumentParser(description=(description or "").strip().splitlines()[0])
    p.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    return p


def heading(title: str, **facts: Any) -> None:
    print(f"== {title}")
    for key, value in facts.items():
        print(f"   {key}: {value}")


# --- databases -------------------------------------------------------------------------------


@dataclass
class Database:
    kind: str
    url: str  # usable by make_engine and by a `kentbot` subprocess (KENTBOT_DATABASE_URL)
    engine: Engine


@contextmanager
def database(kind: str, keep_dir: Path | None = None) -> Iterator[Database]:
    """An empty database: a SQLite file in a temporary directory, or a fresh PostgreSQL
    schema (search_path in the URL, so subprocesses land in it too), dropped afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="kentbench-", dir=keep_dir) as tmp:
            url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
            engine = make_engine(url)
            try:
                yield Database(kind, url, engine)
            finally:
                engine.dispose()
        return
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_URL}?options={quote(f'-csearch_path={schema}')}"
    engine = make_engine(url)
    try:
        yield Database(kind, url, engine)
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def prepared(db: Database, config: Config) -> None:
    from bot.app import prepare_database

    prepare_database(db.engine, config)


# --- the emulator and the wired configuration ------------------------------------------------


@dataclass
class World:
    """The emulator (its own process), the bot account, and the emulated staff groups."""

    proc: subprocess.Popen[bytes]
    base_url: str
    emu: EmulatorClient
    token: str
    groups: dict[str, int] = field(default_factory=dict)
    supervisors: int = 0

    @property
    def api_url(self) -> str:
        return self.base_url + "/bot"

    def wiring(self) -> JSON:
        return {"groups": self.groups, "supervisors": self.supervisors}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def emulator(flood: bool = False, staff_groups: bool = True) -> Iterator[World]:
    """`python -m emulator` in a process of its own (so that neither the bot nor the
    simulated people share its interpreter lock), with a bot and a group per department."""
    port = free_port()
    args = [PYTHON, "-m", "emulator", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(
        args + (["--flood"] if flood else []),
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    emu = EmulatorClient(base_url, timeout=120)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                emu.stats()
                break
            except Exception:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.05)
        token = f"{uuid.uuid4().int % 10**9}:BENCH"
        emu.create_bot(token=token, username="kentbot_bench", first_name="Kent Bot")
        world = World(proc, base_url, emu, token)
        if staff_groups:
            for department in load_config().departments:
                if department.chat_id is not None:
                    world.groups[department.code] = emu.create_group(
                        f"{department.name.tr} — personel"
                    ).id
            world.supervisors = emu.create_group("Amirler").id
        yield world
    finally:
        emu.close()
        terminate(proc, timeout=10)


def terminate(proc: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM, then SIGKILL if it has not ended within `timeout`; always reaped."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# --- the bot in its own process --------------------------------------------------------------


def proc_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (from /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, all) CPU seconds of the whole machine so far, over every core (/proc/stat)."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle + iowait
    clock = os.sysconf("SC_CLK_TCK")
    return (sum(ticks) - idle) / clock, sum(ticks) / clock


def postgres_cpu_seconds() -> float:
    """CPU time of every process named postgres (the server and its backends) so far.

    Backends that exit in between take their time with them, so this is a lower bound."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if "(postgres)" in text:
            fields = text.rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def proc_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait_for_call(
    emu: EmulatorClient, method: str, timeout: float, proc: subprocess.Popen[bytes] | None = None
) -> JSON:
    """The first call of `method` in the emulator's call log (polled every 5 ms)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = emu.calls(method=method)
        if found:
            return found[0]
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the bot exited with {proc.returncode} before {method}")
        time.sleep(0.005)
    raise TimeoutError(f"no {method} within {timeout}s")


class BotProcess:
    """`python -m bench.botproc` (Kent Bot or the bare echo bot) polling the emulator."""

    def __init__(
        self,
        world: World,
        kind: str,
        db: Database | None = None,
        rate_limit: bool = False,
        log: Path | None = None,
    ) -> None:
        args = [
            PYTHON,
            "-m",
            "bench.botproc",
            "--kind",
            kind,
            "--api-url",
            world.api_url,
            "--token",
            world.token,
            "--wiring",
            json.dumps(world.wiring()),
        ]
        if db is not None:
            args += ["--database-url", db.url]
        if rate_limit:
            args.append("--rate-limit")
        self._log = open(log or os.devnull, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(args, cwd=REPO, stdout=subprocess.PIPE, stderr=self._log)
        self.world = world
        self.result: JSON = {}

    def start(self, timeout: float = 60) -> BotProcess:
        wait_for_call(self.world.emu, "getUpdates", timeout, self.proc)
        return self

    @property
    def pid(self) -> int:
        return self.proc.pid

    def cpu(self) -> float:
        return proc_cpu_seconds(self.pid)

    def stop(self) -> JSON:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            out, _ = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
        self._log.close()
        lines = [line for line in out.decode().splitlines() if line.startswith("{")]
        self.result = json.loads(lines[-1]) if lines else {}
        return self.result


# --- citizens that time their steps ----------------------------------------------------------


class Person:
    """A simulated person who acts through the control API and times the bot's answer:
    from just before the action to the bot's first message or edit in the chat."""

    def __init__(self, emu: EmulatorClient, user: JSON, chat_id: int | None = None) -> None:
        self.emu = emu
        self.id = int(user["id"])
        self.chat_id = chat_id if chat_id is not None else self.id
        self.cursor = 0
        self.latencies: list[float] = []
        self.updates = 0

    def act(self, action: str, **body: Any) -> JSON:
        self.updates += 1
        return dict(
            self.emu.post(
                f"actions/{action}", {"user_id": self.id, "chat_id": self.chat_id, **body}
            )
        )

    def step(
        self,
        action: str,
        expect: str,
        predicate: Callable[[BotMessage], bool] | None = None,
        timeout: float = 60.0,
        **body: Any,
    ) -> BotMessage:
        """Act, then wait for the bot message containing `expect`; records the latency."""
        started = time.time()
        self.act(action, **body)
        return self.wait(expect, predicate, timeout, started)

    def wait(
        self,
        expect: str,
        predicate: Callable[[BotMessage], bool] | None = None,
        timeout: float = 60.0,
        started: float | None = None,
    ) -> BotMessage:
        deadline = time.monotonic() + timeout
        first: float | None = None
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no bot message containing {expect!r} in {self.chat_id}")
            for event in self.emu.wait_events(
                self.chat_id, self.cursor, remaining, kinds="message,edit"
            ):
                self.cursor = event["seq"]
                if started is not None and first is None and event["time"] >= started:
                    first = event["time"]
                msg = BotMessage(
                    event["message"], event["kind"], event["seq"], event.get("reply_keyboard")
                )
                if expect in msg.text and (predicate is None or predicate(msg)):
                    if started is not None:
                        self.latencies.append((first or event["time"]) - started)
                    return msg


def new_citizen(emu: EmulatorClient, n: int, started: bool = False) -> Person:
    return Person(
        emu,
        emu.post(
            "users",
            {
                "first_name": f"Vatandaş{n}",
                "last_name": "Test",
                "language_code": "tr",
                "started": started,
            },
        ),
    )


COMPLAINT_TEXT = "Sokağımızdaki çöpler üç gündür toplanmadı, konteyner taştı."


def file_complaint(
    citizen: Person,
    pace: Callable[[], None] = lambda: None,
    full: bool = True,
    retype: bool = False,
    timeout: float = 60.0,
) -> str:
    """The filing flow of tests/journeys.py (file_complaint); returns the tracking number.

    full: KVKK, the topic (with the preselected type "Şikayet"), the text, a location and
    a photo in one step, Continue, the phone, Send: 9 updates, 7 of them answered (the
    location and the photo show in the chat and get no answer of their own). With
    full=False, the short flow of tests/e2e/test_reliability_e2e.py skips the location and
    the phone (7 updates). retype changes the type to "Talep" on the topic screen (one more).
    `pace` runs before each action (the paced benchmarks block there)."""

    def step(
        action: str, expect: str, predicate: Callable[[BotMessage], bool] | None = None, **body: Any
    ) -> BotMessage:
        pace()
        return citizen.step(action, expect, predicate, timeout=timeout, **body)

    def quiet(action: str, **body: Any) -> None:
        pace()
        citizen.act(action, **body)

    step("send_message", "Kişisel Verilerin Korunması", text="/talep")
    topics = step("press_button", "Hangi konuyla ilgili?", text="✅ Kabul ediyorum")
    if "✅ Şikâyet" not in topics.flat_buttons:  # spelt with â since 52c3655's Turkish
        raise AssertionError(f"no preselected type in {topics.flat_buttons}")
    if retype:
        step("press_button", "Tür: Talep", text="Talep")
    step("press_button", "Lütfen konuyu bir mesajla anlatın", text="Çöp toplama")
    step("send_message", "Nerede?", text=f"{COMPLAINT_TEXT} ({citizen.id})")
    with_send = lambda m: "📨 Gönder" in m.flat_buttons  # noqa: E731
    if full:
        quiet("send_location", latitude=41.0255, longitude=29.1020)
        quiet("send_photo", data_base64=base64.b64encode(tiny_png()).decode())
        step("send_message", "Gerekirse personel", text="✅ Devam")
        step(
            "send_contact",
            "Lütfen talebinizi kontrol edin",
            with_send,
            phone_number="+90 555 111 22 33",
            own=True,
        )
    else:
        step("send_message", "Gerekirse personel", text="⏭ Atla")
        step("send_message", "Lütfen talebinizi kontrol edin", with_send, text="⏭ Atla")
    receipt = step("press_button", "Talebiniz alındı", text="📨 Gönder")
    match = re.search(r"\b\d{4}-\d{6}\b", receipt.text)
    if match is None:
        raise AssertionError(f"no tracking number in {receipt.text!r}")
    return match.group(0)


class Pacer:
    """Hands out evenly spaced start times, `rate` a second, to any number of threads."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self._next = time.monotonic()
        self._lock = threading.Lock()
        self.late = 0

    def __call__(self) -> None:
        with self._lock:
            slot = self._next = max(self._next + self.interval, time.monotonic() - 1.0)
        wait = slot - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        elif wait < -0.05:
            self.late += 1


def run_workers(
    count: int, work: Callable[[int], None], items: int, timeout: float
) -> list[BaseException]:
    """`count` threads take item numbers 0..items-1 in turn and call work(i) on each."""
    lock = threading.Lock()
    todo = iter(range(items))
    failures: list[BaseException] = []
    deadline = time.monotonic() + timeout

    def loop() -> None:
        while time.monotonic() < deadline:
            with lock:
                item = next(todo, None)
            if item is None:
                return
            try:
                work(item)
            except BaseException as exc:
                failures.append(exc)
                return

    threads = [threading.Thread(target=loop, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()) + 5)
    return failures


# --- statistics ------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def describe_ms(values: list[float]) -> str:
    if not values:
        return "no samples"
    ms = [v * 1000 for v in values]
    return (
        f"median {statistics.median(ms):.1f} ms, p90 {percentile(ms, 90):.1f} ms, "
        f"p99 {percentile(ms, 99):.1f} ms, max {max(ms):.1f} ms (n={len(ms)})"
    )
