"""`kentbot check`: config.toml and the token checked against the Bot API before anyone
relies on them. One line per finding; the exit status is 1 if anything is wrong.

- the token: getMe answers;
- every department's group, the supervisors' group and the digests' groups: Telegram
  knows the group and the bot is in it (getChat), and may post there (getChatMember for
  the bot's own id);
- group privacy: a bot in privacy mode that does not administer a group still gets the
  commands and the replies to its own messages (cards, questions) there, which is all the
  staff desk needs, so this is a note, not an error: staff must answer a card by replying
  to it, and nothing else said in the group reaches the bot;
- every admin, and every person the digests go to: a real user who has started the bot
  (getChat on their id; Telegram finds nobody who never opened the bot, and the bot could
  not write to them first anyway);
- a department without a group of its own needs the supervisors' group.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from telegram import Bot, ChatMemberRestricted
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import InvalidToken, TelegramError

from common.config import Config, file_url_for
from core import routing

Level = Literal["ok", "note", "error"]

ADMINISTERING = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


@dataclass(frozen=True)
class Finding:
    level: Level
    text: str

    def __str__(self) -> str:
        return f"{self.level:<5}  {self.text}"


def people_of(config: Config) -> dict[int, list[str]]:
    """Each person config.toml names: the admins, and the digests' personal recipients."""
    roles: dict[int, list[str]] = {}
    for admin in config.bot.admins:
        roles.setdefault(admin, []).append("[bot] admins")
    for chat_id in config.digests.recipients:
        if chat_id > 0:
            roles.setdefault(chat_id, []).append("[digests] recipients")
    return roles


def without_api(config: Config) -> list[Finding]:
    """What config.toml alone shows."""
    found: list[Finding] = []
    if config.bot.supervisors_chat_id is None:
        homeless = [d.code for d in config.departments if d.chat_id is None]
        if homeless:
            found.append(
                Finding(
                    "error",
                    f"departments {', '.join(homeless)} have no chat_id and there is no "
                    "[bot] supervisors_chat_id: their cards have nowhere to go",
                )
            )
    if not config.bot.admins:
        found.append(
            Finding("note", "[bot] admins is empty: nobody can manage staff with /personel yet")
        )
    return found


async def findings(config: Config, token: str, api_url: str) -> list[Finding]:
    found = without_api(config)
    bot = Bot(token, base_url=api_url.rstrip("/"), base_file_url=file_url_for(api_url))
    try:
        await bot.initialize()  # getMe
    except InvalidToken:
        return [*found, Finding("error", "Telegram refuses the token (KENTBOT_TOKEN)")]
    except TelegramError as exc:
        return [*found, Finding("error", f"the Bot API does not answer getMe: {exc}")]
    try:
        private = not bot.can_read_all_group_messages
        found.append(
            Finding(
                "ok",
                f"token: the bot is @{bot.username} (id {bot.id}); group privacy is "
                + ("on" if private else "off"),
            )
        )
        for chat_id, roles in routing.configured_groups(config).items():
            found.append(await _group(bot, chat_id, " and ".join(roles), private))
        for user_id, roles in people_of(config).items():
            found.append(await _person(bot, user_id, " and ".join(roles)))
    finally:
        await bot.shutdown()
    return found


async def _group(bot: Bot, chat_id: int, where: str, private: bool) -> Finding:
    try:
        chat = await bot.get_chat(chat_id)
    except TelegramError as exc:
        return Finding(
            "error",
            f"{where} = {chat_id}: Telegram does not show the bot this group ({exc}); add the "
            "bot to the group and read its id there with /kimlik",
        )
    name = f"{where} = {chat_id} ({chat.title or chat.type})"
    if chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        return Finding("error", f"{name}: a {chat.type} chat, not a group")
    try:
        member = await bot.get_chat_member(chat_id, bot.id)
    except TelegramError as exc:
        return Finding("error", f"{name}: the bot's membership cannot be read ({exc})")
    if member.status in (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED):
        return Finding("error", f"{name}: the bot is not in this group ({member.status})")
    if isinstance(member, ChatMemberRestricted) and not member.can_send_messages:
        return Finding("error", f"{name}: the bot may not post in this group")
    if member.status in ADMINISTERING:
        return Finding("ok", f"{name}: the bot is an administrator and sees every message")
    if private:
        return Finding(
            "note",
            f"{name}: the bot is a member with group privacy on: it gets commands and replies "
            "to its own messages (enough for the cards), nothing else; make it an "
            "administrator or turn privacy off with BotFather (/setprivacy) to change that",
        )
    return Finding("ok", f"{name}: the bot is a member and sees every message")


async def _person(bot: Bot, user_id: int, where: str) -> Finding:
    try:
        chat = await bot.get_chat(user_id)
    except TelegramError as exc:
        return Finding(
            "error",
            f"{where}: {user_id} is not a person who has started the bot ({exc}); they must "
            f"open t.me/{bot.username} and press Start, and /kimlik there shows their id",
        )
    if chat.type != ChatType.PRIVATE:
        return Finding("error", f"{where}: {user_id} is a {chat.type} chat, not a person")
    name = " ".join(p for p in (chat.first_name, chat.last_name) if p)
    return Finding("ok", f"{where}: {user_id} ({name}) has started the bot")


def run_check(config: Config, token: str, api_url: str, out: Callable[[str], None] = print) -> int:
    """Prints the findings, one a line; 1 if any is an error, else 0."""
    found = asyncio.run(findings(config, token, api_url))
    for finding in found:
        out(str(finding))
    errors = sum(f.level == "error" for f in found)
    out(f"{errors} problem(s) found" if errors else "everything checked is in order")
    return 1 if errors else 0
