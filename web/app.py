"""The web application: every part's routes in one Starlette app, with safe defaults.

Each part of the site (dashboard, Open311, staff desk) is a module with a `routes`
list; adding a part is one line in PARTS.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from common.i18n import N_
from web import dashboard, open311
from web.desk.routes import routes as desk
from web.pages import STATIC, error_page, language_of_path
from web.site import Site

log = logging.getLogger("kentbot.web")

# Nothing from elsewhere: municipal networks are often closed, and a page that loads
# nothing from outside leaks nothing about its readers either.
_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}

# The dashboard last: its /{year} pages must not shadow the others' paths.
PARTS: tuple[Sequence[BaseRoute], ...] = (open311.routes, desk, dashboard.routes)

_MESSAGES = {
    404: N_("There is no such page."),
    405: N_("This page cannot be used that way."),
    500: N_("Something went wrong on our side. Please try again a little later."),
}


async def _headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    response = await call_next(request)
    for name, value in _HEADERS.items():
        response.headers.setdefault(name, value)
    if request.url.path.startswith("/masa"):
        # Staff pages show phones and addresses: never kept by a browser or a proxy, so the
        # back button after signing out shows nothing.
        response.headers.setdefault("Cache-Control", "private, no-store")
    return response


async def health(request: Request) -> Response:
    """For a load balancer: the web application answers."""
    return PlainTextResponse("ok")


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = _MESSAGES.get(exc.status_code, _MESSAGES[404])
    return error_page(request, exc.status_code, message, language_of_path(request.url.path))


async def _server_error(request: Request, exc: Exception) -> Response:
    # The route's pattern, not the path: a path can hold a sign-in secret.
    route = request.scope.get("route")
    log.error("web page %s failed", getattr(route, "path", "?"), exc_info=exc)
    return error_page(request, 500, _MESSAGES[500], language_of_path(request.url.path))


def create_app(site: Site, parts: Sequence[Sequence[BaseRoute]] | None = None) -> Starlette:
    routes: list[BaseRoute] = [
        Route("/healthz", health),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    for part in PARTS if parts is None else parts:
        routes.extend(part)
    app = Starlette(
        routes=routes,
        middleware=[Middleware(BaseHTTPMiddleware, dispatch=_headers)],
        exception_handlers={HTTPException: _http_error, 500: _server_error},
    )
    app.state.site = site
    return app
