"""Messages in the employment centre's staff group that show a job seeker's data: stored
when sent (a referral's reminder, a CV's PDF) or, for the desk's message that staff edit
in place, each time it comes to show them; handed to the caller when the seeker's data is
erased (on their wish or by retention) so that it deletes or blanks them
(core.privacy.GroupCopy)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, tuple_
from sqlmodel import Session, col, select

from core.privacy import DESK_SCREEN, GroupCopy, deletable
from db.inserts import insert_unless_exists
from db.models import EmploymentDeskScreen, EmploymentGroupMessage


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


def showing(
    session: Session,
    chat_id: int,
    message_id: int,
    sent_at: datetime,
    seeker_ids: Sequence[int] = (),
    employer_ids: Sequence[int] = (),
) -> None:
    """The desk's message (sent at `sent_at`) shows these seekers' data and these firms'
    contact persons now, and no one else's: it was edited to a new screen, and who it
    showed before no longer matters."""
    here = (col(EmploymentDeskScreen.chat_id) == chat_id) & (
        col(EmploymentDeskScreen.message_id) == message_id
    )
    session.execute(delete(EmploymentDeskScreen).where(here))
    shown = [{"seeker_id": s} for s in dict.fromkeys(seeker_ids)]
    shown += [{"employer_id": e} for e in dict.fromkeys(employer_ids)]
    for person in shown:
        session.add(
            EmploymentDeskScreen(chat_id=chat_id, message_id=message_id, sent_at=sent_at, **person)
        )


def take(
    session: Session, seeker_ids: Sequence[int], now: datetime, employer_ids: Sequence[int] = ()
) -> list[GroupCopy]:
    """These seekers' messages in staff groups (and the desk's that show these firms'
    contact persons), to be taken out, each once; their rows go (nothing else uses
    them), and with a desk message's the rows of the others it shows (the message goes
    as a whole)."""
    if not seeker_ids and not employer_ids:
        return []
    copies = _sent(session, seeker_ids, now) if seeker_ids else []
    taken = {(copy.chat_id, copy.message_id) for copy in copies}
    screens = session.exec(
        select(EmploymentDeskScreen)
        .where(
            col(EmploymentDeskScreen.seeker_id).in_(seeker_ids)
            | col(EmploymentDeskScreen.employer_id).in_(employer_ids)
        )
        .order_by(col(EmploymentDeskScreen.id))
    ).all()
    for screen in screens:
        key = (screen.chat_id, screen.message_id)
        if key not in taken:  # a reminder staff pressed on is the desk's message too
            taken.add(key)
            copies.append(
                GroupCopy(
                    chat_id=screen.chat_id,
                    message_id=screen.message_id,
                    purpose=DESK_SCREEN,
                    deletable=deletable(screen.sent_at, now),
                )
            )
    if taken:
        whole = tuple_(col(EmploymentDeskScreen.chat_id), col(EmploymentDeskScreen.message_id))
        session.execute(delete(EmploymentDeskScreen).where(whole.in_(sorted(taken))))
    return copies


def _sent(session: Session, seeker_ids: Sequence[int], now: datetime) -> list[GroupCopy]:
    """The reminders and CV files that show these seekers, whose rows go."""
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
