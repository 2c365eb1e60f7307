"""In-memory state of the emulated Telegram: bots, users, chats, messages, updates, files, logs.

Everything here is touched only from the server's event loop, so nothing is locked.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from emulator.notify import Signal

JSON = dict[str, Any]

# Telegram's default when allowed_updates is unset: everything except these.
NOT_DELIVERED_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass
class Webhook:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class BotAccount:
    id: int
    token: str
    username: str
    first_name: str
    can_read_all_group_messages: bool = False
    pending: list[JSON] = field(default_factory=list)
    next_update_id: int = 100_000
    # Highest update_id handed to the bot (getUpdates or webhook): what "fetched" means.
    delivered_upto: int = 0
    webhook: Webhook | None = None
    allowed_updates: list[str] | None = None
    commands: dict[tuple[str, str], list[JSON]] = field(default_factory=dict)
    menu_buttons: dict[int, JSON] = field(default_factory=dict)
    texts: dict[tuple[str, str], str] = field(default_factory=dict)
    # Bumped by every getUpdates so an older long poll knows it was superseded.
    poll_generation: int = 0

    def user_dict(self) -> JSON:
        return {
            "id": self.id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }

    def undelivered(self) -> int:
        return sum(1 for u in self.pending if u["update_id"] > self.delivered_upto)

    def wants(self, update_type: str) -> bool:
        if self.allowed_updates:
            return update_type in self.allowed_updates
        return update_type not in NOT_DELIVERED_BY_DEFAULT


@dataclass
class User:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    blocked: bool = False
    # Telegram refuses a bot's first message to someone who never wrote to it.
    started: bool = False

    def to_dict(self) -> JSON:
        d: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            d["last_name"] = self.last_name
        if self.username:
            d["username"] = self.username
        if self.language_code:
            d["language_code"] = self.language_code
        return d


@dataclass
class Chat:
    id: int
    type: str
    title: str | None = None
    user: User | None = None
    member_ids: list[int] = field(default_factory=list)
    bot_is_admin: bool = True
    # False once the bot was removed from the group (or before anyone added it): it then
    # sees nothing there, may not post, and getChat no longer finds the group.
    bot_in_group: bool = True
    # False while the group's administrators restrict the bot: it stays a member and sees
    # what a member sees, but every send there is refused.
    bot_may_post: bool = True
    # The group's own Telegram administrators (getChatMember says "administrator") and
    # its creator ("creator"); both are also members.
    admin_ids: list[int] = field(default_factory=list)
    creator_id: int | None = None
    messages: dict[int, JSON] = field(default_factory=dict)
    next_message_id: int = 1
    # The reply keyboard the person currently sees under the input field, if any.
    reply_keyboard: JSON | None = None

    def to_dict(self) -> JSON:
        if self.type == "private" and self.user is not None:
            d: JSON = {"id": self.id, "type": "private", "first_name": self.user.first_name}
            if self.user.last_name:
                d["last_name"] = self.user.last_name
            if self.user.username:
                d["username"] = self.user.username
            return d
        return {"id": self.id, "type": self.type, "title": self.title or ""}

    def instance_for(self, bot_id: int) -> str:
        return hashlib.sha1(f"{bot_id}:{self.id}".encode()).hexdigest()[:16]


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0

    def base(self) -> JSON:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
        }


@dataclass
class CallbackRecord:
    id: str
    bot_id: int
    user_id: int
    chat_id: int
    message_id: int
    answered: bool = False
    pressed_at: float = field(default_factory=time.monotonic)


class World:
    """All emulated state plus the logs tests read."""

    def __init__(self) -> None:
        self.bots: dict[str, BotAccount] = {}
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.callbacks: dict[str, CallbackRecord] = {}
        # Every file_id of a photo maps to all its sizes, so re-sending by file_id works.
        self.photo_sets: dict[str, list[JSON]] = {}
        self.events: list[JSON] = []
        self.calls: list[JSON] = []
        self.stats: dict[str, Any] = {"methods": {}, "status": {}, "429": 0, "500": 0}
        self.default_token: str | None = None
        self.in_flight = 0
        self.last_call_end = 0.0
        self.updates_signal = Signal()
        self.events_signal = Signal()
        self.activity_signal = Signal()
        self._ids = itertools.count(1)
        self._user_ids = itertools.count(100_000_001)
        self._group_ids = itertools.count(1)

    # -- accounts and chats ----------------------------------------------------------------

    def add_bot(
        self, token: str, username: str, first_name: str, can_read_all_group_messages: bool
    ) -> BotAccount:
        bot_id = int(token.split(":", 1)[0])
        bot = BotAccount(bot_id, token, username, first_name, can_read_all_group_messages)
        self.bots[token] = bot
        if self.default_token is None:
            self.default_token = token
        return bot

    def bot(self, ref: str | int | None = None) -> BotAccount:
        """Finds a bot by token, id or username; None means the first one created."""
        if ref is None:
            if self.default_token is None:
                raise KeyError("no bot created yet")
            return self.bots[self.default_token]
        for bot in self.bots.values():
            if ref in (bot.token, bot.id, bot.username, str(bot.id)):
                return bot
        raise KeyError(f"unknown bot {ref!r}")

    def add_user(
        self,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        user_id: int | None = None,
        started: bool = False,
    ) -> User:
        uid = user_id if user_id is not None else next(self._user_ids)
        while user_id is None and uid in self.users:
            # An explicitly numbered user took this id earlier; never hand it out twice.
            uid = next(self._user_ids)
        if uid in self.users:
            raise ValueError(f"user {uid} exists already")
        user = User(uid, first_name, last_name, username, language_code, started=started)
        self.users[uid] = user
        self.chats[uid] = Chat(uid, "private", user=user)
        return user

    def add_group(
        self,
        title: str,
        kind: str,
        member_ids: list[int],
        bot_is_admin: bool = True,
        bot_in_group: bool = True,
        admin_ids: list[int] | None = None,
        creator_id: int | None = None,
    ) -> Chat:
        n = next(self._group_ids)
        chat_id = -(1_000_000_000_000 + n) if kind == "supergroup" else -(400_000 + n)
        members = list(member_ids)
        for person in [*(admin_ids or []), *([creator_id] if creator_id is not None else [])]:
            if person not in members:
                members.append(person)
        chat = Chat(chat_id, kind, title=title, member_ids=members)
        chat.bot_is_admin = bot_is_admin and bot_in_group
        chat.bot_in_group = bot_in_group
        chat.admin_ids = list(admin_ids or [])
        chat.creator_id = creator_id
        self.chats[chat_id] = chat
        return chat

    # -- messages, updates, events --------------------------------------------------------

    def new_message(self, chat: Chat, sender: JSON, fields: JSON) -> JSON:
        msg: JSON = {
            "message_id": chat.next_message_id,
            "date": int(time.time()),
            "chat": chat.to_dict(),
            "from": sender,
        }
        chat.next_message_id += 1
        msg.update(fields)
        chat.messages[msg["message_id"]] = msg
        return msg

    def enqueue(self, bot: BotAccount, update_type: str, payload: JSON) -> JSON | None:
        if not bot.wants(update_type):
            return None
        update = {"update_id": bot.next_update_id, update_type: copy.deepcopy(payload)}
        bot.next_update_id += 1
        bot.pending.append(update)
        self.updates_signal.fire()
        return update

    def enqueue_raw(self, bot: BotAccount, update: JSON) -> JSON:
        update = copy.deepcopy(update)
        if "update_id" not in update:
            update["update_id"] = bot.next_update_id
        bot.next_update_id = max(bot.next_update_id, int(update["update_id"]) + 1)
        bot.pending.append(update)
        self.updates_signal.fire()
        return update

    def record_event(self, kind: str, chat_id: int, message_id: int | None, **extra: Any) -> JSON:
        event: JSON = {
            "seq": len(self.events) + 1,
            "kind": kind,
            "chat_id": chat_id,
            "message_id": message_id,
            "time": time.time(),
        }
        event.update(copy.deepcopy(extra))
        self.events.append(event)
        self.events_signal.fire()
        return event

    def record_call(self, method: str, params: JSON, status: int, started: float) -> None:
        self.calls.append(
            {
                "seq": len(self.calls) + 1,
                "method": method,
                "params": params,
                "status": status,
                "time": started,
                "duration": time.time() - started,
            }
        )
        methods = self.stats["methods"]
        methods[method] = methods.get(method, 0) + 1
        statuses = self.stats["status"]
        statuses[str(status)] = statuses.get(str(status), 0) + 1
        if status in (429, 500):
            self.stats[str(status)] += 1

    # -- files -------------------------------------------------------------------------------

    def store_file(
        self,
        data: bytes,
        folder: str,
        ext: str,
        file_name: str | None = None,
        mime_type: str | None = None,
        width: int = 0,
        height: int = 0,
    ) -> StoredFile:
        n = next(self._ids)
        digest = hashlib.sha1(data + str(n).encode()).hexdigest()
        stored = StoredFile(
            file_id=f"EMU{folder[:2].upper()}{n}_{digest[:24]}",
            file_unique_id=f"U{digest[:12]}",
            data=data,
            file_path=f"{folder}/file_{n}.{ext}",
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    def next_id(self) -> int:
        return next(self._ids)
