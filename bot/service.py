"""Running the bot as a service: long polling or a webhook, until SIGTERM or SIGINT.

Both ways hand an update to Telegram as done only after it has been handled: the
poller confirms a batch with the next getUpdates, and the webhook answers 200 only
after the update's handlers ran, so Telegram delivers again whatever a crash
interrupted (and the processed-update table keeps it from acting twice).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import signal
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.polling import chat_key, handle, poll
from web.server import WebServer

log = logging.getLogger("kentbot")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(frozen=True)
class Webhook:
    url: str  # the public HTTPS address Telegram posts to, e.g. https://bot.example.gov.tr/tg
    host: str  # where this process listens (behind nginx: 127.0.0.1)
    port: int
    secret: str


def webhook_app(app: Application, secret: str, path: str) -> web.Application:
    """The HTTP endpoint Telegram posts updates to; anything without the secret gets 403."""
    # One update at a time per chat, as in polling; different chats side by side.
    locks: dict[int, asyncio.Lock] = {}
    waiting: dict[int, int] = {}  # requests holding or waiting for each chat's lock

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("webhook call without the right secret from %s", request.remote)
            return web.Response(status=403, text="forbidden")
        try:
            payload = await request.json()
            update = Update.de_json(payload, app.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400, text="not an update")
        key = chat_key(update)
        lock = locks.setdefault(key, asyncio.Lock())
        waiting[key] = waiting.get(key, 0) + 1
        try:
            async with lock:
                await handle(app, update)
        finally:
            waiting[key] -= 1
            if not waiting[key]:
                del waiting[key], locks[key]
        return web.Response(text="ok")

    server = web.Application(client_max_size=2 * 1024 * 1024)
    server.router.add_post(path, receive)
    return server


async def serve(
    app: Application, webhook: Webhook | None = None, site: WebServer | None = None
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    await app.start()
    runner: web.AppRunner | None = None
    task: asyncio.Task[None] | None = None
    try:
        if site is not None:
            await site.start()
        if webhook is None:
            await app.bot.delete_webhook()
            task = asyncio.create_task(poll(app, stop))
            log.info("Kent Bot is polling for updates")
        else:
            path = urlsplit(webhook.url).path or "/"
            runner = web.AppRunner(webhook_app(app, webhook.secret, path))
            await runner.setup()
            await web.TCPSite(runner, webhook.host, webhook.port).start()
            await app.bot.set_webhook(
                webhook.url, secret_token=webhook.secret, allowed_updates=Update.ALL_TYPES
            )
            log.info("Kent Bot receives updates on %s:%d%s", webhook.host, webhook.port, path)
        stopped = asyncio.create_task(stop.wait())
        waiting = {stopped} | ({task} if task else set())
        done, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        if task is not None and task in done:
            task.result()  # the poller gave up (e.g. a revoked token): say why
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if runner is not None:
            await runner.cleanup()
        if site is not None:
            await site.stop()
        await app.stop()
        await app.shutdown()
        log.info("Kent Bot stopped")


def run(app: Application, webhook: Webhook | None = None, site: WebServer | None = None) -> None:
    asyncio.run(serve(app, webhook, site))
