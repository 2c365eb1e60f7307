"""The aiohttp application: Bot API routes, file downloads, and the control API mount."""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, fields
from typing import Any

from aiohttp import web

from emulator import errors
from emulator.botapi import BotApi
from emulator.errors import ApiError
from emulator.limits import FaultInjector, FloodControl, Settings
from emulator.params import Params
from emulator.useractions import UserActions
from emulator.webhook import WebhookDispatcher
from emulator.world import World

EMULATOR_KEY: web.AppKey[Emulator] = web.AppKey("emulator")


class Emulator:
    """Owns the world and everything acting on it; rebuilt in place by reset()."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.initial_settings = Settings(**settings.to_dict())
        # Bots given at start-up (--token) survive reset(), so a demo never loses its bot.
        self.startup_bots: list[tuple[str, str, str]] = []
        self.flood = FloodControl(settings)
        self.faults = FaultInjector(settings)
        self.world = World()
        self.webhooks = WebhookDispatcher(self.world)
        self.api = BotApi(self.world, self.flood, self.faults, self.webhooks.changed)
        self.actions = UserActions(self.world)

    def add_startup_bot(self, token: str, username: str, first_name: str) -> None:
        self.startup_bots.append((token, username, first_name))
        self.world.add_bot(token, username, first_name, False)

    async def reset(self) -> None:
        old = self.world
        await self.webhooks.close()
        self.world = World()
        self.webhooks = WebhookDispatcher(self.world)
        self.api = BotApi(self.world, self.flood, self.faults, self.webhooks.changed)
        self.actions = UserActions(self.world)
        for token, username, first_name in self.startup_bots:
            self.world.add_bot(token, username, first_name, False)
        for key, value in self.initial_settings.to_dict().items():
            setattr(self.settings, key, value)
        self.flood.reset()
        self.faults.reseed()
        # Wake long polls on the old world so they return instead of hanging.
        old.updates_signal.fire()
        old.events_signal.fire()
        old.activity_signal.fire()

    def update_settings(self, changes: dict[str, Any]) -> None:
        known = {f.name for f in fields(Settings)}
        unknown = set(changes) - known
        if unknown:
            raise ValueError(f"unknown settings {sorted(unknown)}")
        for key, value in changes.items():
            setattr(self.settings, key, value)
        self.flood.reset()
        if "fault_rate" in changes or "fault_seed" in changes:
            self.faults.reseed()


async def handle_bot_api(request: web.Request) -> web.Response:
    emu = request.app[EMULATOR_KEY]
    world = emu.world
    method = request.match_info["method"]
    started = time.time()
    bot = world.bots.get(request.match_info["token"])
    if bot is None:
        return web.json_response(errors.UNAUTHORIZED.to_json(), status=401)
    counts_as_work = method.lower() != "getupdates"
    if counts_as_work:
        world.in_flight += 1
    params: Params | None = None
    try:
        params = await Params.from_request(request)
        result = await emu.api.call(bot, method, params)
        status, body = 200, {"ok": True, "result": result}
    except ApiError as exc:
        status, body = exc.status, exc.to_json()
    finally:
        if counts_as_work:
            world.in_flight -= 1
            world.last_call_end = time.monotonic()
            world.activity_signal.fire()
    world.record_call(method, params.loggable() if params else {}, status, started)
    return web.json_response(body, status=status)


async def handle_file(request: web.Request) -> web.StreamResponse:
    world = request.app[EMULATOR_KEY].world
    if request.match_info["token"] not in world.bots:
        return web.json_response(errors.UNAUTHORIZED.to_json(), status=401)
    stored = world.files_by_path.get(request.match_info["path"])
    if stored is None:
        return web.json_response(errors.NOT_FOUND.to_json(), status=404)
    ctype = stored.mime_type or "application/octet-stream"
    return web.Response(body=stored.data, content_type=ctype)


def create_app(settings: Settings | None = None) -> web.Application:
    from emulator.control import add_control_routes

    app = web.Application(client_max_size=60 * 1024 * 1024)
    emu = Emulator(settings or Settings())
    app[EMULATOR_KEY] = emu
    app.router.add_route("*", "/bot{token}/{method}", handle_bot_api)
    app.router.add_get("/file/bot{token}/{path:.+}", handle_file)
    add_control_routes(app)

    async def shutdown(_: web.Application) -> None:
        await emu.webhooks.close()

    app.on_shutdown.append(shutdown)
    return app


@dataclass
class ServingEmulator:
    """A running server inside the caller's event loop."""

    runner: web.AppRunner
    app: web.Application
    base_url: str

    @property
    def emulator(self) -> Emulator:
        return self.app[EMULATOR_KEY]

    async def close(self) -> None:
        await self.runner.cleanup()


async def serve(
    host: str = "127.0.0.1",
    port: int = 0,
    token: str | None = None,
    username: str = "kentbot_test",
    first_name: str = "Kent Bot",
    **settings: Any,
) -> ServingEmulator:
    """Starts the emulator in the running loop; `token` pre-creates that bot."""
    app = create_app(Settings(**settings))
    if token:
        app[EMULATOR_KEY].add_startup_bot(token, username, first_name)
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound_port = runner.addresses[0][1]
    return ServingEmulator(runner, app, f"http://{host}:{bound_port}")


class RunningEmulator:
    """An emulator serving from its own loop in a daemon thread."""

    def __init__(
        self, loop: asyncio.AbstractEventLoop, serving: ServingEmulator, thread: threading.Thread
    ) -> None:
        self._loop = loop
        self._serving = serving
        self._thread = thread
        self.base_url = serving.base_url
        self.api_url = self.base_url + "/bot"
        self.file_url = self.base_url + "/file/bot"

    def client(self) -> Any:
        from emulator.client import EmulatorClient

        return EmulatorClient(self.base_url)

    def stop(self) -> None:
        if not self._loop.is_running():
            return
        future = asyncio.run_coroutine_threadsafe(self._serving.close(), self._loop)
        future.result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    def __enter__(self) -> RunningEmulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_in_thread(host: str = "127.0.0.1", port: int = 0, **settings: Any) -> RunningEmulator:
    """Starts a server (see `serve` for keywords) in a daemon thread; returns once it listens."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder: dict[str, Any] = {}

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            holder["serving"] = loop.run_until_complete(serve(host, port, **settings))
        except BaseException as exc:
            holder["error"] = exc
            ready.set()
            return
        ready.set()
        loop.run_forever()
        loop.close()

    thread = threading.Thread(target=run, name="telegram-emulator", daemon=True)
    thread.start()
    ready.wait(timeout=30)
    if "error" in holder:
        raise holder["error"]
    return RunningEmulator(loop, holder["serving"], thread)
