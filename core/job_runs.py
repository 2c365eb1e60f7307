"""Units of scheduled work that must happen once (a day's digest): a `job_run` row per
(job, key), claimed by whichever run inserts it first, on this instance or another."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, insert, literal, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from core import fencing
from db.models import JobRun
from db.types import UTCDateTime


def claim(
    session: Session, job: str, key: str, now: datetime, fence: fencing.Fence | None = None
) -> bool:
    """True once per (job, key), across restarts and instances. With a `fence`, the claim
    is made only while its epoch is current (checked in the INSERT itself), and a deposed
    leader gets `fencing.Deposed` instead of the work.

    A duplicate key rolls back only a savepoint, so the caller's transaction goes on."""
    source = select(
        literal(job, String),
        literal(key, String),
        literal(now, UTCDateTime),
        literal(fence.epoch if fence else None, Integer),
    )
    if fence is not None:
        source = source.where(fencing.current(fence))
    try:
        with session.begin_nested():
            # RETURNING, not rowcount: psycopg reports -1 for an INSERT … SELECT.
            inserted = session.execute(
                insert(JobRun)
                .from_select(["job", "key", "done_at", "epoch"], source)
                .returning(col(JobRun.id))
            ).first()
    except IntegrityError:
        return False
    if inserted is None:
        assert fence is not None
        raise fencing.Deposed(fence)
    return True
