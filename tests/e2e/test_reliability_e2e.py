"""Issue 6: redelivered updates act once, floods get a polite refusal, and Telegram's
faults (HTTP 500s, 429 flood limits) lose no complaint."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import func, select
from telegram import Update

from common.config import Config
from core import intake
from core.flood import MessageWindow
from db.engine import transaction
from db.models import Citizen, ConversationState, ProcessedUpdate, Request
from emulator.client import SimUser
from emulator.server import RunningEmulator
from tests.harness import Kent, start_kent, stop_kent


def test_a_redelivered_update_has_effect_once(kent: Kent) -> None:
    ayse = kent.citizen()
    ayse.send("/talep")
    ayse.press("✅ Kabul ediyorum")
    ayse.press("Çöp toplama")
    ayse.wait_message(contains="Lütfen konuyu bir mesajla anlatın")
    raw = {
        "update_id": 987_654_321,
        "message": {
            "message_id": 9_999,
            "date": int(time.time()),
            "chat": {"id": ayse.id, "type": "private", "first_name": "Ayşe"},
            "from": {"id": ayse.id, "is_bot": False, "first_name": "Ayşe", "language_code": "tr"},
            "text": "Konteyner taştı, lütfen boşaltın.",
        },
    }
    update = Update.de_json(raw, kent.app.bot)
    kent.thread.run(kent.app.process_update(update))
    ayse.wait_message(contains="Nerede?")
    kent.thread.run(kent.app.process_update(Update.de_json(raw, kent.app.bot)))
    ayse.expect_no_message(within=0.5)
    with transaction(kent.engine) as session:
        citizen = session.exec(select(Citizen).where(Citizen.telegram_id == ayse.id)).one()
        draft = session.get(ConversationState, citizen.id)
        assert draft is not None and draft.step == "location"
        assert session.get(ProcessedUpdate, 987_654_321) is not None


def test_a_pollers_later_batches_are_not_looked_up(kent: Kent) -> None:
    """Only a new poller's first batch can hold updates handled before (each getUpdates
    confirms the batch before it), so later updates are recorded without a lookup."""
    ayse = kent.citizen()
    ayse.send("/start")
    ayse.wait_message(contains="Ayşe")
    statements: list[str] = []

    def record(_conn: object, _cursor: object, sql: str, *_rest: object) -> None:
        statements.append(" ".join(sql.split()))

    def recorded(count: int) -> None:
        """Wait until `count` updates are recorded (after the reply, not before it)."""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with transaction(kent.engine) as session:
                if session.exec(select(func.count()).select_from(ProcessedUpdate)).one() >= count:
                    return
            time.sleep(0.02)
        raise AssertionError(f"{count} updates were not recorded within 5 s")

    recorded(1)
    # Every engine: on PostgreSQL the bot's updates run on the engine's non-blocking twin.
    event.listen(Engine, "before_cursor_execute", record)
    try:
        ayse.send("/yardim")
        ayse.wait_message(contains="/talep")
        recorded(2)
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    on_updates = [s for s in statements if "processed_update" in s and "count(" not in s]
    assert len(on_updates) == 1 and on_updates[0].startswith("INSERT"), on_updates


def test_message_floods_get_one_polite_refusal_and_staff_are_exempt(kent: Kent) -> None:
    kent.app.bot_data["flood"] = MessageWindow(per_minute=5)
    ali = kent.citizen("Ali")
    for n in range(8):
        ali.send(f"merhaba {n}")
    kent.emu.wait_idle(timeout=10)
    texts = [m.text for m in ali.transcript()]
    assert sum("anlayamadım" in t for t in texts) == 5
    assert sum("Çok hızlı mesaj" in t for t in texts) == 1  # one refusal, then silence
    mehmet = kent.staff("fen")
    for n in range(8):
        mehmet.send(f"merhaba {n}")
    kent.emu.wait_idle(timeout=10)
    assert sum("anlayamadım" in m.text for m in mehmet.transcript()) == 8


def test_too_many_requests_in_an_hour_are_refused_politely(kent: Kent) -> None:
    ali = kent.citizen("Ali")
    ali.send("/start")
    ali.wait_message(contains="Merhaba Ali")
    calendar = kent.app.bot_data["deps"].calendar
    with transaction(kent.engine) as session:
        citizen = session.exec(select(Citizen).where(Citizen.telegram_id == ali.id)).one()
        citizen.consent_at = citizen.created_at
        for n in range(kent.config.limits.requests_per_hour):
            draft = intake.start(session, citizen)
            intake.set_type(session, draft, "talep")
            intake.set_category(session, draft, "park")
            intake.set_text(session, draft, f"Parkta kırık bank {n}")
            draft.step = "summary"
            intake.submit(session, citizen, draft, calendar)
    ali.send("/talep")
    ali.wait_message(contains="Son bir saat içinde 5 talep")
    with transaction(kent.engine) as session:
        assert session.exec(select(func.count()).select_from(Request)).one() == 5


@pytest.fixture
def kent_limited(emulator_server: RunningEmulator, db: Engine, config: Config) -> Iterator[Kent]:
    """The bot as in production: with its rate limiter and retries."""
    harness, _ = start_kent(emulator_server, db, config, rate_limit=True)
    try:
        yield harness
    finally:
        harness.emu.set_fault_rate(0.0)
        harness.emu.set_flood(False)
        stop_kent(harness)


def quick_complaint(citizen: SimUser, text: str, timeout: float = 90) -> str:
    citizen.send("/talep")
    citizen.press("✅ Kabul ediyorum", timeout=timeout)
    citizen.press("Çöp toplama", timeout=timeout)  # the type "Şikâyet" comes preselected
    citizen.wait_message(contains="Lütfen konuyu", timeout=timeout)
    citizen.send(text)
    citizen.wait_message(contains="Nerede?", timeout=timeout)
    citizen.send("⏭ Atla")
    citizen.wait_message(contains="Gerekirse personel", timeout=timeout)
    citizen.send("⏭ Atla")
    citizen.press("📨 Gönder", timeout=timeout)
    receipt = citizen.wait_message(contains="Talebiniz alındı", timeout=timeout)
    match = re.search(r"\d{4}-\d{6}", receipt.text)
    assert match
    return match.group(0)


def test_faults_and_flood_limits_lose_no_complaint(kent_limited: Kent) -> None:
    kent = kent_limited
    kent.emu.set_fault_rate(0.1, seed=7)
    kent.emu.set_flood(True)
    citizens = [kent.citizen(f"Vatandaş{n}", last_name=None) for n in range(12)]
    numbers: dict[int, str] = {}
    failures: list[BaseException] = []

    def file(citizen: SimUser) -> None:
        try:
            numbers[citizen.id] = quick_complaint(citizen, f"Çöpler toplanmadı {citizen.id}")
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=file, args=(c,)) for c in citizens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    assert failures == []
    assert len(numbers) == len(citizens) == len(set(numbers.values()))
    stats = kent.emu.stats()
    assert stats["500"] > 0  # the faults really happened, and were retried
    with transaction(kent.engine) as session:
        stored = session.exec(select(Request.number)).all()
        assert sorted(stored) == sorted(numbers.values())  # each stored exactly once
