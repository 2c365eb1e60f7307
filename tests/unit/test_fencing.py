"""core.fencing: leadership epochs, and the claims and outbox sends that check them, on both
databases. A leader whose epoch is stale gets zero rows and `Deposed`, and changes nothing.
The hand-over with real processes is tests/e2e/test_handover_e2e.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from common.config import Config
from core import fencing, job_runs, outbox, sla
from core.working_time import WorkingCalendar
from db.engine import transaction
from db.models import JobRun, LeadershipEpoch, OutboxMessage
from tests.builders import file_request, make_citizen

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
KEY = "kentbot"


def _lead(db: Engine, holder: str) -> fencing.Fence:
    with transaction(db) as session:
        return fencing.take(session, KEY, holder, NOW)


def _batch(db: Engine, chats: range) -> None:
    with transaction(db) as session:
        outbox.enqueue(session, {c: f"hi {c}" for c in chats}, kind="announcement", now=NOW)


@pytest.fixture
def calendar(config: Config) -> WorkingCalendar:
    return WorkingCalendar.from_config(config)


@pytest.fixture
def kent_request(db: Engine, calendar: WorkingCalendar) -> int:
    """An open complaint with a due time, filed at NOW."""
    request = file_request(db, calendar, make_citizen(db, 501), now=NOW)
    assert request.id is not None
    return request.id


def _rows(session: Session) -> dict[int, OutboxMessage]:
    return {row.chat_id: row for row in session.exec(select(OutboxMessage))}


def test_each_leader_takes_the_next_epoch_and_only_the_last_holds(db: Engine) -> None:
    first, second = _lead(db, "a:1"), _lead(db, "b:2")
    assert (first.epoch, second.epoch) == (1, 2)
    with transaction(db) as session:
        assert not fencing.holds(session, first) and fencing.holds(session, second)
        row = session.get(LeadershipEpoch, KEY)
        assert row is not None and (row.epoch, row.holder) == (2, "b:2")


def test_a_deposed_leader_claims_nothing_and_is_told(db: Engine) -> None:
    old = _lead(db, "a:1")
    _batch(db, range(1, 4))
    _lead(db, "b:2")
    with transaction(db) as session, pytest.raises(fencing.Deposed):
        outbox.claim(session, NOW, 10, old)
    with transaction(db) as session:
        assert {r.status for r in _rows(session).values()} == {outbox.PENDING}


def test_a_deposed_leader_can_neither_start_a_send_nor_record_one(db: Engine) -> None:
    old = _lead(db, "a:1")
    _batch(db, range(1, 4))
    with transaction(db) as session:
        one, two, three = outbox.claim(session, NOW, 10, old)
        assert outbox.start(session, one.id, NOW, old)
    new = _lead(db, "b:2")
    for attempt in (
        lambda s: outbox.start(s, two.id, NOW, old),  # the request must not leave
        lambda s: outbox.mark_sent(s, one.id, old),
        lambda s: outbox.retry_later(s, three, NOW, "TimedOut", old),
    ):
        with transaction(db) as session, pytest.raises(fencing.Deposed):
            attempt(session)
    # The new leader: the started one may have reached Telegram, so it is failed, never
    # sent again; the others are due again at once, not after their claim runs out.
    with transaction(db) as session:
        assert outbox.take_over(session, new, NOW) == (2, 1)
    with transaction(db) as session:
        rows = _rows(session)
        assert (rows[1].status, rows[1].error) == (outbox.FAILED, outbox.UNKNOWN)
        assert [rows[c].status for c in (2, 3)] == [outbox.PENDING, outbox.PENDING]
    with transaction(db) as session:
        again = outbox.claim(session, NOW, 10, new)
        assert sorted(m.chat_id for m in again) == [2, 3]
        for message in again:
            assert outbox.start(session, message.id, NOW, new)
            outbox.mark_sent(session, message.id, new)
    with transaction(db) as session:
        assert outbox.counts(session, again[0].announcement_id) == outbox.Counts(
            total=3, sent=2, blocked=0, failed=1, open=0
        )


def test_a_started_message_whose_claim_ran_out_is_failed_not_sent_again(db: Engine) -> None:
    _batch(db, range(1, 3))
    with transaction(db) as session:
        first, _ = outbox.claim(session, NOW, 10)
        outbox.start(session, first.id, NOW)
    later = NOW + outbox.CLAIM_FOR + timedelta(seconds=1)
    with transaction(db) as session:
        assert [m.chat_id for m in outbox.claim(session, later, 10)] == [2]
        assert (_rows(session)[1].status, _rows(session)[1].error) == (
            outbox.FAILED,
            outbox.UNKNOWN,
        )


def test_job_runs_are_claimed_once_and_never_by_a_deposed_leader(db: Engine) -> None:
    old = _lead(db, "a:1")
    with transaction(db) as session:
        assert job_runs.claim(session, "digest-daily", "2026-11-24", NOW, old)
        assert not job_runs.claim(session, "digest-daily", "2026-11-24", NOW, old)
    new = _lead(db, "b:2")
    with transaction(db) as session, pytest.raises(fencing.Deposed):
        job_runs.claim(session, "digest-weekly", "2026-11-24", NOW, old)
    with transaction(db) as session:
        assert job_runs.claim(session, "digest-weekly", "2026-11-24", NOW, new)
        runs = {(r.job, r.epoch) for r in session.exec(select(JobRun))}
    assert runs == {("digest-daily", 1), ("digest-weekly", 2)}


def test_a_deposed_leader_marks_no_request_overdue(db: Engine, kent_request: int) -> None:
    old = _lead(db, "a:1")
    _lead(db, "b:2")
    late = NOW + timedelta(days=400)
    with transaction(db) as session, pytest.raises(fencing.Deposed):
        sla.mark_newly_overdue(session, late, old)
    with transaction(db) as session:
        assert sla.mark_newly_overdue(session, late) == [kent_request]


def test_a_deposed_leader_reminds_nobody(
    db: Engine, kent_request: int, calendar: WorkingCalendar
) -> None:
    old = _lead(db, "a:1")
    new = _lead(db, "b:2")
    with transaction(db) as session:
        row = session.get(sla.Request, kent_request)
        assert row is not None and row.due_at is not None
        nearly = row.due_at - timedelta(seconds=1)
    with transaction(db) as session, pytest.raises(fencing.Deposed):
        sla.due_for_reminder(session, calendar, nearly, old)
    with transaction(db) as session:
        reminders = sla.due_for_reminder(session, calendar, nearly, new)
    assert [r.request_id for r in reminders] == [kent_request]
