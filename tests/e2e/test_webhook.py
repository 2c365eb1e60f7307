"""Issue 6.5: `kentbot run --webhook URL --listen HOST:PORT` takes updates over HTTP with
Telegram's secret_token; calls without the right secret get 403 and change nothing."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from emulator.client import EmulatorClient
from tests.processes import KENTBOT, REPO, TOKEN, clean_env, free_port, stop, wait_for_port

SECRET = "gizli-anahtar-123"


def processed(database: Path) -> int:
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        count = int(connection.execute(text("select count(*) from processed_update")).scalar_one())
    engine.dispose()
    return count


def test_webhook_mode_checks_the_secret(emulator: EmulatorClient, tmp_path: Path) -> None:
    import subprocess

    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    database = tmp_path / "kentbot.sqlite"
    env = clean_env(
        KENTBOT_TOKEN=TOKEN,
        KENTBOT_API_URL=emulator.api_url,
        KENTBOT_DATABASE_URL=f"sqlite:///{database}",
        KENTBOT_WEBHOOK_SECRET=SECRET,
    )
    with (tmp_path / "bot.log").open("w") as out:
        bot = subprocess.Popen(
            [KENTBOT, "run", "--webhook", url, "--listen", f"127.0.0.1:{port}"],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, bot, timeout=30)
        ayse = emulator.create_user(first_name="Ayşe", language_code="tr")
        ayse.send("/start")
        ayse.wait_message(contains="Merhaba Ayşe!", timeout=20)
        emulator.wait_idle(timeout=10, quiet=0.3)
        before = processed(database)
        assert before >= 1

        forged = {
            "update_id": 555_000_001,
            "message": {
                "message_id": 77,
                "date": int(time.time()),
                "chat": {"id": ayse.id, "type": "private", "first_name": "Ayşe"},
                "from": {"id": ayse.id, "is_bot": False, "first_name": "Ayşe"},
                "text": "/start",
                "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            },
        }
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "yanlis"}):
            response = httpx.post(url, json=forged, headers=headers, timeout=10)
            assert response.status_code == 403
        ayse.expect_no_message(within=0.5)
        assert processed(database) == before  # no effect at all

        right = httpx.post(
            url, json=forged, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}, timeout=10
        )
        assert right.status_code == 200
        ayse.wait_message(contains="Merhaba Ayşe!")
        assert processed(database) == before + 1
    finally:
        stop(bot)
    log = (tmp_path / "bot.log").read_text()
    assert SECRET not in log and TOKEN not in log
