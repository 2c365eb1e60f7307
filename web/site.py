"""What every page needs: the database, the configuration, and the way out to Telegram."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from sqlalchemy.engine import Engine
from starlette.background import BackgroundTask
from starlette.requests import Request

from common.config import Config
from core.working_time import WorkingCalendar
from db.engine import without_blocking
from db.replica import Reads

log = logging.getLogger("kentbot.web")


class Effects(Protocol):
    """What a change made in the browser causes outside it: the staff group's card, the
    citizen's message. The Telegram shell provides it (handlers/web_effects.py), so web/
    knows no Telegram; without a bot (tests of pages alone) nothing is sent."""

    async def after_filing(self, request_id: int) -> None:
        """A request filed from the web: post its card to its department's group."""

    async def after_staff_action(
        self, request_id: int, event_id: int, action: str, actor_name: str
    ) -> bool:
        """A staff action taken in the browser: update or move the card, tell the citizen
        exactly as a press in the group would. True when the citizen was told."""
        ...

    async def photo(self, file_id: str) -> bytes | None:
        """A photo a citizen sent, by its Telegram file id; None when it cannot be had."""
        ...


class NoEffects:
    """For a web application without a bot: changes stay in the database."""

    async def after_filing(self, request_id: int) -> None:
        return None

    async def after_staff_action(
        self, request_id: int, event_id: int, action: str, actor_name: str
    ) -> bool:
        return False

    async def photo(self, file_id: str) -> bytes | None:
        return None


@dataclass
class Site:
    engine: Engine
    config: Config
    effects: Effects = field(default_factory=NoEffects)
    # Where heavy reads go (the dashboard, Open311 GETs, exports): a read replica while it
    # is fit (db/replica.py), else the primary.
    reads: Reads | None = None
    # The bot's username, for links that open a chat with it (t.me/<name>).
    bot_username: str | None = None

    @property
    def reader(self) -> Engine:
        return self.reads.engine() if self.reads is not None else self.engine

    @cached_property
    def calendar(self) -> WorkingCalendar:
        """The working calendar of due times, made once (its holidays take a few ms)."""
        return WorkingCalendar.from_config(self.config)

    def card_after_answer(self, request_id: int) -> BackgroundTask:
        """A request filed from the web (the desk, Open311) has its card posted once the
        answer has gone: the department's group may be busy (Telegram lets a bot send 20
        messages a minute to a group), and the client need not wait for it."""
        return BackgroundTask(self._post_card, request_id)

    async def _post_card(self, request_id: int) -> None:
        try:
            await without_blocking(self.engine, self.effects.after_filing(request_id))
        except Exception:
            # The request is stored; the SLA sweep posts a card that did not go out.
            log.exception("the card of request %s was not posted", request_id)


def site_of(request: Request) -> Site:
    site: Site = request.app.state.site
    return site
