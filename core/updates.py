"""Having each Telegram update take effect once, and pruning what that remembers."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col

from db.inserts import insert_unless_exists
from db.models import ProcessedUpdate

KEEP_FOR = timedelta(days=3)


def seen(session: Session, update_id: int) -> bool:
    return session.get(ProcessedUpdate, update_id) is not None


def first_time(session: Session, update_id: int, now: datetime) -> bool:
    """Record the update; False when it was seen before (a redelivery).

    The primary key decides, so two instances or two deliveries racing each other
    cannot both see True. One INSERT … ON CONFLICT DO NOTHING, where a SAVEPOINT
    around a plain INSERT took three round trips on every update."""
    statement = insert_unless_exists(session, ProcessedUpdate, "update_id",
                                     update_id=update_id, processed_at=now)
    # rowcount is -1 for this statement under psycopg 3; RETURNING says it on both.
    inserted = session.execute(statement.returning(col(ProcessedUpdate.update_id))).first()
    return inserted is not None


def prune(session: Session, now: datetime) -> int:
    """Forget old ids: Telegram redelivers within hours, and restarts ids after a week."""
    result = session.execute(delete(ProcessedUpdate).where(
        col(ProcessedUpdate.processed_at) < now - KEEP_FOR))
    return int(result.rowcount)  # type: ignore[attr-defined]
