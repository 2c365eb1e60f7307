"""What the employer's screens share (flows.employment.employer, employer_wizard and
employer_vacancies): how long a firm's or a vacancy's name is on a button, today in the
municipality's time zone, leaving a date question left unanswered, and a note above a
screen."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core import conversation
from db.models import Citizen, ConversationState
from flows.employment.employer_state import EmployerStep
from flows.screen import Screen

LABEL = 40  # characters of a firm's or a vacancy's name on a button


def today_in(now: datetime, tz: ZoneInfo) -> date:
    return now.astimezone(tz).date()


def leave(session: Session, citizen: Citizen) -> None:
    """Ends a date question left unanswered; a firm or vacancy being written stays, to go
    on with later."""
    draft = session.get(ConversationState, citizen.id)
    if draft is not None and draft.step == EmployerStep.OUTCOME:
        conversation.clear(session, citizen)


def with_note(note: str, screen: Screen) -> Screen:
    return Screen(f"{note}\n\n{screen.text}" if note else screen.text, screen.choices)
