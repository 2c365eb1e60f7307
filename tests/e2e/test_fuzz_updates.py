"""Issue 6, point 6: property-based fuzzing of the real bot through the emulator.

Hypothesis generates batches of updates (any text and Unicode, empty and oversized messages,
media, locations in and out of range, contacts, edits, channel posts, forged callback data,
commands with junk arguments, messages in groups the bot does not serve, replies to random
message ids) and the properties are:

1. nothing crashes: after the batch the bot is idle and no handler error was collected;
2. nothing changes that should not: forged staff and citizen actions on someone else's
   request leave it, its history, its card and its citizen's chat untouched;
3. the user is answered: a fresh citizen's private message outside any flow gets a reply.

Updates that real Telegram could not produce (a reply to a chat nobody opened, a callback
query with an unknown id, a file id that was never uploaded) are not generated: private
messages without files are queued raw, everything with a file or in a group is sent through
the emulator's user actions so the message really exists there.
"""

from __future__ import annotations

import itertools
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select
from telegram import Update
from telegram.ext import ContextTypes

from common.i18n import all_translators
from db.engine import transaction
from db.models import Request, RequestEvent
from emulator.client import SimGroup, SimUser
from emulator.formatting import utf16_len
from flows.filing.screens import BACK, CANCEL, DONE, SHARE_LOCATION, SHARE_PHONE, SKIP
from tests.harness import Kent
from tests.journeys import card_of, file_complaint, number_in

JSON = dict[str, Any]
ROOT = Path(__file__).resolve().parents[2]
Step = tuple[Any, ...]

# An example is a whole batch through a real bot (a second or two), so shrinking one would
# take minutes; instead a failure names the very updates that failed (Arena.explain).
FUZZ: dict[str, Any] = {
    "deadline": None,
    "phases": [Phase.explicit, Phase.reuse, Phase.generate],
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
}

# --- Strategies -----------------------------------------------------------------------------

# Reply-keyboard labels in every language: the texts the flows react to.
LABELS = sorted(
    {
        t._(label)
        for t in all_translators()
        for label in (SKIP, BACK, CANCEL, DONE, SHARE_LOCATION, SHARE_PHONE)
    }
)
SPECIAL_TEXTS = [
    "",
    " ",
    "\n\t ",
    "\x00",
    "\x00\x01\x7f",
    "\u200f\u202eمرحبا بالعالم",
    "שלום עולם",
    "\u200b",
    "\ufeff",
    "🇹🇷🏳️‍🌈👨‍👩‍👧‍👦",
    "İıŞşĞğÜüÖöÇç",
    "<b>kalın</b> &amp; <i>",
    "</code>",
    "{name} {0} %s %(x)s",
    "Sokağımızdaki çöpler toplanmadı",
    "lambalar yanmıyor",
    "25.11.1990",
    "0555 123 45 67",
    "+90 555 111 22 33",
    "2026-000001",
    "/",
    "//",
    "/ start",
    *LABELS,
]
# Words the handlers look for in arguments and callback data.
TOKENS = [
    "ev_1",
    "ev_",
    "ev_²",
    "ev_99999999999999999999",
    "ev_-1",
    "2026-000001",
    "0000-000000",
    "meclis",
    "etkinlik",
    "assembly",
    "event",
    "genclik",
    "kadin",
    "cocuk",
    "genel_kurul",
    "baslik",
    "yer",
    "kontenjan",
    "baslangic",
    "bitis",
    "son_kayit",
    "aciklama",
    "ekle",
    "sil",
    "rol",
    "add",
    "remove",
    "admin",
    "yonetici",
    "staff",
    "coordinator",
    "temizlik",
    "imar",
    "park",
    "fen",
    "cop",
    "sikayet",
    "talep",
    "oneri",
    "en",
    "tr",
    "EN",
    "de",
    "yes",
    "x",
    "y",
    "n",
    "²",
    "٣",
    "¹²",
    "Ⅻ",
    "-",
    "-0",
    "0",
    "1",
    "2",
    "3",
    "5",
    "25.12.2030",
    "14:00",
    "25.12.2030 14:00",
]
COMMANDS = [
    "start",
    "taleplerim",
    "takip",
    "dil",
    "language",
    "yoklama",
    "personel",
    "duyuru",
    "etkinlik_duzenle",
    "etkinlik_iptal",
    "etkinlik_ekle",
    "talep",
    "sikayet",
    "kayit",
    "iptal",
    "cancel",
    "meclis",
    "konsey",
    "etkinlikler",
    "etkinlik",
    "istihdam",
    "is",
    "egitim_ekle",
    "fuar_firma",
    "yardim",
    "help",
    "bilinmeyen",
    "START",
]
CALLBACK_PREFIXES = [
    "f:",
    "f:kvkk:",
    "f:kvkk:yes",
    "f:type:",
    "f:type:sikayet",
    "f:type:tesekkur",
    "f:types",
    "f:cat:",
    "f:cat:cop",
    "f:goto:",
    "f:ch:",
    "f:offer",
    "f:send",
    "f:cancel",
    "f:skip",
    "f:back",
    "f:edit",
    "f:summary",
    "f:allcat",
    "f:zz:",
    "my:p:",
    "my:v:",
    "my:n:",
    "my:r:",
    "my:w:",
    "my:wy:",
    "my:",
    "menu:mine",
    "st:as:",
    "st:an:",
    "st:rs:",
    "st:rd:",
    "st:rj:",
    "st:ak:",
    "st:bk:",
    "st:to:",
    "st:",
    "c:list",
    "e:s",
    "e:kv",
    "e:p:",
    "e:p:yes",
    "e:o:",
    "e:o:8344",
    "e:e:",
    "e:e:name",
    "e:sv",
    "e:pa:y",
    "e:dly",
    "e:ed",
    "e:b",
    "e:k",
    "e:l:",
    "e:l:CE",
    "e:l:none",
    "e:rf",
    "e:dc",
    "e:dw",
    "menu:employment",
    "v:l",
    "v:n:",
    "v:n:job_fair",
    "v:f:",
    "v:f:1:1:3",
    "v:",
    "c:a:",
    "c:j:",
    "c:kv:",
    "c:l:",
    "c:gc:",
    "c:ev",
    "c:evf:",
    "c:e:",
    "c:r:",
    "c:kr:",
    "c:w:",
    "c:em:",
    "c:ec",
    "c:ex",
    "c:ea:",
    "c:cx:",
    "c:cxy:",
    "c:",
    "sv:",
    "lang:",
    "lang:en",
    "lang:tr",
    "menu:",
    "menu:request",
    "menu:council",
    "menu:events",
    "menu:help",
    "menu:home",
    "menu:language",
]

