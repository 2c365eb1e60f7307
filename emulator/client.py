"""Synchronous client of the emulator's control API: what end-to-end tests are written in.

emu = EmulatorClient(base_url)
emu.create_bot(token="123456:TEST", username="kentbot_test")
ayse = emu.create_user(first_name="Ayşe", language_code="tr")
ayse.send("/start")
ayse.wait_message(contains="Merhaba").buttons
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from typing import Any

import httpx

from emulator.media import tiny_png

JSON = dict[str, Any]


class EmulatorError(RuntimeError):
    """The control API refused a request (unknown user, missing button, ...)."""


@dataclass
class BotMessage:
    """A bot message as a person saw it at one moment (sent or edited)."""

    raw: JSON
    kind: str = "message"
    seq: int = 0
    reply_keyboard: JSON | None = None

    @property
    def message_id(self) -> int:
        return int(self.raw["message_id"])

    @property
    def chat_id(self) -> int:
        return int(self.raw["chat"]["id"])

    @property
    def text(self) -> str:
        """The text, or the caption of a media message, or ""."""
        return str(self.raw.get("text") or self.raw.get("caption") or "")

    @property
    def caption(self) -> str | None:
        return self.raw.get("caption")

    @property
    def edited(self) -> bool:
        return self.kind == "edit"

    @property
    def inline_keyboard(self) -> list[list[JSON]]:
        return list((self.raw.get("reply_markup") or {}).get("inline_keyboard", []))

    @property
    def buttons(self) -> list[list[str]]:
        """Rows of button texts: the inline keyboard, else the reply keyboard sent with it."""
        if self.inline_keyboard:
            return [[b["text"] for b in row] for row in self.inline_keyboard]
        if self.reply_keyboard and "keyboard" in self.reply_keyboard:
            return [
                [b if isinstance(b, str) else b["text"] for b in row]
                for row in self.reply_keyboard["keyboard"]
            ]
        return []

    @property
    def flat_buttons(self) -> list[str]:
        return [text for row in self.buttons for text in row]

    def callback_data(self, button_text: str) -> str | None:
        for row in self.inline_keyboard:
            for button in row:
                if button["text"] == button_text:
                    return button.get("callback_data")
        return None

    @property
    def removes_keyboard(self) -> bool:
        return bool(self.reply_keyboard and self.reply_keyboard.get("remove_keyboard"))

    @property
    def photo(self) -> list[JSON] | None:
        return self.raw.get("photo")

    @property
    def document(self) -> JSON | None:
        return self.raw.get("document")

    @property
    def location(self) -> JSON | None:
        return self.raw.get("location")

    @property
    def reply_to_message_id(self) -> int | None:
        replied = self.raw.get("reply_to_message")
        return int(replied["message_id"]) if replied else None

    def __str__(self) -> str:
        marker = " (edited)" if self.edited else ""
        media = next((k for k in ("photo", "document", "location", "venue") if k in self.raw), "")
        head = f"#{self.message_id}{marker}" + (f" [{media}]" if media else "")
        lines = [f"{head} {self.text}"]
        if self.buttons:
            lines.append(
                "   buttons: " + " | ".join(" ".join(f"[{b}]" for b in row) for row in self.buttons)
            )
        return "\n".join(lines)


@dataclass
class Alert:
    """What answerCallbackQuery showed: a toast, or a modal alert when show_alert."""

    text: str | None
    show_alert: bool
    url: str | None
    callback_query_id: str


class EmulatorClient:
    def __init__(self, base_url: str, bot: str | None = None, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.bot = bot
        self._token: str | None = bot if bot and ":" in bot else None
        self.http = httpx.Client(base_url=self.base_url, timeout=timeout)
        self.api_url = self.base_url + "/bot"
        self.file_url = self.base_url + "/file/bot"

    # -- plumbing --------------------------------------------------------------------------

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> EmulatorClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _result(self, response: httpx.Response) -> Any:
        try:
            body = response.json()
        except json.JSONDecodeError:
            raise EmulatorError(f"{response.status_code}: {response.text[:300]}") from None
        if not body.get("ok"):
            raise EmulatorError(body.get("error") or str(body))
        return body["result"]

    def post(self, path: str, body: JSON | None = None) -> Any:
        payload = dict(body or {})
        if self.bot is not None:
            payload.setdefault("bot", self.bot)
        return self._result(self.http.post(f"/_emu/{path}", json=payload))

    def get(self, path: str, **query: Any) -> Any:
        """GET with query parameters; a `timeout` query (long poll) stretches the HTTP timeout."""
        params = {k: v for k, v in query.items() if v is not None}
        if self.bot is not None:
            params.setdefault("bot", self.bot)
        if "timeout" in params:
            http_timeout = httpx.Timeout(float(params["timeout"]) + 10)
            return self._result(self.http.get(f"/_emu/{path}", params=params, timeout=http_timeout))
        return self._result(self.http.get(f"/_emu/{path}", params=params))

    # -- setup -----------------------------------------------------------------------------

    def reset(self) -> None:
        self.post("reset")

    def download(self, file_id: str, token: str | None = None) -> bytes:
        """A file's bytes as the bot would fetch them: getFile, then the file URL."""
        token = token or self._token
        if token is None:
            raise EmulatorError("no bot token known: create_bot first or pass token")
        info = self._result(self.http.post(f"/bot{token}/getFile", json={"file_id": file_id}))
        response = self.http.get(f"/file/bot{token}/{info['file_path']}")
        response.raise_for_status()
        return response.content

    def create_bot(
        self,
        token: str,
        username: str = "kentbot_test",
        first_name: str = "Kent Bot",
        can_read_all_group_messages: bool = False,
    ) -> JSON:
        self._token = token
        return dict(
            self.post(
                "bots",
                {
                    "token": token,
                    "username": username,
                    "first_name": first_name,
                    "can_read_all_group_messages": can_read_all_group_messages,
                },
            )
        )

    def create_user(
        self,
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "tr",
        id: int | None = None,
        started: bool = False,
    ) -> SimUser:
        """`started=True` lets the bot write first, as if the person had opened the bot before."""
        data = self.post(
            "users",
            {
                "first_name": first_name,
                "last_name": last_name,
                "username": username,
                "language_code": language_code,
                "id": id,
                "started": started,
            },
        )
        return SimUser(self, data)

    def create_group(
        self,
        title: str,
        members: list[SimUser] | None = None,
        type: str = "supergroup",
        bot_is_admin: bool = True,
        bot_in_group: bool = True,
        admins: list[SimUser] | None = None,
        creator: SimUser | None = None,
    ) -> SimGroup:
        """The bot is a member (unless `bot_in_group=False`: someone adds it later with
        `SimGroup.set_bot`); as admin (default) it sees every message. `admins` and
        `creator` are the group's own Telegram administrators, members too."""
        data = self.post(
            "groups",
            {
                "title": title,
                "type": type,
                "bot_is_admin": bot_is_admin,
                "bot_in_group": bot_in_group,
                "member_ids": [m.id for m in members or []],
                "admin_ids": [m.id for m in admins or []],
                "creator_id": creator.id if creator is not None else None,
            },
        )
        return SimGroup(self, data)

    def set_flood(self, enabled: bool = True, **numbers: float) -> JSON:
        """numbers: global_per_second, global_burst, private_per_second, private_burst,
        group_per_minute, group_burst."""
        return dict(self.post("settings", {"flood": enabled, **numbers}))

    def set_fault_rate(self, rate: float, seed: int | None = None) -> JSON:
        return dict(self.post("settings", {"fault_rate": rate, "fault_seed": seed}))

    def set_answer_window(self, seconds: float) -> JSON:
        """How long after a button press the bot may still answer it (Telegram: seconds)."""
        return dict(self.post("settings", {"callback_answer_seconds": seconds}))

    def settings(self) -> JSON:
        return dict(self.get("settings"))

    def enqueue_update(self, update: JSON) -> JSON:
        """Queues a raw Update for the bot as-is (update_id added when missing)."""
        return dict(self.post("updates", {"update": update}))

    # -- reading ---------------------------------------------------------------------------

    def stats(self) -> JSON:
        return dict(self.get("stats"))

    def calls(self, method: str | None = None, after: int = 0) -> list[JSON]:
        return list(self.get("calls", method=method, after=after))

    def commands(self, language_code: str = "", scope: JSON | None = None) -> list[JSON]:
        return list(
            self.get(
                "commands",
                language_code=language_code,
                scope=json.dumps(scope or {"type": "default"}),
            )
        )

    def pending_updates(self) -> int:
        return int(self.get("pending")["pending"])

    def wait_idle(self, timeout: float = 5.0, quiet: float = 0.2) -> None:
        """Until the bot has fetched every update, has no API call in flight, and nothing was
        fetched or called for `quiet` seconds (raise it for handlers that work long silently)."""
        result = self.get("idle", timeout=timeout, quiet=quiet)
        if not result["idle"]:
            raise TimeoutError(f"bot not idle after {timeout}s: {result}")

    def events(
        self, chat_id: int | None = None, after: int = 0, kinds: str | None = None
    ) -> list[JSON]:
        return list(self.get("events", chat_id=chat_id, after=after, kinds=kinds))

    def wait_events(
        self, chat_ids: list[int] | int | None, after: int, timeout: float, kinds: str | None = None
    ) -> list[JSON]:
        """Long-polls: returns as soon as an event newer than `after` exists, else []."""
        ids = [chat_ids] if isinstance(chat_ids, int) else chat_ids
        chat_id = ",".join(str(i) for i in ids) if ids else None
        return list(self.get("wait", timeout=timeout, chat_id=chat_id, after=after, kinds=kinds))

    def chat_state(self, chat_id: int) -> JSON:
        return dict(self.get(f"chats/{chat_id}"))

    def last_seq(self) -> int:
        return int(self.stats()["events"])


