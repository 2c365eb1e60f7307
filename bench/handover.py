"""The leadership hand-over under load (issue #19), at full size and repeated: two
`kentbot run` processes on PostgreSQL, an announcement of 2,000 messages at Telegram's
30/s, the leader paused with SIGSTOP mid-send, the standby taking over, the old leader
resumed, while the SLA sweep posts cards, reminders and escalations of 40 seeded requests
(the old leader paused in the middle of its first sweep). Each run prints its counts; the
last line says whether every run had each chat given the message exactly once or recorded
as failed, and each piece of SLA work sent once or recorded as claimed; none twice.

    .venv/bin/python -m bench.handover [--runs 10] [--messages 2000] [--pause-after 400]

The scenario is tests/handover.py, which tests/e2e/test_handover_e2e.py runs with 300
messages. Each run takes about 100 s (2,000 messages at 29.5/s, plus two starts)."""

from __future__ import annotations

import argparse
import tempfile
import uuid
from pathlib import Path

from emulator.client import EmulatorClient
from tests import handover
from tests.databases import postgres_url
from tests.processes import TOKEN, emulator_process


def one_run(number: int, messages: int, pause_after: int, folder: Path) -> bool:
    logs = folder / f"run{number}"
    logs.mkdir()
    key = f"kentbot-bench-{uuid.uuid4().hex}"
    for url in postgres_url():
        with emulator_process(logs / "emulator.log") as port:
            client = EmulatorClient(f"http://127.0.0.1:{port}", bot=TOKEN, timeout=15)
            try:
                result = handover.run(
                    client, url, key, logs, messages, pause_after, timeout=messages / 10 + 60
                )
            finally:
                client.close()
    good = (
        not result.twice
        and not result.sent_but_not_delivered
        and set(result.by_status) <= {"sent", "failed"}
        and result.old_exit == 1
        and not result.sla_twice
        and not result.sla_lost
    )
    print(f"run {number}: {'ok  ' if good else 'FAIL'} {result.summary()}", flush=True)
    return good


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--pause-after", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kentbot-handover-") as folder:
        outcomes = [
            one_run(n, args.messages, args.pause_after, Path(folder))
            for n in range(1, args.runs + 1)
        ]
    print(
        f"{sum(outcomes)} of {len(outcomes)} runs: every chat once or recorded failed, "
        "every SLA message once or recorded claimed, none twice"
    )
    raise SystemExit(0 if all(outcomes) else 1)


if __name__ == "__main__":
    main()
