"""A screen, as a step shows it to a person on any channel."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class Choice:
    """A button: what it says, and the action it stands for (flows.actions, packed)."""

    label: str
    data: str


class Ask(StrEnum):
    """What a reply button asks the person to share, rather than type."""

    LOCATION = "location"
    CONTACT = "contact"


@dataclass(frozen=True)
class Reply:
    """A ready answer the person may send instead of typing (Telegram's reply keyboard); a
    reply that `asks` shares the person's location or phone number."""

    label: str
    asks: Ask | None = None
    # What a channel that cannot show this button says in its place.
    instead: str | None = None


class MediaKind(StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"


@dataclass(frozen=True)
class Media:
    """A file a screen sends: its bytes (or the id of a file the channel already holds),
    the name it goes by, and a caption in plain text (no markup: it is sent as written)."""

    kind: MediaKind
    content: bytes | str
    filename: str | None = None
    caption: str = ""


Rows = tuple[tuple[Choice, ...], ...]


@dataclass(frozen=True)
class Screen:
    """A step's message: its text (with <b> and <i> only), its buttons row by row, or the
    ready answers it offers. A screen has choices or replies, not both: a channel may
    send them in different kinds of message. Its media follow the text, each in a message
    of its own (WhatsApp carries one file to a message); a screen of media alone has no
    text. A screen that `expects_reply` asks for a text written as a reply to itself (in a
    group, where any other message is not read as the answer); the value is the hint shown
    where the reply is typed. A screen that `clears_replies` takes away the ready answers
    an earlier screen offered (a channel that keeps them on show until told); it has no
    buttons of its own, as a message carries one keyboard."""

    text: str
    choices: Rows = ()
    replies: tuple[tuple[Reply, ...], ...] = ()
    media: tuple[Media, ...] = ()
    expects_reply: str | None = None
    clears_replies: bool = False
    # The job seekers, and the firms whose contact person, the screen shows (by id): a
    # staff group's message showing it is taken out of the group when their data is erased.
    seekers_shown: tuple[int, ...] = ()
    firms_shown: tuple[int, ...] = ()


def in_rows(choices: list[Choice], per_row: int) -> Rows:
    """The choices, `per_row` to a row."""
    return tuple(tuple(choices[i : i + per_row]) for i in range(0, len(choices), per_row))


def fit(label: str, limit: int) -> str:
    """`label` cut to `limit` characters, with "…" where it was cut, so that a cut shows;
    at a word's end where one is near ("Kıdemli Hemşehri…", not "Kıdemli Hemşehri Mec")."""
    if len(label) <= limit:
        return label
    cut = label[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.:;-–") + "…"


def as_pairs(rows: Rows) -> list[list[tuple[str, str]]]:
    """The choices as (label, data) pairs row by row: how the outbox stores the buttons of
    a message it sends later (core.outbox.Buttons)."""
    return [[(choice.label, choice.data) for choice in row] for row in rows]


def from_pairs(pairs: Sequence[Sequence[Sequence[str]]]) -> Rows:
    """The choices back from (label, data) pairs row by row, as the outbox stores them
    ([[label, data], ...], see core.outbox): the inverse of `as_pairs`."""
    return tuple(tuple(Choice(label, data) for label, data in row) for row in pairs)
