"""What a feature adds to the bot, declared in one place.

Each feature module ends with one `FEATURE = Feature(...)` naming its commands, buttons,
main-menu entries, the conversation steps it owns, its scheduled jobs and the personal
data it stores; `handlers/features.py` lists the features, and the Application, the
command list, the main menu, the step router, the schedule and the KVKK code loop over
that list instead of naming them. How to add one: docs/developer-guide.md.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import time
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from common.config import Schedule
from core.privacy import PersonalData
from handlers.common import KentContext

Callback = Callable[[Update, KentContext], Coroutine[Any, Any, None]]
# A message handler that says whether it took the message (False: ask the next one).
MessageCallback = Callable[[Update, KentContext], Awaitable[bool]]
JobCallback = Callable[[KentContext], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class Command:
    """A slash command. `names` are its spellings (Turkish first, then other languages'
    aliases); with a `description` it is listed in Telegram's command menu, ordered by
    `place` (smaller first) across all features.

    In a group the bot does not serve (not in config.toml) only commands marked `setup`
    reach their callback (handlers/guard.py); every other update there is dropped."""

    names: tuple[str, ...]
    callback: Callback
    description: str | None = None  # an N_() text, translated per language
    place: int = 0
    setup: bool = False

    def handler(self) -> CommandHandler[Any, None]:
        return CommandHandler(list(self.names), self.callback)


@dataclass(frozen=True)
class MenuButton:
    """A button of the main menu: its callback data (the feature's own handlers answer it),
    its label (an N_() text) and its row, counted from the top; buttons given the same row
    stand side by side, in the order of the feature list."""

    data: str
    label: str
    row: int


@dataclass(frozen=True)
class Steps:
    """The conversation steps a feature owns. While a citizen's stored state is at one of
    them, their private messages go to `on_message`.

    A private message that replies to one of the bot's messages (a staff question) is
    offered to the features' `on_reply` first, unless the step says it must not be
    (`before_replies`: a survey's comment, say, takes any message)."""

    on_message: MessageCallback
    names: frozenset[str] = frozenset()
    prefix: str | None = None
    before_replies: bool = False
    # What /iptal says at a step that is not a form ("Check-in finished." rather than
    # "Cancelled. Nothing was sent."), as N_ texts.
    stopped: Mapping[str, str] = field(default_factory=dict)

    def owns(self, step: str) -> bool:
        return step in self.names or (self.prefix is not None and step.startswith(self.prefix))


def stopped_text(features: Sequence[Feature], step: str) -> str | None:
    """The N_ text /iptal says when it ends `step`, if its feature has one."""
    for feature in features:
        if feature.steps is not None and feature.steps.owns(step):
            return feature.steps.stopped.get(step)
    return None


@dataclass(frozen=True)
class Every:
    """A job run every `seconds`, the first time `first` seconds after start."""

    name: str
    callback: JobCallback
    seconds: float
    first: float


@dataclass(frozen=True)
class Daily:
    """A job run once a day at a time of config.toml's [schedule] (the municipality's
    time zone); with `weekday`, once a week on the day [schedule] names."""

    name: str
    callback: JobCallback
    at: Callable[[Schedule], time]
    weekday: Callable[[Schedule], str] | None = None


Job = Every | Daily


@dataclass(frozen=True)
class Feature:
    """Everything one feature contributes. Only `name` is required."""

    name: str
    commands: tuple[Command, ...] = ()
    # Buttons and other updates, in the order given (the first that matches wins).
    handlers: tuple[BaseHandler[Any, Any, Any], ...] = ()
    menu: tuple[MenuButton, ...] = ()
    steps: Steps | None = None
    # A private message replying to one of the bot's messages, whatever step is pending.
    on_reply: MessageCallback | None = None
    # Private free text that no step took (before "I did not understand").
    on_free_text: MessageCallback | None = None
    # A message in a group chat.
    on_group_message: MessageCallback | None = None
    jobs: tuple[Job, ...] = ()
    # What it stores about a citizen: /verilerim exports it, /verilerimi_sil and the
    # retention job erase it (core.privacy).
    personal_data: tuple[PersonalData, ...] = ()


def commands_of(features: Iterable[Feature]) -> list[Command]:
    return [command for feature in features for command in feature.commands]


def menu_rows(features: Iterable[Feature]) -> list[list[MenuButton]]:
    buttons = [button for feature in features for button in feature.menu]
    return [[b for b in buttons if b.row == row] for row in sorted({b.row for b in buttons})]


def personal_data_of(features: Iterable[Feature]) -> list[PersonalData]:
    """What the features store about a citizen, for core.privacy to export and erase."""
    return [part for feature in features for part in feature.personal_data]


def problems(features: Sequence[Feature]) -> list[str]:
    """What is wrong with a feature list, one line each: personal data that nothing erases
    (a KVKK gap), and names, steps, buttons or jobs that two features both claim (the
    first would silently win)."""
    found: list[str] = []
    names = [feature.name for feature in features]
    found += [
        f"two features are named {name!r}" for name in sorted(set(names)) if names.count(name) > 1
    ]
    for feature in features:
        found += [
            f"{feature.name}: personal data in {', '.join(t.__name__ for t in part.tables)}"
            " has no erase hook"
            for part in feature.personal_data
            if part.erase is None
        ]

    def clashes(kind: str, owned: Iterable[tuple[str, str]]) -> None:
        owners: dict[str, str] = {}
        for feature, key in owned:
            if key in owners and owners[key] != feature:
                found.append(f"{kind} {key!r} is claimed by {owners[key]} and {feature}")
            owners.setdefault(key, feature)

    clashes("command", ((f.name, n) for f in features for c in f.commands for n in c.names))
    clashes("job", ((f.name, j.name) for f in features for j in f.jobs))
    clashes("menu button", ((f.name, b.data) for f in features for b in f.menu))
    clashes("step", ((f.name, step) for f in features if f.steps for step in f.steps.names))
    clashes(
        "step prefix", ((f.name, f.steps.prefix) for f in features if f.steps and f.steps.prefix)
    )
    return found
