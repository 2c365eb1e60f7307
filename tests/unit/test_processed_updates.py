"""An update id is recorded once; a second delivery is recognised, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from core import updates
from db.engine import transaction
from db.models import ProcessedUpdate

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_an_update_counts_the_first_time_only(db: Engine) -> None:
    with transaction(db) as session:
        assert not updates.seen(session, 7001)
        assert updates.record(session, [7001], NOW) == {7001}
    with transaction(db) as session:
        assert updates.seen(session, 7001)
        # The redelivery changes nothing and does not break the transaction it is in.
        later = NOW + timedelta(hours=1)
        assert updates.record(session, [7003, 7001, 7002, 7003], later) == {7002, 7003}
        assert updates.record(session, [], later) == set()
    with transaction(db) as session:
        rows = session.exec(select(ProcessedUpdate).order_by(col(ProcessedUpdate.update_id))).all()
        assert [(r.update_id, r.processed_at) for r in rows] == [
            (7001, NOW),
            (7002, later),
            (7003, later),
        ]
        assert updates.prune(session, later + updates.KEEP_FOR) == 1
        assert updates.prune(session, later + updates.KEEP_FOR + timedelta(seconds=1)) == 2
