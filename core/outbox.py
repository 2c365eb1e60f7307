"""The outbox: messages to many people (announcements, event notices) kept as database rows
until Telegram has taken them, so a restart in the middle of a batch resumes it.

A batch (`Announcement`) holds one `OutboxMessage` per chat. A worker claims the rows that
are due, sends them and records each outcome; a claim is a lease, so rows claimed by a
process that died are claimed again once it runs out. When no row of a batch is open any
more, `finish_ready` closes the batch exactly once and gives its counts for the report.

Plain functions over a session, no Telegram: the caller decides what an error means.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, exists, func, insert, or_, update
from sqlmodel import Session, col, select

from core import citizens, fencing
from core.privacy import Erased, PersonalData
from db.models import Announcement, Citizen, OutboxMessage

PENDING, SENDING, SENT, BLOCKED, FAILED = "pending", "sending", "sent", "blocked", "failed"
OPEN = (PENDING, SENDING)

# Attempts per message, counting the claim that a crash interrupted: a message that makes
# the process die (or Telegram refuse) five times is given up rather than tried forever.
MAX_ATTEMPTS = 5
# Waits after a failed attempt: 30 s, 1, 2, 4 min. The rate limiter has already retried
# 429s and network errors for some seconds before a send fails here, so the cause is
# lasting (Telegram down, our network gone) and is worth minutes, not seconds.
FIRST_RETRY = timedelta(seconds=30)
# How long a claim holds. A worker sends what it claimed within seconds (a batch is about
# a second of the bulk line, slower only while replies to people or a 429 hold the line
# up); a claim older than this belongs to a process that died, and is taken over.
CLAIM_FOR = timedelta(minutes=5)
ERROR_LENGTH = 200
# The error of a message whose claim ended (its leader died or was deposed) after its
# request to Telegram had started: it may have been delivered, so it is not sent again.
UNKNOWN = "outcome unknown: its sender stopped during the request"


# Inline buttons under a message, row by row: (label, data) pairs, the data a
# flows.actions Action packs (the outbox stores them as they are, on any channel).
Buttons = Sequence[Sequence[tuple[str, str]]]


@dataclass(frozen=True)
class Due:
    """A claimed message: send `text` to `chat_id` (with `buttons`, rows of
    [label, data], if any), then record the outcome by `id`."""

    id: int
    announcement_id: int
    chat_id: int
    text: str
    attempts: int
    buttons: list[list[list[str]]] | None = None


@dataclass(frozen=True)
class Counts:
    total: int
    sent: int
    blocked: int
    failed: int
    open: int


@dataclass(frozen=True)
class Finished:
    """A batch just closed: whom to tell (if anyone), in which language, and its counts."""

    announcement_id: int
    kind: str
    requester_chat_id: int | None
    language: str | None
    counts: Counts


def enqueue(
    session: Session,
    texts: Mapping[int, str],
    *,
    kind: str,
    now: datetime,
    requester_chat_id: int | None = None,
    language: str | None = None,
    buttons: Mapping[int, Buttons] | None = None,
) -> int:
    """Store a batch: one message per chat, all due now, with the chat's `buttons` if
    given. Returns the batch's id.

    Written in the caller's transaction, so the batch exists exactly when what caused it
    (an event's cancellation, say) is committed. NUL characters are dropped: PostgreSQL
    refuses them in text, and Telegram shows nothing for them. `buttons` gives a chat's
    message inline buttons ([[label, data], ...] row by row), which the citizen answers
    with (a referral's Interested / Not interested)."""
    batch = Announcement(
        kind=kind, requester_chat_id=requester_chat_id, language=language, created_at=now
    )
    session.add(batch)
    session.flush()
    assert batch.id is not None
    if texts:
        # One multi-row INSERT: an assembly has thousands of members.
        session.execute(
            insert(OutboxMessage),
            [
                {
                    "announcement_id": batch.id,
                    "chat_id": chat_id,
                    "text": text.replace("\x00", ""),
                    "status": PENDING,
                    "attempts": 0,
                    "next_try_at": now,
                    "buttons": _rows(buttons.get(chat_id) if buttons else None),
                }
                for chat_id, text in texts.items()
            ],
        )
    return batch.id


def _rows(buttons: Buttons | None) -> list[list[list[str]]] | None:
    if not buttons:
        return None
    return [[[label, data] for label, data in row] for row in buttons]


def claim(
    session: Session, now: datetime, limit: int, fence: fencing.Fence | None = None
) -> list[Due]:
    """Up to `limit` due messages, oldest first, claimed for CLAIM_FOR under `fence`'s
    epoch (checked in the claiming UPDATE: a deposed leader gets `fencing.Deposed`).

    A due message out of attempts is failed instead, so one whose sending keeps killing
    the process ends rather than coming back forever. So is one whose claim ran out after
    its send had started (`start`): Telegram may have it, and it is never sent twice. With
    nothing due this is a single read: the worker asks every few seconds, and must not
    take SQLite's write lock then."""
    fenced = [fencing.current(fence)] if fence is not None else []
    while True:
        due = session.exec(
            select(OutboxMessage.id, OutboxMessage.attempts, OutboxMessage.started_at)
            .where(col(OutboxMessage.next_try_at) <= now)
            .order_by(col(OutboxMessage.next_try_at), col(OutboxMessage.id))
            .limit(limit)
            .with_for_update(skip_locked=True)  # PostgreSQL: another claimer skips these
        ).all()
        if not due:
            return []
        unknown = [row_id for row_id, _, started in due if started is not None]
        if unknown:
            session.execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.id).in_(unknown), *fenced)
                .values(status=FAILED, next_try_at=None, error=UNKNOWN)
            )
        fresh = [(row_id, attempts) for row_id, attempts, started in due if started is None]
        spent = [row_id for row_id, attempts in fresh if attempts >= MAX_ATTEMPTS]
        if spent:
            session.execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.id).in_(spent), *fenced)
                .values(
                    status=FAILED,
                    next_try_at=None,
                    error=func.coalesce(OutboxMessage.error, "claimed too often"),
                )
            )
        usable = [row_id for row_id, attempts in fresh if attempts < MAX_ATTEMPTS]
        if usable:
            taken = _take(session, usable, now, fence)
            if taken:
                return taken
        # Nothing taken: deposed (every fenced UPDATE above changed nothing), or a racing
        # claimer got them first; then look again.
        fencing.check(session, fence)