def chat_id_of(chat: Any, default: int) -> int:
    if chat is None:
        return default
    if isinstance(chat, int):
        return chat
    return int(chat.id)


@dataclass
class _Cursor:
    seq: int = 0


class _Watcher:
    """Walks forward through one chat's bot events, remembering what was consumed."""

    client: EmulatorClient
    cursors: dict[int, _Cursor]

    def _wait_event(
        self, chat_id: int, timeout: float, kinds: str, accept: Any, describe: str
    ) -> JSON:
        cursor = self.cursors.setdefault(chat_id, _Cursor())
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(self._timeout_text(chat_id, timeout, describe))
            for event in self.client.wait_events(chat_id, cursor.seq, remaining, kinds=kinds):
                cursor.seq = event["seq"]
                if accept(event):
                    return event

    def _timeout_text(self, chat_id: int, timeout: float, describe: str) -> str:
        transcript = "\n".join(str(m) for m in self._transcript(chat_id)[-8:]) or "(no messages)"
        return (
            f"no bot message {describe} in chat {chat_id} within {timeout}s. Chat now:\n"
            f"{transcript}"
        )

    def _transcript(self, chat_id: int) -> list[BotMessage]:
        state = self.client.chat_state(chat_id)
        return [
            BotMessage(m, "edit" if "edit_date" in m else "message")
            for m in state["messages"]
            if m["from"].get("is_bot")
        ]

    def _wait_message(
        self, chat_id: int, contains: str | None, timeout: float, predicate: Any
    ) -> BotMessage:
        def accept(event: JSON) -> bool:
            msg = BotMessage(
                event["message"], event["kind"], event["seq"], event.get("reply_keyboard")
            )
            if contains is not None and contains not in msg.text:
                return False
            return predicate is None or bool(predicate(msg))

        describe = f"containing {contains!r}" if contains is not None else "at all"
        event = self._wait_event(chat_id, timeout, "message,edit", accept, describe)
        return BotMessage(
            event["message"], event["kind"], event["seq"], event.get("reply_keyboard")
        )

    def _expect_none(self, chat_id: int, within: float) -> None:
        cursor = self.cursors.setdefault(chat_id, _Cursor())
        events = self.client.wait_events(chat_id, cursor.seq, within, kinds="message,edit")
        if events:
            cursor.seq = events[-1]["seq"]
            shown = "\n".join(str(BotMessage(e["message"], e["kind"])) for e in events)
            raise AssertionError(f"expected no bot message in chat {chat_id}, got:\n{shown}")


