"""Typed actions: each kind of button is a small frozen dataclass that packs itself into
the data a button carries (Telegram's callback data, a WhatsApp reply's id) and unpacks
itself from it.

    @dataclass(frozen=True)
    class Withdraw(Action, prefix="c:w"):
        event_id: int

    Withdraw(7).pack() == "c:w:7";  Withdraw.unpack("c:w:7") == Withdraw(7)

Data is "prefix:field:field…". Fields are `int` (a number from 0 to a row id's
largest: ids, pages), `str` (a code; only the last field may hold a colon) or a `Literal`
of the values allowed (`Literal[1, 2, 3, 4, 5]`). Packing refuses data over Telegram's 64
bytes (Telegram would answer BUTTON_DATA_INVALID, and a Turkish letter takes two);
unpacking refuses anything that is not exactly what `pack` makes, so forged or stale data
never reaches a handler as something else.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Iterable
from typing import Any, ClassVar, Self

from flows.screen import Choice

MAX_BYTES = 64
_MAX_DIGITS = 10
# Row ids are 32-bit integers in the database: a larger number in data is no id.
MAX_ROW_ID = 2**31 - 1


class Action:
    """Base of the typed actions; subclasses are frozen dataclasses with a `prefix`."""

    prefix: ClassVar[str]

    def __init_subclass__(cls, prefix: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if prefix:
            cls.prefix = prefix

    def pack(self) -> str:
        names = _fields(type(self))
        values = [_encode(getattr(self, name)) for name, _ in names]
        if any(":" in value for value in values[:-1]):
            raise ValueError(f"{type(self).__name__}: only the last field may hold ':'")
        data = ":".join([self.prefix, *values])
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(
                f"{type(self).__name__}: {len(data.encode())} bytes of callback "
                f"data, Telegram takes {MAX_BYTES}"
            )
        return data

    @classmethod
    def unpack(cls, data: str) -> Self | None:
        """The button this data stands for, or None if it is not one of this kind."""
        names = _fields(cls)
        if data == cls.prefix:
            rest: list[str] = []
        elif data.startswith(cls.prefix + ":") and names:
            rest = data[len(cls.prefix) + 1 :].split(":", len(names) - 1)
        else:
            return None
        if len(rest) != len(names):
            return None
        values: list[Any] = []
        for (_, kind), text in zip(names, rest, strict=True):
            value = _decode(kind, text)
            if value is None:
                return None
            values.append(value)
        return cls(*values)

    def choice(self, label: str) -> Choice:
        """A button showing `label` that stands for this action, on any channel."""
        return Choice(label, self.pack())


_FIELDS: dict[type, tuple[tuple[str, type], ...]] = {}


def _fields(cls: type) -> tuple[tuple[str, type], ...]:
    """The dataclass's fields and their types, read once per kind."""
    found = _FIELDS.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        found = tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))
        for name, kind in found:
            if kind not in (int, str) and typing.get_origin(kind) is not typing.Literal:
                raise TypeError(
                    f"{cls.__name__}.{name}: a button field is an int, a str or a Literal"
                )
        _FIELDS[cls] = found
    return found


def _encode(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"a button field is an int or a str, not {type(value).__name__}")
    if isinstance(value, int) and value < 0:
        raise ValueError("a button's number is never negative")
    return str(value)


def _decode(kind: type, text: str) -> int | str | None:
    if typing.get_origin(kind) is typing.Literal:
        # One of the values written in the class: "x", or the scores 1 to 5.
        return next((v for v in typing.get_args(kind) if str(v) == text), None)
    if kind is str:
        return text or None
    # str.isdigit() also takes "²" and "٣", and a number past a row id's 32 bits would
    # make PostgreSQL fail the query: only what can be an id (or a page, a score) passes.
    if text.isascii() and text.isdigit() and len(text) <= _MAX_DIGITS:
        value = int(text)
        return value if value <= MAX_ROW_ID else None
    return None


def as_id(text: str | None, limit: int = MAX_ROW_ID) -> int | None:
    """A number typed or sent in button data, if it can be an id; None otherwise.

    str.isdigit() also accepts "²" and "٣", and Python's int has no size limit, so
    both are checked here before anything reaches the database."""
    if text is None or not (text.isascii() and text.isdigit()) or len(text) > 20:
        return None
    value = int(text)
    return value if 0 < value <= limit else None


def parse(data: str, kinds: Iterable[type[Action]]) -> Action | None:
    """The action this data stands for among `kinds`, the longest prefix first; None for
    data none of them makes."""
    for kind in sorted(kinds, key=lambda k: -len(k.prefix)):
        action = kind.unpack(data)
        if action is not None:
            return action
    return None
