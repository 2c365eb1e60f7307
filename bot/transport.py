"""The HTTP client under every Bot API call: python-telegram-bot's request interface on
aiohttp instead of its default httpx.

Measured against a local Bot API stand-in (bench/README.md, Findings 1, fifth round), one
call through httpx cost the bot about 1.2–1.7 ms of CPU, through aiohttp about 0.3 ms;
with more than one call per update, that was the largest single share of an update's
cost. aiohttp is already here for the webhook server.

Behaviour kept from python-telegram-bot's HTTPXRequest, which the rest of the bot relies
on: a timeout raises `TimedOut` and any other transport failure `NetworkError` (so
`bot.sending` retries the same way); the same default timeouts, with a longer allowance
for uploads; certifi's CA bundle; proxies from HTTPS_PROXY/HTTP_PROXY/ALL_PROXY/NO_PROXY.
aiohttp's own `trust_env` would read those (and ~/.netrc) again on every call, which cost
more than the call itself; they are read once per host instead, when first needed after
`initialize`.
"""

from __future__ import annotations

import re
import ssl
from functools import cache
from typing import Any
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

import aiohttp
import certifi
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# A timeout not given by the caller (python-telegram-bot's DefaultValue).
_UNSET = type(BaseRequest.DEFAULT_NONE)
# python-telegram-bot's defaults for HTTPXRequest, in seconds.
CONNECT, READ, WRITE, POOL = 5.0, 5.0, 5.0, 1.0
# An upload's whole transfer. aiohttp bounds no single write, as httpx did (20 s each), so
# this is a backstop for a stalled upload, generous for the reports and charts we send.
MEDIA_WRITE = 120.0


class AiohttpRequest(BaseRequest):
    """One connection pool to the Bot API; python-telegram-bot opens and closes it with
    the bot (`initialize`, `shutdown`), and may open it again after closing."""

    __slots__ = ("_defaults", "_pool_size", "_proxies", "_session")

    def __init__(
        self,
        connection_pool_size: int = 256,
        *,
        read_timeout: float | None = READ,
        connect_timeout: float | None = CONNECT,
        write_timeout: float | None = WRITE,
        pool_timeout: float | None = POOL,
    ) -> None:
        self._pool_size = connection_pool_size
        self._defaults = {
            "read": read_timeout,
            "connect": connect_timeout,
            "write": write_timeout,
            "pool": pool_timeout,
        }
        # Created in `initialize`: an aiohttp session belongs to the running event loop.
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str], str | None] = {}  # by (scheme, host)

    @property
    def read_timeout(self) -> float | None:
        return self._defaults["read"]

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._proxies.clear()
            self._session = aiohttp.ClientSession(
                # The CA bundle httpx used, so a host without system certificates works.
                connector=aiohttp.TCPConnector(limit=self._pool_size, ssl=_tls()),
                # python-telegram-bot reads the status and the body itself.
                raise_for_status=False,
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        timeout = self._timeout(
            files=bool(files),
            read=read_timeout,
            write=write_timeout,
            connect=connect_timeout,
            pool=pool_timeout,
        )
        data: Any = None
        if request_data is not None:
            data = request_data.json_parameters
            if files:
                data = _form(data, files)
        try:
            async with session.request(
                method,
                url,
                data=data,
                timeout=timeout,
                proxy=self._proxy_for(url),
                headers={"User-Agent": self.USER_AGENT},
            ) as response:
                return response.status, await response.read()
        # aiohttp's messages can hold the URL, and with it the bot token: they are kept
        # out of the error and its cause, which end up in logs and in failed_delivery.
        except TimeoutError as err:  # aiohttp's timeouts are TimeoutErrors too
            raise TimedOut(f"Timed out: {_without_token(str(err))}") from None
        except aiohttp.ClientError as err:
            # The class name says what failed when the message is empty.
            raise NetworkError(
                f"aiohttp.{type(err).__name__}: {_without_token(str(err))}"
            ) from None

    def _proxy_for(self, url: str) -> str | None:
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc)
        if key not in self._proxies:
            proxies = getproxies()
            proxy = proxies.get(parts.scheme) or proxies.get("all")
            if proxy and "://" not in proxy:
                proxy = "http://" + proxy  # as httpx reads "proxy:3128"
            bypass = proxy_bypass(parts.hostname or "") or proxy_bypass(parts.netloc)
            self._proxies[key] = None if bypass else proxy
        return self._proxies[key]

    def _timeout(self, *, files: bool, **given: Any) -> aiohttp.ClientTimeout:
        chosen = {
            name: self._defaults[name] if isinstance(value, _UNSET) else value
            for name, value in given.items()
        }
        if files and isinstance(given["write"], _UNSET):
            chosen["write"] = MEDIA_WRITE
        # aiohttp has no write timeout of its own and counts the wait for a free pool
        # connection as part of connecting; a whole call is bounded by the sum of its parts.
        return aiohttp.ClientTimeout(
            total=_sum(*chosen.values()),
            connect=_sum(chosen["pool"], chosen["connect"]),
            sock_connect=chosen["connect"],
            sock_read=chosen["read"],
        )


@cache
def _tls() -> ssl.SSLContext:
    """One context for every pool: loading the CA bundle takes a while at start-up."""
    return ssl.create_default_context(cafile=certifi.where())


def _sum(*parts: float | None) -> float | None:
    return None if None in parts else sum(p for p in parts if p is not None)


_TOKEN_IN_URL = re.compile(r"/bot[^/\s'\"]+")


def _without_token(text: str) -> str:
    return _TOKEN_IN_URL.sub("/bot<token>", text)


def _form(fields: dict[str, str], files: dict[str, Any]) -> aiohttp.FormData:
    # Unquoted, as httpx sent them: "şikâyet.xlsx" stays readable in the chat.
    form = aiohttp.FormData(fields, quote_fields=False)
    for name, (filename, content, mimetype) in files.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
