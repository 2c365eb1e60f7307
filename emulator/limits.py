"""Flood limits (token buckets, as Telegram behaves) and seeded fault injection."""

from __future__ import annotations

import math
import random
import time
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Settings:
    flood: bool = False
    global_per_second: float = 30.0
    global_burst: float = 30.0
    private_per_second: float = 1.0
    private_burst: float = 3.0
    group_per_minute: float = 20.0
    group_burst: float = 20.0
    fault_rate: float = 0.0
    fault_seed: int | None = None
    # Telegram refuses to answer a button press after a few seconds ("query is too old");
    # the exact window is unpublished. An update redelivered after a restart is older.
    callback_answer_seconds: float = 15.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class TokenBucket:
    rate: float  # tokens per second
    capacity: float
    tokens: float = -1.0
    stamp: float = field(default_factory=time.monotonic)

    def _refill(self, now: float) -> None:
        if self.tokens < 0:
            self.tokens = self.capacity
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def wait_needed(self, now: float) -> float:
        self._refill(now)
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


class FloodControl:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._buckets: dict[tuple[int, int | None], TokenBucket] = {}

    def reset(self) -> None:
        self._buckets.clear()

    def _bucket(self, bot_id: int, chat_id: int | None, private: bool) -> TokenBucket:
        key = (bot_id, chat_id)
        bucket = self._buckets.get(key)
        if bucket is None:
            s = self.settings
            if chat_id is None:
                bucket = TokenBucket(s.global_per_second, s.global_burst)
            elif private:
                bucket = TokenBucket(s.private_per_second, s.private_burst)
            else:
                bucket = TokenBucket(s.group_per_minute / 60.0, s.group_burst)
            self._buckets[key] = bucket
        return bucket

    def check(self, bot_id: int, chat_id: int, private: bool) -> int:
        """0 if the send may go (and it is counted), else the whole seconds to retry after."""
        if not self.settings.flood:
            return 0
        now = time.monotonic()
        buckets = [self._bucket(bot_id, None, False), self._bucket(bot_id, chat_id, private)]
        wait = max(b.wait_needed(now) for b in buckets)
        if wait > 0:
            return max(1, math.ceil(wait))
        for b in buckets:
            b.take()
        return 0


class FaultInjector:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.rng = random.Random(settings.fault_seed)

    def reseed(self) -> None:
        self.rng = random.Random(self.settings.fault_seed)

    def should_fail(self) -> bool:
        rate = self.settings.fault_rate
        return rate > 0 and self.rng.random() < rate