def _take(
    session: Session, ids: list[int | None], now: datetime, fence: fencing.Fence | None
) -> list[Due]:
    # The condition is repeated so that only rows still due are taken: a claimer that
    # raced us to them (SQLite has no row locks) gets them, not both of us.
    rows = session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id).in_(ids),
            col(OutboxMessage.next_try_at) <= now,
            *([fencing.current(fence)] if fence is not None else []),
        )
        .values(
            status=SENDING,
            attempts=OutboxMessage.attempts + 1,
            next_try_at=now + CLAIM_FOR,
            epoch=fence.epoch if fence is not None else None,
            started_at=None,
        )
        .returning(
            col(OutboxMessage.id),
            col(OutboxMessage.announcement_id),
            col(OutboxMessage.chat_id),
            col(OutboxMessage.text),
            col(OutboxMessage.attempts),
            col(OutboxMessage.buttons),
        )
    ).all()
    return sorted((Due(*row) for row in rows), key=lambda due: due.id)


def start(
    session: Session, message_id: int, now: datetime, fence: fencing.Fence | None = None
) -> bool:
    """Record that a request carrying the message is about to leave, right before each
    HTTP request (each retry too). Checked against the claim and the epoch in the same
    UPDATE: a leader deposed meanwhile gets `fencing.Deposed` and must not send. Once
    started, a message is sent by no one else (see `claim` and `take_over`). False (do
    not send) if the row is no longer claimed at all (closed already)."""
    result = session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id, *_ours(fence))
        .values(started_at=now)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        fencing.check(session, fence)
        return False
    return True


def take_over(session: Session, fence: fencing.Fence, now: datetime) -> tuple[int, int]:
    """A leader's look at what its predecessors left: messages claimed under an older
    epoch (or by a version without epochs) are not waited for until their claim runs
    out. Those whose send had not started are due again now; those whose send had
    started are failed as unknown, since Telegram may have them. Returns (due again,
    failed).

    Rows another transaction holds are skipped (PostgreSQL): a paused old leader may hold
    some mid-transaction, and must not hold this leader up; the next look finds them."""
    rows = session.exec(
        select(OutboxMessage.id, OutboxMessage.started_at)
        .where(
            # Open rows only, through the due index: claimed rows have a claim expiry.
            col(OutboxMessage.next_try_at).is_not(None),
            col(OutboxMessage.status) == SENDING,
            or_(col(OutboxMessage.epoch).is_(None), col(OutboxMessage.epoch) < fence.epoch),
        )
        .with_for_update(skip_locked=True)
    ).all()
    fresh = [row_id for row_id, started in rows if started is None]
    started = [row_id for row_id, started in rows if started is not None]
    again = failed = 0
    if fresh:
        again = session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id).in_(fresh), fencing.current(fence))
            .values(status=PENDING, next_try_at=now)
        ).rowcount  # type: ignore[attr-defined]
    if started:
        failed = session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id).in_(started), fencing.current(fence))
            .values(status=FAILED, next_try_at=None, error=UNKNOWN)
        ).rowcount  # type: ignore[attr-defined]
    if rows and not (again or failed):
        fencing.check(session, fence)
    return int(again), int(failed)


def _ours(fence: fencing.Fence | None) -> list[ColumnElement[bool]]:
    """The row is still claimed, by `fence`'s epoch, and that epoch is still current."""
    if fence is None:
        return [col(OutboxMessage.status) == SENDING]
    return [
        col(OutboxMessage.status) == SENDING,
        col(OutboxMessage.epoch) == fence.epoch,
        fencing.current(fence),
    ]


