"""Buttons on requests, typed (handlers.buttons): the card's in a staff group (`st:`,
answered by staff_desk) and those of a citizen's own requests (`my:`, answered by
my_requests). request_views draws them; the filing flow's are flows.filing.actions.

Who may press them is decided on the server (core.staff, core.workflow), never by the
data: a citizen's button finds only that citizen's requests."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.buttons import Button

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
