"""core.fencing: leadership epochs, and the claims and outbox sends that check them, on both
databases. A leader whose epoch is stale gets zero rows and `Deposed`, and changes nothing;
the current one claims as before, and "nothing to do" is not taken for "deposed".
The hand-over with real processes is tests/e2e/test_handover_e2e.py."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from telegram.error import TimedOut

from bot.sending import PatientRateLimiter
from common.config import Config
from core import event_reminders, fencing, job_runs, outbox, sla, survey, unreachable
from core.employment import followups, registry, renewal
from core.working_time import WorkingCalendar
from db.engine import transaction
from db.models import (
    CouncilEvent,
    JobRun,
    LeadershipEpoch,
    OutboxMessage,
    Registration,
    Request,
)
from handlers.common import fence_gate
from tests.builders import citizen_of, file_request, make_citizen
from tests.employment_builders import referral_at_interview, sample_cv

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


# --- Direct sends: each is claimed by a mark that checks the epoch -----------------------


def test_a_deposed_leader_sends_no_event_reminder(db: Engine) -> None:
    citizen = make_citizen(db, 502)
    with transaction(db) as session:
        event = CouncilEvent(
            kind="job_fair",
            title="İş fuarı",
            starts_at=NOW + timedelta(hours=20),
            ends_at=NOW + timedelta(hours=23),
            capacity=10,
        )
        session.add(event)
        session.flush()
        assert event.id is not None
        session.add(
            Registration(event_id=event.id, citizen_id=citizen, status="registered", code="K7")
        )
    old, new = _lead(db, "a:1"), _lead(db, "b:2")
    with transaction(db) as session, pytest.raises(fencing.Deposed):
        event_reminders.due(session, NOW, old)
    with transaction(db) as session:
        [reminder] = event_reminders.due(session, NOW, new)
        assert (reminder.code, reminder.which) == ("K7", "24h")
    with transaction(db) as session:
        assert event_reminders.due(session, NOW, new) == []  # nothing to do: not deposed
        [registration] = session.exec(select(Registration)).all()
        assert registration.reminded_24h_at == NOW


def _resolved(db: Engine, calendar: WorkingCalendar, telegram_id: int) -> int:
    request = file_request(db, calendar, make_citizen(db, telegram_id), now=NOW)
    with transaction(db) as session:
        row = session.get(Request, request.id)
        assert row is not None and row.id is not None
        row.status, row.resolved_at = "resolved", NOW
        session.add(row)
        return row.id


def test_a_deposed_leader_asks_no_survey(db: Engine, calendar: WorkingCalendar) -> None:
    first, second = _resolved(db, calendar, 503), _resolved(db, calendar, 504)
    old, new = _lead(db, "a:1"), _lead(db, "b:2")
    for attempt in (
        lambda s: survey.claim(s, first, NOW, old),  # right after the resolution
        lambda s: survey.due(s, NOW, old),  # the sweep
    ):
        with transaction(db) as session, pytest.raises(fencing.Deposed):
            attempt(session)
    with transaction(db) as session:
        assert {r.survey_asked_at for r in session.exec(select(Request))} == {None}
    with transaction(db) as session:
        assert survey.claim(session, first, NOW, new)
        assert not survey.claim(session, first, NOW, new)  # asked already: not deposed
        assert [item.request_id for item in survey.due(session, NOW, new)] == [second]
    # The reminder three days on is claimed the same way.
    later = NOW + survey.ASK_AGAIN_AFTER
    with transaction(db) as session, pytest.raises(fencing.Deposed):
        survey.due(session, later, old)
    with transaction(db) as session:
        reminders = survey.due(session, later, new)
    assert sorted((i.request_id, i.reminder) for i in reminders) == [(first, True), (second, True)]


def test_a_deposed_leader_asks_no_idle_seeker_about_their_cv(db: Engine) -> None:
    citizen = make_citizen(db, 505)
    with transaction(db) as session:
        registry.save_cv(
            session, citizen_of(session, citizen), sample_cv(), NOW - timedelta(days=400)
        )
    old, new = _lead(db, "a:1"), _lead(db, "b:2")
    with transaction(db) as session, pytest.raises(fencing.Deposed):
        renewal.claim_due(session, NOW, 730, fence=old)
    with transaction(db) as session:
        assert [i.telegram_id for i in renewal.claim_due(session, NOW, 730, fence=new)] == [505]
    with transaction(db) as session:
        assert renewal.claim_due(session, NOW, 730, fence=new) == []


def test_a_deposed_leader_reminds_the_employment_centre_of_nothing(
    db: Engine, calendar: WorkingCalendar
) -> None:
    with transaction(db) as session:
        referral, citizen, _, _ = referral_at_interview(session)
        followups.interview_questions(session, NOW)
        followups.answer_interview(session, citizen, referral, False, NOW)  # did not happen
        referral_id = referral.id
    old, new = _lead(db, "a:1"), _lead(db, "b:2")
    with transaction(db) as session, pytest.raises(fencing.Deposed):
        followups.reminders(session, calendar, NOW, 3, old)
    with transaction(db) as session:
        due = followups.reminders(session, calendar, NOW, 3, new)
        assert [(r.id, kind) for r, kind in due] == [(referral_id, "interview")]
        assert due[0][0].interview_reminded_at == NOW
    with transaction(db) as session:
        assert followups.reminders(session, calendar, NOW, 3, new) == []


def test_a_deposed_leader_tells_nobody_that_a_group_is_unreachable(db: Engine) -> None:
    old, new = _lead(db, "a:1"), _lead(db, "b:2")
    with transaction(db) as session, pytest.raises(fencing.Deposed):
        unreachable.claim_report(session, -100123, NOW, old)
    with transaction(db) as session:
        assert session.exec(select(JobRun)).all() == []
    with transaction(db) as session:
        assert unreachable.claim_report(session, -100123, NOW, new)
        assert not unreachable.claim_report(session, -100123, NOW, new)  # told already
    with transaction(db) as session:
        [run] = session.exec(select(JobRun)).all()
        assert (run.job, run.key, run.epoch) == (unreachable.UNREACHABLE, "-100123", 2)


def test_a_deposed_leader_posts_no_missing_card_again(db: Engine, kent_request: int) -> None:
    old, new = _lead(db, "a:1"), _lead(db, "b:2")
    later = NOW + timedelta(hours=1)
    with transaction(db) as session, pytest.raises(fencing.Deposed):
        sla.without_card(session, later, timedelta(minutes=10), old)
    with transaction(db) as session:
        assert sla.without_card(session, later, timedelta(minutes=10), new) == [kent_request]
        assert sla.without_card(session, NOW, timedelta(minutes=10), new) == []  # too soon


def test_a_missing_card_claimed_by_a_leader_is_not_posted_by_its_successor_too(
    db: Engine, kent_request: int
) -> None:
    """The old leader claims the repost and is paused before posting; its successor,
    sweeping in the same window, finds the card claimed and leaves it. Had the old leader
    died instead, the next window's sweep posts it."""
    old = _lead(db, "a:1")
    later = NOW + timedelta(hours=1)
    grace = timedelta(minutes=10)
    with transaction(db) as session:
        assert sla.without_card(session, later, grace, old) == [kent_request]
    new = _lead(db, "b:2")
    with transaction(db) as session:
        assert sla.without_card(session, later + timedelta(minutes=1), grace, new) == []
    with transaction(db) as session:
        assert sla.without_card(session, later + grace, grace, new) == [kent_request]


