"""Chat with the bot from a terminal (the offline demo). A dev tool: plain text UI."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emulator.client import BotMessage, EmulatorClient, EmulatorError, SimGroup, SimUser

HELP = """Komutlar / commands:
  text or /command      send it
  :N                    press button number N
  :loc LAT LON          share a location
  :contact PHONE        share your phone number
  :photo [PATH]         send a photo (a generated one without PATH)
  :reply MSGID TEXT     reply to message MSGID
  :as NAME              speak as someone else (:as alone lists who)
  :help                 this list
  :quit                 leave (EOF too)"""

# Where a request_location reply-keyboard button "is": Istanbul, Sultanahmet.
DEFAULT_LOCATION = (41.0082, 28.9784)


@dataclass(frozen=True)
class Persona:
    """Someone the person at the keyboard can speak as (`:as NAME`): in their private chat
    with the bot, or in `group`."""

    name: str
    user: SimUser
    group: SimGroup | None = None

    @property
    def chat_id(self) -> int:
        return self.group.id if self.group else self.user.id


@dataclass
class Button:
    kind: str  # "inline" or "reply"
    label: str
    message_id: int | None
    spec: dict[str, Any]


class TerminalChat:
    def __init__(
        self,
        client: EmulatorClient,
        personas: list[Persona],
        input_fn: Callable[[str], str],
        output_fn: Callable[[str], Any],
    ) -> None:
        self.client = client
        self.personas = personas
        self.current = personas[0]
        self.input_fn = input_fn
        self.output_fn = output_fn
        self.buttons: dict[int, list[Button]] = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        # The watcher long-polls on its own connection so typing never waits on it.
        self.watch_client = EmulatorClient(client.base_url, bot=client.bot)

    # -- output ----------------------------------------------------------------------------

    def say(self, text: str) -> None:
        with self.lock:
            self.output_fn(text)

    def chat_id(self) -> int:
        return self.current.chat_id

    def actor(self) -> SimUser:
        return self.current.user

    def chat_arg(self) -> SimGroup | None:
        return self.current.group

    def where(self, chat_id: int) -> str:
        """Where a message is: a group always says so; a private chat only when it is not
        the one being typed in."""
        for persona in self.personas:
            if persona.group is not None and persona.group.id == chat_id:
                return f"[{persona.group.title}] "
        if chat_id == self.chat_id():
            return ""
        for persona in self.personas:
            if persona.group is None and persona.user.id == chat_id:
                return f"[{persona.user.first_name}] "
        return ""

    def render(self, event: dict[str, Any]) -> None:
        kind, chat_id = event["kind"], event["chat_id"]
        where = self.where(chat_id)
        if kind == "callback_answer":
            if event.get("text"):
                label = "UYARI/ALERT" if event.get("show_alert") else "bildirim"
                self.say(f"{where}({label}) {event['text']}")
            return
        if kind == "delete":
            self.say(f"{where}#{event['message_id']} (silindi / deleted)")
            return
        msg = BotMessage(event["message"], kind, event["seq"], event.get("reply_keyboard"))
        marker = " (düzenlendi / edited)" if kind == "edit" else ""
        lines = [f"{where}🤖 #{msg.message_id}{marker}: {msg.text}".rstrip()]
        if msg.photo:
            lines.append("   [foto / photo]")
        if msg.document:
            lines.append(f"   [belge / document: {msg.document.get('file_name', '')}]")
        if msg.location:
            lines.append(
                f"   [konum / location: {msg.location['latitude']}, {msg.location['longitude']}]"
            )
        if msg.reply_to_message_id:
            lines.append(f"   (yanıt / reply to #{msg.reply_to_message_id})")
        numbered = self.keyboard_of(msg)
        if numbered:
            self.buttons[chat_id] = numbered
            lines.append("   " + "  ".join(f"[{i}] {b.label}" for i, b in enumerate(numbered, 1)))
        elif msg.removes_keyboard or (
            kind == "edit"
            and any(b.message_id == msg.message_id for b in self.buttons.get(chat_id, []))
        ):
            self.buttons.pop(chat_id, None)
        self.say("\n".join(lines))

    @staticmethod
    def keyboard_of(msg: BotMessage) -> list[Button]:
        if msg.inline_keyboard:
            return [
                Button("inline", b["text"], msg.message_id, b)
                for row in msg.inline_keyboard
                for b in row
            ]
        keyboard = (msg.reply_keyboard or {}).get("keyboard", [])
        return [
            Button(
                "reply",
                b if isinstance(b, str) else b["text"],
                None,
                b if isinstance(b, dict) else {"text": b},
            )
            for row in keyboard
            for b in row
        ]

    # -- watching --------------------------------------------------------------------------

    def watch(self, after: int) -> None:
        chats = sorted({persona.chat_id for persona in self.personas})
        users = {persona.user.id for persona in self.personas}
        while not self.stopping.is_set():
            try:
                events = self.watch_client.wait_events(chats, after, timeout=0.5)
            except Exception as exc:  # the demo must survive a hiccup of the emulator
                if not self.stopping.is_set():
                    self.say(f"(watch error: {exc})")
                    self.stopping.wait(1.0)
                continue
            for event in events:
                after = event["seq"]
                if event["kind"] == "callback_answer" and event.get("user_id") not in users:
                    continue
                self.render(event)

    # -- input -----------------------------------------------------------------------------

    def handle(self, line: str) -> bool:
        """Acts on one typed line; False means leave."""
        line = line.strip()
        if not line:
            return True
        if not line.startswith(":"):
            self.actor().send(line, chat=self.chat_arg())
            return True
        command, _, rest = line[1:].partition(" ")
        rest = rest.strip()
        if command in ("quit", "q", "exit"):
            return False
        if command == "help":
            self.say(HELP)
        elif command.isdigit():
            self.press(int(command))
        elif command == "loc":
            lat, lon = (float(x) for x in rest.split()[:2])
            self.actor().share_location(lat, lon, chat=self.chat_arg())
        elif command == "contact":
            self.actor().share_contact(rest or "+905551112233", chat=self.chat_arg())
        elif command == "photo":
            data = Path(rest).expanduser().read_bytes() if rest else None
            self.actor().send_photo(data, chat=self.chat_arg())
        elif command == "reply":
            msg_id, _, text = rest.partition(" ")
            self.actor().send(text or "…", chat=self.chat_arg(), reply_to=int(msg_id))
        elif command == "as":
            self.switch(rest)
        else:
            self.say(f"? unknown command :{command} (:help)")
        return True

    def switch(self, who: str) -> None:
        found = next((p for p in self.personas if p.name == who), None)
        if found is None:
            names = ", ".join(
                f"{p.name} ({p.user.first_name}{', ' + p.group.title if p.group else ''})"
                for p in self.personas
            )
            self.say(f"usage: :as NAME — one of: {names}")
            return
        self.current = found
        place = f"group {found.group.title}" if found.group else "the private chat"
        self.say(f"(now {found.user.first_name} in {place})")

    def press(self, number: int) -> None:
        buttons = self.buttons.get(self.chat_id(), [])
        if not 1 <= number <= len(buttons):
            self.say(f"(no button {number})")
            return
        button = buttons[number - 1]
        actor, chat = self.actor(), self.chat_arg()
        if button.kind == "inline":
            if "callback_data" not in button.spec:
                self.say(f"(link button: {button.spec.get('url', '')})")
                return
            actor.press(button.label, chat=chat, message_id=button.message_id)
        elif button.spec.get("request_location"):
            actor.share_location(*DEFAULT_LOCATION, chat=chat)
        elif button.spec.get("request_contact"):
            actor.share_contact(f"+90555{actor.id % 10_000_000:07d}", chat=chat)
        else:
            actor.send(button.label, chat=chat)

    def run(self) -> None:
        watcher = threading.Thread(
            target=self.watch, args=(self.client.last_seq(),), name="terminal-watch", daemon=True
        )
        watcher.start()
        self.say(f"Chatting as {self.current.user.first_name}. :help for commands.")
        try:
            while True:
                try:
                    line = self.input_fn("> ")
                except (EOFError, KeyboardInterrupt):
                    break
                try:
                    if not self.handle(line):
                        break
                except (EmulatorError, ValueError, OSError) as exc:
                    self.say(f"(error: {exc})")
        finally:
            self.stopping.set()
            watcher.join(timeout=5)
            with contextlib.suppress(Exception):
                self.watch_client.close()


def chat_in_terminal(
    client: EmulatorClient,
    user: SimUser,
    group: SimGroup | None = None,
    input_fn: Callable[[str], str] = input,
    output_fn: Callable[[str], Any] = print,
    staff: SimUser | None = None,
    others: tuple[Persona, ...] = (),
) -> None:
    """Blocks until :quit or EOF. The keyboard speaks as `user` ("citizen") in the private
    chat; `:as staff` as `staff` (default: `user`) in `group`; `:as NAME` as any of
    `others`."""
    personas = [Persona("citizen", user)]
    if group is not None:
        personas.append(Persona("staff", staff or user, group))
    TerminalChat(client, [*personas, *others], input_fn, output_fn).run()
