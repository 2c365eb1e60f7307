"""What the web desk's changes cause in Telegram: the same card and the same message to
the citizen as a press in the staff group (web/site.py's Effects)."""

from __future__ import annotations

import logging
from typing import Any

from telegram.error import TelegramError
from telegram.ext import Application

from handlers.common import KentContext
from handlers.delivery import post_card
from handlers.staff_desk import after_change

log = logging.getLogger("kentbot.web")


class TelegramEffects:
    def __init__(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self._app = app

    def _context(self) -> KentContext:
        return KentContext(self._app)

    async def after_filing(self, request_id: int) -> None:
        context = self._context()
        await post_card(
            context.bot, context.engine, context.config, request_id, fence=context.deps.fence
        )

    async def after_staff_action(
        self, request_id: int, event_id: int, action: str, actor_name: str
    ) -> bool:
        return await after_change(self._context(), request_id, event_id, action, actor_name)

    async def photo(self, file_id: str) -> bytes | None:
        """Fetched from Telegram each time, not kept: the citizen's photo stays where they
        sent it, and erasing their data (which forgets the file id) ends access to it."""
        try:
            found = await self._app.bot.get_file(file_id)
            return bytes(await found.download_as_bytearray())
        except TelegramError as error:
            log.warning("a request's photo could not be fetched from Telegram: %s", error)
            return None