short_text = st.text(max_size=30)
any_text = st.one_of(
    st.text(max_size=80),
    st.text(min_size=1, max_size=500),
    st.sampled_from(SPECIAL_TEXTS),
    # Oversized: around and beyond Telegram's 4096 characters.
    st.builds(
        lambda c, n: c * n, st.sampled_from(["x", "ğ", "😀", "ب", " a"]), st.integers(1990, 5000)
    ),
)
# Numbers as text: small ids that may exist, ids beyond 64 bits, digits int() cannot read.
WEIRD_NUMBERS = [
    "²",
    "٣",
    "¹²",
    "Ⅻ",
    "𝟙",
    "99999999999999999999",
    "9223372036854775808",
    "2147483648",
    "-9223372036854775809",
    "0x1",
    "1_000",
    " 1",
    "1e3",
    "١٢٣",
]
ids = st.one_of(
    st.integers(-3, 30).map(str),
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(WEIRD_NUMBERS),
)
# Telegram's message ids are positive 32-bit numbers.
message_id = st.one_of(st.integers(1, 30), st.integers(1, 2**31 - 1))
junk_token = st.one_of(
    st.text(st.characters(exclude_categories=("Z", "C")), min_size=1, max_size=20),
    ids,
    st.sampled_from(TOKENS),
)
junk_args = st.one_of(st.lists(junk_token, max_size=5).map(" ".join), any_text)
command_text = st.builds(
    lambda name, mention, args: f"/{name}{mention} {args}".rstrip(),
    st.sampled_from(COMMANDS),
    st.sampled_from(["", "", "", "@kentbot_test", "@baska_bot"]),
    junk_args,
)


def _fit_callback_data(data: str) -> str:
    """Telegram carries 1 to 64 bytes of callback data."""
    data = data.encode()[:64].decode(errors="ignore")
    return data or "x"


