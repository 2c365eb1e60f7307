"""Issue 6.1: SIGKILL the real bot process in the middle of a conversation and start it
again: the citizen continues where they were, and no request is lost or stored twice."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from emulator.client import EmulatorClient
from tests.processes import KENTBOT, REPO, TOKEN, clean_env, stop


def start_bot(emulator: EmulatorClient, database: Path, log: Path) -> subprocess.Popen[bytes]:
    env = clean_env(
        KENTBOT_TOKEN=TOKEN,
        KENTBOT_API_URL=emulator.api_url,
        KENTBOT_DATABASE_URL=f"sqlite:///{database}",
    )
    with log.open("a") as out:
        return subprocess.Popen(
            [KENTBOT, "run"], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT
        )


def requests_stored(database: Path) -> int:
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        count = int(connection.execute(text("select count(*) from request")).scalar_one())
    engine.dispose()
    return count


def kill(process: subprocess.Popen[bytes]) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def test_sigkill_mid_conversation_loses_nothing(emulator: EmulatorClient, tmp_path: Path) -> None:
    database, log = tmp_path / "kentbot.sqlite", tmp_path / "bot.log"
    bot = start_bot(emulator, database, log)
    try:
        ayse = emulator.create_user(first_name="Ayşe", language_code="tr")
        ayse.send("/talep")
        ayse.wait_message(contains="Kişisel Verilerin Korunması", timeout=20)
        ayse.press("✅ Kabul ediyorum")
        ayse.press("Çöp toplama")
        ayse.wait_message(contains="Lütfen konuyu bir mesajla anlatın")
        ayse.send("Konteyner üç gündür boşaltılmadı.")
        ayse.wait_message(contains="Nerede?")

        kill(bot)  # mid-conversation, no chance to clean up
        ayse.send("Atatürk Caddesi No 5")  # arrives while the bot is down
        bot = start_bot(emulator, database, log)
        # The address is taken without an answer of its own; Continue moves on.
        emulator.wait_idle(timeout=20, quiet=0.5)
        ayse.send("✅ Devam")
        ayse.wait_message(contains="Gerekirse personel", timeout=20)  # the draft survived
        ayse.send("⏭ Atla")
        ayse.wait_message(contains="Lütfen talebinizi kontrol edin")
        assert "Atatürk Caddesi No 5" in ayse.transcript()[-1].text

        ayse.press("📨 Gönder")
        kill(bot)  # right after Send: the update may or may not have been handled
        bot = start_bot(emulator, database, log)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and requests_stored(database) == 0:
            time.sleep(0.2)
        emulator.wait_idle(timeout=10, quiet=0.5)
        assert requests_stored(database) == 1  # stored, and only once
        receipts = [m for m in ayse.transcript() if "Talebiniz alındı" in m.text]
        assert len(receipts) <= 1
    finally:
        stop(bot)


def test_a_cv_being_written_survives_a_sigkill(emulator: EmulatorClient, tmp_path: Path) -> None:
    """Issue 17: the CV's answers are in the conversation state, so a killed bot goes on
    at the next question, and the answer that came while it was down is taken."""
    database, log = tmp_path / "kentbot.sqlite", tmp_path / "bot.log"
    bot = start_bot(emulator, database, log)
    try:
        selin = emulator.create_user(first_name="Selin", language_code="tr")
        selin.send("/istihdam")
        selin.wait_message(contains="İş ve kariyer", timeout=20)
        selin.press("🔎 İş arıyorum")
        selin.wait_message(contains="İstihdam Merkezi Kişisel Verilerin Korunması")
        selin.press("✅ Kabul ediyorum")
        selin.wait_message(contains="Adınız ve soyadınız")
        selin.send("Selin Kaya")
        selin.wait_message(contains="Doğum yılınız")

        kill(bot)
        selin.send("1994")  # arrives while the bot is down
        bot = start_bot(emulator, database, log)
        selin.wait_message(contains="Oturduğunuz ilçe", timeout=20)
        selin.send("Merkez")
        selin.wait_message(contains="Mahalleniz")
        engine = create_engine(f"sqlite:///{database}")
        with engine.connect() as connection:
            data = connection.execute(text("select data from conversation_state")).scalar_one()
        engine.dispose()
        assert all(part in str(data) for part in ("Selin Kaya", "1994", "Merkez"))
    finally:
        stop(bot)
