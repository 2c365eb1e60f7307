"""Buttons on a request's card in a staff group, typed (handlers.buttons): `st:`, answered
by staff_desk; request_views draws them. A citizen's own requests have channel-neutral
actions (`my:`, flows.my_requests.actions), as the filing flow does (flows.filing.actions).

Who may press them is decided on the server (core.staff), never by the data."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.buttons import Button


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
