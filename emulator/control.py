"""The control API under /_emu/: tests and the terminal demo drive the emulator through it.

Replies are {"ok": true, "result": ...} or {"ok": false, "error": "..."} with status 400.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from emulator.server import EMULATOR_KEY, Emulator
from emulator.useractions import ActionError
from emulator.world import JSON

Handler = Callable[[web.Request], Awaitable[web.Response]]


def ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def fail(message: str, status: int = 400) -> web.Response:
    return web.json_response({"ok": False, "error": message}, status=status)


def emu_of(request: web.Request) -> Emulator:
    return request.app[EMULATOR_KEY]


async def body_of(request: web.Request) -> JSON:
    if not request.can_read_body:
        return {}
    body = await request.json()
    return body if isinstance(body, dict) else {}


def guarded(handler: Handler) -> Handler:
    """Turns the caller's mistakes into 400 answers instead of 500 tracebacks."""

    async def wrapper(request: web.Request) -> web.Response:
        try:
            return await handler(request)
        except (ActionError, KeyError, ValueError, TypeError) as exc:
            return fail(f"{exc.__class__.__name__}: {exc}")

    return wrapper


def chat_ids_of(request: web.Request) -> set[int] | None:
    raw = request.query.get("chat_id")
    if not raw:
        return None
    return {int(part) for part in raw.split(",") if part}


def select_events(emu: Emulator, request: web.Request) -> list[JSON]:
    chat_ids = chat_ids_of(request)
    after = int(request.query.get("after", 0))
    kinds = set(request.query.get("kinds", "").split(",")) - {""}
    limit = int(request.query.get("limit", 1000))
    # seq is the 1-based index, so everything after `after` is a slice.
    selected = [
        e
        for e in emu.world.events[after:]
        if (chat_ids is None or e["chat_id"] in chat_ids) and (not kinds or e["kind"] in kinds)
    ]
    return selected[:limit]


# -- setup -----------------------------------------------------------------------------------


async def reset(request: web.Request) -> web.Response:
    await emu_of(request).reset()
    return ok(True)


async def settings(request: web.Request) -> web.Response:
    emu = emu_of(request)
    if request.method == "POST":
        emu.update_settings(await body_of(request))
    return ok(emu.settings.to_dict())


async def create_bot(request: web.Request) -> web.Response:
    body = await body_of(request)
    token = str(body["token"])
    if ":" not in token or not token.split(":", 1)[0].isdigit():
        raise ValueError("token must look like '<digits>:<secret>'")
    bot = emu_of(request).world.add_bot(
        token,
        body.get("username", "kentbot_test"),
        body.get("first_name", "Kent Bot"),
        bool(body.get("can_read_all_group_messages", False)),
    )
    return ok(bot.user_dict())


async def create_user(request: web.Request) -> web.Response:
    body = await body_of(request)
    user = emu_of(request).world.add_user(
        first_name=body.get("first_name", "Test"),
        last_name=body.get("last_name"),
        username=body.get("username"),
        language_code=body.get("language_code"),
        user_id=body.get("id"),
        started=bool(body.get("started", False)),
    )
    return ok(user.to_dict())


async def create_group(request: web.Request) -> web.Response:
    body = await body_of(request)
    kind = body.get("type", "supergroup")
    if kind not in ("group", "supergroup"):
        raise ValueError("type must be group or supergroup")
    members = [int(m) for m in body.get("member_ids", [])]
    world = emu_of(request).world
    missing = [m for m in members if m not in world.users]
    if missing:
        raise ValueError(f"unknown users {missing}")
    admins = [int(m) for m in body.get("admin_ids", [])]
    creator = body.get("creator_id")
    creator_id = int(creator) if creator is not None else None
    missing = [m for m in [*admins, *([creator_id] if creator_id else [])] if m not in world.users]
    if missing:
        raise ValueError(f"unknown users {missing}")
    chat = world.add_group(
        body["title"],
        kind,
        members,
        bool(body.get("bot_is_admin", True)),
        bot_in_group=bool(body.get("bot_in_group", True)),
        admin_ids=admins,
        creator_id=creator_id,
    )
    return ok(chat.to_dict())


async def group_members(request: web.Request) -> web.Response:
    body = await body_of(request)
    world = emu_of(request).world
    chat = world.chats[int(request.match_info["chat_id"])]
    if chat.type == "private":
        raise ValueError("not a group")
    user_id = int(body["user_id"])
    if user_id not in world.users:
        raise ValueError(f"unknown user {user_id}")
    if body.get("remove"):
        chat.member_ids = [m for m in chat.member_ids if m != user_id]
        chat.admin_ids = [m for m in chat.admin_ids if m != user_id]
    else:
        if user_id not in chat.member_ids:
            chat.member_ids.append(user_id)
        if body.get("admin") and user_id not in chat.admin_ids:
            chat.admin_ids.append(user_id)
    return ok({"chat": chat.to_dict(), "member_ids": chat.member_ids, "admin_ids": chat.admin_ids})


async def group_bot(request: web.Request) -> web.Response:
    """A member adds the bot to the group, promotes or demotes it, or removes it."""
    body = await body_of(request)
    emu = emu_of(request)
    world = emu.world
    chat = world.chats[int(request.match_info["chat_id"])]
    by = world.users[int(body["by"])]
    update = emu.actions.set_bot_status(world.bot(body.get("bot")), chat, str(body["status"]), by)
    return ok(update)


async def block_user(request: web.Request) -> web.Response:
    body = await body_of(request)
    emu = emu_of(request)
    user = emu.world.users[int(request.match_info["user_id"])]
    emu.actions.set_blocked(emu.world.bot(body.get("bot")), user, bool(body.get("blocked", True)))
    return ok(user.to_dict() | {"blocked": user.blocked})


