"""`kentbot status` as a supervisor runs it, against real `kentbot run` processes polling the
Bot API emulator: 0 while one leads (and for a host whose process stands by), non-zero with
one line once they are gone, and when the database does not answer."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

from emulator.client import EmulatorClient
from tests.processes import KENTBOT, REPO, TOKEN, clean_env, free_port, stop, wait_until


def status(database_url: str, *args: str, host: str = "") -> subprocess.CompletedProcess[str]:
    env = clean_env(KENTBOT_DATABASE_URL=database_url)
    if host:
        env["KENTBOT_INSTANCE"] = host
    return subprocess.run(
        [KENTBOT, "status", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    output = done.stdout + done.stderr
    assert output.count("\n") == 1, output
    return output.strip()


def test_status_follows_a_leader_and_a_standby(emulator: EmulatorClient, tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'kentbot.sqlite'}"
    started: list[subprocess.Popen[bytes]] = []
    logs: list[Path] = []

    def start(host: str) -> subprocess.Popen[bytes]:
        logs.append(tmp_path / f"{host}.log")
        env = clean_env(
            KENTBOT_TOKEN=TOKEN,
            KENTBOT_API_URL=emulator.api_url,
            KENTBOT_DATABASE_URL=database,
            KENTBOT_INSTANCE=host,
        )
        with logs[-1].open("w") as out:
            started.append(
                subprocess.Popen(
                    [KENTBOT, "run"], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT
                )
            )
        return started[-1]

    try:
        leader = start("alpha")
        wait_until(lambda: "polling" in logs[0].read_text(), 30, "alpha polls")
        wait_until(lambda: status(database).returncode == 0, 15, "status sees alpha")
        line = one_line(status(database))
        assert line.startswith("ok: alpha:") and "leads (polling)" in line, line

        standby = start("beta")
        wait_until(lambda: "standing by" in logs[1].read_text(), 30, "beta stands by")
        wait_until(
            lambda: "1 standing by" in status(database).stdout, 15, "status counts the standby"
        )
        beta = status(database, "--this-host", host="beta")
        assert beta.returncode == 0 and "is standing by" in one_line(beta), beta
        gamma = status(database, "--this-host", host="gamma")
        assert gamma.returncode == 1, gamma
        assert one_line(gamma) == "kentbot status: no bot running on gamma: no heartbeat recorded"

        # Stopped, each process removes its row: status says so at once.
        for process in (leader, standby):
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0
        done = status(database)
        assert done.returncode == 1, done
        assert one_line(done) == "kentbot status: no bot running: no heartbeat recorded"
    finally:
        for process in started:
            stop(process)


def test_status_of_a_database_that_does_not_answer(tmp_path: Path) -> None:
    dead = status(f"postgresql://postgres@127.0.0.1:{free_port()}/kentbot")
    assert dead.returncode == 2, dead
    assert one_line(dead).startswith("kentbot status: the database does not answer:")
    missing = status(f"sqlite:///{tmp_path / 'none.sqlite'}")
    assert missing.returncode == 2, missing
    assert one_line(missing) == f"kentbot status: no database at {tmp_path / 'none.sqlite'}"
