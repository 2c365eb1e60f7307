"""The satisfaction survey, channel-neutral: its actions (`sv:`), the step of the comment
that may follow a score, and its screens."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from common.i18n import Translator
from core import conversation
from core.refusals import Refused
from core.workflow import NotFound
from flows.actions import Action
from flows.screen import Screen

SCORES: tuple[Literal[1, 2, 3, 4, 5], ...] = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Score(Action, prefix="sv"):
    """One of the five stars."""

    request_id: int
    score: Literal[1, 2, 3, 4, 5]


@dataclass(frozen=True)
class NotSolved(Action, prefix="sv"):
    """❌ My problem is not solved: reopens the request."""

    request_id: int
    answer: Literal["x"] = "x"


class SurveyStep(StrEnum):
    # The optional comment after a score: the citizen's next message, whatever it replies to.
    COMMENT = "survey_comment"


class CommentState(conversation.State):
    """The request whose survey the comment belongs to."""

    request_id: int


def question(t: Translator, request_id: int, number: str, reminder: bool) -> Screen:
    """The question, with the stars and the way to say the problem is not solved."""
    text = (t._("🔔 A reminder: ") if reminder else "") + t._(
        "⭐ How satisfied are you with how your request {number} was handled? "
        "1 = not at all, 5 = very."
    ).format(number=number)
    # One style for all five, short enough for WhatsApp's 20-character button titles.
    stars = [Score(request_id, n).choice(f"{n} ⭐") for n in SCORES]
    return Screen(
        text,
        (
            tuple(stars[:3]),
            tuple(stars[3:]),
            (NotSolved(request_id).choice(t._("❌ My problem is not solved")),),
        ),
    )


def scored(t: Translator) -> Screen:
    """In place of the question once a score is given; the comment step follows."""
    return Screen(
        t._(
            "🙏 Thank you for your answer! If you like, write a comment in one message (or /iptal)."
        )
    )


def reopened(t: Translator, number: str, told: bool = True) -> Screen:
    """ "Not solved" taken: the request is open again; `told`, its department knows (when
    its group cannot be reached just now, the citizen is not told it does)."""
    if told:
        text = t._(
            "🔁 We are sorry. Your request {number} has been reopened and the "
            "department has been told."
        )
    else:
        text = t._(
            "🔁 We are sorry. Your request {number} has been reopened; it goes back to "
            "the department as soon as possible."
        )
    return Screen(text.format(number=number))


def comment_recorded(t: Translator) -> Screen:
    return Screen(t._("📝 Thank you, your comment has been recorded."))


def refusal(t: Translator, exc: NotFound | Refused | None) -> str:
    """Why an answer was not taken (None: the data named no request)."""
    if exc is None or isinstance(exc, NotFound):
        return t._("Request not found.")
    if exc.reason == "already_answered":
        return t._("You have already answered this survey. Thank you!")
    return t._("This survey is closed.")
