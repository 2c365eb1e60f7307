"""The filing flow's actions (`f:`), typed (flows.actions): what a press on one of its
screens asks for. flows.filing.steps carries them out; every channel renders them as its
own buttons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from flows.actions import Action


@dataclass(frozen=True)
class FileRequest(Action, prefix="menu:request"):
    """📝 File a request or complaint, in the main menu."""


@dataclass(frozen=True)
class FileOffered(Action, prefix="f:offer"):
    """📝 Yes, file it: the free text the citizen typed becomes a request's description."""


@dataclass(frozen=True)
class Consent(Action, prefix="f:kvkk"):
    """The KVKK notice: I accept (yes) or I do not (no)."""

    answer: Literal["yes", "no"]


@dataclass(frozen=True)
class SetChannel(Action, prefix="f:ch"):
    """/kayit: the channel the request came by (phone, in person, CİMER…)."""

    code: str


@dataclass(frozen=True)
class SetType(Action, prefix="f:type"):
    """Request, complaint, suggestion…"""

    code: str


@dataclass(frozen=True)
class SetCategory(Action, prefix="f:cat"):
    code: str


@dataclass(frozen=True)
class AllTopics(Action, prefix="f:allcat"):
    """📂 Other topics: every category, not only the suggested ones."""


@dataclass(frozen=True)
class TopicPage(Action, prefix="f:topics"):
    """➡️ More topics / ⬅️ the previous ones: a page of the topic list."""

    page: int


@dataclass(frozen=True)
class GoBack(Action, prefix="f:back"):
    pass


@dataclass(frozen=True)
class SkipStep(Action, prefix="f:skip"):
    pass


@dataclass(frozen=True)
class EditMenu(Action, prefix="f:edit"):
    """✏️ Edit on the summary: which part to change."""


@dataclass(frozen=True)
class TypePicker(Action, prefix="f:types"):
    """The summary's type picker."""


@dataclass(frozen=True)
class GoTo(Action, prefix="f:goto"):
    """A part of the draft to change, from the summary."""

    step: str


@dataclass(frozen=True)
class ToSummary(Action, prefix="f:summary"):
    pass


@dataclass(frozen=True)
class Send(Action, prefix="f:send"):
    """📨 Send: files the request."""


@dataclass(frozen=True)
class CancelFiling(Action, prefix="f:cancel"):
    pass
