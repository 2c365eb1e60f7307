"""Sessions of the staff desk: signing in with the bot's one-time link, signing out, and
`staff_page`, which every desk page goes through.

Cookies: the session's secret is HttpOnly (no script reads it), SameSite=Lax (another
site's form does not carry it), Secure behind TLS, and limited to /masa. Every POST also
carries the session's CSRF token. The sign-in form is bound to the browser that opened the
link (a nonce cookie), so nobody can sign someone else's browser in to their own account.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from common.i18n import N_, Translator, translator
from core import citizens, desk_sessions
from core.refusals import Refused
from db.engine import transaction, without_blocking
from db.models import StaffMember
from db.types import utcnow
from web.pages import render
from web.site import Site, site_of

COOKIE = "kentbot_masa"
NONCE_COOKIE = "kentbot_giris"
PREFIX = "/masa"

LINK_PROBLEMS = {
    "link_used": N_("This sign-in link has been used already. Each link works once."),
    "link_expired": N_("This sign-in link has expired."),
    "link_unknown": N_("This sign-in link is not valid."),
    "nonce": N_("Please open the sign-in link again and press the button on that page."),
}


@dataclass
class Desk:
    """The signed-in staff member behind a desk page, in their language."""

    site: Site
    member: StaffMember
    csrf: str
    t: Translator
    form: FormData | None = None
    extra: dict[str, Any] = field(default_factory=dict)


DeskPage = Callable[[Request, Desk], Awaitable[Response]]


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or site_of(request).config.web.base_url.startswith(
        "https://"
    )


def _staff_language(site: Site, member: StaffMember) -> str:
    with transaction(site.engine) as session:
        return citizens.language_of(session, member.telegram_id, None)


def sign_in_needed(request: Request, t: Translator, status_code: int = 401) -> Response:
    return render(request, "desk/sign_in_needed.html", t, status_code=status_code)


# A desk form carries a few fields and no file; anything bigger is not ours.
MAX_FORM_BYTES = 256 * 1024
MAX_FORM_FIELDS = 50


async def read_form(request: Request) -> FormData | None:
    """The posted form, or None when it is too big or carries files."""
    length = request.headers.get("content-length", "")
    if not length.isascii() or not length.isdigit() or int(length) > MAX_FORM_BYTES:
        return None
    return await request.form(max_files=0, max_fields=MAX_FORM_FIELDS)


def staff_page(handler: DeskPage) -> Callable[[Request], Awaitable[Response]]:
    """The page for signed-in staff only; a POST must carry the session's CSRF token.

    The page's database work waits for PostgreSQL without holding up the event loop the
    bot shares (db.engine.without_blocking): a page that blocked the loop while a chat's
    transaction held a row it needs would wait for a COMMIT that could never be sent."""

    async def endpoint(request: Request) -> Response:
        return await without_blocking(site_of(request).engine, _serve(request, handler))

    return endpoint


async def _serve(request: Request, handler: DeskPage) -> Response:
    site = site_of(request)
    with transaction(site.engine) as session:
        signed = desk_sessions.member_of(session, request.cookies.get(COOKIE), utcnow())
    default = translator(site.config.municipality.default_language)
    if signed is None:
        return sign_in_needed(request, default)
    t = translator(_staff_language(site, signed.member))
    desk = Desk(site=site, member=signed.member, csrf=signed.csrf, t=t)
    if request.method == "POST":
        desk.form = await read_form(request)
        token = desk.form.get("csrf") if desk.form is not None else None
        if not desk_sessions.csrf_matches(signed.csrf, token if isinstance(token, str) else None):
            return render(
                request,
                "error.html",
                t,
                status_code=403,
                code=403,
                message=t._(
                    "This form is out of date or did not come from the staff desk. "
                    "Nothing was changed. Please open the page again and retry."
                ),
            )
    return await handler(request, desk)


def desk_render(request: Request, desk: Desk, template: str, **context: Any) -> Response:
    """A desk page: the member and the CSRF token are in every template's context."""
    status_code = context.pop("status_code", 200)
    return render(
        request,
        template,
        desk.t,
        status_code=status_code,
        member=desk.member,
        csrf=desk.csrf,
        **context,
    )


def _problem_page(request: Request, t: Translator, problem: str) -> Response:
    status = 404 if problem == "link_unknown" else 410 if problem.startswith("link_") else 400
    return render(
        request,
        "desk/sign_in_problem.html",
        t,
        status_code=status,
        message=t._(LINK_PROBLEMS[problem]),
    )


async def sign_in_page(request: Request) -> Response:
    return await without_blocking(site_of(request).engine, _sign_in_page(request))


async def _sign_in_page(request: Request) -> Response:
    """The link from /panel: a page with one button. Opening the link changes nothing (a
    link preview or a virus scanner may fetch it); pressing the button signs in."""
    site = site_of(request)
    t = translator(site.config.municipality.default_language)
    token = request.path_params["token"]
    with transaction(site.engine) as session:
        state = desk_sessions.link_state(session, token, utcnow())
    if state != "valid":
        return _problem_page(request, t, f"link_{state}")
    nonce = secrets.token_urlsafe(16)
    response = render(request, "desk/sign_in.html", t, nonce=nonce)
    response.set_cookie(
        NONCE_COOKIE,
        nonce,
        max_age=int(desk_sessions.LINK_LIFETIME.total_seconds()),
        path=f"{PREFIX}/giris/",
        httponly=True,
        samesite="strict",
        secure=_secure(request),
    )
    return response


async def sign_in(request: Request) -> Response:
    return await without_blocking(site_of(request).engine, _sign_in(request))


async def _sign_in(request: Request) -> Response:
    site = site_of(request)
    t = translator(site.config.municipality.default_language)
    form = await read_form(request)
    nonce = form.get("nonce") if form is not None else None
    cookie = request.cookies.get(NONCE_COOKIE)
    if not isinstance(nonce, str) or not desk_sessions.csrf_matches(nonce, cookie):
        return _problem_page(request, t, "nonce")
    try:
        with transaction(site.engine) as session:
            opened = desk_sessions.redeem(session, request.path_params["token"], utcnow())
    except Refused as refused:
        return _problem_page(request, t, refused.reason)
    response = RedirectResponse(f"{PREFIX}/", status_code=303)
    # No max_age: the cookie goes when the browser closes (a shared call-centre PC), and
    # the server ends the session after its idle and total limits whatever the browser does.
    response.set_cookie(
        COOKIE,
        opened.token,
        path=PREFIX,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )
    response.delete_cookie(NONCE_COOKIE, path=f"{PREFIX}/giris/")
    return response


@staff_page
async def sign_out(request: Request, desk: Desk) -> Response:
    with transaction(desk.site.engine) as session:
        desk_sessions.sign_out(session, request.cookies.get(COOKIE))
    response = render(request, "desk/signed_out.html", desk.t)
    response.delete_cookie(COOKIE, path=PREFIX)
    return response


routes = [
    Route(f"{PREFIX}/giris/{{token}}", sign_in_page, methods=["GET"]),
    Route(f"{PREFIX}/giris/{{token}}", sign_in, methods=["POST"]),
    Route(f"{PREFIX}/cikis", sign_out, methods=["POST"]),
]