def test_the_sweeps_claims_of_cards_go_after_a_day(db: Engine, kent_request: int) -> None:
    """A card that keeps failing is claimed again every window; the claims of windows more
    than a day old are deleted, so they do not pile up for ever."""
    grace = timedelta(minutes=10)
    first = NOW + timedelta(hours=1)
    with transaction(db) as session:
        assert sla.without_card(session, first, grace) == [kent_request]
        assert sla.without_card(session, first + grace, grace) == [kent_request]

    def claims() -> int:
        with transaction(db) as session:
            return len(session.exec(select(JobRun).where(JobRun.job == sla.CARD_REPOST)).all())

    assert claims() == 2
    with transaction(db) as session:
        assert sla.without_card(session, first + timedelta(days=1, minutes=5), grace)
    assert claims() == 2  # the first went, the newest came


@pytest.mark.parametrize("successor", [False, True])
def test_a_send_that_timed_out_is_retried_only_while_its_sender_still_leads(
    db: Engine, successor: bool
) -> None:
    """A leader paused during a send finds, when resumed, that its request timed out,
    though Telegram may have delivered it. Its retry checks the epoch first: it sends
    again if it still leads (Telegram was merely slow), never once a successor leads."""
    old = _lead(db, "a:1")
    limiter = PatientRateLimiter(network_retries=3, first_delay=0.01)
    delivered: list[int] = []

    async def reaching_telegram(*args: object, **kwargs: object) -> bool:
        delivered.append(42)
        if len(delivered) == 1:
            if successor:
                _lead(db, "b:2")  # took over while the answer was awaited
            raise TimedOut("Timed out")
        return True

    async def send() -> bool:
        await limiter.initialize()
        with fence_gate(db, old):
            return bool(
                await limiter.process_request(
                    reaching_telegram, (), {}, "sendMessage", {"chat_id": 42}, None
                )
            )

    if successor:
        with pytest.raises(fencing.Deposed):
            asyncio.run(send())
        assert delivered == [42]
    else:
        assert asyncio.run(send())
        assert delivered == [42, 42]
