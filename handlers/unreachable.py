"""A staff group Telegram will not let the bot post in (its id in config.toml is wrong, or
the bot was removed from it) is the municipality's problem, never the citizen's: the card
waits in the database, the failure is recorded with the group and the department, the
supervisors are told once per group (the admins in private when the supervisors' group is
the one that fails, or there is none), and the SLA sweep posts the card once the group
takes it (core/unreachable.py keeps the "told once")."""

from __future__ import annotations

import html
import logging
from weakref import WeakKeyDictionary

from sqlalchemy.engine import Engine
from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError

from common.config import Config
from common.i18n import translator
from core import unreachable
from core.fencing import Fence
from db.engine import transaction
from db.models import Request
from db.types import utcnow

log = logging.getLogger("kentbot.delivery")

# What Telegram says (in a 400) when the chat is not there for the bot or it may not post.
_NOT_THERE = ("chat not found", "not enough rights", "have no rights", "chat_write_forbidden")


def is_unreachable(error: TelegramError) -> bool:
    """The chat itself refuses the bot, whatever is sent: a 403 (not a member, removed),
    a group that became a supergroup (new id), or a 400 naming the chat or the rights."""
    if isinstance(error, Forbidden | ChatMigrated):
        return True
    return isinstance(error, BadRequest) and any(s in error.message.lower() for s in _NOT_THERE)


# Per database: the groups this process has seen take a card (so the "told once" mark is
# cleared once per group, not on every card), and the (group, request) failures recorded
# already (so the sweep, retrying every few minutes, does not fill failed_delivery).
_taking: WeakKeyDictionary[Engine, set[int]] = WeakKeyDictionary()
_recorded: WeakKeyDictionary[Engine, set[tuple[int, int]]] = WeakKeyDictionary()


def card_posted(engine: Engine, chat_id: int) -> None:
    """A card got into the group: a later failure there is reported again."""
    taking = _taking.setdefault(engine, set())
    if chat_id in taking:
        return
    with transaction(engine) as session:
        was_reported = unreachable.reachable(session, chat_id)
    taking.add(chat_id)
    if was_reported:
        log.info("chat %s takes cards again", chat_id)


async def card_failed(
    bot: Bot,
    engine: Engine,
    config: Config,
    request: Request,
    chat_id: int,
    method: str,
    error: TelegramError,
    fence: Fence | None = None,
) -> None:
    """The card was not posted; the request stays without a card for the SLA sweep. The
    supervisors are told under `fence`: a deposed leader gets `Deposed` and tells nobody."""
    assert request.id is not None
    if not is_unreachable(error):
        # Telegram down or slow: the rate limiter has retried and recorded it already.
        log.warning(
            "card of request %s (department %s) not posted in chat %s: %s; the SLA sweep "
            "tries again",
            request.number,
            request.department_code,
            chat_id,
            type(error).__name__,
        )
        return
    log.error(
        "card of request %s not posted: chat %s of department %s refuses the bot (%s: %s); "
        "check config.toml with `kentbot check`",
        request.number,
        chat_id,
        request.department_code,
        type(error).__name__,
        error.message,
    )
    _taking.setdefault(engine, set()).discard(chat_id)
    recorded = _recorded.setdefault(engine, set())
    if (chat_id, request.id) not in recorded:
        recorded.add((chat_id, request.id))
        with transaction(engine) as session:
            unreachable.record_failure(
                session,
                chat_id,
                request.department_code,
                request.number,
                method,
                f"{type(error).__name__}: {error.message}",
            )
    with transaction(engine) as session:
        if not unreachable.claim_report(session, chat_id, utcnow(), fence):
            return  # told already
    await _tell(bot, config, chat_id, request.department_code, error)


async def _tell(
    bot: Bot, config: Config, chat_id: int, department_code: str, error: TelegramError
) -> None:
    """The supervisors' group, unless it is the group that fails (or there is none):
    then each admin of config.toml in private."""
    t = translator(config.municipality.default_language)
    department = next((d for d in config.departments if d.code == department_code), None)
    name = html.escape(department.name.get(t.language) if department else department_code)
    reason = html.escape(error.message)
    supervisors = config.bot.supervisors_chat_id
    if department is not None and department.chat_id == chat_id:
        head = t._(
            "⚠️ I cannot post the cards of {department} in its group (chat_id = {chat_id} in "
            "config.toml). Telegram says: “{reason}”"
        )
    else:
        head = t._(
            "⚠️ I cannot post in the supervisors' group (supervisors_chat_id = {chat_id} in "
            "config.toml), where the cards of {department} go. Telegram says: “{reason}”"
        )
    text = (
        head.format(department=name, chat_id=chat_id, reason=reason)
        + "\n\n"
        + t._(
            "The requests are kept, and their cards are posted as soon as the group takes "
            "them. Find the group's right id with /kimlik in that group, correct config.toml, "
            "check it with kentbot check and restart the bot; if the bot was removed from the "
            "group, add it back."
        )
    )
    if supervisors is not None and supervisors != chat_id:
        try:
            await bot.send_message(supervisors, text, parse_mode=ParseMode.HTML)
            return
        except TelegramError as exc:
            log.error("the supervisors' group %s was not told either: %s", supervisors, exc)
    told = 0
    for admin in config.bot.admins:
        try:
            await bot.send_message(admin, text, parse_mode=ParseMode.HTML)
            told += 1
        except TelegramError as exc:
            log.warning("admin %s not told of unreachable chat %s: %s", admin, chat_id, exc)
    if not told:
        log.error("nobody could be told that chat %s is unreachable", chat_id)
