"""The council's buttons (`c:`), typed (handlers.buttons), and the router that sends each
to its handler in membership, events or coordination. Coordinators' buttons are checked
against their role on the server (core.council.may_manage), never trusted from the data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from telegram import Update

from handlers.buttons import Button, Buttons
from handlers.common import KentContext

# --- Assemblies and membership


@dataclass(frozen=True)
class Assemblies(Button, prefix="c:list"):
    """The assemblies, with the citizen's memberships."""


@dataclass(frozen=True)
class CouncilMenu(Button, prefix="menu:council"):
    """🏛 City Council in the main menu: the assemblies."""


@dataclass(frozen=True)
class AssemblyScreen(Button, prefix="c:a"):
    code: str


@dataclass(frozen=True)
class Join(Button, prefix="c:j"):
    """Join (or register a child for) an assembly."""

    code: str


@dataclass(frozen=True)
class JoinConsented(Button, prefix="c:kv"):
    """KVKK accepted on the way to joining."""

    code: str


@dataclass(frozen=True)
class Leave(Button, prefix="c:l"):
    code: str


@dataclass(frozen=True)
class ConfirmGuardian(Button, prefix="c:gc"):
    """A guardian confirms their child's membership."""

    membership_id: int


# --- Events for citizens


@dataclass(frozen=True)
class Events(Button, prefix="c:ev"):
    """Upcoming events of every assembly."""


@dataclass(frozen=True)
class EventsMenu(Button, prefix="menu:events"):
    """📅 Events in the main menu."""


@dataclass(frozen=True)
class EventsOf(Button, prefix="c:evf"):
    """Upcoming events of one assembly."""

    code: str


@dataclass(frozen=True)
class EventScreen(Button, prefix="c:e"):
    event_id: int


@dataclass(frozen=True)
class Register(Button, prefix="c:r"):
    event_id: int


@dataclass(frozen=True)
class RegisterConsented(Button, prefix="c:kr"):
    """KVKK accepted on the way to registering."""

    event_id: int


@dataclass(frozen=True)
class Withdraw(Button, prefix="c:w"):
    event_id: int


# --- Coordinators


@dataclass(frozen=True)
class NewEventFor(Button, prefix="c:ea"):
    """/etkinlik_ekle: the assembly the new event is for."""

    code: str


@dataclass(frozen=True)
class MembersOnly(Button, prefix="c:em"):
    """Whether the new event is for the assembly's members only (y) or open to all (n)."""

    answer: Literal["y", "n"]


@dataclass(frozen=True)
class CreateEvent(Button, prefix="c:ec"):
    pass


@dataclass(frozen=True)
class DiscardEvent(Button, prefix="c:ex"):
    pass


@dataclass(frozen=True)
class CancelEvent(Button, prefix="c:cx"):
    """Asks to confirm an event's cancellation."""

    event_id: int


@dataclass(frozen=True)
class CancelEventConfirmed(Button, prefix="c:cxy"):
    event_id: int


async def _not_found(update: Update, context: KentContext) -> None:
    from handlers.council.screens import refusal

    assert update.callback_query is not None
    await update.callback_query.answer(refusal(context.texts(), "not_found"), show_alert=True)


buttons = Buttons("c", CouncilMenu.prefix, EventsMenu.prefix, invalid=_not_found)
