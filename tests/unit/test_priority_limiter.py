"""Issue 7, point 3: replies to people go ahead of bulk sends, a 429 on a bulk send does
not hold the replies up, per-group limits hold and nothing is dropped: a send that finally
fails is recorded, and stored as a failed delivery. The same through the emulator's flood
limits: e2e/test_priority_limiter_e2e.py.

The limiter runs with real asyncio timing. The assertions are on the order in which
requests reached the (fake) Bot API, never on milliseconds."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select
from telegram.error import NetworkError, RetryAfter

from bot.sending import PatientRateLimiter, PriorityBucket, bulk, is_bulk
from db.engine import transaction
from db.models import FailedDelivery

RATE = 50.0  # tokens per second: a 40-message bulk queue takes about a second


class FakeApi:
    """Records each request that went out; may answer some with a 429 first."""

    def __init__(self, refuse: dict[str, int] | None = None) -> None:
        self.log: list[str] = []
        self.refuse = dict(refuse or {})  # name -> retry_after, once

    def sender(self, name: str) -> Any:
        async def call(*args: object, **kwargs: object) -> bool:
            if name in self.refuse:
                self.log.append(f"429 {name}")
                raise RetryAfter(timedelta(seconds=self.refuse.pop(name)))
            self.log.append(name)
            return True

        return call


def limiter(**kwargs: Any) -> PatientRateLimiter:
    kwargs.setdefault("overall_max_rate", RATE)
    kwargs.setdefault("burst", 1)
    return PatientRateLimiter(network_retries=0, **kwargs)


async def send(rl: PatientRateLimiter, api: FakeApi, name: str, chat_id: int) -> Any:
    return await rl.process_request(
        api.sender(name), (), {}, "sendMessage", {"chat_id": chat_id}, None
    )


async def until(predicate: Any, timeout: float = 30) -> None:
    async def poll() -> None:
        while not predicate():
            await asyncio.sleep(0.005)

    await asyncio.wait_for(poll(), timeout)


def bulk_tasks(rl: PatientRateLimiter, api: FakeApi, n: int) -> list[asyncio.Task[Any]]:
    with bulk():  # the tasks copy the context: they are bulk, this coroutine is not
        tasks = [asyncio.create_task(send(rl, api, f"b{i}", 1000 + i)) for i in range(n)]
    assert not is_bulk()
    return tasks


def test_interactive_sends_overtake_a_waiting_bulk_queue() -> None:
    api = FakeApi()
    rl = limiter()

    async def main() -> None:
        bulk_sends = bulk_tasks(rl, api, 40)
        await until(lambda: len(api.log) >= 5)
        bulk_before = len(api.log)
        replies = [asyncio.create_task(send(rl, api, f"i{n}", 1)) for n in range(5)]
        await asyncio.gather(*bulk_sends, *replies)
        # At most one bulk send had its token already when the replies arrived.
        firsts = api.log[: bulk_before + 1 + 5]
        assert {f"i{n}" for n in range(5)} <= set(firsts), api.log
        assert [e for e in api.log if e.startswith("i")] == [f"i{n}" for n in range(5)]

    asyncio.run(main())
    assert sorted(api.log) == sorted([f"b{i}" for i in range(40)] + [f"i{n}" for n in range(5)])


def test_a_bulk_429_pauses_bulk_sends_only() -> None:
    api = FakeApi(refuse={"b3": 2})
    rl = limiter()

    async def main() -> None:
        bulk_sends = bulk_tasks(rl, api, 20)
        await until(lambda: "429 b3" in api.log)
        replies = [asyncio.create_task(send(rl, api, f"i{n}", 1)) for n in range(5)]
        await asyncio.gather(*replies)
        # Every reply went out before the bulk line came back from its 2.1 s pause.
        after = api.log[api.log.index("429 b3") + 1 :]
        assert after[:5] == [f"i{n}" for n in range(5)], api.log
        await asyncio.gather(*bulk_sends)

    asyncio.run(main())
    delivered = [e for e in api.log if not e.startswith("429")]
    assert sorted(delivered) == sorted([f"b{i}" for i in range(20)] + [f"i{n}" for n in range(5)])


def test_an_interactive_429_waits_alone() -> None:
    api = FakeApi(refuse={"i0": 2})
    rl = limiter()

    async def main() -> None:
        bulk_sends = bulk_tasks(rl, api, 30)
        await until(lambda: len(api.log) >= 3)
        reply = asyncio.create_task(send(rl, api, "i0", 1))
        await until(lambda: "429 i0" in api.log)
        other = asyncio.create_task(send(rl, api, "i1", 2))
        await asyncio.gather(*bulk_sends, reply, other)

    asyncio.run(main())
    refused = api.log.index("429 i0")
    # Neither the bulk line nor another citizen's reply waited for i0's retry.
    assert api.log.index("i1") < api.log.index("i0")
    assert any(e.startswith("b") for e in api.log[refused : api.log.index("i0")])
    assert api.log.count("i0") == 1 and len(api.log) == 30 + 3


def test_429_retries_are_bounded_and_the_failure_is_recorded() -> None:
    recorded: list[tuple[int | None, str, str, int]] = []
    rl = PatientRateLimiter(
        on_failure=lambda *row: recorded.append(row),
        network_retries=3,
        max_retries=2,
        overall_max_rate=RATE,
    )
    calls = 0

    async def always_429(*args: object, **kwargs: object) -> bool:
        nonlocal calls
        calls += 1
        raise RetryAfter(timedelta(0))

    async def main() -> None:
        try:
            with bulk():
                await rl.process_request(always_429, (), {}, "sendMessage", {"chat_id": 7}, None)
        except RetryAfter:
            return
        raise AssertionError("the 429 was not raised")

    asyncio.run(main())
    assert calls == 3  # the first try and max_retries=2
    assert len(recorded) == 1 and recorded[0][:2] == (7, "sendMessage")


def test_the_per_group_limit_still_holds() -> None:
    api = FakeApi()
    rl = limiter(group_max_rate=2, group_time_period=60)

    async def main() -> None:
        to_group = [asyncio.create_task(send(rl, api, f"g{n}", -100)) for n in range(4)]
        to_people = [asyncio.create_task(send(rl, api, f"p{n}", 10 + n)) for n in range(6)]
        await asyncio.gather(*to_people)
        await asyncio.sleep(0.3)  # the group's next token is a minute away
        for task in to_group:
            task.cancel()
        await asyncio.gather(*to_group, return_exceptions=True)

    asyncio.run(main())
    assert sorted(e for e in api.log if e.startswith("g")) == ["g0", "g1"]
    assert sorted(e for e in api.log if e.startswith("p")) == [f"p{n}" for n in range(6)]


def test_a_cancelled_waiter_gives_its_turn_to_the_next() -> None:
    async def main() -> list[str]:
        bucket = PriorityBucket(rate=RATE, burst=1)
        order: list[str] = []

        async def take(name: str, is_bulk: bool) -> None:
            await bucket.acquire(is_bulk)
            order.append(name)

        await bucket.acquire(False)  # the burst is spent: everyone below waits
        tasks = {
            name: asyncio.create_task(take(name, name.startswith("b")))
            for name in ("b0", "b1", "i0", "i1")
        }
        await asyncio.sleep(0)
        tasks["i0"].cancel()
        tasks["b0"].cancel()
        await asyncio.gather(*tasks.values(), return_exceptions=True)
        assert bucket.waiting() == (0, 0)
        return order

    assert asyncio.run(main()) == ["i1", "b1"]


# --- a send that finally fails ----------------------------------------------------------------


def test_a_message_that_finally_fails_is_recorded() -> None:
    recorded: list[tuple[int | None, str, str, int]] = []
    limiter = PatientRateLimiter(
        on_failure=lambda *row: recorded.append(row), network_retries=3, first_delay=0.01
    )
    calls = 0

    async def always_failing(*args: object, **kwargs: object) -> bool:
        nonlocal calls
        calls += 1
        raise NetworkError("Internal Server Error (500)")

    async def main() -> None:
        await limiter.initialize()
        with pytest.raises(NetworkError):
            await limiter.process_request(
                always_failing, (), {}, "sendMessage", {"chat_id": 42}, None
            )

    asyncio.run(main())
    assert calls == 4
    assert recorded == [(42, "sendMessage", "NetworkError: Internal Server Error (500)", 4)]


def test_failed_deliveries_are_stored(db: Engine) -> None:
    from bot.app import _recorder

    _recorder(db)(42, "sendMessage", "NetworkError: boom", 6)
    with transaction(db) as session:
        row = session.exec(select(FailedDelivery)).one()
        assert (row.chat_id, row.method, row.attempts) == (42, "sendMessage", 6)
