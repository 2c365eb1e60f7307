"""Running `kentbot` and the Bot API emulator as subprocesses, as an operator would: their
environment, a free port, waiting for them to listen, and stopping them."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeAlias

from emulator.client import EmulatorClient

REPO = Path(__file__).resolve().parent.parent
KENTBOT = str(Path(sys.executable).with_name("kentbot"))
# The bot the emulator processes below are started with.
TOKEN = "123456:ABC"

Process: TypeAlias = subprocess.Popen[str] | subprocess.Popen[bytes]


def clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment without any KENTBOT_* setting but a free web port, plus
    `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENTBOT_")}
    env["PYTHONUNBUFFERED"] = "1"
    # `kentbot run` serves its web application on any free port, so that processes of
    # several tests (or test runs) on one machine never wait for 8080.
    env["KENTBOT_WEB_LISTEN"] = "127.0.0.1:0"
    env.update(extra)
    return env


def stop(process: Process) -> None:
    """Kills a subprocess that is still running and reaps it (bounded)."""
    if process.poll() is None:
        process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, process: Process, timeout: float = 15.0) -> None:
    """Until `process` listens on `port`; fails if it exits first or takes too long."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"emulator exited early with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"emulator did not listen on port {port} within {timeout}s")


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Until `condition()` holds, checked every 0.1 s; fails naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout}s")
        time.sleep(0.1)


@contextlib.contextmanager
def emulator_process(log: Path) -> Iterator[int]:
    """`python -m emulator` with TOKEN's bot on a free port, its output in `log`; yields the
    port once it listens, and stops the emulator afterwards."""
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "emulator",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--token",
                TOKEN,
            ],
            cwd=REPO,
            env=clean_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            wait_for_port(port, process)
            yield port
        finally:
            if process.poll() is None:
                process.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=5)
            stop(process)


class Instance:
    """One `kentbot run` process against the emulator and a database, and its log (the
    leadership and hand-over tests start several)."""

    def __init__(
        self,
        name: str,
        emulator: EmulatorClient,
        database_url: str,
        key: str,
        logs: Path,
        config: Path | None = None,
    ) -> None:
        """`config`: a config.toml of the test's own (say, with the emulator's group ids)
        instead of the repository's."""
        self.name = name
        self.log = logs / f"{name}.log"
        env = clean_env(
            KENTBOT_TOKEN=TOKEN,
            KENTBOT_API_URL=emulator.api_url,
            KENTBOT_DATABASE_URL=database_url,
            KENTBOT_LEADER_KEY=key,
            **({"KENTBOT_CONFIG": str(config)} if config else {}),
        )
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [KENTBOT, "run"], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    @property
    def leading(self) -> bool:
        return "leading (" in self.output()

    @property
    def standing_by(self) -> bool:
        return "standing by" in self.output()

    def __repr__(self) -> str:
        return f"{self.name} (exit {self.process.poll()}):\n{self.output()[-4000:]}"
