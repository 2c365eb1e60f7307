"""Messages in the employment centre's staff group that show a job seeker's data: stored
when sent, and handed to the caller when the seeker's data is erased (on their wish or by
retention) so that it deletes or blanks them (core.privacy.GroupCopy)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from core.privacy import GroupCopy, deletable
from db.inserts import insert_unless_exists
from db.models import EmploymentGroupMessage


def remember(
    session: Session, seeker_id: int, chat_id: int, message_id: int, purpose: str, now: datetime
) -> None:
    """A message showing this seeker's data went into a staff group (`purpose`: one of
    core.privacy's REFERRAL_REMINDER, CV_FILE)."""
    row = EmploymentGroupMessage(
        seeker_id=seeker_id, chat_id=chat_id, message_id=message_id, purpose=purpose, created_at=now
    )
    session.execute(
        insert_unless_exists(
            session,
            EmploymentGroupMessage,
            ("chat_id", "message_id"),
            [row.model_dump(exclude={"id"})],
        )
    )


def take(session: Session, seeker_ids: Sequence[int], now: datetime) -> list[GroupCopy]:
    """These seekers' messages in staff groups, to be taken out; their rows go (nothing
    else uses them)."""
    if not seeker_ids:
        return []
    rows = session.exec(
        select(EmploymentGroupMessage)
        .where(col(EmploymentGroupMessage.seeker_id).in_(seeker_ids))
        .order_by(col(EmploymentGroupMessage.id))
    ).all()
    copies = [
        GroupCopy(
            chat_id=row.chat_id,
            message_id=row.message_id,
            purpose=row.purpose,
            deletable=deletable(row.created_at, now),
        )
        for row in rows
    ]
    session.execute(
        delete(EmploymentGroupMessage).where(col(EmploymentGroupMessage.seeker_id).in_(seeker_ids))
    )
    return copies
