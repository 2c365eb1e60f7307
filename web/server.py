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


class WebServer:
    def __init__(self, app: Starlette, listen: str) -> None:
        host, port = parse_listen(listen)
        self._listen = listen
        config = uvicorn.Config(
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
        self._server = _Server(config)
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        """Where it listens, e.g. http://127.0.0.1:8080 (the real port when 0 was asked)."""
        bound = self._server.servers[0].sockets[0]
        host, port = bound.getsockname()[:2]
        return f"http://{host}:{port}"

    async def start(self) -> None:
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                # uvicorn logs why (e.g. the address is in use) and exits.
                with contextlib.suppress(SystemExit):
                    self._task.result()
                raise RuntimeError(f"the web application could not listen on {self._listen}")
            await asyncio.sleep(0.01)
        log.info("the web application listens on %s", self.url)

    async def stop(self) -> None:
        if self._task is None:
            return
        self._server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
