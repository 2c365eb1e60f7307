"""The bot's Bot API client: python-telegram-bot's ExtBot, but a button press that can no
longer be answered does not stop its handler.

Telegram accepts answerCallbackQuery only for a few seconds after the press ("query is
too old and response timeout expired or query ID is invalid"). A press that waited longer
(the bot was restarting, or the update was redelivered after a crash) must still do what
the person asked: edit the form, file the request, show the receipt. Only the answer is
lost: the person's client stops its spinner by itself, and an answer's text (a refusal,
say) is sent to the private chat as a message instead.

Telegram answers the same error to a query answered twice, which is a bug of ours, not
lateness: that is refused here, before it reaches Telegram.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from telegram import CallbackQuery
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import ExtBot

log = logging.getLogger("kentbot.telegram")


@dataclass
class _Press:
    query_id: str
    private_chat: int | None  # where a late answer's text goes; None outside private chats
    answered: bool = False


_press: ContextVar[_Press | None] = ContextVar("kentbot_press", default=None)


@contextmanager
def handling(query: CallbackQuery | None) -> Iterator[None]:
    """While an update's handlers run: the button press it carries, if any."""
    press = None
    if query is not None:
        chat = query.message.chat if query.message is not None else None
        press = _Press(
            query.id, chat.id if chat is not None and chat.type == ChatType.PRIVATE else None
        )
    token = _press.set(press)
    try:
        yield
    finally:
        _press.reset(token)


class KentBot(ExtBot[Any]):
    __slots__ = ()

    async def answer_callback_query(
        self, callback_query_id: str, text: str | None = None, *args: Any, **kwargs: Any
    ) -> bool:
        press = _press.get()
        if press is not None and press.query_id != callback_query_id:
            press = None
        if press is not None and press.answered:
            raise RuntimeError("a button press was answered twice")
        try:
            answered = await super().answer_callback_query(callback_query_id, text, *args, **kwargs)
        except BadRequest as err:
            if "query is too old" not in err.message.lower():
                raise
            log.warning("a button press was too old to answer; handled all the same")
            if text and press is not None and press.private_chat is not None:
                await self.send_message(press.private_chat, text)
            answered = False
        if press is not None:
            press.answered = True
        return answered
