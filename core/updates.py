"""Having each Telegram update take effect once, and pruning what that remembers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col

from db.inserts import insert_unless_exists
from db.models import ProcessedUpdate

KEEP_FOR = timedelta(days=3)


def seen(session: Session, update_id: int) -> bool:
    return session.get(ProcessedUpdate, update_id) is not None


def record(session: Session, update_ids: Iterable[int], now: datetime) -> set[int]:
    """Record the updates as handled; returns those not recorded before.

    The primary key decides, so two instances or two deliveries racing each other
    cannot both record the same update as new. One INSERT … ON CONFLICT DO NOTHING for
    them all; in ascending order, so that two such inserts wait for each other instead
    of deadlocking."""
    rows = [{"update_id": i, "processed_at": now} for i in sorted(set(update_ids))]
    if not rows:
        return set()
    statement = insert_unless_exists(session, ProcessedUpdate, "update_id", rows)
    # rowcount is -1 for this statement under psycopg 3; RETURNING says it on both.
    return set(session.scalars(statement.returning(col(ProcessedUpdate.update_id))))


def prune(session: Session, now: datetime) -> int:
    """Forget old ids: Telegram redelivers within hours, and restarts ids after a week."""
    result = session.execute(
        delete(ProcessedUpdate).where(col(ProcessedUpdate.processed_at) < now - KEEP_FOR)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