known_callback = st.builds(
    lambda prefix, arg, more: prefix + arg + more,
    st.sampled_from(CALLBACK_PREFIXES),
    st.one_of(ids, ids, ids, st.just(""), st.sampled_from(TOKENS), short_text),
    st.one_of(st.just(""), st.just(""), st.builds(lambda x: f":{x}", junk_token)),
)
callback_data = st.one_of(
    known_callback, known_callback, known_callback, st.text(min_size=1, max_size=64)
).map(_fit_callback_data)
latitude = st.one_of(
    st.floats(-90, 90),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
    st.sampled_from([41.0255, 0.0, -90.0, 90.0, 90.000001]),
)
longitude = st.one_of(
    st.floats(-180, 180),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
    st.sampled_from([29.102, 0.0, 180.0, -180.000001]),
)
phone = st.one_of(
    st.sampled_from(["+90 555 111 22 33", "05551112233", "555", "+1", "", "+" + "9" * 40]),
    short_text,
)
caption = st.one_of(st.none(), st.text(max_size=1024), st.sampled_from(SPECIAL_TEXTS))
emoji = st.sampled_from(["👍", "😡", "🗑", "❤️", "🤷‍♀️"])
who = st.integers(0, 3)
anywhere = st.integers(0, 1000)  # an index into whatever messages exist

private_step = st.one_of(
    st.tuples(st.just("text"), who, any_text),
    st.tuples(st.just("command"), who, command_text),
    st.tuples(st.just("edited"), who, st.one_of(any_text, command_text), message_id),
    st.tuples(st.just("reply"), who, any_text, message_id, st.booleans()),
    st.tuples(st.just("location"), who, latitude, longitude),
    st.tuples(st.just("venue"), who, latitude, longitude, short_text, short_text),
    st.tuples(st.just("contact"), who, phone, st.sampled_from(["own", "other", "none"])),
    st.tuples(st.just("photo"), who, caption),
    st.tuples(st.just("sticker"), who, emoji),
    st.tuples(st.just("voice"), who, st.integers(0, 7200)),
    st.tuples(
        st.just("document"),
        who,
        st.sampled_from(["belge.pdf", "x", "..", "çöp.jpg"]),
        st.sampled_from(["application/pdf", "image/jpeg", None]),
        caption,
    ),
    st.tuples(st.just("callback"), who, callback_data, anywhere),
    st.tuples(st.just("callback"), who, callback_data, anywhere),
    st.tuples(st.just("command"), who, command_text),
)
group_text = st.one_of(any_text, command_text).filter(lambda s: s.strip() != "")
group_step = st.one_of(
    st.tuples(
        st.just("group_text"), who, st.integers(0, 2), group_text, st.one_of(st.none(), anywhere)
    ),
    st.tuples(
        st.just("group_photo"), who, st.integers(0, 2), caption, st.one_of(st.none(), anywhere)
    ),
    st.tuples(st.just("group_sticker"), who, st.integers(0, 2), emoji),
    st.tuples(st.just("group_callback"), who, st.integers(0, 2), callback_data, anywhere),
    st.tuples(st.just("channel_post"), any_text, st.booleans()),
    st.tuples(
        st.just("my_chat_member"), st.sampled_from(["member", "left", "kicked", "administrator"])
    ),
)
fuzz_step = st.one_of(private_step, private_step, group_step)


def batch(step: st.SearchStrategy[Step], most: int) -> st.SearchStrategy[list[Step]]:
    """1 to `most` steps per example: plain lists would average only a handful."""
    return st.integers(1, most).flatmap(lambda n: st.lists(step, min_size=n, max_size=n))


# --- Harness --------------------------------------------------------------------------------


