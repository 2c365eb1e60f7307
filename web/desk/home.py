"""The desk's first page after signing in."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from web.desk.auth import PREFIX, Desk, desk_render, staff_page


@staff_page
async def home(request: Request, desk: Desk) -> Response:
    return desk_render(request, desk, "desk/home.html")


routes = [Route(f"{PREFIX}/", home, methods=["GET"])]
