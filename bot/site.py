"""The web application beside the bot: one Site per Application, served on its loop."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from telegram.ext import Application

from common.config import Config
from handlers.web_effects import TelegramEffects
from web.app import create_app
from web.server import WebServer
from web.site import Site


def web_server(
    app: Application[Any, Any, Any, Any, Any, Any],
    engine: Engine,
    config: Config,
    listen: str | None = None,
    bot_username: str | None = None,
) -> WebServer:
    """The site for `app`, listening on `listen` (default: config's [web] listen; port 0
    picks a free one, as tests do)."""
    site = Site(
        engine=engine,
        config=config,
        effects=TelegramEffects(app),
        bot_username=bot_username,
        reads=app.bot_data["deps"].reads,
    )
    return WebServer(create_app(site), listen or config.web.listen)