# -- user actions ----------------------------------------------------------------------------


def decoded(body: JSON) -> bytes | None:
    raw = body.get("data_base64")
    return base64.b64decode(raw) if raw else None


async def action(request: web.Request) -> web.Response:
    emu = emu_of(request)
    body = await body_of(request)
    name = request.match_info["action"]
    actions = emu.actions
    simple: dict[str, Callable[[JSON], JSON]] = {
        "send_message": actions.send_text,
        "send_location": actions.send_location,
        "send_venue": actions.send_venue,
        "send_contact": actions.send_contact,
        "send_sticker": actions.send_sticker,
        "edit_message": actions.edit,
        "delete_message": actions.delete,
        "press_button": actions.press,
    }
    if name in simple:
        return ok(simple[name](body))
    if name == "send_photo":
        return ok(actions.send_photo(body, decoded(body)))
    if name == "send_document":
        return ok(actions.send_document(body, decoded(body) or b""))
    if name == "send_voice":
        return ok(actions.send_voice(body, decoded(body)))
    return fail(f"unknown action {name!r}", status=404)


async def raw_update(request: web.Request) -> web.Response:
    body = await body_of(request)
    world = emu_of(request).world
    return ok(world.enqueue_raw(world.bot(body.get("bot")), body["update"]))


# -- reading ---------------------------------------------------------------------------------


async def events(request: web.Request) -> web.Response:
    return ok(select_events(emu_of(request), request))


async def wait(request: web.Request) -> web.Response:
    emu = emu_of(request)
    timeout = min(60.0, float(request.query.get("timeout", 5)))
    world = emu.world
    found: list[JSON] = []

    def ready() -> bool:
        found[:] = select_events(emu, request)
        return bool(found) or emu.world is not world

    await world.events_signal.wait_until(ready, timeout)
    return ok(found)


async def chat_state(request: web.Request) -> web.Response:
    world = emu_of(request).world
    chat = world.chats[int(request.match_info["chat_id"])]
    return ok(
        {
            "chat": chat.to_dict(),
            "messages": [chat.messages[k] for k in sorted(chat.messages)],
            "reply_keyboard": chat.reply_keyboard,
        }
    )


async def calls(request: web.Request) -> web.Response:
    world = emu_of(request).world
    after = int(request.query.get("after", 0))
    method = request.query.get("method", "").lower()
    selected = [c for c in world.calls[after:] if not method or c["method"].lower() == method]
    return ok(selected)


async def stats(request: web.Request) -> web.Response:
    world = emu_of(request).world
    return ok(world.stats | {"calls": len(world.calls), "events": len(world.events)})


async def commands(request: web.Request) -> web.Response:
    world = emu_of(request).world
    bot = world.bot(request.query.get("bot"))
    scope = json.loads(request.query.get("scope", '{"type": "default"}'))
    key = (json.dumps(scope, sort_keys=True), request.query.get("language_code", ""))
    if request.query.get("all"):
        return ok(
            [
                {"scope": json.loads(s), "language_code": lang, "commands": cmds}
                for (s, lang), cmds in bot.commands.items()
            ]
        )
    return ok(bot.commands.get(key, []))


async def pending(request: web.Request) -> web.Response:
    world = emu_of(request).world
    bot = world.bot(request.query.get("bot"))
    return ok(
        {
            "pending": len(bot.pending),
            "undelivered": bot.undelivered(),
            "webhook": bot.webhook.url if bot.webhook else None,
        }
    )


async def idle(request: web.Request) -> web.Response:
    """Waits until every update was handed to the bot and its API calls went quiet."""
    world = emu_of(request).world
    bot = world.bot(request.query.get("bot"))
    timeout = min(120.0, float(request.query.get("timeout", 5)))
    quiet = float(request.query.get("quiet", 0.1))
    deadline = time.monotonic() + timeout
    while True:
        now = time.monotonic()
        if bot.undelivered() == 0 and world.in_flight == 0:
            rest = quiet - (now - world.last_call_end)
            if rest <= 0:
                return ok({"idle": True, "pending": len(bot.pending)})
        else:
            rest = deadline - now
        if now >= deadline:
            return ok(
                {
                    "idle": False,
                    "pending": len(bot.pending),
                    "undelivered": bot.undelivered(),
                    "in_flight": world.in_flight,
                }
            )
        await world.activity_signal.wait(min(rest, deadline - now))


def add_control_routes(app: web.Application) -> None:
    routes: list[tuple[str, str, Handler]] = [
        ("POST", "/_emu/reset", reset),
        ("*", "/_emu/settings", settings),
        ("POST", "/_emu/bots", create_bot),
        ("POST", "/_emu/users", create_user),
        ("POST", "/_emu/groups", create_group),
        ("POST", "/_emu/groups/{chat_id}/members", group_members),
        ("POST", "/_emu/groups/{chat_id}/bot", group_bot),
        ("POST", "/_emu/users/{user_id}/block", block_user),
        ("POST", "/_emu/actions/{action}", action),
        ("POST", "/_emu/updates", raw_update),
        ("GET", "/_emu/events", events),
        ("GET", "/_emu/wait", wait),
        ("GET", "/_emu/chats/{chat_id}", chat_state),
        ("GET", "/_emu/calls", calls),
        ("GET", "/_emu/stats", stats),
        ("GET", "/_emu/commands", commands),
        ("GET", "/_emu/pending", pending),
        ("GET", "/_emu/idle", idle),
    ]
    for method, path, handler in routes:
        app.router.add_route(method, path, guarded(handler))
