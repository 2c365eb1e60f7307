"""The bot's Bot API client: python-telegram-bot's ExtBot, but a button press that can no
longer be answered does not stop its handler.

Telegram accepts answerCallbackQuery only for a few seconds after the press ("query is
too old and response timeout expired or query ID is invalid"). A press that waited longer
(the bot was restarting, or the update was redelivered after a crash) must still do what
the person asked: edit the form, file the request, show the receipt. Only its spinner
answer is lost, and the person's client stops the spinner by itself.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram.error import BadRequest
from telegram.ext import ExtBot

log = logging.getLogger("kentbot.telegram")


class KentBot(ExtBot[Any]):
    __slots__ = ()

    async def answer_callback_query(self, *args: Any, **kwargs: Any) -> bool:
        try:
            return await super().answer_callback_query(*args, **kwargs)
        except BadRequest as err:
            if "query is too old" not in err.message.lower():
                raise
            log.info("a button press was too old to answer; handling it all the same")
            return False