def _close(
    session: Session,
    message_id: int,
    status: str,
    error: str | None = None,
    fence: fencing.Fence | None = None,
) -> None:
    result = session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id, *_ours(fence))
        .values(
            status=status,
            next_try_at=None,
            error=error[:ERROR_LENGTH] if error is not None else None,
        )
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        # No longer ours: a newer leader has it (raises Deposed), or it was closed already.
        fencing.check(session, fence)


def mark_sent(session: Session, message_id: int, fence: fencing.Fence | None = None) -> None:
    _close(session, message_id, SENT, fence=fence)


def mark_blocked(session: Session, message: Due, fence: fencing.Fence | None = None) -> None:
    """The person blocked the bot (403): the message is done, and the citizen is marked
    so that nothing else is sent to them until they write again."""
    _close(session, message.id, BLOCKED, fence=fence)
    citizens.mark_blocked(session, message.chat_id)


def mark_failed(
    session: Session, message_id: int, error: str, fence: fencing.Fence | None = None
) -> None:
    """Give up on a message that trying again cannot help (e.g. the chat does not exist)."""
    _close(session, message_id, FAILED, error, fence)


def retry_later(
    session: Session,
    message: Due,
    now: datetime,
    error: str,
    fence: fencing.Fence | None = None,
) -> bool:
    """Put a message back for a later try with backoff; fail it once its attempts are
    spent. Returns whether it will be tried again."""
    if message.attempts >= MAX_ATTEMPTS:
        mark_failed(session, message.id, error, fence)
        return False
    wait = FIRST_RETRY * 2 ** (message.attempts - 1)
    result = session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message.id, *_ours(fence))
        .values(status=PENDING, next_try_at=now + wait, error=error[:ERROR_LENGTH], started_at=None)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        fencing.check(session, fence)
    return True


def counts(session: Session, announcement_id: int) -> Counts:
    by_status = dict(
        session.exec(
            select(OutboxMessage.status, func.count())
            .where(col(OutboxMessage.announcement_id) == announcement_id)
            .group_by(col(OutboxMessage.status))
        ).all()
    )
    return Counts(
        total=sum(by_status.values()),
        sent=by_status.get(SENT, 0),
        blocked=by_status.get(BLOCKED, 0),
        failed=by_status.get(FAILED, 0),
        open=sum(by_status.get(status, 0) for status in OPEN),
    )


def finish_ready(session: Session, now: datetime) -> list[Finished]:
    """Close every batch with no open message left, each exactly once (a conditional
    UPDATE: of two workers, or two runs, only one gets a batch)."""
    still_open = exists().where(
        col(OutboxMessage.announcement_id) == col(Announcement.id),
        col(OutboxMessage.status).in_(OPEN),
    )
    ready = session.exec(
        select(Announcement).where(col(Announcement.finished_at).is_(None), ~still_open)
    ).all()
    finished = []
    for batch in ready:
        closed = session.execute(
            update(Announcement)
            .where(col(Announcement.id) == batch.id, col(Announcement.finished_at).is_(None))
            .values(finished_at=now)
        )
        if closed.rowcount and batch.id is not None:  # type: ignore[attr-defined]
            finished.append(
                Finished(
                    batch.id,
                    batch.kind,
                    batch.requester_chat_id,
                    batch.language,
                    counts(session, batch.id),
                )
            )
    return finished


def prune(session: Session, finished_before: datetime) -> int:
    """Forget batches finished before `finished_before`, with their messages (texts and
    chat ids are personal data, and nothing reads a closed batch again). Returns how
    many batches went."""
    old = select(Announcement.id).where(col(Announcement.finished_at) < finished_before)
    session.execute(delete(OutboxMessage).where(col(OutboxMessage.announcement_id).in_(old)))
    result = session.execute(
        delete(Announcement).where(col(Announcement.finished_at) < finished_before)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


# --- Personal data -------------------------------------------------------------------------


def export(session: Session, citizen: Citizen) -> dict[str, Any]:
    """Announcements and event notices queued or sent to the citizen's chat."""
    if citizen.telegram_id is None:
        return {"messages": []}
    rows = session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.chat_id == citizen.telegram_id)
        .order_by(col(OutboxMessage.id))
    ).all()
    return {"messages": [{"text": m.text, "status": m.status} for m in rows]}


def erase(session: Session, citizen: Citizen, now: datetime) -> Erased:
    """Messages queued for the citizen's chat name it: they go (one not yet sent is not)."""
    if citizen.telegram_id is not None:
        session.execute(
            delete(OutboxMessage).where(col(OutboxMessage.chat_id) == citizen.telegram_id)
        )
    return Erased()


PERSONAL_DATA = PersonalData(tables=(OutboxMessage,), export=export, erase=erase)
