"""A getUpdates batch is handled chat by chat: in order within a chat, chats side by side."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from sqlmodel import select
from telegram import Chat, Message, Update, User

from bot.polling import InHand
from db.engine import make_engine, transaction
from db.models import ProcessedUpdate
from db.types import utcnow


def _update(update_id: int, chat_id: int) -> Update:
    user = User(chat_id, "Ayşe", is_bot=False)
    chat = Chat(chat_id, "private")
    message = Message(update_id, datetime.now(UTC), chat, from_user=user, text="x")
    return Update(update_id, message=message)


class RecordingApp:
    """Stands in for the Application: the test is about the order InHand handles in."""

    def __init__(self, slow_chat: int) -> None:
        self.slow_chat = slow_chat
        self.release = asyncio.Event()
        self.log: list[tuple[str, int]] = []
        self.bot_data: dict[str, Any] = {"deps": SimpleNamespace(engine=make_engine("sqlite://"))}

    async def process_update(self, update: Update) -> None:
        assert update.effective_chat is not None
        self.log.append(("start", update.update_id))
        if update.effective_chat.id == self.slow_chat:
            await self.release.wait()
        self.log.append(("end", update.update_id))


def _polled_app(get_updates: Any, engine: Any) -> Any:
    """What `polling.poll` uses of an Application: the bot's getUpdates, and the database
    it records handled updates in."""
    return SimpleNamespace(
        bot=SimpleNamespace(get_updates=get_updates),
        bot_data={"deps": SimpleNamespace(engine=engine, clock=utcnow)},
    )


def _recorded(engine: Any) -> set[int]:
    with transaction(engine) as session:
        return set(session.exec(select(ProcessedUpdate.update_id)))


async def _run(app: RecordingApp, updates: list[Update]) -> None:
    in_hand = InHand(app)  # type: ignore[arg-type]  # a stand-in, not an Application
    in_hand.start(updates)
    batch = asyncio.ensure_future(in_hand.settle(None))
    # Everything of the other chats finishes while the slow chat still waits.
    for _ in range(50):
        await asyncio.sleep(0)
    app.log.append(("released", 0))
    app.release.set()
    await batch


def test_a_slow_chat_does_not_hold_up_the_others_and_order_holds_within_a_chat() -> None:
    updates = [_update(1, 10), _update(2, 20), _update(3, 10), _update(4, 30), _update(5, 20)]
    app = RecordingApp(slow_chat=10)
    asyncio.run(_run(app, updates))
    log: list[Any] = app.log
    released = log.index(("released", 0))
    for other in (2, 4, 5):
        assert log.index(("end", other)) < released
    # Chat 10's second update starts only after its first has ended.
    assert log.index(("end", 1)) < log.index(("start", 3))
    assert log.index(("end", 2)) < log.index(("start", 5))
    assert sorted(u for kind, u in log if kind == "end") == [1, 2, 3, 4, 5]


def test_the_updates_in_hand_leave_pooled_connections_for_background_work() -> None:
    """Each update in hand holds a pooled connection until it is done, and a checkout from
    an exhausted pool waits synchronously, which would stop the event loop itself. So the
    pool must have room beyond CONCURRENT_UPDATES for cards, jobs and the outbox."""
    from sqlalchemy.pool import QueuePool

    from bot.polling import CONCURRENT_UPDATES
    from tests.databases import PG_URL

    for url in (PG_URL, "sqlite:////tmp/kentbot-pool-check.sqlite"):
        pool = make_engine(url).pool
        assert isinstance(pool, QueuePool)
        # Card posts, the jobs and the outbox worker each hold one for a moment.
        assert pool.size() + pool._max_overflow >= CONCURRENT_UPDATES + 4, url


def test_a_pollers_first_batch_and_one_after_a_conflict_are_looked_up(
    monkeypatch: pytest.MonkeyPatch, db: Any
) -> None:
    """Only those can hold updates handled before (bot/polling.py)."""
    from telegram.error import Conflict

    from bot import polling
    from handlers import guard

    looked_up: list[bool] = []
    stop = asyncio.Event()
    answers: list[Any] = [
        [_update(1, 5)],
        [_update(2, 5)],
        Conflict("another poller"),
        [_update(3, 5)],
        [_update(4, 5)],
    ]

    async def get_updates(**_: Any) -> list[Update]:
        answer = answers.pop(0)
        if not answers:
            stop.set()
        if isinstance(answer, Exception):
            raise answer
        return list(answer)

    async def record(_app: Any, _update: Update) -> None:
        looked_up.append(guard._maybe_redelivered.get())
        assert guard._recorded_by_poller.get()  # so mark_done leaves it to the poller

    monkeypatch.setattr(polling, "handle", record)
    asyncio.run(polling.poll(_polled_app(get_updates, db), stop))
    assert looked_up == [True, False, True, False]
    assert _recorded(db) == {1, 2, 3, 4}


def test_a_slow_update_holds_up_neither_later_ones_nor_is_confirmed_before_it_is_done(
    monkeypatch: pytest.MonkeyPatch, db: Any
) -> None:
    """One citizen's update waiting long (a locked row, a busy staff group) lets the poller
    go on fetching and handling the others, in order within each chat, while the offset it
    confirms stays at the slow update until that is done."""
    from bot import polling

    monkeypatch.setattr(polling, "PATIENCE", 0.05)
    log: list[tuple[str, int]] = []
    offsets: list[int | None] = []
    telegram = [_update(1, 10)]  # what Telegram holds, unconfirmed

    async def get_updates(offset: int | None = None, timeout: int = 0, **_: Any) -> list[Update]:
        offsets.append(offset)
        if offset is not None:  # confirms everything below it
            telegram[:] = [u for u in telegram if u.update_id >= offset]
        await asyncio.sleep(0.05 if timeout and not telegram else 0.005)
        return list(telegram)

    async def handle(_app: Any, update: Update) -> None:
        log.append(("start", update.update_id))
        if update.update_id == 1:
            await release.wait()
        log.append(("end", update.update_id))

    async def until(condition: Any) -> None:
        for _ in range(500):
            if condition():
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"not within 5 s: {log}, offsets {offsets}")

    async def main() -> None:
        stop = asyncio.Event()
        poller = asyncio.create_task(polling.poll(_polled_app(get_updates, db), stop))
        await until(lambda: ("start", 1) in log)
        telegram.extend([_update(2, 20), _update(3, 10)])
        await until(lambda: ("end", 2) in log)
        assert ("start", 3) not in log  # chat 10 waits for its first update
        assert all(offset is None or offset <= 1 for offset in offsets)
        release.set()
        await until(lambda: ("end", 3) in log and offsets[-1] == 4)
        stop.set()
        await poller
        assert [u for kind, u in log if kind == "start"] == [1, 2, 3]

    release = asyncio.Event()
    monkeypatch.setattr(polling, "handle", handle)
    asyncio.run(main())


def test_an_update_that_fails_outside_its_handlers_stops_the_poller_unconfirmed(
    monkeypatch: pytest.MonkeyPatch, db: Any
) -> None:
    """The database unreachable, say: the poller stops, and Telegram keeps the update (no
    getUpdates confirms it), even when it failed while the poller was asking for more."""
    from bot import polling

    monkeypatch.setattr(polling, "PATIENCE", 0.01)
    offsets: list[int | None] = []
    telegram = [_update(1, 10)]
    stop = asyncio.Event()

    async def get_updates(offset: int | None = None, **_: Any) -> list[Update]:
        offsets.append(offset)
        if offset is not None:
            telegram[:] = [u for u in telegram if u.update_id >= offset]
        if len(offsets) > 50:
            stop.set()
        await asyncio.sleep(0.1)  # the failure comes while the poller waits here
        return list(telegram)

    async def handle(_app: Any, _update: Update) -> None:
        await asyncio.sleep(0.25)
        raise OSError("database unreachable")

    monkeypatch.setattr(polling, "handle", handle)
    with pytest.raises(OSError, match="database unreachable"):
        asyncio.run(polling.poll(_polled_app(get_updates, db), stop))
    assert all(offset is None or offset <= 1 for offset in offsets), offsets
    assert _recorded(db) == set()  # so a redelivery is handled, not skipped


@pytest.mark.parametrize("ending", ["stop", "cancel"])
def test_what_a_getupdates_confirms_was_recorded_as_processed_before(
    monkeypatch: pytest.MonkeyPatch, db: Any, ending: str
) -> None:
    """The poller records handled updates in one statement per batch, not each update
    itself. Whatever a getUpdates confirms (Telegram never delivers it again) must be in
    the table by then; and so must what was handled but never confirmed because the
    poller stopped, or was cancelled (as `kentbot run` does on SIGTERM), so that the next
    poller skips it when Telegram delivers it again. An update cancelled is not done."""
    from bot import polling

    batches = [
        [_update(1, 10), _update(2, 20), _update(3, 10)],
        [_update(4, 20), _update(5, 30), _update(6, 40)],
    ]
    confirmed_unrecorded: list[set[int]] = []
    handled: list[int] = []
    stop = asyncio.Event()
    five_handled, release_six = asyncio.Event(), asyncio.Event()

    async def get_updates(offset: int | None = None, **_: Any) -> list[Update]:
        if offset is not None:
            confirmed_unrecorded.append(set(range(1, offset)) - _recorded(db))
        if batches:
            return batches.pop(0)
        await asyncio.sleep(0.01)
        return []

    async def handle(_app: Any, update: Update) -> None:
        await asyncio.sleep(0.001 * update.update_id)
        if update.update_id == 6:
            await release_six.wait()
        handled.append(update.update_id)
        if update.update_id == 5:
            five_handled.set()

    async def main() -> None:
        poller = asyncio.create_task(polling.poll(_polled_app(get_updates, db), stop))
        await asyncio.wait_for(five_handled.wait(), 5)
        if ending == "stop":
            stop.set()
            release_six.set()
            await poller
        else:
            poller.cancel()
            with pytest.raises(asyncio.CancelledError):
                await poller

    monkeypatch.setattr(polling, "handle", handle)
    asyncio.run(main())
    assert confirmed_unrecorded and not any(confirmed_unrecorded)
    if ending == "stop":
        assert sorted(handled) == [1, 2, 3, 4, 5, 6]
        assert _recorded(db) == {1, 2, 3, 4, 5, 6}
    else:
        assert sorted(handled) == [1, 2, 3, 4, 5]
        assert _recorded(db) == {1, 2, 3, 4, 5}


@pytest.mark.parametrize("skipped", [False, True])
def test_an_update_recorded_before_is_reported_as_handled_twice_unless_it_was_skipped(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, db: Any, skipped: bool
) -> None:
    """Recorded already when the poller records it: another poller handled it too (a
    hand-over), which is worth a warning; or `guard.once_only` found it and skipped it."""
    from bot import polling
    from core import updates

    with transaction(db) as session:
        updates.record(session, [2], utcnow())
    stop = asyncio.Event()
    batches = [[_update(1, 10), _update(2, 20)]]

    async def get_updates(**_: Any) -> list[Update]:
        if batches:
            return batches.pop(0)
        stop.set()
        return []

    async def handle(_app: Any, update: Update) -> None:
        if skipped and update.update_id == 2:
            app.bot_data["redelivered_skipped"] = {2}

    app = _polled_app(get_updates, db)
    monkeypatch.setattr(polling, "handle", handle)
    with caplog.at_level("WARNING", logger="kentbot.polling"):
        asyncio.run(polling.poll(app, stop))
    twice = [r.getMessage() for r in caplog.records if "handled twice" in r.getMessage()]
    assert twice == ([] if skipped else ["updates [2] were handled twice"])
    assert _recorded(db) == {1, 2}