@dataclass(repr=False)
class Arena:
    """The running bot, an admin, groups it does not serve, and helpers to send raw updates."""

    kent: Kent
    admin: SimUser
    foreign: list[SimGroup]
    bot_user: JSON
    # Every handler error with the update that caused it (the bot keeps only the error).
    failures: list[tuple[object, BaseException]] = field(default_factory=list)
    message_ids: Iterator[int] = field(default_factory=lambda: itertools.count(1_000_000))
    people: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def __repr__(self) -> str:
        return "Arena()"

    @property
    def groups(self) -> list[SimGroup]:
        return [*self.foreign, self.kent.groups["temizlik"]]

    def newcomers(
        self,
        count: int,
        languages: tuple[str | None, ...] = ("tr", "en", None, "ar"),
        groups: bool = True,
    ) -> list[SimUser]:
        people = []
        for i in range(count):
            n = next(self.people)
            person = self.kent.emu.create_user(
                first_name=f"Vatandaş{n}",
                last_name="Deneme" if n % 2 else None,
                language_code=languages[i % len(languages)],
                started=True,
            )
            if groups:
                for group in self.groups:
                    group.add_member(person)
            people.append(person)
        return people

    def raw_private(self, user: SimUser, fields: JSON, kind: str = "message") -> None:
        message: JSON = {
            "message_id": next(self.message_ids),
            "date": int(time.time()),
            "chat": {"id": user.id, "type": "private", "first_name": user.first_name},
            "from": user.data,
            **fields,
        }
        if kind == "edited_message":
            message["edit_date"] = int(time.time())
        self.kent.emu.enqueue_update({kind: message})

    def clear_errors(self) -> list[BaseException]:
        """Forget earlier examples' errors, so each example is judged on its own."""
        errors = self.kent.app.bot_data["deps"].errors
        seen = list(errors)
        errors.clear()
        self.failures.clear()
        return seen

    def explain(self) -> str:
        """Which updates failed, and where."""
        return "\n".join(
            f"{type(error).__name__}: {str(error).splitlines()[0][:100]} at "
            f"{_where(error)}\n    update: {_summary(update)}"
            for update, error in self.failures
        )


def _where(error: BaseException) -> str:
    """The project's frames of a traceback, innermost last."""
    frames = [
        f"{Path(f.filename).relative_to(ROOT)}:{f.lineno}"
        for f in traceback.extract_tb(error.__traceback__)
        if Path(f.filename).is_relative_to(ROOT) and ".venv" not in f.filename
    ]
    return " > ".join(frames[-3:])


def _summary(update: object) -> str:
    if not isinstance(update, Update):
        return repr(update)[:200]
    chat = update.effective_chat
    where = f"{chat.type} chat" if chat else "no chat"
    if update.callback_query is not None:
        return f"callback_query data={update.callback_query.data!r} in {where}"
    message = update.effective_message
    if message is None:
        return f"{next(iter(update.to_dict().keys() - {'update_id'}), '?')} in {where}"
    content = message.text if message.text is not None else message.caption
    kinds = [
        k
        for k in (
            "photo",
            "sticker",
            "voice",
            "document",
            "location",
            "venue",
            "contact",
            "reply_to_message",
        )
        if getattr(message, k)
    ]
    edited = "edited " if update.edited_message or update.edited_channel_post else ""
    return f"{edited}message {content!r:.300} {kinds} in {where}"


def assert_no_errors(arena: Arena) -> None:
    """The bot collected no handler error during this example."""
    assert arena.kent.app.bot_data["deps"].errors == [], arena.explain()


