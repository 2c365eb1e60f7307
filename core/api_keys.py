"""The keys applications post requests with through Open311 (`kentbot api-key`), and how
often each may post.

A key is 32 random bytes, shown once when it is made; the database keeps its SHA-256
only, so neither a backup nor a look at the table lets anyone post. Each key files its
requests under a channel (`web` unless the operator names another, e.g. `whatsapp` for a
WhatsApp gateway), so the indicators count them where they came from.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from core.codes import CHANNELS
from core.refusals import Refused
from db.models import ApiKey
from db.types import utcnow

DEFAULT_CHANNEL = "web"
DEFAULT_RATE = 60  # posts a minute: far more than any person types, little for a flood
MAX_RATE = 6000
# A name an operator types in a shell and reads in a log: short, plain ASCII.
NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")


def hash_of(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create(
    session: Session,
    name: str,
    channel: str = DEFAULT_CHANNEL,
    rate_per_minute: int = DEFAULT_RATE,
    now: datetime | None = None,
) -> tuple[ApiKey, str]:
    """A new key named `name`: its row and the key itself, which is never shown again."""
    if not NAME.fullmatch(name):
        raise Refused("bad_name")
    # Telegram requests come from the bot alone; an application claiming them would blur
    # the figure the municipality reports for the bot.
    if channel not in CHANNELS or channel == "telegram":
        raise Refused("unknown_channel")
    if not 1 <= rate_per_minute <= MAX_RATE:
        raise Refused("bad_rate")
    if session.exec(select(ApiKey).where(ApiKey.name == name)).first() is not None:
        raise Refused("name_taken")
    key = secrets.token_urlsafe(32)
    row = ApiKey(
        name=name,
        key_hash=hash_of(key),
        channel=channel,
        rate_per_minute=rate_per_minute,
        created_at=now or utcnow(),
    )
    session.add(row)
    session.flush()
    return row, key


def listing(session: Session) -> list[ApiKey]:
    """Every key, revoked ones too (their names stay taken), oldest first."""
    return list(session.exec(select(ApiKey).order_by(col(ApiKey.created_at), col(ApiKey.id))))


def revoke(session: Session, name: str, now: datetime | None = None) -> bool:
    """The key stops working at once; False if no working key has this name."""
    result = session.execute(
        update(ApiKey)
        .where(col(ApiKey.name) == name, col(ApiKey.revoked_at).is_(None))
        .values(revoked_at=now or utcnow())
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def authenticate(session: Session, key: str, now: datetime | None = None) -> ApiKey | None:
    """The working key this is, noting that it was used; None for an unknown or revoked one.

    Looked up by its hash: equal hashes are equal keys, and comparing hashes leaks nothing
    about the key through timing."""
    if not key or len(key) > 256:
        return None
    row = session.exec(
        select(ApiKey).where(ApiKey.key_hash == hash_of(key), col(ApiKey.revoked_at).is_(None))
    ).first()
    if row is None:
        return None
    row.last_used_at = now or utcnow()
    session.add(row)
    return row


class RateLimiter:
    """How many posts each key made in the last minute, in memory.

    One process serves the web application (the leader, beside the bot: web/server.py), so
    its memory sees every post and no table is written per request to count them; a
    restart forgets at most a minute's count. A sliding window: a key at its limit may post
    again as soon as its oldest post of the minute is a minute old."""

    WINDOW = 60.0

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._posts: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait(self, key_hash: str, per_minute: int) -> float:
        """0 and the post is counted, or the seconds to wait before the key may post again
        (the post is not counted)."""
        now = self._clock()
        with self._lock:
            posts = self._posts.setdefault(key_hash, deque())
            while posts and posts[0] <= now - self.WINDOW:
                posts.popleft()
            if len(posts) >= per_minute:
                return max(posts[0] + self.WINDOW - now, 0.001)
            posts.append(now)
            return 0.0
