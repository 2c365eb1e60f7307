"""Issue 7, point 3, end to end: under the emulator's flood limits an announcement goes
through the bulk line while a citizen's reply goes ahead of it, and every member gets it
exactly once. The limiter itself is tested in unit/test_priority_limiter.py."""

from __future__ import annotations

import time

from sqlalchemy.engine import Engine
from sqlmodel import select

from common.config import Config
from db.engine import transaction
from db.models import FailedDelivery
from emulator.server import RunningEmulator
from tests.harness import start_kent, stop_kent
from tests.journeys import add_members


def test_an_announcement_under_flood_limits_lets_a_citizen_through(
    emulator_server: RunningEmulator, db: Engine, config: Config
) -> None:
    """End to end, with the emulator's flood limits: /duyuru goes through the bulk line,
    a citizen's reply goes out while it runs, and every member gets it exactly once."""
    kent, _ = start_kent(emulator_server, db, config, rate_limit=True)
    try:
        kent.emu.set_flood(True)
        members = [member.id for member in add_members(kent, 120)]
        coordinator = kent.staff("kent_konseyi", role="coordinator", first_name="Selin")
        ali = kent.citizen("Ali")
        start = kent.emu.stats()["calls"]
        coordinator.send("/duyuru meclis kadin Yarınki toplantı 14:00'te.")
        coordinator.wait_message(contains="120 kişiye gönderiliyor")
        bucket = kent.app.bot.rate_limiter.bucket
        deadline = time.monotonic() + 20
        while bucket.waiting()[1] == 0 and time.monotonic() < deadline:
            time.sleep(0.005)
        assert bucket.waiting()[1] > 0  # the announcement waits in the bulk line
        ali.send("/start")
        ali.wait_message(contains="Merhaba Ali")
        coordinator.wait_message(contains="Duyuru 120 kişiden 120 kişiye iletildi", timeout=60)
        calls = kent.emu.calls("sendMessage", after=start)
    finally:
        kent.emu.set_flood(False)
        stop_kent(kent)
    delivered = [
        int(c["params"]["chat_id"])
        for c in calls
        if c["status"] == 200 and int(c["params"]["chat_id"]) in set(members)
    ]
    assert sorted(delivered) == sorted(members)  # each exactly once
    reply = next(i for i, c in enumerate(calls) if int(c["params"]["chat_id"]) == ali.id)
    last_member = max(i for i, c in enumerate(calls) if int(c["params"]["chat_id"]) in set(members))
    assert reply < last_member  # Ali did not wait for the announcement to finish
    with transaction(db) as session:
        assert session.exec(select(FailedDelivery)).all() == []
