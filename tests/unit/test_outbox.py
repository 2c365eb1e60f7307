"""core.outbox: batches, claims with a lease, outcomes, retries and the batch's close."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core import outbox
from db.engine import transaction
from db.migrate import downgrade, upgrade
from db.models import Announcement, Citizen, OutboxMessage

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def test_migration_0009_creates_and_drops_the_outbox(engine: Engine) -> None:
    upgrade(engine)
    assert {"announcement", "outbox_message"} <= set(inspect(engine).get_table_names())
    indexed = {tuple(ix["column_names"]) for ix in inspect(engine).get_indexes("outbox_message")}
    assert ("next_try_at", "id") in indexed  # the worker's "due now" query
    assert ("announcement_id", "status") in indexed  # batch counts
    downgrade(engine, "0008")
    assert not {"announcement", "outbox_message"} & set(inspect(engine).get_table_names())
    upgrade(engine)
    assert {"announcement", "outbox_message"} <= set(inspect(engine).get_table_names())


def _batch(
    db: Engine,
    chats: range | list[int],
    requester_chat_id: int | None = None,
    language: str | None = None,
) -> int:
    with transaction(db) as session:
        return outbox.enqueue(
            session,
            {chat: f"hello {chat}" for chat in chats},
            kind="announcement",
            now=NOW,
            requester_chat_id=requester_chat_id,
            language=language,
        )


def _claim(db: Engine, now: datetime = NOW, limit: int = 100) -> list[outbox.Due]:
    with transaction(db) as session:
        return outbox.claim(session, now, limit)


def _row(session: Session, message_id: int) -> OutboxMessage:
    row = session.get(OutboxMessage, message_id)
    assert row is not None
    return row


def test_claims_are_oldest_first_limited_and_never_handed_out_twice(db: Engine) -> None:
    first = _batch(db, range(1, 6))
    second = _batch(db, range(100, 103))
    taken = _claim(db, limit=4)
    assert [m.chat_id for m in taken] == [1, 2, 3, 4]
    assert {m.announcement_id for m in taken} == {first}
    assert all(m.attempts == 1 and m.text == f"hello {m.chat_id}" for m in taken)
    rest = _claim(db)
    assert [m.chat_id for m in rest] == [5, 100, 101, 102]
    assert {m.announcement_id for m in rest} == {first, second}
    assert _claim(db, NOW + outbox.CLAIM_FOR - timedelta(seconds=1)) == []  # still claimed
    with transaction(db) as session:
        assert outbox.counts(session, first) == outbox.Counts(
            total=5, sent=0, blocked=0, failed=0, open=5
        )
        assert {_row(session, m.id).status for m in taken + rest} == {outbox.SENDING}


def test_a_text_postgresql_cannot_store_is_stored_without_its_nul(db: Engine) -> None:
    with transaction(db) as session:
        outbox.enqueue(session, {1: "a\x00b"}, kind="announcement", now=NOW)
    assert [m.text for m in _claim(db)] == ["ab"]


def test_rows_claimed_by_a_process_that_died_are_claimed_again_after_the_lease(db: Engine) -> None:
    _batch(db, [7, 8])
    crashed = _claim(db)
    assert len(crashed) == 2
    again = _claim(db, NOW + outbox.CLAIM_FOR)
    assert [(m.id, m.attempts) for m in again] == [(m.id, 2) for m in crashed]


def test_a_message_that_keeps_dying_is_failed_after_max_attempts(db: Engine) -> None:
    batch = _batch(db, [9])
    now = NOW
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        (message,) = _claim(db, now)
        assert message.attempts == attempt
        now += outbox.CLAIM_FOR  # never recorded: the process died while sending
    assert _claim(db, now) == []
    with transaction(db) as session:
        row = session.exec(select(OutboxMessage)).one()
        assert (row.status, row.next_try_at, row.error) == ("failed", None, "claimed too often")
        assert outbox.counts(session, batch).failed == 1


def test_outcomes_close_the_row_and_a_block_marks_the_citizen(db: Engine) -> None:
    with transaction(db) as session:
        session.add(Citizen(telegram_id=2, first_name="Ali"))
    batch = _batch(db, [1, 2, 3])
    one, two, three = _claim(db)
    with transaction(db) as session:
        outbox.mark_sent(session, one.id)
        outbox.mark_blocked(session, two)
        outbox.mark_failed(session, three.id, "BadRequest: Chat not found")
    with transaction(db) as session:
        assert [
            (_row(session, m.id).status, _row(session, m.id).next_try_at) for m in (one, two, three)
        ] == [("sent", None), ("blocked", None), ("failed", None)]
        assert _row(session, three.id).error == "BadRequest: Chat not found"
        citizen = session.exec(select(Citizen).where(Citizen.telegram_id == 2)).one()
        assert citizen.blocked_at is not None
        assert outbox.counts(session, batch) == outbox.Counts(
            total=3, sent=1, blocked=1, failed=1, open=0
        )
    assert _claim(db, NOW + timedelta(days=1)) == []  # nothing done comes back


def test_an_outcome_for_a_row_no_longer_claimed_changes_nothing(db: Engine) -> None:
    _batch(db, [1])
    (message,) = _claim(db)
    with transaction(db) as session:
        outbox.mark_sent(session, message.id)
        outbox.mark_failed(session, message.id, "late")  # e.g. a second, confused worker
        outbox.retry_later(session, message, NOW, "late")
    with transaction(db) as session:
        assert (_row(session, message.id).status, _row(session, message.id).error) == ("sent", None)


def test_retries_back_off_and_end_in_failure(db: Engine) -> None:
    batch = _batch(db, [5])
    now, waits = NOW, []
    while True:
        (message,) = _claim(db, now)
        with transaction(db) as session:
            again = outbox.retry_later(session, message, now, "NetworkError: down")
            row = _row(session, message.id)
            if not again:
                break
            assert row.status == "pending" and row.next_try_at is not None
            waits.append(row.next_try_at - now)
        assert _claim(db, row.next_try_at - timedelta(seconds=1)) == []  # not before its time
        now = row.next_try_at
    assert waits == [outbox.FIRST_RETRY * 2**n for n in range(outbox.MAX_ATTEMPTS - 1)]
    with transaction(db) as session:
        assert (row.status, row.error) == ("failed", "NetworkError: down")
        assert outbox.counts(session, batch).failed == 1


def test_a_batch_closes_once_when_nothing_is_open(db: Engine) -> None:
    batch = _batch(db, [1, 2], requester_chat_id=900, language="en")
    empty = _batch(db, [], requester_chat_id=901, language="tr")
    with transaction(db) as session:
        closed = outbox.finish_ready(session, NOW)
    assert [(f.announcement_id, f.counts.total) for f in closed] == [(empty, 0)]
    one, two = _claim(db)
    with transaction(db) as session:
        outbox.mark_sent(session, one.id)
        outbox.retry_later(session, two, NOW, "TimedOut: slow")
        assert outbox.finish_ready(session, NOW) == []  # a retry is still open
    (two,) = _claim(db, NOW + timedelta(hours=1))
    with transaction(db) as session:
        outbox.mark_blocked(session, two)
        closed = outbox.finish_ready(session, NOW + timedelta(hours=1))
        assert closed == [
            outbox.Finished(
                batch,
                "announcement",
                900,
                "en",
                outbox.Counts(total=2, sent=1, blocked=1, failed=0, open=0),
            )
        ]
        assert outbox.finish_ready(session, NOW + timedelta(hours=2)) == []
        announcement = session.get(Announcement, batch)
        assert announcement is not None
        assert announcement.finished_at == NOW + timedelta(hours=1)


def test_prune_forgets_only_batches_finished_before_the_cutoff(db: Engine) -> None:
    old = _batch(db, [1, 2])
    for message in _claim(db):
        with transaction(db) as session:
            outbox.mark_sent(session, message.id)
    with transaction(db) as session:
        outbox.finish_ready(session, NOW)
    recent_open = _batch(db, [3])
    with transaction(db) as session:
        assert outbox.prune(session, NOW) == 0  # finished exactly at the cutoff: kept
        assert outbox.prune(session, NOW + timedelta(seconds=1)) == 1
    with transaction(db) as session:
        assert session.get(Announcement, old) is None
        assert [m.announcement_id for m in session.exec(select(OutboxMessage))] == [recent_open]


def test_two_claimers_at_once_get_different_rows_on_postgresql(pg: Engine) -> None:
    db = pg
    _batch(db, range(1, 11))
    with transaction(db) as first:
        mine = outbox.claim(first, NOW, 6)  # still uncommitted, its rows locked
        with transaction(db) as second:
            theirs = outbox.claim(second, NOW, 6)
    assert len(mine) == 6 and len(theirs) == 4
    assert not {m.id for m in mine} & {m.id for m in theirs}