class SimUser(_Watcher):
    """A simulated person. Chat arguments take a SimGroup, a chat id, or None (private)."""

    def __init__(self, client: EmulatorClient, data: JSON) -> None:
        self.client = client
        self.data = data
        self.id: int = int(data["id"])
        self.first_name: str = data["first_name"]
        self.last_name: str | None = data.get("last_name")
        self.username: str | None = data.get("username")
        self.language_code: str | None = data.get("language_code")
        self.cursors = {}
        self._last_query_id: str | None = None

    def __repr__(self) -> str:
        return f"SimUser({self.id}, {self.first_name!r})"

    def _act(self, action: str, chat: Any = None, **body: Any) -> JSON:
        body = {k: v for k, v in body.items() if v is not None}
        return dict(
            self.client.post(
                f"actions/{action}",
                {
                    "user_id": self.id,
                    "chat_id": chat_id_of(chat, self.id),
                    **body,
                },
            )
        )

    # -- doing -----------------------------------------------------------------------------

    def send(self, text: str, chat: Any = None, reply_to: int | None = None) -> JSON:
        return self._act("send_message", chat, text=text, reply_to=reply_to)

    def reply(self, message_id: int, text: str, chat: Any = None) -> JSON:
        return self.send(text, chat=chat, reply_to=message_id)

    def share_location(
        self,
        latitude: float,
        longitude: float,
        chat: Any = None,
        live_period: int | None = None,
        reply_to: int | None = None,
    ) -> JSON:
        return self._act(
            "send_location",
            chat,
            latitude=latitude,
            longitude=longitude,
            live_period=live_period,
            reply_to=reply_to,
        )

    def move_location(
        self, message_id: int, latitude: float, longitude: float, chat: Any = None
    ) -> JSON:
        """A live-location update: arrives as an edited_message."""
        return self._act(
            "edit_message", chat, message_id=message_id, latitude=latitude, longitude=longitude
        )

    def share_venue(
        self, latitude: float, longitude: float, title: str, address: str, chat: Any = None
    ) -> JSON:
        return self._act(
            "send_venue", chat, latitude=latitude, longitude=longitude, title=title, address=address
        )

    def share_contact(
        self,
        phone_number: str,
        chat: Any = None,
        own: bool = True,
        first_name: str | None = None,
        last_name: str | None = None,
        contact_user_id: int | None = None,
    ) -> JSON:
        """own=True is the "share my phone number" button: contact.user_id is the sender.
        own=False shares someone else's contact card: it carries their `contact_user_id`
        when they use Telegram, no user id otherwise."""
        return self._act(
            "send_contact",
            chat,
            phone_number=phone_number,
            own=own,
            first_name=first_name,
            last_name=last_name,
            contact_user_id=contact_user_id,
        )

    def send_photo(
        self,
        data: bytes | None = None,
        caption: str | None = None,
        chat: Any = None,
        reply_to: int | None = None,
    ) -> JSON:
        data = data if data is not None else tiny_png()
        return self._act(
            "send_photo",
            chat,
            caption=caption,
            reply_to=reply_to,
            data_base64=base64.b64encode(data).decode(),
        )

    def send_document(
        self,
        data: bytes,
        file_name: str = "belge.pdf",
        mime_type: str | None = "application/pdf",
        caption: str | None = None,
        chat: Any = None,
    ) -> JSON:
        return self._act(
            "send_document",
            chat,
            file_name=file_name,
            mime_type=mime_type,
            caption=caption,
            data_base64=base64.b64encode(data).decode(),
        )

    def send_sticker(self, emoji: str = "👍", chat: Any = None) -> JSON:
        return self._act("send_sticker", chat, emoji=emoji)

    def send_voice(self, data: bytes | None = None, duration: int = 2, chat: Any = None) -> JSON:
        encoded = base64.b64encode(data).decode() if data else None
        return self._act("send_voice", chat, duration=duration, data_base64=encoded)

    def edit(self, message_id: int, text: str, chat: Any = None) -> JSON:
        return self._act("edit_message", chat, message_id=message_id, text=text)

    def delete(self, message_id: int, chat: Any = None) -> JSON:
        """Deletes a message: in a group, one of others' only as the group's admin
        (`SimGroup.add_member(user, admin=True)`)."""
        return self._act("delete_message", chat, message_id=message_id)

    def press(
        self, button: str, chat: Any = None, message_id: int | None = None, timeout: float = 5.0
    ) -> JSON:
        """Taps an inline button by its text (newest bot message having it unless message_id);
        if no inline button matches, taps the reply-keyboard button, i.e. sends its text.
        Waits up to `timeout` for the button to appear, so a test need not wait first."""
        cid = chat_id_of(chat, self.id)
        deadline = time.monotonic() + timeout
        after = self.client.last_seq()
        while True:
            try:
                query = self._act("press_button", chat, text=button, message_id=message_id)
            except EmulatorError:
                keyboard = self.client.chat_state(cid).get("reply_keyboard") or {}
                labels = [
                    b if isinstance(b, str) else b.get("text")
                    for row in keyboard.get("keyboard", [])
                    for b in row
                ]
                if message_id is None and button in labels:
                    return self.send(button, chat=chat)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise
                events = self.client.wait_events(cid, after, remaining, kinds="message,edit")
                after = events[-1]["seq"] if events else after
                continue
            self._last_query_id = query["id"]
            return query

    def press_data(self, message_id: int, data: str, chat: Any = None) -> JSON:
        """Forges a callback_query with any data for any message id (security tests)."""
        query = self._act("press_button", chat, message_id=message_id, data=data, forge=True)
        self._last_query_id = query["id"]
        return query

    def block(self) -> None:
        self.client.post(f"users/{self.id}/block", {"blocked": True})

    def unblock(self) -> None:
        self.client.post(f"users/{self.id}/block", {"blocked": False})

    # -- seeing ----------------------------------------------------------------------------

    def wait_message(
        self,
        contains: str | None = None,
        timeout: float = 5.0,
        chat: Any = None,
        predicate: Any = None,
    ) -> BotMessage:
        """Next bot message (new or edited) in the chat after the ones already consumed."""
        return self._wait_message(chat_id_of(chat, self.id), contains, timeout, predicate)

    def expect_no_message(self, within: float = 0.5, chat: Any = None) -> None:
        self._expect_none(chat_id_of(chat, self.id), within)

    def transcript(self, chat: Any = None) -> list[BotMessage]:
        """Bot messages in the chat as they are now (edits applied, deleted ones gone)."""
        return self._transcript(chat_id_of(chat, self.id))

    def last_alert(self, timeout: float = 5.0, chat: Any = None) -> Alert | None:
        """The answer to this user's latest button press (waits for it), or None."""
        cid = chat_id_of(chat, self.id)
        deadline = time.monotonic() + timeout
        while True:
            every = self.client.events(cid, kinds="callback_answer")
            mine = [e for e in every if e.get("user_id") == self.id]
            if self._last_query_id is not None:
                mine = [e for e in mine if e["callback_query_id"] == self._last_query_id]
            if mine:
                e = mine[-1]
                return Alert(
                    e.get("text"), bool(e.get("show_alert")), e.get("url"), e["callback_query_id"]
                )
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            after = every[-1]["seq"] if every else 0
            self.client.wait_events(cid, after, remaining, kinds="callback_answer")


