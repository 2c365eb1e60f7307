"""Staff groups Telegram will not let the bot post in (a wrong id in config.toml, the bot
removed from the group): each failed card is recorded, and the supervisors are told once
per group, not once per request, until the group takes a card again.

"Told once" is a `JobRun` row (job UNREACHABLE, key the chat id): its key is unique, so
it holds across restarts and between instances, and it goes when a card gets through.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, delete

from core import job_runs
from core.fencing import Fence
from db.models import FailedDelivery, JobRun

UNREACHABLE = "group-unreachable"


def record_failure(
    session: Session,
    chat_id: int,
    department_code: str,
    request_number: str,
    method: str,
    error: str,
) -> None:
    """One failed card in failed_delivery: the group, the department and the request (no
    text of the citizen's)."""
    session.add(
        FailedDelivery(
            chat_id=chat_id,
            method=method,
            error=f"department {department_code}, request {request_number}: {error}"[:300],
            attempts=1,
        )
    )


def claim_report(session: Session, chat_id: int, now: datetime, fence: Fence | None = None) -> bool:
    """Marks the group as reported; False if it was already. With a `fence`, only while
    its epoch is current: a deposed leader gets `Deposed` and tells nobody."""
    return job_runs.claim(session, UNREACHABLE, str(chat_id), now, fence)


def reachable(session: Session, chat_id: int) -> bool:
    """The group took a card: a later failure is reported again. True if it had been
    reported unreachable."""
    result = session.exec(
        delete(JobRun).where(col(JobRun.job) == UNREACHABLE, col(JobRun.key) == str(chat_id))
    )
    return bool(result.rowcount)
