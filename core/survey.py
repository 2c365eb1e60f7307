"""The satisfaction survey after a request is resolved: asked once, asked again once after
three days if unanswered, never more; "not solved" reopens the request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from core.fencing import Fence, check, only_current
from core.refusals import Refused
from core.workflow import NotFound, citizen_request
from db.models import Citizen, Request, RequestEvent, SatisfactionAnswer

ASK_AGAIN_AFTER = timedelta(days=3)
SATISFIED = (4, 5)


@dataclass(frozen=True)
class SurveyDue:
    request_id: int
    number: str
    telegram_id: int
    reminder: bool


def claim(session: Session, request_id: int, now: datetime, fence: Fence | None = None) -> bool:
    """Mark the survey of one resolved request as asked; False if it was asked already.

    A conditional UPDATE, so the resolution handler and the sweep never both ask; with a
    `fence` it also checks the leadership epoch, and a deposed leader gets `Deposed`."""
    result = session.execute(
        update(Request)
        .where(
            col(Request.id) == request_id,
            col(Request.status) == "resolved",
            col(Request.survey_asked_at).is_(None),
            *only_current(fence),
        )
        .values(survey_asked_at=now)
    )
    if result.rowcount:  # type: ignore[attr-defined]
        return True
    check(session, fence)
    return False


def due(session: Session, now: datetime, fence: Fence | None = None) -> list[SurveyDue]:
    """Surveys to send now, each claimed in this transaction: first asks for resolved
    requests never asked, and one reminder for those asked 3+ days ago and unanswered.
    With a `fence`, the claiming UPDATEs check the leadership epoch (see `claim`)."""
    answered = select(SatisfactionAnswer.request_id).where(
        col(SatisfactionAnswer.request_id).is_not(None)
    )
    first_ask = col(Request.survey_asked_at).is_(None)
    reminder = (col(Request.survey_asked_at) <= now - ASK_AGAIN_AFTER) & col(
        Request.survey_reminded_at
    ).is_(None)
    rows = session.exec(
        select(
            col(Request.id),
            col(Request.number),
            col(Citizen.telegram_id),
            col(Request.survey_asked_at),
        )
        .join(Citizen, col(Citizen.id) == col(Request.citizen_id))
        .where(
            col(Request.status) == "resolved",
            col(Citizen.telegram_id).is_not(None),
            col(Citizen.deleted_at).is_(None),
            col(Citizen.blocked_at).is_(None),
            col(Request.id).not_in(answered),
            first_ask | reminder,
        )
        .with_for_update(of=Request, skip_locked=True)
    ).all()
    if not rows:
        return []
    ids = [row[0] for row in rows]
    # The claims: each UPDATE repeats its condition and checks the epoch.
    marked: set[int] = set()
    for condition, column in ((first_ask, "survey_asked_at"), (reminder, "survey_reminded_at")):
        marked |= set(
            session.execute(
                update(Request)
                .where(col(Request.id).in_(ids), condition, *only_current(fence))
                .values({column: now})
                .returning(col(Request.id))
                .execution_options(synchronize_session=False)
            ).scalars()
        )
    if not marked:
        check(session, fence)
    return [
        SurveyDue(request_id, number, telegram_id, asked is not None)
        for request_id, number, telegram_id, asked in rows
        if request_id in marked and telegram_id is not None
    ]


def answer(
    session: Session, citizen: Citizen, request_id: int, score: int, now: datetime
) -> SatisfactionAnswer:
    """The citizen's rating of their own resolved request; once per request."""
    request = citizen_request(session, citizen, request_id)
    if not 1 <= score <= 5:
        raise Refused("bad_score")
    if request.status != "resolved":
        raise Refused("not_resolved")
    existing = session.exec(
        select(SatisfactionAnswer).where(SatisfactionAnswer.request_id == request_id)
    ).first()
    if existing is not None:
        raise Refused("already_answered")
    row = SatisfactionAnswer(request_id=request_id, score=score, answered_at=now)
    session.add(row)
    session.add(
        RequestEvent(
            request_id=request_id,
            at=now,
            kind="rated",
            actor="citizen",
            actor_telegram_id=citizen.telegram_id,
            data={"score": score},
        )
    )
    session.flush()
    return row


def add_comment(session: Session, citizen: Citizen, request_id: int, comment: str) -> None:
    request = citizen_request(session, citizen, request_id)
    row = session.exec(
        select(SatisfactionAnswer).where(SatisfactionAnswer.request_id == request.id)
    ).first()
    if row is None:
        raise NotFound(request_id)
    row.comment = comment.strip()[:2000]
    session.add(row)


def not_solved(session: Session, citizen: Citizen, request_id: int, now: datetime) -> Request:
    """The citizen says the problem is not solved: the request is open again."""
    request = citizen_request(session, citizen, request_id)
    if request.status != "resolved":
        raise Refused("not_resolved")
    request.status, request.resolved_at, request.updated_at = "reopened", None, now
    session.add(request)
    session.add(
        RequestEvent(
            request_id=request_id,
            at=now,
            kind="reopened",
            actor="citizen",
            actor_telegram_id=citizen.telegram_id,
        )
    )
    session.flush()
    return request
