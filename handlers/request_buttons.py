"""Buttons on requests, typed (handlers.buttons): the filing flow's (`f:`, answered by
filing), the card's in a staff group (`st:`, answered by staff_desk) and those of a
citizen's own requests (`my:`, answered by my_requests). request_views draws them.

Who may press them is decided on the server (core.staff, core.workflow), never by the
data: a citizen's button finds only that citizen's requests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from handlers.buttons import Button

# --- Filing a request (the draft's screens) ---------------------------------------------------


@dataclass(frozen=True)
class FileRequest(Button, prefix="menu:request"):
    """📝 File a request or complaint, in the main menu."""


@dataclass(frozen=True)
class FileOffered(Button, prefix="f:offer"):
    """📝 Yes, file it: the free text the citizen typed becomes a request's description."""


@dataclass(frozen=True)
class Consent(Button, prefix="f:kvkk"):
    """The KVKK notice: I accept (yes) or I do not (no)."""

    answer: Literal["yes", "no"]


@dataclass(frozen=True)
class SetChannel(Button, prefix="f:ch"):
    """/kayit: the channel the request came by (phone, in person, CİMER…)."""

    code: str


@dataclass(frozen=True)
class SetType(Button, prefix="f:type"):
    """Request, complaint, suggestion…"""

    code: str


@dataclass(frozen=True)
class SetCategory(Button, prefix="f:cat"):
    code: str


@dataclass(frozen=True)
class AllTopics(Button, prefix="f:allcat"):
    """📂 Other topics: every category, not only the usual ones."""


@dataclass(frozen=True)
class GoBack(Button, prefix="f:back"):
    pass


@dataclass(frozen=True)
class SkipStep(Button, prefix="f:skip"):
    pass


@dataclass(frozen=True)
class EditMenu(Button, prefix="f:edit"):
    """✏️ Edit on the summary: which part to change."""


@dataclass(frozen=True)
class TypePicker(Button, prefix="f:types"):
    """The summary's type picker."""


@dataclass(frozen=True)
class GoTo(Button, prefix="f:goto"):
    """A part of the draft to change, from the summary."""

    step: str


@dataclass(frozen=True)
class ToSummary(Button, prefix="f:summary"):
    pass


@dataclass(frozen=True)
class Send(Button, prefix="f:send"):
    """📨 Send: files the request."""


@dataclass(frozen=True)
class CancelFiling(Button, prefix="f:cancel"):
    pass


# --- A request's card in a staff group --------------------------------------------------------


@dataclass(frozen=True)
class CardButton(Button):
    """A button that acts on one request."""

    request_id: int


@dataclass(frozen=True)
class Take(CardButton, prefix="st:as"):
    """🙋 Assign to me."""


@dataclass(frozen=True)
class Answer(CardButton, prefix="st:an"):
    """💬 Answer: asks for the answer as a reply."""


@dataclass(frozen=True)
class Resolve(CardButton, prefix="st:rs"):
    """✅ Resolve."""


@dataclass(frozen=True)
class Redirect(CardButton, prefix="st:rd"):
    """↪️ Redirect: shows the other departments."""


@dataclass(frozen=True)
class Reject(CardButton, prefix="st:rj"):
    """⛔ Reject: asks for the reason as a reply."""


@dataclass(frozen=True)
class Ask(CardButton, prefix="st:ak"):
    """❓ Ask the citizen: asks for the question as a reply."""


@dataclass(frozen=True)
class Back(CardButton, prefix="st:bk"):
    """⬅️ Back from the department list to the card's buttons."""


@dataclass(frozen=True)
class RedirectTo(Button, prefix="st:to"):
    """One department of the redirect list."""

    request_id: int
    department: str


# --- A citizen's own requests ---------------------------------------------------------------


@dataclass(frozen=True)
class Page(Button, prefix="my:p"):
    """A page of the citizen's requests, newest first (0 is the first)."""

    page: int


@dataclass(frozen=True)
class MyRequests(Button, prefix="menu:mine"):
    """📋 My requests in the main menu: the first page."""


@dataclass(frozen=True)
class MyRequestButton(Button):
    request_id: int


@dataclass(frozen=True)
class View(MyRequestButton, prefix="my:v"):
    """One request, with its history."""


@dataclass(frozen=True)
class AddNote(MyRequestButton, prefix="my:n"):
    """📝 Add a note or photo: the next message goes to the request."""


@dataclass(frozen=True)
class AnswerQuestion(MyRequestButton, prefix="my:r"):
    """✍️ Answer a staff question: the next message goes to the request."""


@dataclass(frozen=True)
class Withdraw(MyRequestButton, prefix="my:w"):
    """↩️ Withdraw: asks to confirm."""


@dataclass(frozen=True)
class WithdrawConfirmed(MyRequestButton, prefix="my:wy"):
    """Yes, withdraw."""
