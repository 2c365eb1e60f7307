"""Pushes queued updates to a bot's webhook, one at a time, retrying like Telegram does.

A receiver that answers non-2xx after handling an update gets it again: duplicates are real.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

import httpx

from emulator.world import BotAccount, World

RETRY_DELAYS = (0.1, 0.2, 0.5, 1.0, 2.0)


class WebhookDispatcher:
    def __init__(self, world: World) -> None:
        self.world = world
        self.tasks: dict[str, asyncio.Task[None]] = {}
        self.client: httpx.AsyncClient | None = None

    def changed(self, bot: BotAccount) -> None:
        task = self.tasks.get(bot.token)
        if bot.webhook is not None and (task is None or task.done()):
            self.tasks[bot.token] = asyncio.get_running_loop().create_task(self._run(bot))

    async def close(self) -> None:
        for task in self.tasks.values():
            task.cancel()
        for task in self.tasks.values():
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self.tasks.clear()
        if self.client is not None:
            await self.client.aclose()
            self.client = None

    async def _run(self, bot: BotAccount) -> None:
        if self.client is None:
            self.client = httpx.AsyncClient(timeout=10.0)
        failures = 0
        while bot.webhook is not None:
            if not bot.pending:
                await self.world.updates_signal.wait(1.0)
                continue
            hook = bot.webhook
            update = bot.pending[0]
            headers = {"Content-Type": "application/json"}
            if hook.secret_token:
                headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
            bot.delivered_upto = max(bot.delivered_upto, update["update_id"])
            self.world.activity_signal.fire()
            # A webhook POST counts as bot activity so wait_idle waits for its handling.
            self.world.in_flight += 1
            try:
                response = await self.client.post(hook.url, json=update, headers=headers)
                ok = 200 <= response.status_code < 300
                error = f"Wrong response from the webhook: {response.status_code}"
            except httpx.HTTPError as exc:
                ok, error = False, f"Connection failed: {exc.__class__.__name__}"
            finally:
                self.world.in_flight -= 1
                self.world.last_call_end = time.monotonic()
            if ok:
                if bot.pending and bot.pending[0] is update:
                    bot.pending.pop(0)
                failures = 0
                self.world.activity_signal.fire()
                continue
            hook.last_error_date = int(time.time())
            hook.last_error_message = error
            await asyncio.sleep(RETRY_DELAYS[min(failures, len(RETRY_DELAYS) - 1)])
            failures += 1
