"""Serving the web application with uvicorn on the bot's own event loop.

The bot and the site share one process and one loop (as python-telegram-bot's
Starlette example does), so a staff action in the browser reaches Telegram through the
same Application, and one leader serves both.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Iterator

import uvicorn
from starlette.applications import Starlette

log = logging.getLogger("kentbot")


def parse_listen(listen: str) -> tuple[str, int]:
    """'127.0.0.1:8080' → ('127.0.0.1', 8080); a ValueError that names the setting."""
    host, _, port = listen.rpartition(":")
    if not port.isdigit() or not host:
        raise ValueError(f"[web] listen = {listen!r} must look like 127.0.0.1:8080")
    return host.strip("[]"), int(port)


def available(listen: str) -> bool:
    """Whether nothing else listens on this address yet."""
    host, port = parse_listen(listen)
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on right now (the demo's fallback)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # The service owns SIGTERM and SIGINT and stops the site itself (bot/service.py).
        yield

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            log.info("the web application listens on %s:%d", self.config.host, self.config.port)


class WebServer:
    """The site on the running loop. If its address is taken (the instance that led before
    is still closing on this host, or a misconfiguration), the bot goes on and the site
    keeps trying, backing off, and says so in the log: a citizen's chat never waits for
    the web."""

    FIRST_RETRY = 1.0
    LONGEST_RETRY = 30.0

    def __init__(self, app: Starlette, listen: str) -> None:
        host, port = parse_listen(listen)
        self._listen = listen
        self._config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_config=None,  # the service's logging (bot/logs.py), one line per event
            access_log=False,  # addresses and paths of citizens' visits are not kept
            lifespan="off",
            proxy_headers=True,
            # X-Forwarded-Proto/-For are believed from 127.0.0.1 (nginx on this host), or
            # from the addresses in FORWARDED_ALLOW_IPS (docs/operations.md).
            forwarded_allow_ips=None,
            server_header=False,
        )
        self._server = _Server(self._config)
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._attempts = 0

    @property
    def serving(self) -> bool:
        return self._server.started

    @property
    def url(self) -> str:
        """Where it listens, e.g. http://127.0.0.1:8080 (the real port when 0 was asked)."""
        bound = self._server.servers[0].sockets[0]
        host, port = bound.getsockname()[:2]
        return f"http://{host}:{port}"

    async def start(self) -> None:
        """Returns once the site listens, or after its first attempt failed (it retries)."""
        self._task = asyncio.create_task(self._keep_serving())
        while not self._server.started and not self._attempts and not self._task.done():
            await asyncio.sleep(0.01)

    async def _keep_serving(self) -> None:
        delay = self.FIRST_RETRY
        while not self._stopping:
            self._server = _Server(self._config)
            # uvicorn logs why it could not bind and exits; the bot must not.
            with contextlib.suppress(SystemExit):
                await self._server.serve()
            if self._stopping or self._server.started:
                return
            self._attempts += 1
            if self._attempts == 1:
                log.warning(
                    "the web application cannot listen on %s yet; it keeps trying",
                    self._listen,
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.LONGEST_RETRY)

    async def stop(self) -> None:
        if self._task is None:
            return
        self._stopping = True
        self._server.should_exit = True
        if not self._server.started:
            self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
