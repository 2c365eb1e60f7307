"""The Bot API methods, acting on the World. Each returns the `result` or raises ApiError."""

from __future__ import annotations

import copy
import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from emulator import content, errors
from emulator.errors import ApiError, bad_request, forbidden
from emulator.formatting import apply_parse_mode
from emulator.limits import FaultInjector, FloodControl
from emulator.params import Params
from emulator.world import JSON, BotAccount, Chat, StoredFile, Webhook, World

Method = Callable[[BotAccount, Params], Awaitable[Any]]

# Methods that put a message in a chat: these are flood-limited.
SEND_METHODS = frozenset(
    {
        "sendmessage",
        "sendphoto",
        "senddocument",
        "sendlocation",
        "sendvenue",
        "sendcontact",
        "sendmediagroup",
        "sendsticker",
        "sendvoice",
        "copymessage",
        "forwardmessage",
    }
)
# Methods that fault injection may fail.
FAULTY_METHODS = SEND_METHODS | {
    "editmessagetext",
    "editmessagecaption",
    "editmessagemedia",
    "editmessagereplymarkup",
}
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")


class BotApi:
    def __init__(
        self,
        world: World,
        flood: FloodControl,
        faults: FaultInjector,
        on_webhook_change: Callable[[BotAccount], None],
    ) -> None:
        self.world = world
        self.flood = flood
        self.faults = faults
        self.on_webhook_change = on_webhook_change
        self.methods: dict[str, Method] = {
            name[4:].replace("_", "").lower(): getattr(self, name)
            for name in dir(self)
            if name.startswith("api_")
        }

    async def call(self, bot: BotAccount, method: str, params: Params) -> Any:
        name = method.lower()
        handler = self.methods.get(name)
        if handler is None:
            raise errors.NOT_FOUND
        if name in FAULTY_METHODS and self.faults.should_fail():
            raise errors.INTERNAL
        if name in SEND_METHODS:
            chat = self.chat(params)
            retry_after = self.flood.check(bot.id, chat.id, chat.type == "private")
            if retry_after:
                raise errors.too_many_requests(retry_after)
        return await handler(bot, params)

    # -- shared helpers --------------------------------------------------------------------

    def chat(self, p: Params, name: str = "chat_id") -> Chat:
        raw = p.raw(name)
        if raw in (None, ""):
            raise bad_request("chat_id is empty")
        try:
            chat_id = int(raw)
        except (TypeError, ValueError):
            raise bad_request(errors.CHAT_NOT_FOUND) from None
        chat = self.world.chats.get(chat_id)
        if chat is None:
            raise bad_request(errors.CHAT_NOT_FOUND)
        return chat

    def reachable_chat(self, p: Params) -> Chat:
        """A chat the bot may look at (getChat, getChatMember): not a group it is not in,
        nor a person who never opened the bot; Telegram finds neither."""
        chat = self.chat(p)
        if chat.type != "private" and not chat.bot_in_group:
            raise bad_request(errors.CHAT_NOT_FOUND)
        if chat.user is not None and not chat.user.started:
            raise bad_request(errors.CHAT_NOT_FOUND)
        return chat

    def writable_chat(self, p: Params) -> Chat:
        chat = self.chat(p)
        if chat.type != "private" and not chat.bot_in_group:
            raise forbidden(errors.not_member(chat.type))
        if chat.type != "private" and not chat.bot_may_post:
            raise bad_request(errors.NOT_ENOUGH_RIGHTS)
        if chat.user is not None:
            if chat.user.blocked:
                raise forbidden(errors.BLOCKED)
            if not chat.user.started:
                raise forbidden(errors.CANT_INITIATE)
        return chat

    def markup(self, p: Params) -> tuple[JSON | None, JSON | None]:
        """(inline keyboard kept on the message, reply keyboard / remove / force reply)."""
        markup = p.obj("reply_markup")
        if markup is None:
            return None, None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request("can't parse inline keyboard markup JSON object")
            for row in rows:
                for button in row:
                    self.check_inline_button(button)
            return markup, None
        if any(k in markup for k in ("keyboard", "remove_keyboard", "force_reply")):
            return None, markup
        raise bad_request("can't parse reply keyboard markup JSON object")

    @staticmethod
    def check_inline_button(button: Any) -> None:
        if not isinstance(button, dict) or not button.get("text"):
            raise bad_request(
                "can't parse inline keyboard button: Text buttons are "
                "unallowed in the inline keyboard"
            )
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                raise bad_request(errors.BUTTON_DATA_INVALID)
        elif "url" in button:
            if not re.match(r"^(https?|tg)://", str(button["url"])):
                raise bad_request("BUTTON_URL_INVALID")
        elif not any(
            k in button
            for k in (
                "web_app",
                "login_url",
                "switch_inline_query",
                "switch_inline_query_current_chat",
                "switch_inline_query_chosen_chat",
                "copy_text",
                "callback_game",
                "pay",
            )
        ):
            raise bad_request(
                "can't parse inline keyboard button: Text buttons are "
                "unallowed in the inline keyboard"
            )

    def reply_target(self, p: Params, chat: Chat) -> JSON | None:
        reply_id = p.integer("reply_to_message_id")
        allow_missing = p.flag("allow_sending_without_reply")
        params = p.obj("reply_parameters")
        if isinstance(params, dict):
            reply_id = int(params.get("message_id", 0)) or None
            allow_missing = bool(params.get("allow_sending_without_reply", allow_missing))
            if params.get("chat_id") not in (None, chat.id, str(chat.id)):
                other = self.world.chats.get(int(params["chat_id"]))
                chat = other if other is not None else chat
        if reply_id is None:
            return None
        target = chat.messages.get(reply_id)
        if target is None:
            if allow_missing:
                return None
            raise bad_request(errors.REPLY_NOT_FOUND)
        replied = copy.deepcopy(target)
        replied.pop("reply_to_message", None)  # Telegram nests only one level
        return replied

    @staticmethod
    def text(p: Params, name: str, mode_name: str, entities_name: str) -> tuple[str, list[JSON]]:
        raw = p.string(name) or ""
        entities = p.obj(entities_name)
        return apply_parse_mode(raw, p.string(mode_name), entities)

    def caption_fields(self, p: Params) -> JSON:
        if not p.has("caption"):
            return {}
        caption, entities = self.text(p, "caption", "parse_mode", "caption_entities")
        if len(caption) > CAPTION_LIMIT:
            raise bad_request(errors.CAPTION_TOO_LONG)
        fields: JSON = {"caption": caption}
        if entities:
            fields["caption_entities"] = entities
        return fields

    def deliver(
        self, bot: BotAccount, chat: Chat, p: Params, fields: JSON, check_markup: bool = True
    ) -> JSON:
        inline, keyboard = self.markup(p) if check_markup else (None, None)
        reply_to = self.reply_target(p, chat)
        if reply_to is not None:
            fields["reply_to_message"] = reply_to
        if inline is not None:
            fields["reply_markup"] = inline
        if p.has("message_thread_id"):
            fields["message_thread_id"] = p.integer("message_thread_id")
        msg = self.world.new_message(chat, bot.user_dict(), fields)
        if keyboard is not None:
            chat.reply_keyboard = keyboard if "keyboard" in keyboard else None
        self.world.record_event(
            "message",
            chat.id,
            msg["message_id"],
            message=msg,
            reply_keyboard=keyboard,
            bot_id=bot.id,
        )
        return msg

    def uploaded_file(self, p: Params, name: str) -> tuple[bytes | None, str | None, str | None]:
        """Bytes, filename and content type of an upload; (None, ...) for a file_id/URL."""
        upload = p.uploads.get(name)
        ref = p.string(name)
        if upload is None and ref and ref.startswith("attach://"):
            upload = p.uploads.get(ref[len("attach://") :])
        if upload is not None:
            return upload.data, upload.filename, upload.content_type
        if not ref:
            raise bad_request(f"there is no {name} in the request")
        return None, ref, None

    def known_file(self, ref: str) -> StoredFile:
        stored = self.world.files.get(ref)
        if stored is None:
            raise bad_request(errors.WRONG_FILE_ID)
        return stored

    def photo_from(self, data: bytes | None, ref: str | None) -> list[JSON]:
        if data is not None:
            return content.photo_sizes(self.world, data)
        assert ref is not None
        if ref.startswith(("http://", "https://")):
            return content.photo_sizes(self.world, None)  # nothing is fetched offline
        if ref in self.world.photo_sets:
            return copy.deepcopy(self.world.photo_sets[ref])
        return content.photo_sizes(self.world, self.known_file(ref).data)

    def document_from(self, data: bytes | None, name: str | None, mime: str | None) -> JSON:
        if data is not None:
            return content.document(self.world, data, name, mime)
        assert name is not None
        if name.startswith(("http://", "https://")):
            return content.document(self.world, b"", name.rsplit("/", 1)[-1], None)
        stored = self.known_file(name)
        return content.document(self.world, stored.data, stored.file_name, stored.mime_type)

    def editable(self, bot: BotAccount, p: Params) -> tuple[Chat, JSON]:
        if p.has("inline_message_id") and not p.has("chat_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self.chat(p)
        if chat.user is not None and chat.user.blocked:
            raise forbidden(errors.BLOCKED)
        msg = chat.messages.get(p.integer("message_id") or 0)
        if msg is None:
            raise bad_request(errors.EDIT_NOT_FOUND)
        if msg["from"].get("id") != bot.id:
            raise bad_request("message can't be edited")
        return chat, msg

    def apply_edit(self, bot: BotAccount, chat: Chat, msg: JSON, changes: JSON) -> JSON:
        before = {k: msg.get(k) for k in changes}
        after = {k: v for k, v in changes.items()}
        if before == after:
            raise bad_request(errors.NOT_MODIFIED)
        for key, value in changes.items():
            if value is None:
                msg.pop(key, None)
            else:
                msg[key] = value
        msg["edit_date"] = int(time.time())
        self.world.record_event("edit", chat.id, msg["message_id"], message=msg, bot_id=bot.id)
        return msg

    # -- getting updates -------------------------------------------------------------------

    async def api_getMe(self, bot: BotAccount, p: Params) -> JSON:
        return {
            **bot.user_dict(),
            "can_join_groups": True,
            "can_read_all_group_messages": bot.can_read_all_group_messages,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def api_getUpdates(self, bot: BotAccount, p: Params) -> list[JSON]:
        if bot.webhook is not None:
            raise errors.conflict(errors.WEBHOOK_ACTIVE)
        offset = p.integer("offset")
        limit = max(1, min(100, p.integer("limit", 100) or 100))
        timeout = max(0.0, min(50.0, p.number("timeout", 0.0) or 0.0))
        allowed = p.obj("allowed_updates")
        if allowed is not None:
            bot.allowed_updates = list(allowed) or None
        if offset is not None:
            if offset < 0:
                bot.pending = bot.pending[offset:]
            else:
                bot.pending = [u for u in bot.pending if u["update_id"] >= offset]
        bot.poll_generation += 1
        generation = bot.poll_generation
        # Another getUpdates supersedes this one: wake it so it can answer 409.
        self.world.updates_signal.fire()
        await self.world.updates_signal.wait_until(
            lambda: (
                bool(bot.pending) or bot.poll_generation != generation or bot.webhook is not None
            ),
            timeout,
        )
        if bot.poll_generation != generation:
            raise errors.conflict(errors.POLL_TERMINATED)
        if bot.webhook is not None:
            raise errors.conflict(errors.WEBHOOK_ACTIVE)
        batch = copy.deepcopy(bot.pending[:limit])
        if batch:
            bot.delivered_upto = max(bot.delivered_upto, batch[-1]["update_id"])
            # The bot starts handling these now: the quiet period of wait_idle starts here.
            self.world.last_call_end = time.monotonic()
            self.world.activity_signal.fire()
        return batch

    async def api_setWebhook(self, bot: BotAccount, p: Params) -> bool:
        url = p.string("url") or ""
        if p.flag("drop_pending_updates"):
            bot.pending.clear()
        allowed = p.obj("allowed_updates")
        if allowed is not None:
            bot.allowed_updates = list(allowed) or None
        if not url:
            bot.webhook = None
        else:
            if not url.startswith(("http://", "https://")):
                raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
            max_connections = p.integer("max_connections", 40) or 40
            bot.webhook = Webhook(url, p.string("secret_token"), max_connections)
        self.world.updates_signal.fire()
        self.on_webhook_change(bot)
        return True

    async def api_deleteWebhook(self, bot: BotAccount, p: Params) -> bool:
        if p.flag("drop_pending_updates"):
            bot.pending.clear()
        bot.webhook = None
        self.world.updates_signal.fire()
        self.on_webhook_change(bot)
        return True

    async def api_getWebhookInfo(self, bot: BotAccount, p: Params) -> JSON:
        hook = bot.webhook
        info: JSON = {
            "url": hook.url if hook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(bot.pending),
        }
        if hook:
            info["max_connections"] = hook.max_connections
            if hook.last_error_date:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
        if bot.allowed_updates:
            info["allowed_updates"] = bot.allowed_updates
        return info

    # -- sending ---------------------------------------------------------------------------

    async def api_sendMessage(self, bot: BotAccount, p: Params) -> JSON:
        chat = self.writable_chat(p)
        text, entities = self.text(p, "text", "parse_mode", "entities")
        if not text.strip():
            raise bad_request(errors.TEXT_EMPTY)
        if len(text) > TEXT_LIMIT:
            raise bad_request(errors.TEXT_TOO_LONG)
        fields: JSON = {"text": text}
        if entities:
            fields["entities"] = entities
        preview = p.obj("link_preview_options")
        if isinstance(preview, dict):
            fields["link_preview_options"] = preview
        return self.deliver(bot, chat, p, fields)

    async def api_sendPhoto(self, bot: BotAccount, p: Params) -> JSON:
        chat = self.writable_chat(p)
        data, ref, _ = self.uploaded_file(p, "photo")
        fields = self.caption_fields(p)
        self.markup(p)
        fields["photo"] = self.photo_from(data, ref)
        return self.deliver(bot, chat, p, fields)

    async def api_sendDocument(self, bot: BotAccount, p: Params) -> JSON:
        chat = self.writable_chat(p)
        data, name, mime = self.uploaded_file(p, "document")
        fields = self.caption_fields(p)
        self.markup(p)
        fields["document"] = self.document_from(data, name, mime)
        return self.deliver(bot, chat, p, fields)

    async def api_sendLocation(self, bot: BotAccount, p: Params) -> JSON:
        chat = self.writable_chat(p)
        lat, lon = p.number("latitude"), p.number("longitude")
        if lat is None or lon is None:
            raise bad_request("latitude or longitude is empty")
        loc = content.location(lat, lon, p.integer("live_period"))
        return self.deliver(bot, chat, p, {"location": loc})

    async def api_sendVenue(self, bot: BotAccount, p: Params) -> JSON:
        chat = self.writable_chat(p)
        lat, lon = p.number("latitude"), p.number("longitude")
        if lat is None or lon is None:
            raise bad_request("latitude or longitude is empty")
        loc = content.location(lat, lon)
        venue = {
            "location": loc,
            "title": p.string("title") or "",
            "address": p.string("address") or "",
        }
        return self.deliver(bot, chat, p, {"location": loc, "venue": venue})

    async def api_sendContact(self, bot: BotAccount, p: Params) -> JSON:
        chat = self.writable_chat(p)
        contact: JSON = {
            "phone_number": p.string("phone_number") or "",
            "first_name": p.string("first_name") or "",
        }
        if p.has("last_name"):
            contact["last_name"] = p.string("last_name")
        return self.deliver(bot, chat, p, {"contact": contact})

    async def api_sendMediaGroup(self, bot: BotAccount, p: Params) -> list[JSON]:
        chat = self.writable_chat(p)
        media = p.obj("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise bad_request("wrong number of messages in the media group")
        group_id = str(self.world.next_id())
        prepared: list[JSON] = []
        for item in media:
            ref = str(item.get("media", ""))
            upload = p.uploads.get(ref[len("attach://") :]) if ref.startswith("attach://") else None
            data = upload.data if upload else None
            fields: JSON = {"media_group_id": group_id}
            if item.get("caption"):
                caption, entities = apply_parse_mode(
                    item["caption"], item.get("parse_mode"), item.get("caption_entities")
                )
                if len(caption) > CAPTION_LIMIT:
                    raise bad_request(errors.CAPTION_TOO_LONG)
                fields["caption"] = caption
                if entities:
                    fields["caption_entities"] = entities
            if item.get("type") == "photo":
                fields["photo"] = self.photo_from(data, None if data else ref)
            elif item.get("type") == "document":
                name = upload.filename if upload else ref
                fields["document"] = self.document_from(data, name, None)
            else:
                raise bad_request("unsupported media type in the media group")
            prepared.append(fields)
        return [self.deliver(bot, chat, p, fields, check_markup=False) for fields in prepared]

    async def api_sendChatAction(self, bot: BotAccount, p: Params) -> bool:
        self.writable_chat(p)
        if not p.has("action"):
            raise bad_request("action is empty")
        return True

    def source_message(self, p: Params) -> JSON:
        source_chat = self.chat(p, "from_chat_id")
        msg = source_chat.messages.get(p.integer("message_id") or 0)
        if msg is None:
            raise bad_request("message to copy not found")
        return msg

    async def api_copyMessage(self, bot: BotAccount, p: Params) -> JSON:
        chat = self.writable_chat(p)
        source = self.source_message(p)
        fields = {k: copy.deepcopy(source[k]) for k in content.CONTENT_FIELDS if k in source}
        fields.pop("media_group_id", None)
        if p.has("caption"):
            fields.update(self.caption_fields(p))
        msg = self.deliver(bot, chat, p, fields)
        return {"message_id": msg["message_id"]}

    async def api_forwardMessage(self, bot: BotAccount, p: Params) -> JSON:
        chat = self.writable_chat(p)
        source = self.source_message(p)
        fields = {k: copy.deepcopy(source[k]) for k in content.CONTENT_FIELDS if k in source}
        fields["forward_origin"] = {
            "type": "user",
            "date": source["date"],
            "sender_user": source["from"],
        }
        return self.deliver(bot, chat, p, fields, check_markup=False)

    # -- editing ---------------------------------------------------------------------------

    async def api_editMessageText(self, bot: BotAccount, p: Params) -> JSON:
        chat, msg = self.editable(bot, p)
        if "text" not in msg:
            raise bad_request("there is no text in the message to edit")
        text, entities = self.text(p, "text", "parse_mode", "entities")
        if not text.strip():
            raise bad_request(errors.TEXT_EMPTY)
        if len(text) > TEXT_LIMIT:
            raise bad_request(errors.TEXT_TOO_LONG)
        inline, _ = self.markup(p)
        # As on Telegram, leaving out reply_markup removes the inline keyboard.
        return self.apply_edit(
            bot, chat, msg, {"text": text, "entities": entities or None, "reply_markup": inline}
        )

    async def api_editMessageCaption(self, bot: BotAccount, p: Params) -> JSON:
        chat, msg = self.editable(bot, p)
        if not any(k in msg for k in ("photo", "document", "voice")):
            raise bad_request("there is no caption in the message to edit")
        fields = self.caption_fields(p)
        inline, _ = self.markup(p)
        return self.apply_edit(
            bot,
            chat,
            msg,
            {
                "caption": fields.get("caption"),
                "caption_entities": fields.get("caption_entities"),
                "reply_markup": inline,
            },
        )

    async def api_editMessageMedia(self, bot: BotAccount, p: Params) -> JSON:
        chat, msg = self.editable(bot, p)
        if not any(k in msg for k in ("photo", "document")):
            raise bad_request("there is no media in the message to edit")
        media = p.obj("media")
        if not isinstance(media, dict) or not media.get("media"):
            raise bad_request("can't parse InputMedia JSON object")
        ref = str(media["media"])
        upload = None
        if ref.startswith("attach://"):
            upload = p.uploads.get(ref[len("attach://") :])
            if upload is None:
                raise bad_request("there is no media in the request")
        kind = media.get("type")
        # As on Telegram, an album's photo can only become another photo (or a video, which
        # the emulator does not have), and a document in an album only another document.
        if "media_group_id" in msg and kind != ("photo" if "photo" in msg else "document"):
            raise bad_request("MEDIA_INVALID")
        data = upload.data if upload else None
        if kind == "photo":
            content: JSON = {
                "photo": self.photo_from(data, None if data else ref),
                "document": None,
            }
        elif kind == "document":
            name = upload.filename if upload else ref
            content = {"document": self.document_from(data, name, None), "photo": None}
        else:
            raise bad_request("unsupported media type")
        # The new media's caption replaces the old one; none given removes it.
        caption, entities = apply_parse_mode(
            str(media.get("caption") or ""), media.get("parse_mode"), media.get("caption_entities")
        )
        if len(caption) > CAPTION_LIMIT:
            raise bad_request(errors.CAPTION_TOO_LONG)
        inline, _ = self.markup(p)
        return self.apply_edit(
            bot,
            chat,
            msg,
            {
                **content,
                "caption": caption or None,
                "caption_entities": entities or None,
                "reply_markup": inline,
            },
        )

    async def api_editMessageReplyMarkup(self, bot: BotAccount, p: Params) -> JSON:
        chat, msg = self.editable(bot, p)
        inline, _ = self.markup(p)
        return self.apply_edit(bot, chat, msg, {"reply_markup": inline})

    async def api_deleteMessage(self, bot: BotAccount, p: Params) -> bool:
        chat = self.chat(p)
        message_id = p.integer("message_id") or 0
        msg = chat.messages.get(message_id)
        if msg is None:
            raise bad_request(errors.DELETE_NOT_FOUND)
        if chat.type != "private" and msg["from"].get("id") != bot.id and not chat.bot_is_admin:
            raise bad_request("message can't be deleted")
        del chat.messages[message_id]
        self.world.record_event("delete", chat.id, message_id, message=msg, bot_id=bot.id)
        return True

    async def api_answerCallbackQuery(self, bot: BotAccount, p: Params) -> bool:
        record = self.world.callbacks.get(p.string("callback_query_id") or "")
        if (
            record is None
            or record.answered
            or record.bot_id != bot.id
            or time.monotonic() - record.pressed_at > self.flood.settings.callback_answer_seconds
        ):
            raise bad_request(errors.QUERY_INVALID)
        text = p.string("text")
        if text is not None and len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        record.answered = True
        self.world.record_event(
            "callback_answer",
            record.chat_id,
            record.message_id,
            user_id=record.user_id,
            callback_query_id=record.id,
            text=text,
            show_alert=p.flag("show_alert"),
            url=p.string("url"),
            bot_id=bot.id,
        )
        return True

    # -- files -----------------------------------------------------------------------------

    async def api_getFile(self, bot: BotAccount, p: Params) -> JSON:
        stored = self.world.files.get(p.string("file_id") or "")
        if stored is None:
            raise bad_request(errors.INVALID_FILE_ID)
        if len(stored.data) > 20 * 1024 * 1024:
            raise bad_request("file is too big")
        return {**stored.base(), "file_path": stored.file_path}

    # -- commands, chats, misc -------------------------------------------------------------

    @staticmethod
    def scope_key(p: Params) -> tuple[str, str]:
        scope = p.obj("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), p.string("language_code") or ""

    async def api_setMyCommands(self, bot: BotAccount, p: Params) -> bool:
        commands = p.obj("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            if not COMMAND_RE.match(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("command description is empty")
        key = self.scope_key(p)
        if commands:
            bot.commands[key] = [
                {"command": c["command"], "description": c["description"]} for c in commands
            ]
        else:
            bot.commands.pop(key, None)
        return True

    async def api_getMyCommands(self, bot: BotAccount, p: Params) -> list[JSON]:
        return copy.deepcopy(bot.commands.get(self.scope_key(p), []))

    async def api_deleteMyCommands(self, bot: BotAccount, p: Params) -> bool:
        bot.commands.pop(self.scope_key(p), None)
        return True

    async def api_getChat(self, bot: BotAccount, p: Params) -> JSON:
        chat = self.reachable_chat(p)
        return {
            **chat.to_dict(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    async def api_getChatMember(self, bot: BotAccount, p: Params) -> JSON:
        chat = self.reachable_chat(p)
        user_id = p.require_int("user_id")
        if user_id == bot.id:
            if chat.type != "private" and chat.bot_is_admin:
                return administrator(bot.user_dict())
            if chat.type != "private" and not chat.bot_may_post:
                return restricted(bot.user_dict())
            return {"status": "member", "user": bot.user_dict()}
        user = self.world.users.get(user_id)
        if user is None:
            raise bad_request("user not found")
        if chat.type != "private" and user_id == chat.creator_id:
            return {"status": "creator", "user": user.to_dict(), "is_anonymous": False}
        if chat.type != "private" and user_id in chat.admin_ids:
            return administrator(user.to_dict())
        if chat.type == "private" or user_id in chat.member_ids:
            return {"status": "member", "user": user.to_dict()}
        return {"status": "left", "user": user.to_dict()}

    async def api_setChatMenuButton(self, bot: BotAccount, p: Params) -> bool:
        bot.menu_buttons[p.integer("chat_id", 0) or 0] = p.obj("menu_button") or {"type": "default"}
        return True

    async def api_getChatMenuButton(self, bot: BotAccount, p: Params) -> JSON:
        return bot.menu_buttons.get(p.integer("chat_id", 0) or 0, {"type": "commands"})

    async def _set_text(self, bot: BotAccount, p: Params, kind: str, field: str) -> bool:
        bot.texts[(kind, p.string("language_code") or "")] = p.string(field) or ""
        return True

    async def api_setMyDescription(self, bot: BotAccount, p: Params) -> bool:
        return await self._set_text(bot, p, "description", "description")

    async def api_getMyDescription(self, bot: BotAccount, p: Params) -> JSON:
        return {"description": bot.texts.get(("description", p.string("language_code") or ""), "")}

    async def api_setMyShortDescription(self, bot: BotAccount, p: Params) -> bool:
        return await self._set_text(bot, p, "short_description", "short_description")

    async def api_getMyShortDescription(self, bot: BotAccount, p: Params) -> JSON:
        key = ("short_description", p.string("language_code") or "")
        return {"short_description": bot.texts.get(key, "")}

    async def api_setMyName(self, bot: BotAccount, p: Params) -> bool:
        return await self._set_text(bot, p, "name", "name")

    async def api_getMyName(self, bot: BotAccount, p: Params) -> JSON:
        return {"name": bot.texts.get(("name", p.string("language_code") or ""), bot.first_name)}

    async def api_close(self, bot: BotAccount, p: Params) -> bool:
        return True

    async def api_logOut(self, bot: BotAccount, p: Params) -> bool:
        return True


def restricted(user: JSON) -> JSON:
    """A member the group's administrators have restricted: it may send nothing."""
    rights = (
        "can_send_messages",
        "can_send_audios",
        "can_send_documents",
        "can_send_photos",
        "can_send_videos",
        "can_send_video_notes",
        "can_send_voice_notes",
        "can_send_polls",
        "can_send_other_messages",
        "can_add_web_page_previews",
        "can_change_info",
        "can_invite_users",
        "can_pin_messages",
        "can_manage_topics",
        "can_edit_tag",
        "can_react_to_messages",
    )
    return {
        "status": "restricted",
        "user": user,
        "is_member": True,
        "until_date": 0,
        **{right: False for right in rights},
    }


def administrator(user: JSON) -> JSON:
    rights = (
        "can_manage_chat",
        "can_delete_messages",
        "can_manage_video_chats",
        "can_restrict_members",
        "can_promote_members",
        "can_change_info",
        "can_invite_users",
        "can_post_stories",
        "can_edit_stories",
        "can_delete_stories",
        "can_pin_messages",
    )
    return {
        "status": "administrator",
        "user": user,
        "can_be_edited": False,
        "is_anonymous": False,
        **{right: True for right in rights},
    }


__all__ = ["ApiError", "BotApi"]
