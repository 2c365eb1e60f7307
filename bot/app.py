"""Building the python-telegram-bot Application: handlers, rate limiter, defaults."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.engine import Engine
from telegram.ext import Application, ContextTypes, Defaults

from bot.commands import register_commands
from bot.sending import PatientRateLimiter
from bot.telegram_bot import KentBot
from bot.transport import AiohttpRequest
from common.config import Config, file_url_for
from core.fencing import Fence
from core.intake import category_keywords
from core.reference_data import sync_reference_data
from core.working_time import WorkingCalendar
from db.engine import transaction
from db.migrate import upgrade
from db.models import FailedDelivery
from db.replica import Reads
from handlers import dispatch, errors, guard
from handlers.common import Deps, KentContext
from handlers.feature import Feature, problems
from handlers.features import FEATURES
from scheduler.schedule import register_jobs


def prepare_database(engine: Engine, config: Config) -> None:
    """Create or upgrade the schema and copy config's reference data in."""
    upgrade(engine)
    with transaction(engine) as session:
        sync_reference_data(session, config)


def _recorder(engine: Engine) -> Callable[[int | None, str, str, int], None]:
    def record(chat_id: int | None, method: str, error: str, attempts: int) -> None:
        with transaction(engine) as session:
            session.add(
                FailedDelivery(chat_id=chat_id, method=method, error=error, attempts=attempts)
            )

    return record


def quiet_library_logs() -> None:
    """python-telegram-bot logs whole updates and API calls at DEBUG: message texts,
    phone numbers, locations. Those must never reach a log, whatever the log level."""
    root = logging.getLogger().getEffectiveLevel()
    logging.getLogger("telegram").setLevel(max(logging.INFO, root))
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


def build_application(
    config: Config,
    engine: Engine,
    token: str,
    api_url: str,
    *,
    rate_limit: bool = True,
    collect_errors: bool = False,
    features: Sequence[Feature] = FEATURES,
    reads: Reads | None = None,
    fence: Fence | None = None,
    deposed: Callable[[], None] | None = None,
) -> Application:
    """The Application with every feature's handlers and jobs; a feature list with
    problems (handlers.feature.problems: personal data nothing erases, a command or step
    two features claim) is refused before anything starts."""
    found = problems(features)
    if found:
        raise ValueError("the feature list is inconsistent: " + "; ".join(found))
    quiet_library_logs()

    async def post_init(app: Application) -> None:
        await register_commands(app.bot, features, config.municipality.default_language)

    bot = KentBot(
        token,
        base_url=api_url.rstrip("/"),
        base_file_url=file_url_for(api_url),
        defaults=Defaults(tzinfo=config.tz),
        # getUpdates has a connection of its own, so a long poll never holds up a reply.
        request=AiohttpRequest(),
        get_updates_request=AiohttpRequest(1),
        rate_limiter=PatientRateLimiter(on_failure=_recorder(engine)) if rate_limit else None,
    )
    builder: Any = (
        Application.builder()
        .bot(bot)
        .post_init(post_init)
        .concurrent_updates(False)
        .context_types(ContextTypes(context=KentContext))
    )
    app: Application = builder.build()
    with transaction(engine) as session:
        keywords = category_keywords(session)
    app.bot_data["deps"] = Deps(
        engine=engine,
        config=config,
        calendar=WorkingCalendar.from_config(config),
        keywords=keywords,
        errors=[] if collect_errors else None,
        features=features,
        reads=reads,
        fence=fence,
        deposed=deposed or (lambda: None),
    )
    # The shell's pipeline first (groups before and after the features'), then each
    # feature's commands and buttons, then what none of them took.
    guard.register(app)
    for feature in features:
        for command in feature.commands:
            app.add_handler(command.handler())
        for handler in feature.handlers:
            app.add_handler(handler)
    dispatch.register(app)
    errors.register(app)
    register_jobs(app, config, features)
    return app
