"""The council's actions (`c:`, and its two main-menu buttons), typed (flows.actions):
what a press on one of its screens asks for. handlers.council routes each to its
handler; every channel renders them as its own buttons. Coordinators' actions are
checked against their role on the server (core.council.may_manage), never trusted from
the data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from flows.actions import Action

# --- Assemblies and membership


@dataclass(frozen=True)
class Assemblies(Action, prefix="c:list"):
    """The assemblies, with the citizen's memberships."""


@dataclass(frozen=True)
class CouncilMenu(Action, prefix="menu:council"):
    """🏛 City Council in the main menu: the assemblies."""


@dataclass(frozen=True)
class AssemblyScreen(Action, prefix="c:a"):
    code: str


@dataclass(frozen=True)
class Join(Action, prefix="c:j"):
    """Join (or register a child for) an assembly."""

    code: str


@dataclass(frozen=True)
class JoinConsented(Action, prefix="c:kv"):
    """KVKK accepted on the way to joining."""

    code: str


@dataclass(frozen=True)
class Leave(Action, prefix="c:l"):
    code: str


@dataclass(frozen=True)
class ConfirmGuardian(Action, prefix="c:gc"):
    """A guardian confirms their child's membership."""

    membership_id: int


# --- Events for citizens


@dataclass(frozen=True)
class Events(Action, prefix="c:ev"):
    """Upcoming events of every assembly."""


@dataclass(frozen=True)
class EventsMenu(Action, prefix="menu:events"):
    """📅 Events in the main menu."""


@dataclass(frozen=True)
class EventsOf(Action, prefix="c:evf"):
    """Upcoming events of one assembly."""

    code: str


@dataclass(frozen=True)
class EventScreen(Action, prefix="c:e"):
    event_id: int


@dataclass(frozen=True)
class Register(Action, prefix="c:r"):
    event_id: int


@dataclass(frozen=True)
class RegisterConsented(Action, prefix="c:kr"):
    """KVKK accepted on the way to registering."""

    event_id: int


@dataclass(frozen=True)
class Withdraw(Action, prefix="c:w"):
    event_id: int


# --- Coordinators


@dataclass(frozen=True)
class NewEventFor(Action, prefix="c:ea"):
    """/etkinlik_ekle: the assembly the new event is for."""

    code: str


@dataclass(frozen=True)
class MembersOnly(Action, prefix="c:em"):
    """Whether the new event is for the assembly's members only (y) or open to all (n)."""

    answer: Literal["y", "n"]


@dataclass(frozen=True)
class CreateEvent(Action, prefix="c:ec"):
    pass


@dataclass(frozen=True)
class DiscardEvent(Action, prefix="c:ex"):
    pass


@dataclass(frozen=True)
class CancelEvent(Action, prefix="c:cx"):
    """Asks to confirm an event's cancellation."""

    event_id: int


@dataclass(frozen=True)
class CancelEventConfirmed(Action, prefix="c:cxy"):
    event_id: int
