"""Typed buttons in Telegram: a Buttons router per feature sends each kind of action
(flows.actions.Action) to its own handler, from one CallbackQueryHandler.

    @buttons.on(Withdraw)
    async def withdraw(update: Update, context: KentContext, button: Withdraw) -> None: ...

Data under the router's prefixes that no registered kind unpacks (forged, or from another
version) goes to its `invalid` handler, which answers politely.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler

from flows.actions import Action
from handlers.common import KentContext, is_private

B = typing.TypeVar("B", bound=Action)
ButtonHandler = Callable[[Update, KentContext, Any], Coroutine[Any, Any, None]]
Refusal = Callable[[Update, KentContext], Coroutine[Any, Any, None]]


async def answer_quietly(update: Update, context: KentContext) -> None:
    """The spinner stops and nothing happens."""
    assert update.callback_query is not None
    await update.callback_query.answer()


class Buttons:
    """One feature's buttons: `@buttons.on(Kind)` registers the handler of a kind, and
    `buttons.handler()` is the one CallbackQueryHandler that dispatches them all."""

    def __init__(
        self, *prefixes: str, invalid: Refusal = answer_quietly, private_only: bool = False
    ) -> None:
        # Data under these prefixes that no registered kind unpacks goes to `invalid`
        # (by default answered quietly).
        self.prefixes = prefixes
        self.invalid = invalid
        # Pressed outside a private chat, a private flow's button is forged: it is answered
        # (so the spinner stops) and does nothing.
        self.private_only = private_only
        self.kinds: list[tuple[type[Action], ButtonHandler]] = []

    def on(
        self, kind: type[B]
    ) -> Callable[
        [Callable[[Update, KentContext, B], Coroutine[Any, Any, None]]],
        Callable[[Update, KentContext, B], Coroutine[Any, Any, None]],
    ]:
        def register(
            handler: Callable[[Update, KentContext, B], Coroutine[Any, Any, None]],
        ) -> Callable[[Update, KentContext, B], Coroutine[Any, Any, None]]:
            self.kinds.append((kind, handler))
            # The longest prefix first, so "c:ev" is not read as "c:e" with a field.
            self.kinds.sort(key=lambda item: -len(item[0].prefix))
            return handler

        return register

    def parse(self, data: str) -> tuple[Action, ButtonHandler] | None:
        for kind, handler in self.kinds:
            button = kind.unpack(data)
            if button is not None:
                return button, handler
        return None

    async def dispatch(self, update: Update, context: KentContext) -> None:
        query = update.callback_query
        if query is None or query.data is None:
            return
        if self.private_only and not is_private(update):
            await answer_quietly(update, context)
            return
        found = self.parse(query.data)
        if found is None:
            await self.invalid(update, context)
            return
        button, handler = found
        await handler(update, context, button)

    def handler(self) -> CallbackQueryHandler[Any, None]:
        pattern = "^(" + "|".join(re.escape(p) + "(:|$)" for p in self.prefixes) + ")"
        return CallbackQueryHandler(self.dispatch, pattern=pattern)
