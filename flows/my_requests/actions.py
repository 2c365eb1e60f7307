"""The actions of a citizen's own requests (`my:`, and 📋 My requests in the main menu),
typed (flows.actions): what a press on one of their screens asks for. Every channel
renders them as its own buttons; the question notice's ✍️ Answer is one of them.

Who may press them is decided on the server (core.workflow), never by the data: an
action finds only the pressing citizen's requests."""

from __future__ import annotations

from dataclasses import dataclass

from flows.actions import Action


@dataclass(frozen=True)
class Page(Action, prefix="my:p"):
    """A page of the citizen's requests, newest first (0 is the first)."""

    page: int


@dataclass(frozen=True)
class MyRequests(Action, prefix="menu:mine"):
    """📋 My requests in the main menu: the first page."""


@dataclass(frozen=True)
class OnRequest(Action):
    """An action on one of the citizen's requests."""

    request_id: int


@dataclass(frozen=True)
class View(OnRequest, prefix="my:v"):
    """One request, with its history."""


@dataclass(frozen=True)
class AddNote(OnRequest, prefix="my:n"):
    """📝 Add a note or photo: the next message goes to the request."""


@dataclass(frozen=True)
class AnswerQuestion(OnRequest, prefix="my:r"):
    """✍️ Answer a staff question: the next message goes to the request."""


@dataclass(frozen=True)
class Withdraw(OnRequest, prefix="my:w"):
    """↩️ Withdraw: asks to confirm."""


@dataclass(frozen=True)
class WithdrawConfirmed(OnRequest, prefix="my:wy"):
    """Yes, withdraw."""
