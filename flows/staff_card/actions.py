"""What staff may do from a request's card in their group, typed (flows.actions): `st:`,
answered by handlers.staff_desk; flows.staff_card.screens lays them out.

Who may press them is decided on the server (core.staff), never by the data."""

from __future__ import annotations

from dataclasses import dataclass

from flows.actions import Action


@dataclass(frozen=True)
class CardAction(Action):
    """A button that acts on one request."""

    request_id: int


@dataclass(frozen=True)
class Take(CardAction, prefix="st:as"):
    """🙋 Assign to me."""


@dataclass(frozen=True)
class Answer(CardAction, prefix="st:an"):
    """💬 Answer: asks for the answer as a reply."""


@dataclass(frozen=True)
class Resolve(CardAction, prefix="st:rs"):
    """✅ Resolve."""


@dataclass(frozen=True)
class Redirect(CardAction, prefix="st:rd"):
    """↪️ Redirect: shows the other departments."""


@dataclass(frozen=True)
class Reject(CardAction, prefix="st:rj"):
    """⛔ Reject: asks for the reason as a reply."""


@dataclass(frozen=True)
class Ask(CardAction, prefix="st:ak"):
    """❓ Ask the citizen: asks for the question as a reply."""


@dataclass(frozen=True)
class Back(CardAction, prefix="st:bk"):
    """⬅️ Back from the department list to the card's buttons."""


@dataclass(frozen=True)
class RedirectTo(Action, prefix="st:to"):
    """One department of the redirect list."""

    request_id: int
    department: str
