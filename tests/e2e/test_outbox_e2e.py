"""Announcements through the outbox, end to end: every member once, the coordinator's count,
blocked members, and a restart (or a crash) in the middle of an announcement."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.app import build_application
from bot.runner import BotThread
from common.config import Config
from core import citizens, council, outbox
from db.engine import transaction
from db.models import Citizen, OutboxMessage
from db.types import utcnow
from emulator.client import SimUser
from emulator.server import RunningEmulator
from handlers.outbox import outbox_tick
from tests.harness import Kent, start_kent, stop_kent
from tests.journeys import add_members

TEXT = "Yarınki toplantı 14:00'te."


def deliveries(kent: Kent, after: int, chats: list[int]) -> Counter[int]:
    """How many messages each of `chats` was given (Telegram's 200s, 429s excluded)."""
    wanted = set(chats)
    return Counter(
        int(c["params"]["chat_id"])
        for c in kent.emu.calls("sendMessage", after=after)
        if c["status"] == 200 and int(c["params"]["chat_id"]) in wanted
    )


def rows_by_status(db: Engine) -> dict[str, int]:
    with transaction(db) as session:
        return dict(
            session.exec(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            ).all()
        )


def restart(kent: Kent, emulator_server: RunningEmulator, rate_limit: bool) -> None:
    """Stop the running bot as SIGTERM would, and start a new one on the same database."""
    kent.thread.stop()
    assert not kent.app.bot_data["deps"].errors
    app = build_application(
        kent.config,
        kent.engine,
        kent.app.bot.token,
        emulator_server.api_url,
        rate_limit=rate_limit,
        collect_errors=True,
    )
    kent.app, kent.thread = app, BotThread(app).start()


def reports(coordinator: SimUser) -> list[str]:
    return [m.text or "" for m in coordinator.transcript() if "iletildi" in (m.text or "")]


@pytest.fixture
def limited(emulator_server: RunningEmulator, db: Engine, config: Config) -> Iterator[Kent]:
    """The bot as in production (its rate limiter) against Telegram's flood limits."""
    kent, _ = start_kent(emulator_server, db, config, rate_limit=True)
    kent.emu.set_flood(True)
    try:
        yield kent
    finally:
        kent.emu.set_flood(False)
        stop_kent(kent)


def test_every_member_gets_it_once_and_a_blocked_one_is_counted_out(kent: Kent) -> None:
    members = add_members(kent, 10)
    members[3].block()
    coordinator = kent.staff("kent_konseyi", role="coordinator", first_name="Selin")
    with transaction(kent.engine) as session:
        citizens.set_language(session, coordinator.id, "en")
    start = kent.emu.stats()["calls"]
    coordinator.send(f"/duyuru meclis kadin {TEXT}")
    coordinator.wait_message(contains="📣 Sending to 10 people…")
    report = coordinator.wait_message(contains="delivered", timeout=20)
    assert report.text == "📣 Announcement delivered to 9 of 10."
    for n, member in enumerate(members):
        if n != 3:
            assert member.wait_message().text == f"📣 {TEXT}"
    kent.emu.wait_idle(timeout=10, quiet=0.5)
    given = deliveries(kent, start, [m.id for m in members])
    assert given == Counter({m.id: 1 for n, m in enumerate(members) if n != 3})
    assert rows_by_status(kent.engine) == {"sent": 9, "blocked": 1}
    with transaction(kent.engine) as session:
        blocked = session.exec(select(Citizen).where(Citizen.telegram_id == members[3].id)).one()
        assert blocked.blocked_at is not None
        assert members[3].id not in council.assembly_audience(session, "kadin")  # next time
    kent.run_job(outbox_tick)  # a later drain finds the batch closed: she is told once
    kent.emu.wait_idle(timeout=10, quiet=0.5)
    assert len([m for m in coordinator.transcript() if "delivered" in (m.text or "")]) == 1


def test_a_restart_in_the_middle_of_an_announcement_resumes_it(
    limited: Kent, emulator_server: RunningEmulator
) -> None:
    kent = limited
    members = add_members(kent, 150)
    coordinator = kent.staff("kent_konseyi", role="coordinator", first_name="Selin")
    start = kent.emu.stats()["calls"]
    coordinator.send(f"/duyuru meclis kadin {TEXT}")
    coordinator.wait_message(contains="150 kişiye gönderiliyor")
    deadline = time.monotonic() + 30
    while rows_by_status(kent.engine).get("sent", 0) < 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    restart(kent, emulator_server, rate_limit=True)  # the stop waits for the batch in hand
    left = rows_by_status(kent.engine)
    assert left.get("sending", 0) == 0 and 0 < left.get("pending", 0) < 150, left
    coordinator.wait_message(contains="Duyuru 150 kişiden 150 kişiye iletildi", timeout=60)
    kent.emu.wait_idle(timeout=10, quiet=0.5)
    assert deliveries(kent, start, [m.id for m in members]) == Counter({m.id: 1 for m in members})
    assert rows_by_status(kent.engine) == {"sent": 150}
    assert len(reports(coordinator)) == 1


def test_messages_a_crashed_process_left_are_sent_by_the_next_start(
    kent: Kent, emulator_server: RunningEmulator
) -> None:
    members = add_members(kent, 12)
    coordinator = kent.staff("kent_konseyi", role="coordinator", first_name="Selin")
    coordinator.send("/start")  # she has opened the bot, so it may write to her
    coordinator.wait_message()
    kent.thread.stop()  # no bot runs while the "crashed" one's rows are written
    long_ago = utcnow() - outbox.CLAIM_FOR - outbox.CLAIM_FOR
    with transaction(kent.engine) as session:
        audience = council.assembly_audience(session, "kadin")
        outbox.enqueue(
            session,
            dict.fromkeys(audience, f"📣 {TEXT}"),
            kind="announcement",
            now=long_ago,
            requester_chat_id=coordinator.id,
            language="tr",
        )
        # The crashed process had claimed five, and Telegram had taken one of them.
        claimed = outbox.claim(session, long_ago, 5)
        outbox.mark_sent(session, claimed[0].id)
    start = kent.emu.stats()["calls"]
    restart(kent, emulator_server, rate_limit=False)
    coordinator.wait_message(contains="Duyuru 12 kişiden 12 kişiye iletildi", timeout=30)
    kent.emu.wait_idle(timeout=10, quiet=0.5)
    expected = Counter({m.id: 1 for m in members if m.id != claimed[0].chat_id})
    assert deliveries(kent, start, [m.id for m in members]) == expected
    with transaction(kent.engine) as session:
        attempts = {r.chat_id: r.attempts for r in session.exec(select(OutboxMessage))}
    assert [attempts[m.chat_id] for m in claimed[1:]] == [2, 2, 2, 2]  # claimed once more
    assert rows_by_status(kent.engine) == {"sent": 12}
