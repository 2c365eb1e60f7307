"""What simulated people do: each action adds a real message and queues an Update."""

from __future__ import annotations

import copy
import time
import uuid
from typing import Any

from emulator import content
from emulator.botapi import administrator, restricted
from emulator.formatting import utf16_len
from emulator.world import JSON, BotAccount, CallbackRecord, Chat, User, World


class ActionError(Exception):
    """The simulated person tried something Telegram's client would not let them do."""


class UserActions:
    def __init__(self, world: World) -> None:
        self.world = world

    def resolve(self, body: JSON) -> tuple[BotAccount, User, Chat]:
        try:
            bot = self.world.bot(body.get("bot"))
        except KeyError as exc:
            raise ActionError(str(exc)) from None
        user = self.world.users.get(int(body.get("user_id", 0)))
        if user is None:
            raise ActionError(f"unknown user {body.get('user_id')!r}")
        chat = self.world.chats.get(int(body.get("chat_id") or user.id))
        if chat is None:
            raise ActionError(f"unknown chat {body.get('chat_id')!r}")
        if chat.type != "private" and user.id not in chat.member_ids:
            raise ActionError(f"user {user.id} is not a member of chat {chat.id}")
        if chat.type == "private" and chat.id != user.id:
            raise ActionError("a user can only write in their own private chat with the bot")
        return bot, user, chat

    def post(self, body: JSON, fields: JSON) -> JSON:
        """Creates the user's message and routes it to the bot if the bot would see it."""
        bot, user, chat = self.resolve(body)
        reply_to = body.get("reply_to")
        if reply_to is not None:
            target = chat.messages.get(int(reply_to))
            if target is None:
                raise ActionError(f"no message {reply_to} in chat {chat.id} to reply to")
            replied = copy.deepcopy(target)
            replied.pop("reply_to_message", None)
            fields["reply_to_message"] = replied
        if chat.type == "private":
            if user.blocked:
                # Writing to a blocked bot means pressing "Restart": it is unblocked.
                self.set_blocked(bot, user, False)
            user.started = True
        msg = self.world.new_message(chat, user.to_dict(), fields)
        if self.bot_sees(bot, chat, msg):
            self.world.enqueue(bot, "message", msg)
        return msg

    @staticmethod
    def bot_sees(bot: BotAccount, chat: Chat, msg: JSON) -> bool:
        """Privacy mode: in groups where it is no admin a bot sees only commands, replies to
        it and mentions; in a group it is not in, nothing."""
        if chat.type != "private" and not chat.bot_in_group:
            return False
        if chat.type == "private" or chat.bot_is_admin or bot.can_read_all_group_messages:
            return True
        text = msg.get("text") or msg.get("caption") or ""
        if text.startswith("/") or f"@{bot.username}" in text:
            return True
        replied = msg.get("reply_to_message") or {}
        return bool(replied.get("from", {}).get("id") == bot.id)

    # -- message kinds ---------------------------------------------------------------------

    def send_text(self, body: JSON) -> JSON:
        text = str(body.get("text", ""))
        if not text:
            raise ActionError("empty text")
        fields: JSON = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            fields["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
            ]
        return self.post(body, fields)

    def send_location(self, body: JSON) -> JSON:
        loc = content.location(
            float(body["latitude"]), float(body["longitude"]), body.get("live_period")
        )
        return self.post(body, {"location": loc})

    def send_venue(self, body: JSON) -> JSON:
        loc = content.location(float(body["latitude"]), float(body["longitude"]))
        venue = {
            "location": loc,
            "title": body.get("title", ""),
            "address": body.get("address", ""),
        }
        return self.post(body, {"location": loc, "venue": venue})

    def send_contact(self, body: JSON) -> JSON:
        user = self.world.users.get(int(body.get("user_id", 0)))
        contact: JSON = {
            "phone_number": str(body["phone_number"]),
            "first_name": body.get("first_name") or (user.first_name if user else ""),
        }
        if body.get("last_name") or (user and user.last_name and not body.get("first_name")):
            contact["last_name"] = body.get("last_name") or (user.last_name if user else None)
        # A contact shared with the "share my number" button carries the sender's own id.
        if body.get("own", True) and user is not None:
            contact["user_id"] = user.id
        elif body.get("contact_user_id"):
            contact["user_id"] = int(body["contact_user_id"])
        return self.post(body, {"contact": contact})

    def send_photo(self, body: JSON, data: bytes | None) -> JSON:
        fields: JSON = {"photo": content.photo_sizes(self.world, data)}
        if body.get("caption"):
            fields["caption"] = body["caption"]
        return self.post(body, fields)

    def send_document(self, body: JSON, data: bytes) -> JSON:
        fields: JSON = {
            "document": content.document(
                self.world, data, body.get("file_name") or "file.bin", body.get("mime_type")
            )
        }
        if body.get("caption"):
            fields["caption"] = body["caption"]
        return self.post(body, fields)

    def send_sticker(self, body: JSON) -> JSON:
        return self.post(body, {"sticker": content.sticker(self.world, body.get("emoji", "👍"))})

    def send_voice(self, body: JSON, data: bytes | None) -> JSON:
        voice = content.voice(self.world, data, int(body.get("duration", 2)))
        return self.post(body, {"voice": voice})

    def edit(self, body: JSON) -> JSON:
        bot, user, chat = self.resolve(body)
        msg = chat.messages.get(int(body.get("message_id", 0)))
        if msg is None or msg["from"].get("id") != user.id:
            raise ActionError("no such message of this user to edit")
        if "text" in body:
            msg["text"] = str(body["text"])
        if "latitude" in body:
            if "location" not in msg:
                raise ActionError("message has no location")
            msg["location"] = {
                **msg["location"],
                "latitude": float(body["latitude"]),
                "longitude": float(body["longitude"]),
            }
        msg["edit_date"] = int(time.time())
        if self.bot_sees(bot, chat, msg):
            self.world.enqueue(bot, "edited_message", msg)
        return msg

    def delete(self, body: JSON) -> JSON:
        """The user deletes a message: their own anywhere, anyone's in their private chat
        (for themselves), anyone's in a group they administer. Telegram tells the bot
        nothing; it learns only when it next edits or replies to the message."""
        _, user, chat = self.resolve(body)
        message_id = int(body.get("message_id", 0))
        msg = chat.messages.get(message_id)
        if msg is None:
            raise ActionError(f"no message {message_id} in chat {chat.id} to delete")
        admins = {*chat.admin_ids, chat.creator_id}
        if chat.type != "private" and msg["from"].get("id") != user.id and user.id not in admins:
            raise ActionError(f"user {user.id} may not delete others' messages in {chat.id}")
        del chat.messages[message_id]
        self.world.record_event("delete", chat.id, message_id, message=msg, user_id=user.id)
        return {"chat_id": chat.id, "message_id": message_id}

    def press(self, body: JSON) -> JSON:
        bot, user, chat = self.resolve(body)
        forge = bool(body.get("forge"))
        message_id = body.get("message_id")
        text, data = body.get("text"), body.get("data")
        msg: JSON | None
        if message_id is None:
            msg = self.newest_with_button(chat, bot, text, data)
        else:
            msg = chat.messages.get(int(message_id))
        if msg is None and not forge:
            raise ActionError(f"no message with button {text or data!r} in chat {chat.id}")
        if not forge:
            assert msg is not None
            button = find_button(msg, text, data)
            if button is None:
                raise ActionError(f"message {msg['message_id']} has no button {text or data!r} now")
            data = button.get("callback_data")
            if data is None:
                raise ActionError(f"button {button.get('text')!r} is not a callback button")
        query_id = uuid.uuid4().hex[:20]
        msg_id = int(msg["message_id"]) if msg else int(message_id or 0)
        query: JSON = {
            "id": query_id,
            "from": user.to_dict(),
            "chat_instance": chat.instance_for(bot.id),
            "data": data,
        }
        if msg is not None:
            query["message"] = copy.deepcopy(msg)
        else:
            # Telegram's shape for a message the user can no longer see.
            query["message"] = {"chat": chat.to_dict(), "message_id": msg_id, "date": 0}
        self.world.callbacks[query_id] = CallbackRecord(query_id, bot.id, user.id, chat.id, msg_id)
        self.world.enqueue(bot, "callback_query", query)
        return query

    @staticmethod
    def newest_with_button(
        chat: Chat, bot: BotAccount, text: str | None, data: str | None
    ) -> JSON | None:
        for message_id in sorted(chat.messages, reverse=True):
            msg = chat.messages[message_id]
            if msg["from"].get("id") == bot.id and find_button(msg, text, data):
                return msg
        return None

    def set_blocked(self, bot: BotAccount, user: User, blocked: bool) -> None:
        if user.blocked == blocked:
            return
        user.blocked = blocked
        old, new = ("member", "kicked") if blocked else ("kicked", "member")

        def member(status: str) -> JSON:
            d: JSON = {"status": status, "user": bot.user_dict()}
            if status == "kicked":
                d["until_date"] = 0
            return d

        chat = self.world.chats[user.id]
        self.world.enqueue(
            bot,
            "my_chat_member",
            {
                "chat": chat.to_dict(),
                "from": user.to_dict(),
                "date": int(time.time()),
                "old_chat_member": member(old),
                "new_chat_member": member(new),
            },
        )

    def set_bot_status(self, bot: BotAccount, chat: Chat, status: str, by: User) -> JSON:
        """A group member adds the bot to the group, makes it an administrator, takes that
        away, restricts it so that it may not post, or removes it ("member",
        "administrator", "restricted", "left", "kicked"). The bot gets a
        `my_chat_member` update, and, when it joins or leaves, the group's service message
        (new_chat_members / left_chat_member), which bots see even in privacy mode."""
        if chat.type == "private":
            raise ActionError("the bot's membership changes only in groups")
        if status not in ("member", "administrator", "restricted", "left", "kicked"):
            raise ActionError("status must be member, administrator, restricted, left or kicked")
        if by.id not in chat.member_ids:
            raise ActionError(f"user {by.id} is not a member of chat {chat.id}")
        was_in = chat.bot_in_group
        old = "administrator" if chat.bot_is_admin else "member"
        old = (old if chat.bot_may_post else "restricted") if was_in else "left"
        chat.bot_in_group = status in ("member", "administrator", "restricted")
        chat.bot_is_admin = status == "administrator"
        chat.bot_may_post = status != "restricted"

        def member(state: str) -> JSON:
            d: JSON = {"status": state, "user": bot.user_dict()}
            if state == "kicked":
                d["until_date"] = 0
            if state == "administrator":
                d = {**administrator(bot.user_dict())}
            if state == "restricted":
                d = restricted(bot.user_dict())
            return d

        now = int(time.time())
        update = self.world.enqueue(
            bot,
            "my_chat_member",
            {
                "chat": chat.to_dict(),
                "from": by.to_dict(),
                "date": now,
                "old_chat_member": member(old),
                "new_chat_member": member(status),
            },
        )
        if was_in != chat.bot_in_group:
            key = "new_chat_members" if chat.bot_in_group else "left_chat_member"
            value: Any = [bot.user_dict()] if chat.bot_in_group else bot.user_dict()
            msg = self.world.new_message(chat, by.to_dict(), {key: value})
            self.world.enqueue(bot, "message", msg)
        return update or {}


def find_button(msg: JSON, text: str | None, data: str | None) -> dict[str, Any] | None:
    markup = msg.get("reply_markup") or {}
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if text is not None and button.get("text") == text:
                return dict(button)
            if data is not None and button.get("callback_data") == data:
                return dict(button)
    return None
