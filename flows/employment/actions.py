"""The employment centre's actions (`e:`, and its main-menu button), typed
(flows.actions): what a press on one of its screens asks for. handlers.employment routes
each to flows.employment.seeker; every channel renders them as its own buttons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from flows.actions import Action


@dataclass(frozen=True)
class EmploymentMenu(Action, prefix="menu:employment"):
    """💼 Jobs and careers in the main menu."""


@dataclass(frozen=True)
class Menu(Action, prefix="e:m"):
    """The employment menu."""


@dataclass(frozen=True)
class Seek(Action, prefix="e:s"):
    """🔎 I am looking for a job: the KVKK notice, then the CV's first question."""


@dataclass(frozen=True)
class Consented(Action, prefix="e:kv"):
    """The employment KVKK notice accepted."""


@dataclass(frozen=True)
class Back(Action, prefix="e:b"):
    """The question before this one (or the summary, when editing)."""


@dataclass(frozen=True)
class Cancel(Action, prefix="e:x"):
    """Stop: the draft is dropped, a stored CV stays as it was."""


@dataclass(frozen=True)
class Skip(Action, prefix="e:k"):
    """An optional question left out, or a repeatable one finished (✅ Done)."""


@dataclass(frozen=True)
class Pick(Action, prefix="e:p"):
    """A button answer: a code of core.employment.codes for the question asked."""

    value: str


@dataclass(frozen=True)
class Occupation(Action, prefix="e:o"):
    """An occupation picked among the matches (an ISCO-08 unit group)."""

    code: str


@dataclass(frozen=True)
class Summary(Action, prefix="e:sm"):
    pass


@dataclass(frozen=True)
class EditMenu(Action, prefix="e:em"):
    """The summary's edit menu: each field."""


@dataclass(frozen=True)
class Edit(Action, prefix="e:e"):
    """Ask one field again, then back to the summary."""

    field: str


@dataclass(frozen=True)
class Save(Action, prefix="e:sv"):
    pass


@dataclass(frozen=True)
class MyCV(Action, prefix="e:cv"):
    """📄 My CV."""


@dataclass(frozen=True)
class Pause(Action, prefix="e:pa"):
    """Not looking now (y) or looking again (n)."""

    answer: Literal["y", "n"]


@dataclass(frozen=True)
class Delete(Action, prefix="e:dl"):
    """Asks to confirm the erasure of the CV."""


@dataclass(frozen=True)
class DeleteConfirmed(Action, prefix="e:dly"):
    pass


@dataclass(frozen=True)
class EditCV(Action, prefix="e:ed"):
    """The stored CV into a draft, at the summary's edit menu."""


@dataclass(frozen=True)
class Licence(Action, prefix="e:l"):
    """A driving licence class held, ticked or unticked (core.employment.codes), or
    "none": no licence."""

    code: str


@dataclass(frozen=True)
class RemoveFile(Action, prefix="e:rf"):
    """The attached CV file taken off."""


@dataclass(frozen=True)
class DisabilityConsent(Action, prefix="e:dc"):
    """Explicit consent to be asked the disability status (special-category data)."""


@dataclass(frozen=True)
class WithdrawDisability(Action, prefix="e:dw"):
    """From My CV: the disability consent withdrawn, the answer erased."""


@dataclass(frozen=True)
class Renew(Action, prefix="e:rn"):
    """✅ Keep my CV: the answer to the question an idle seeker is asked once a year."""
