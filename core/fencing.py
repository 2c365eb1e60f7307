"""Leadership epochs: a fencing token, so that a leader that lost its lock without knowing
it (paused, cut off from the database for a few seconds) cannot send what its successor
sends too.

Each time an instance becomes leader it increments the epoch of its leadership key in the
`leadership` table, in one transaction, while it holds the lock (bot.leadership). It keeps
that value (`Fence`) for as long as it leads. Every claim of work writes the claimer's
epoch, and every statement that makes a send happen or records it checks, in the same
statement, that the stored epoch is still the claimer's (`current`). An old leader whose
epoch is stale gets zero rows, learns that it was deposed (`Deposed`) and stops; the
database, not the timing of a lock check, decides.

The fenced statements (each takes `fence=None` as "unfenced": tests and one-off commands,
where nothing competes):

- the outbox: its claim, the *started* mark before each request, and the marks after it
  (core.outbox);
- `job_run` claims: the digests (core.job_runs), an unreachable staff group reported to
  the supervisors (core.unreachable), each card the SLA sweep posts again (core.sla);
- the marks that claim a direct send: the SLA reminder and overdue marks (core.sla); the
  event reminders
  (core.event_reminders); the satisfaction survey's question and reminder (core.survey);
  the CV renewal question (core.employment.renewal); the reminders of unanswered
  referral follow-ups to the employment centre (core.employment.followups).

In the shell, each Bot API request of those jobs checks the epoch again right before it
leaves and before every retry (handlers.common.fence_gate): a leader paused during a send
that then timed out does not send it a second time once a successor leads.

What a job only queues (job alerts, the follow-up questions) is fenced by the outbox that
sends it; the jobs that send nothing (retention, no-shows, snapshots, clean-ups) need no
fence: what they change is the same whoever runs them.

Plain functions over a session; what a caller does when deposed is the shell's business.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from db.models import LeadershipEpoch


@dataclass(frozen=True)
class Fence:
    """The epoch this instance leads under, for one leadership key."""

    key: str
    epoch: int


class Deposed(Exception):
    """A newer leader has taken over: the caller must not send, and should stop."""

    def __init__(self, fence: Fence) -> None:
        super().__init__(f"leadership epoch {fence.epoch} of {fence.key!r} is no longer current")
        self.fence = fence


def take(session: Session, key: str, holder: str, now: datetime) -> Fence:
    """Become leader of `key`: the next epoch, written in the caller's transaction. Call it
    only while holding the leadership lock, which keeps two instances from racing here."""
    row = session.get(LeadershipEpoch, key, with_for_update=True)
    if row is None:
        row = LeadershipEpoch(key=key, epoch=1, holder=holder, taken_at=now)
    else:
        row.epoch, row.holder, row.taken_at = row.epoch + 1, holder, now
    session.add(row)
    session.flush()
    return Fence(key, row.epoch)


def current(fence: Fence) -> ColumnElement[bool]:
    """A condition for a statement's WHERE: the stored epoch is still `fence`'s. Used in the
    statement that changes the rows, so no newer leader can come in between."""
    stored = select(LeadershipEpoch.epoch).where(col(LeadershipEpoch.key) == fence.key)
    return stored.scalar_subquery() == fence.epoch


def only_current(fence: Fence | None) -> list[ColumnElement[bool]]:
    """`current(fence)` to add to a WHERE, or nothing when unfenced."""
    return [current(fence)] if fence is not None else []


def holds(session: Session, fence: Fence) -> bool:
    """Whether `fence` is still the current epoch (to tell "deposed" from "nothing to do")."""
    stored = session.exec(
        select(LeadershipEpoch.epoch).where(col(LeadershipEpoch.key) == fence.key)
    ).first()
    return stored == fence.epoch


def check(session: Session, fence: Fence | None) -> None:
    """Raise Deposed unless `fence` (if any) is current."""
    if fence is not None and not holds(session, fence):
        raise Deposed(fence)