def text_fields(text: str) -> JSON:
    fields: JSON = {"text": text}
    if text.startswith("/"):
        command = text.split()[0] if text.split() else text
        fields["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
    return fields


@pytest.fixture
def arena(kent: Kent) -> Arena:
    # The configured admin first, so that no fuzzing citizen gets its id by chance.
    admin = kent.emu.create_user(
        first_name="Yönetici", id=kent.config.bot.admins[0], language_code="tr", started=True
    )
    foreign = [
        kent.emu.create_group("Mahalle Sohbet", members=[admin]),
        kent.emu.create_group(
            "Apartman Yönetimi", members=[admin], type="group", bot_is_admin=False
        ),
    ]
    kent.groups["temizlik"].add_member(admin)
    bot_id = int(kent.app.bot.token.split(":", 1)[0])
    bot_user = {"id": bot_id, "is_bot": True, "first_name": "Kent Bot", "username": "kentbot_test"}
    arena = Arena(kent=kent, admin=admin, foreign=foreign, bot_user=bot_user)

    async def remember(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if context.error is not None:
            arena.failures.append((update, context.error))

    kent.app.add_error_handler(remember)
    return arena


def bot_message_ids(kent: Kent, chat_id: int) -> list[int]:
    return [
        int(m["message_id"])
        for m in kent.emu.chat_state(chat_id)["messages"]
        if m["from"].get("is_bot")
    ]


def latest_answer(kent: Kent, person: SimUser) -> int:
    """The bot's latest message to someone who just wrote to it, once it has answered (a
    quiet spell in the emulator alone is no proof of that under load)."""
    person.wait_message(timeout=30)
    kent.emu.wait_idle(timeout=30)
    return bot_message_ids(kent, person.id)[-1]


def all_message_ids(kent: Kent, chat_id: int) -> list[int]:
    return [int(m["message_id"]) for m in kent.emu.chat_state(chat_id)["messages"]]


def pick(items: list[int], index: int) -> int | None:
    return items[index % len(items)] if items else None


@dataclass
class Targets:
    """Message ids that exist before a batch: what forged buttons and replies point at."""

    private: dict[int, list[int]]  # a person's chat: the bot's messages
    group_any: dict[int, list[int]]  # a group: everyone's messages
    group_bot: dict[int, list[int]]  # a group: the bot's messages

    @classmethod
    def now(cls, arena: Arena, people: list[SimUser]) -> Targets:
        kent = arena.kent
        return cls(
            private={p.id: bot_message_ids(kent, p.id) for p in people},
            group_any={g.id: all_message_ids(kent, g.id) for g in arena.groups},
            group_bot={g.id: bot_message_ids(kent, g.id) for g in arena.groups},
        )


def perform(arena: Arena, actors: list[SimUser], step: Step, targets: Targets) -> None:
    """One generated step, as the person (actors[step[1]]) or the world would do it."""
    kind = step[0]
    if kind == "channel_post":
        _, text, edited = step
        post = {
            "message_id": next(arena.message_ids),
            "date": int(time.time()),
            "chat": {"id": -1009999999999, "type": "channel", "title": "Belediye Haber"},
            "sender_chat": {"id": -1009999999999, "type": "channel", "title": "Belediye Haber"},
            **text_fields(text),
        }
        arena.kent.emu.enqueue_update({"edited_channel_post" if edited else "channel_post": post})
        return
    if kind == "my_chat_member":
        group = arena.foreign[0]
        status = step[1]
        arena.kent.emu.enqueue_update(
            {
                "my_chat_member": {
                    "chat": {"id": group.id, "type": "supergroup", "title": group.title},
                    "from": arena.admin.data,
                    "date": int(time.time()),
                    "old_chat_member": {"status": "member", "user": arena.bot_user},
                    "new_chat_member": {
                        "status": status,
                        "user": arena.bot_user,
                        **({"until_date": 0} if status == "kicked" else {}),
                        **(
                            {
                                "can_be_edited": False,
                                "can_manage_chat": True,
                                "can_change_info": True,
                                "can_delete_messages": True,
                                "can_invite_users": True,
                                "can_restrict_members": True,
                                "can_pin_messages": True,
                                "can_promote_members": False,
                                "can_manage_video_chats": True,
                                "is_anonymous": False,
                                "can_post_stories": False,
                                "can_edit_stories": False,
                                "can_delete_stories": False,
                            }
                            if status == "administrator"
                            else {}
                        ),
                    },
                }
            }
        )
        return
    person = actors[step[1] % len(actors)]
    if kind in ("text", "command"):
        arena.raw_private(person, text_fields(step[2]))
    elif kind == "edited":
        arena.raw_private(
            person, {**text_fields(step[2]), "message_id": step[3]}, kind="edited_message"
        )
    elif kind == "reply":
        _, _, text, replied_id, to_bot = step
        replied = {
            "message_id": replied_id,
            "date": int(time.time()) - 60,
            "chat": {"id": person.id, "type": "private", "first_name": person.first_name},
            "from": arena.bot_user if to_bot else person.data,
            "text": "…",
        }
        arena.raw_private(person, {**text_fields(text), "reply_to_message": replied})
    elif kind == "location":
        arena.raw_private(person, {"location": {"latitude": step[2], "longitude": step[3]}})
    elif kind == "venue":
        _, _, lat, lon, title, address = step
        location = {"latitude": lat, "longitude": lon}
        arena.raw_private(
            person,
            {
                "location": location,
                "venue": {"location": location, "title": title, "address": address},
            },
        )
    elif kind == "contact":
        _, _, number, whose = step
        contact: JSON = {"phone_number": number, "first_name": "Komşu"}
        if whose == "own":
            contact = {
                "phone_number": number,
                "first_name": person.first_name,
                "user_id": person.id,
            }
        elif whose == "other":
            contact["user_id"] = arena.admin.id
        arena.raw_private(person, {"contact": contact})
    elif kind == "photo":
        person.send_photo(caption=step[2] or None)
    elif kind == "sticker":
        person.send_sticker(step[2])
    elif kind == "voice":
        person.send_voice(duration=step[2])
    elif kind == "document":
        _, _, name, mime, text = step
        person.send_document(b"%PDF-1.4 fuzz", file_name=name, mime_type=mime, caption=text or None)
    elif kind == "callback":
        target = pick(targets.private.get(person.id, []), step[3])
        if target is not None:
            person.press_data(target, step[2])
    elif kind.startswith("group_"):
        group = arena.groups[step[2] % len(arena.groups)]
        if kind == "group_text":
            reply_to = None if step[4] is None else pick(targets.group_any[group.id], step[4])
            person.send(step[3], chat=group, reply_to=reply_to)
        elif kind == "group_photo":
            reply_to = None if step[4] is None else pick(targets.group_any[group.id], step[4])
            person.send_photo(caption=step[3] or None, chat=group, reply_to=reply_to)
        elif kind == "group_sticker":
            person.send_sticker(step[3], chat=group)
        elif kind == "group_callback":
            target = pick(targets.group_bot[group.id], step[4])
            if target is not None:
                person.press_data(target, step[3], chat=group)
    else:  # pragma: no cover - a strategy produced a step nobody handles
        raise AssertionError(f"unknown step {step!r}")


def enter_filing(person: SimUser) -> None:
    """Up to the description step, as a Turkish-speaking citizen."""
    person.send("/talep")
    person.press("✅ Kabul ediyorum")
    person.press("Çöp toplama")  # the type "Şikâyet" comes preselected
    person.wait_message(contains="Lütfen konuyu bir mesajla anlatın")


# --- 1. No update crashes the bot -----------------------------------------------------------


@settings(max_examples=12, **FUZZ)
@given(steps=batch(fuzz_step, 80))
def test_no_update_crashes_the_bot(arena: Arena, steps: list[Step]) -> None:
    kent = arena.kent
    arena.clear_errors()
    citizens = arena.newcomers(3, languages=("tr", "en", None))
    actors = [*citizens, arena.admin]
    for person in actors:
        person.send("/start")
    enter_filing(citizens[0])
    kent.emu.wait_idle(timeout=30)
    targets = Targets.now(arena, actors)

    for step in steps:
        perform(arena, actors, step, targets)
    kent.emu.wait_idle(timeout=60, quiet=0.3)

    assert_no_errors(arena)


# --- 2. Forged actions on someone else's request change nothing -----------------------------


@dataclass(repr=False)
class Filed:
    ayse: SimUser
    request_id: int
    number: str
    card: int
    thread: list[int]  # the bot's messages under the card (photos, unless it is on its photo)

    def __repr__(self) -> str:
        return f"Filed({self.number})"


def request_state(kent: Kent, request_id: int) -> tuple[Any, ...]:
    with transaction(kent.engine) as session:
        request = session.get(Request, request_id)
        assert request is not None
        events = session.exec(
            select(func.count())
            .select_from(RequestEvent)
            .where(RequestEvent.request_id == request_id)
        ).one()
        return (
            request.status,
            request.department_code,
            request.first_response_at,
            request.assignee_id,
            request.text,
            request.resolved_at,
            request.contact_phone,
            request.card_chat_id,
            request.card_message_id,
            request.survey_asked_at,
            events,
        )


@pytest.fixture
def filed(arena: Arena) -> Filed:
    kent = arena.kent
    ayse = kent.citizen("Ayşe")
    kent.staff("temizlik", first_name="Mehmet")
    number = number_in(file_complaint(kent, ayse))
    group = kent.groups["temizlik"]
    card = card_of(kent, group, number)
    kent.emu.wait_idle(timeout=10)
    with transaction(kent.engine) as session:
        request = session.exec(select(Request).where(Request.number == number)).one()
        assert request.id is not None
        request_id = request.id
    thread = [m.message_id for m in group.transcript() if m.reply_to_message_id == card.message_id]
    return Filed(ayse, request_id, number, card.message_id, thread)


FORGED_TEMPLATES = [
    *(
        f"st:{code}:{{id}}{dept}"
        for code in ("as", "an", "rs", "rd", "rj", "ak", "bk", "to", "zz")
        for dept in ("", ":imar", ":park", ":temizlik")
    ),
    *(f"my:{code}:{{id}}" for code in ("v", "n", "r", "w", "wy")),
    *(f"sv:{{id}}:{score}" for score in ("1", "3", "5", "x", "0", "9", "")),
]
intruder_step = st.one_of(
    st.tuples(
        st.just("press"),
        who,
        st.sampled_from(FORGED_TEMPLATES),
        st.sampled_from(["card", "thread", "private"]),
    ),
    st.tuples(
        st.just("reply"),
        who,
        st.sampled_from(["card", "thread"]),
        st.one_of(any_text, command_text).filter(lambda s: s.strip() != ""),
    ),
    st.tuples(st.just("reply_photo"), who, st.sampled_from(["card", "thread"]), caption),
    st.tuples(
        st.just("say"),
        who,
        st.one_of(
            any_text,
            st.sampled_from(
                [
                    "/taleplerim {number}",
                    "/takip {number}",
                    "/taleplerim {number} x",
                    "/start",
                    "Notum: su borusu patladı",
                    "4",
                ]
            ),
        ).filter(lambda s: s != ""),
    ),
)


@settings(max_examples=10, **FUZZ)
@given(steps=batch(intruder_step, 50))
def test_forged_actions_change_nothing(arena: Arena, filed: Filed, steps: list[Step]) -> None:
    kent = arena.kent
    arena.clear_errors()
    group = kent.groups["temizlik"]
    intruders = arena.newcomers(3, languages=("tr", "en", "tr"), groups=False)
    for person in intruders:
        group.add_member(person)
        person.send("/start")
    menus = {p.id: latest_answer(kent, p) for p in intruders}
    before = request_state(kent, filed.request_id)
    card_before = [m for m in group.transcript() if m.message_id == filed.card]
    seq = kent.emu.last_seq()

    for step in steps:
        kind, person = step[0], intruders[step[1] % len(intruders)]
        if kind == "press":
            data = step[2].format(id=filed.request_id)
            if step[3] == "private":
                person.press_data(menus[person.id], data)
            else:
                target = filed.card if step[3] == "card" else (filed.thread or [filed.card])[0]
                person.press_data(target, data, chat=group)
        elif kind in ("reply", "reply_photo"):
            target = filed.card if step[2] == "card" else (filed.thread or [filed.card])[-1]
            if kind == "reply":
                person.reply(target, step[3], chat=group)
            else:
                person.send_photo(caption=step[3] or None, chat=group, reply_to=target)
        else:
            arena.raw_private(person, text_fields(step[2].replace("{number}", filed.number)))
    kent.emu.wait_idle(timeout=60, quiet=0.3)

    assert_no_errors(arena)
    assert request_state(kent, filed.request_id) == before
    assert [m for m in group.transcript() if m.message_id == filed.card] == card_before
    told = kent.emu.events(chat_id=filed.ayse.id, after=seq, kinds="message,edit")
    assert told == [], f"Ayşe was sent: {[e['message'].get('text') for e in told]}"


# --- 3. A citizen's message outside any flow is answered ------------------------------------

first_message = st.one_of(
    st.tuples(
        st.just("text"),
        st.text(min_size=1, max_size=4096)
        .map(str.strip)
        .filter(lambda s: s != "" and not s.startswith("/")),
    ),
    st.tuples(
        st.just("text"),
        st.sampled_from([s for s in SPECIAL_TEXTS if s.strip() and not s.startswith("/")]),
    ),
    st.tuples(st.just("sticker"), emoji),
    st.tuples(st.just("photo"), caption),
    st.tuples(st.just("voice"), st.integers(1, 60)),
    st.tuples(st.just("location"), st.floats(-90, 90), st.floats(-180, 180)),
    st.tuples(st.just("contact"), phone.filter(lambda s: s.strip() != "")),
)


@settings(max_examples=10, **FUZZ)
@given(messages=batch(first_message, 30))
def test_a_fresh_citizen_is_always_answered(arena: Arena, messages: list[Step]) -> None:
    kent = arena.kent
    arena.clear_errors()
    people = arena.newcomers(len(messages), languages=("tr", "en", None, "de"), groups=False)
    for person, message in zip(people, messages, strict=True):
        kind = message[0]
        if kind == "text":
            person.send(message[1])
        elif kind == "sticker":
            person.send_sticker(message[1])
        elif kind == "photo":
            person.send_photo(caption=message[1] or None)
        elif kind == "voice":
            person.send_voice(duration=message[1])
        elif kind == "location":
            person.share_location(message[1], message[2])
        else:
            person.share_contact(message[1])
    # Wait for each answer itself: a quiet spell in the emulator is no proof that the bot
    # is done (under load a first message's database work can outlast it).
    deadline = time.monotonic() + 60

    def answered(person: SimUser) -> bool:
        try:
            person.wait_message(
                timeout=max(0.1, deadline - time.monotonic()), predicate=lambda m: m.text.strip()
            )
        except TimeoutError:
            return False
        return True

    unanswered = [
        (message, [m.text for m in person.transcript()])
        for person, message in zip(people, messages, strict=True)
        if not answered(person)
    ]
    kent.emu.wait_idle(timeout=60, quiet=0.3)
    assert_no_errors(arena)
    assert unanswered == []


# --- Regressions: the smallest inputs the properties above found ---------------------------


def _errors_after(arena: Arena, act: Any) -> list[str]:
    act()
    arena.kent.emu.wait_idle(timeout=10)
    return [
        f"{type(e).__name__}: {str(e).splitlines()[0][:70]} at {_where(e)}"
        for e in arena.clear_errors()
    ]


def test_numbers_in_buttons_and_commands_that_are_no_ids_are_refused(arena: Arena) -> None:
    """Callback data and command arguments are typed by anyone: a number beyond 64 bits, or
    a digit int() cannot read ("²".isdigit() is True), must get a refusal, not a crash."""
    kent = arena.kent
    (citizen,) = arena.newcomers(1, languages=("tr",), groups=False)
    citizen.send("/start")
    menu = latest_answer(kent, citizen)
    arena.clear_errors()
    failures: dict[str, list[str]] = {}
    for data in (
        "my:v:99999999999999999999",
        "my:p:99999999999999999999",
        "my:v:²",
        "st:as:99999999999999999999",
        "st:as:²",
        "sv:99999999999999999999:1",
        "sv:²:1",
        "c:e:99999999999999999999",
        "c:gc:99999999999999999999",
    ):
        if errors := _errors_after(arena, lambda d=data: citizen.press_data(menu, d)):
            failures[f"citizen presses {data!r}"] = errors
    for text in ("/start ev_99999999999999999999", "/start ev_²", "/etkinlik_iptal ²"):
        if errors := _errors_after(arena, lambda t=text: citizen.send(t)):
            failures[f"citizen sends {text!r}"] = errors
    for text in (
        "/yoklama ²",
        "/yoklama 99999999999999999999 KOD",
        "/etkinlik_duzenle 99999999999999999999 yer Kültür Merkezi",
        "/duyuru etkinlik 99999999999999999999 Merhaba",
        "/duyuru etkinlik ² Merhaba",
        "/personel ekle 99999999999999999999 personel temizlik",
        "/personel ekle ² personel temizlik",
        "/personel sil 99999999999999999999",
        "/personel sil ²",
    ):
        if errors := _errors_after(arena, lambda t=text: arena.admin.send(t)):
            failures[f"admin sends {text!r}"] = errors
    assert failures == {}, "\n".join(f"{what}: {errors}" for what, errors in failures.items())


def test_pressing_a_menu_button_twice_is_harmless(arena: Arena) -> None:
    """The help screen carries the main menu, so its Help button shows the same screen again:
    Telegram answers "message is not modified", which must not count as a failure."""
    (citizen,) = arena.newcomers(1, languages=("tr",), groups=False)
    citizen.send("/yardim")
    helped = citizen.wait_message(contains="/taleplerim")
    again = _errors_after(arena, lambda: citizen.press("❓ Yardım", message_id=helped.message_id))
    # With no request yet, "My requests" answers with the main menu, "My requests" included.
    citizen.send("/start")
    menu = citizen.wait_message(contains="Merhaba")
    citizen.press("📋 Taleplerim", message_id=menu.message_id)
    citizen.wait_message(contains="Henüz", predicate=lambda m: m.message_id == menu.message_id)
    again += _errors_after(
        arena, lambda: citizen.press("📋 Taleplerim", message_id=menu.message_id)
    )
    assert again == [], "\n".join(again)