class SimGroup(_Watcher):
    def __init__(self, client: EmulatorClient, data: JSON) -> None:
        self.client = client
        self.data = data
        self.id: int = int(data["id"])
        self.title: str = data.get("title", "")
        self.cursors = {}

    def __repr__(self) -> str:
        return f"SimGroup({self.id}, {self.title!r})"

    def add_member(self, user: SimUser, admin: bool = False) -> None:
        """`admin`: the user is one of the group's Telegram administrators too."""
        self.client.post(f"groups/{self.id}/members", {"user_id": user.id, "admin": admin})

    def remove_member(self, user: SimUser) -> None:
        self.client.post(f"groups/{self.id}/members", {"user_id": user.id, "remove": True})

    def set_bot(self, status: str, by: SimUser) -> JSON:
        """`by` adds the bot ("member"), makes it an administrator, restricts it so that it
        may not post ("restricted"), or removes it ("left", "kicked"); the bot gets the
        my_chat_member update Telegram sends."""
        return dict(self.client.post(f"groups/{self.id}/bot", {"status": status, "by": by.id}))

    def wait_message(
        self, contains: str | None = None, timeout: float = 5.0, predicate: Any = None
    ) -> BotMessage:
        return self._wait_message(self.id, contains, timeout, predicate)

    def expect_no_message(self, within: float = 0.5) -> None:
        self._expect_none(self.id, within)

    def transcript(self) -> list[BotMessage]:
        return self._transcript(self.id)


__all__ = ["Alert", "BotMessage", "EmulatorClient", "EmulatorError", "SimGroup", "SimUser"]
