"""Typed buttons (handlers.buttons): what they pack is what Telegram takes, and what they
unpack is only what they packed."""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Literal

import pytest

from common.config import Config
from flows.actions import MAX_BYTES, MAX_ROW_ID, Action
from flows.employment import employer_actions  # noqa: F401  (its actions)
from flows.filing import actions as filing_actions  # noqa: F401  (its actions)
from flows.my_requests import actions as my_actions  # noqa: F401  (its actions)
from flows.staff_card import actions as card_actions  # noqa: F401  (its actions)
from handlers import basics, council, privacy, survey  # noqa: F401  (buttons)


def kinds() -> list[type[Action]]:
    """Every button kind the bot defines (the concrete ones, with a prefix)."""
    found: list[type[Action]] = []
    todo = list(Action.__subclasses__())
    while todo:
        kind = todo.pop()
        todo += kind.__subclasses__()
        if "prefix" in vars(kind) and not kind.__module__.startswith("tests."):
            found.append(kind)
    return found


def widest(kind: type[Action], config: Config) -> Action:
    """The longest data this kind can carry in this municipality: the largest ids and the
    longest codes config.toml has (a Turkish letter takes two bytes)."""
    codes = [d.code for d in config.departments] + [c.code for c in config.categories]
    codes += [a.code for a in config.assemblies] + ["tr", "en"]
    longest = max(codes, key=lambda code: len(code.encode()))
    values: list[object] = []
    for name, hint in typing.get_type_hints(kind).items():
        if name == "prefix":
            continue
        if typing.get_origin(hint) is Literal:
            values.append(max(typing.get_args(hint), key=lambda v: len(str(v))))
        else:
            values.append(MAX_ROW_ID if hint is int else longest)
    return kind(*values)


def test_every_button_of_the_bot_fits_telegrams_64_bytes_and_unpacks_to_itself(
    config: Config,
) -> None:
    assert len(kinds()) >= 15
    for kind in kinds():
        button = widest(kind, config)
        data = button.pack()
        assert len(data.encode()) <= MAX_BYTES, data
        assert kind.unpack(data) == button


@dataclass(frozen=True)
class Pick(Action, prefix="t:pick"):
    item_id: int
    code: str


@dataclass(frozen=True)
class PickAll(Action, prefix="t:pickall"):
    pass


@dataclass(frozen=True)
class Rate(Action, prefix="t:rate"):
    score: Literal[1, 2, 3]


def test_pack_and_unpack() -> None:
    assert Pick(7, "park").pack() == "t:pick:7:park"
    assert Pick.unpack("t:pick:7:park") == Pick(7, "park")
    # Only the last field may hold a colon, and it does.
    assert Pick.unpack("t:pick:7:a:b") == Pick(7, "a:b")
    assert PickAll().pack() == "t:pickall" and PickAll.unpack("t:pickall") == PickAll()
    assert Rate.unpack("t:rate:3") == Rate(3)


@pytest.mark.parametrize(
    "data",
    [
        "t:pick",  # fields missing
        "t:pick:7",
        "t:pick::park",  # an empty number
        "t:pick:7:",  # an empty code
        "t:pick:-1:park",
        "t:pick:²:park",  # "²".isdigit() is True
        "t:pick:99999999999999999999:park",  # past a row id
        f"t:pick:{MAX_ROW_ID + 1}:park",
        "t:pickx:7:park",  # another prefix that starts the same
        "t:pickall:1",  # a field where there is none
        "t:rate:4",  # not one of the values
        "t:rate:x",
        "",
    ],
)
def test_unpack_refuses_anything_pack_does_not_make(data: str) -> None:
    assert Pick.unpack(data) is None
    assert PickAll.unpack(data) is None
    assert Rate.unpack(data) is None


def test_pack_refuses_what_telegram_would_refuse() -> None:
    # 20 Turkish letters are 40 bytes: with the prefix and the id, over 64.
    with pytest.raises(ValueError, match="Telegram takes 64"):
        Pick(MAX_ROW_ID, "ğ" * 25).pack()
    with pytest.raises(ValueError, match="only the last field"):
        Swap("a:b", 1).pack()
    with pytest.raises(ValueError, match="never negative"):
        Pick(-1, "park").pack()


@dataclass(frozen=True)
class Swap(Action, prefix="t:swap"):
    code: str
    item_id: int


def test_the_router_sends_each_kind_to_its_own_handler() -> None:
    from handlers.buttons import Buttons

    async def refuse(update: object, context: object) -> None: ...

    async def on_pick(update: object, context: object, button: Pick) -> None: ...

    async def on_all(update: object, context: object, button: PickAll) -> None: ...

    router = Buttons("t", invalid=refuse)
    router.on(Pick)(on_pick)
    router.on(PickAll)(on_all)
    assert router.parse("t:pick:3:x") == (Pick(3, "x"), on_pick)
    # "t:pickall" is not read as "t:pick" with fields.
    assert router.parse("t:pickall") == (PickAll(), on_all)
    assert router.parse("t:nothing") is None
    assert router.handler().pattern.match("t:pick:3:x")  # type: ignore[union-attr]
    assert not router.handler().pattern.match("tx:pick")  # type: ignore[union-attr]
