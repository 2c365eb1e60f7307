"""Wiring the bot to Telegram without guessing ids: `/kimlik` (`/id`) in any chat, and the
bot's first words in a group it was just added to, give the chat's id and title (and in a
private chat the person's own id) with where each goes in config.toml.

Who is answered in a group: config.toml's admins, the bot's admins (/personel), and the
group's own Telegram administrators and creator (asked with getChatMember). The last is
what lets a newcomer set the bot up from Telegram alone, before any admin is configured:
whoever can administer a group may learn its id, which Telegram shows them anyway. Anyone
else gets no answer, in a served group or not (handlers/guard.py keeps every other command
out of groups the bot does not serve). In a private chat everyone is answered: the id is
their own.
"""

from __future__ import annotations

import html
import logging

from telegram import Chat, ChatMemberUpdated, Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import ChatMemberHandler

from common.i18n import Translator, translator
from core import staff
from db.engine import transaction
from handlers.common import KentContext
from handlers.feature import Command, Feature

log = logging.getLogger("kentbot.setup")

GROUPS = (ChatType.GROUP, ChatType.SUPERGROUP)
# Statuses of a member who may administer the group.
ADMINISTERING = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)
# Statuses in which the bot is in the group (added, promoted or restricted there).
PRESENT = (*ADMINISTERING, ChatMemberStatus.MEMBER, ChatMemberStatus.RESTRICTED)


async def may_set_up(context: KentContext, chat: Chat, user_id: int | None) -> bool:
    """config.toml's admins, the bot's admins, and the group's own administrators."""
    if user_id is None:
        return False
    if user_id in context.config.bot.admins:
        return True
    with transaction(context.engine) as session:
        if staff.is_admin(staff.active_member(session, user_id)):
            return True
    if chat.type not in GROUPS:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, user_id)
    except TelegramError as exc:
        log.info("could not ask chat %s about member %s: %s", chat.id, user_id, exc)
        return False
    return member.status in ADMINISTERING


def group_text(context: KentContext, chat: Chat) -> str:
    """The group's id and title, where they go in config.toml, and what the config says of
    this group already; in the municipality's language, like every group text."""
    config = context.config
    t = translator(config.municipality.default_language)
    lines = [
        t._(
            "🆔 This group: <b>{title}</b>\n"
            "Its id: <code>{id}</code>\n"
            "\n"
            "Where it goes in config.toml:\n"
            "• a department's group: chat_id = {id} in that department's [[departments]] entry\n"
            "• the supervisors' group: supervisors_chat_id = {id} under [bot]\n"
            "Then restart the bot and run <code>kentbot check</code>."
        ).format(title=html.escape(chat.title or ""), id=chat.id)
    ]
    known = _configured_as(context, t, chat.id)
    if known:
        lines.append(known)
    return "\n\n".join(lines)


def _configured_as(context: KentContext, t: Translator, chat_id: int) -> str | None:
    config = context.config
    if chat_id == config.bot.supervisors_chat_id:
        return t._("✅ config.toml already names this group as the supervisors' group.")
    names = [d.name.get(t.language) for d in config.departments if d.chat_id == chat_id]
    if not names:
        return None
    return t._("✅ config.toml already names this group as the group of {department}.").format(
        department=html.escape(", ".join(names))
    )


def private_text(t: Translator, user_id: int) -> str:
    return t._(
        "🆔 Your Telegram id: <code>{id}</code>\n"
        "\n"
        "To make you an administrator of the bot, add it to the admins list under [bot] "
        "in config.toml (admins = [{id}]) and restart the bot."
    ).format(id=user_id)


async def id_command(update: Update, context: KentContext) -> None:
    """/kimlik: the chat's id and title (a group), or the person's own id (private)."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    if chat.type == ChatType.PRIVATE:
        if update.effective_user is None:
            return
        await message.reply_text(
            private_text(context.texts(), update.effective_user.id), parse_mode=ParseMode.HTML
        )
        return
    if chat.type not in GROUPS:
        return
    anonymous_admin = message.sender_chat is not None and message.sender_chat.id == chat.id
    user = update.effective_user
    if not anonymous_admin and not await may_set_up(context, chat, user.id if user else None):
        return  # silence: a stranger learns nothing, and the group hears nothing
    await message.reply_text(group_text(context, chat), parse_mode=ParseMode.HTML, do_quote=False)


async def added_to_group(update: Update, context: KentContext) -> None:
    """The bot was added to a group: its id and title, once, if an admin added it."""
    change: ChatMemberUpdated | None = update.my_chat_member
    if change is None or change.chat.type not in GROUPS:
        return
    if change.old_chat_member.status in PRESENT or change.new_chat_member.status not in PRESENT:
        return  # a promotion, a demotion or a removal: nothing to say
    log.info("added to group %s by %s", change.chat.id, change.from_user.id)
    if not await may_set_up(context, change.chat, change.from_user.id):
        return
    try:
        await context.bot.send_message(
            change.chat.id,
            group_text(context, change.chat),
            parse_mode=ParseMode.HTML,
        )
    except TelegramError as exc:  # removed again at once, or not allowed to post
        log.warning("could not greet group %s: %s", change.chat.id, exc)


FEATURE = Feature(
    name="setup",
    commands=(Command(("kimlik", "id"), id_command, setup=True),),
    handlers=(ChatMemberHandler(added_to_group, ChatMemberHandler.MY_CHAT_MEMBER),),
)
