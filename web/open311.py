"""Open311 GeoReport v2 at /open311/v2/: the municipality's topics as services, its
requests as service requests, in XML (the spec's required format) and JSON.

Anyone may read (GET): what they see is core.public_requests' public view. Posting needs
an API key (core.api_keys) and files the request through core.filing, the rule the chat
and the staff desk use, so it is numbered, routed, timed and shown to the department's
staff exactly like theirs. Every parameter is checked and a refusal says which and why,
in the spec's errors/error{code, description}; nothing is stored unless all of it fits.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from common.config import SUPPORTED_LANGUAGES
from common.i18n import N_, Translator, translator
from core import api_keys, intake
from core import public_requests as public
from core.codes import STATUSES
from core.filing import MAX_ADDRESS, MAX_TEXT, Filing, file_request, filed_already, phone_number
from core.refusals import Refused
from db import reference
from db.engine import transaction, without_blocking
from db.models import Category, Department
from flows.names import category_name, department_name
from web.open311_formats import (
    FORMATS,
    XML,
    Answer,
    Listing,
    Nested,
    Single,
    errors,
    response,
)
from web.site import Site, site_of

log = logging.getLogger("kentbot.open311")

PREFIX = "/open311/v2"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this API last changed in a way a client would notice (discovery's changeset).
CHANGESET = "2026-12-07T00:00:00Z"
# The one attribute a service takes: whether the description may be published.
PUBLISH = "publish"
# Of the free parameters a client may send and we do not keep (names, device and account
# ids): enough for any real value, too little to carry anything else.
MAX_PARAMETER = 200
MAX_EMAIL = 254
MAX_MEDIA_URL = 500
# A POST body: a 2,000-character description and every other field fit many times over.
MAX_BODY = 64 * 1024
# Control characters other than tab and line breaks: no client sends them in earnest.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NUMBER = re.compile(r"\d{4}-\d{6}")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_ATTRIBUTE = re.compile(r"attribute\[(.*)\]")
_TRUE, _FALSE = ("true", "1", "yes"), ("false", "0", "no")

# Texts of errors that name a parameter; the others are written where they are raised.
_ONCE = N_("{name} must be given only once.")
_CONTROL_TEXT = N_("{name} contains characters that are not allowed.")
_TOO_LONG = N_("{name} is too long: at most {limit} characters.")
_NOT_A_MOMENT = N_("{name} must be a date and time in ISO 8601, e.g. 2026-03-05T14:30:00+03:00.")


class Open311Error(Exception):
    """A refusal the client reads: an HTTP status and a description (an untranslated text
    with its placeholders' values)."""

    def __init__(self, status: int, text: str, **values: Any) -> None:
        super().__init__(text)
        self.status = status
        self.text = text
        self.values = values
        self.headers: dict[str, str] = {}

    def description(self, t: Translator) -> str:
        return t._(self.text).format(**self.values)


class Params:
    """A request's parameters (the query string's, and a POST's form fields), each checked
    as it is read: given once, without control characters, not over its length."""

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self._values: dict[str, list[str]] = {}
        for name, value in items:
            self._values.setdefault(name, []).append(value)

    def names(self) -> list[str]:
        return list(self._values)

    def get(self, name: str, limit: int = MAX_PARAMETER) -> str | None:
        values = self._values.get(name)
        if not values:
            return None
        if len(values) > 1:
            raise Open311Error(400, _ONCE, name=name)
        value = values[0]
        if _CONTROL.search(value):
            raise Open311Error(400, _CONTROL_TEXT, name=name)
        if len(value) > limit:
            raise Open311Error(400, _TOO_LONG, name=name, limit=limit)
        return value

    def listed(self, name: str) -> list[str]:
        """A comma-separated parameter's values, without blanks."""
        value = self.get(name, limit=public.MAX_RESULTS * (public.NUMBER_LENGTH + 1))
        return [part.strip() for part in (value or "").split(",") if part.strip()]


@dataclass
class Call:
    """One API call: where it came, in which format and language, with which parameters."""

    request: Request
    site: Site
    format: str
    t: Translator
    params: Params

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.site.config.municipality.timezone)


Handler = Callable[[Call], Coroutine[Any, Any, Response | Answer]]


def _language(request: Request, site: Site, params: Params) -> str:
    """`locale` if it is given, else the first language of Accept-Language we speak, else
    the municipality's. An unknown but well-formed language is not an error: the answer
    is in the municipality's language, as content negotiation has it."""
    default = site.config.municipality.default_language
    locale = params.get("locale", limit=35)
    if locale is not None:
        if not _LANGUAGE_TAG.fullmatch(locale):
            raise Open311Error(400, N_("locale must be a language tag such as tr or en."))
        primary = locale.replace("_", "-").split("-")[0].lower()
        return primary if primary in SUPPORTED_LANGUAGES else default
    weighted: list[tuple[float, str]] = []
    for part in request.headers.get("accept-language", "").split(",")[:20]:
        tag, _, quality = part.strip().partition(";q=")
        primary = tag.strip().split("-")[0].lower()
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            continue
        if primary in SUPPORTED_LANGUAGES and weight > 0:
            weighted.append((weight, primary))
    return max(weighted, key=lambda pair: pair[0])[1] if weighted else default


async def _form(request: Request) -> list[tuple[str, str]]:
    """A POST's form fields (urlencoded or multipart), refused when too large; files are
    not taken (media_url is a link)."""
    length = request.headers.get("content-length")
    if length is None or not length.isdigit() or int(length) > MAX_BODY:
        raise Open311Error(400, N_("The request is too large, or does not say its length."))
    try:
        form = await request.form(max_files=0, max_fields=100)
    except HTTPException as exc:
        raise Open311Error(400, N_("The form could not be read.")) from exc
    fields = [(name, value) for name, value in form.multi_items() if isinstance(value, str)]
    if len(fields) != len(form.multi_items()):
        raise Open311Error(400, N_("Files are not taken: give a photo's address in media_url."))
    return fields


def endpoint(
    handler: Handler, *, engine: str = "reader"
) -> Callable[[Request], Awaitable[Response]]:
    """The handler with what every call shares: its format, language and parameters read,
    its refusals answered in the spec's shape, its database reads off the event loop."""

    async def serve(request: Request) -> Response:
        site = site_of(request)
        form = request.path_params.get("format", XML)
        if form not in FORMATS:
            form = XML
            error = Open311Error(404, N_("The format must be xml or json."))
            return _refusal(error, form, translator(site.config.municipality.default_language))
        t = translator(site.config.municipality.default_language)
        try:
            items = list(request.query_params.multi_items())
            if request.method == "POST":
                items += await _form(request)
            params = Params(items)
            t = translator(_language(request, site, params))
            call = Call(request, site, form, t, params)
            db = site.engine if engine == "primary" else site.reader
            answer: Response | Answer = await without_blocking(db, handler(call))
        except Open311Error as error:
            return _refusal(error, form, t)
        return answer if isinstance(answer, Response) else response(answer, form)

    return serve


def _refusal(error: Open311Error, form: str, t: Translator) -> Response:
    return response(errors(error.status, error.description(t)), form, error.status, **error.headers)


def _moment(value: datetime | None, tz: ZoneInfo) -> str | None:
    """ISO 8601 with the municipality's offset, as the spec asks (2026-03-05T14:30:00+03:00)."""
    return None if value is None else value.astimezone(tz).isoformat(timespec="seconds")


def _base_url(call: Call) -> str:
    return call.site.config.web.public_url.rstrip("/") or str(call.request.base_url).rstrip("/")


# --- Discovery and services --------------------------------------------------------------


async def discovery(call: Call) -> Answer:
    municipality = call.site.config.municipality
    contact = ", ".join(part for part in (municipality.name, municipality.phone) if part)
    return Single(
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": contact,
            "key_service": call.t._(
                "Keys to post requests are given by {municipality}: ask them for one."
            ).format(municipality=municipality.name),
            "endpoints": Nested(
                "endpoint",
                [
                    {
                        "specification": SPECIFICATION,
                        "url": _base_url(call) + PREFIX,
                        "changeset": CHANGESET,
                        "type": "production",
                        "formats": Nested("format", ["text/xml", "application/json"]),
                    }
                ],
            ),
        },
    )


def _service(session: Session, category: Category, t: Translator) -> dict[str, Any]:
    department = department_name(reference.get(session, Department, category.department_code), t)
    return {
        "service_code": category.code,
        "service_name": category_name(category, t),
        "description": t._("Handled by {department}.").format(department=department),
        # True: the service definition offers the `publish` attribute.
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join(category.keywords),
        "group": department,
    }


async def services(call: Call) -> Answer:
    with transaction(call.site.reader) as session:
        rows = sorted(
            (c for c in reference.every(session, Category) if c.active),
            key=lambda c: (c.department_code, category_name(c, call.t)),
        )
        return Listing("services", "service", [_service(session, c, call.t) for c in rows])


def _active_category(session: Session, code: str | None) -> Category | None:
    category = reference.get(session, Category, code)
    return category if category is not None and category.active else None


async def service_definition(call: Call) -> Answer:
    code = call.request.path_params["code"]
    with transaction(call.site.reader) as session:
        category = _active_category(session, code)
    if category is None:
        raise Open311Error(404, N_("There is no service with this code."))
    t = call.t
    return Single(
        "service_definition",
        {
            "service_code": category.code,
            "attributes": Nested(
                "attribute",
                [
                    {
                        "variable": True,
                        "code": PUBLISH,
                        "datatype": "singlevaluelist",
                        "required": False,
                        "datatype_description": t._(
                            "true: the description may be shown publicly; "
                            "false (the default): it is not."
                        ),
                        "order": 1,
                        "description": t._(
                            "May the description be shown publicly? The name, phone "
                            "number and address never are."
                        ),
                        "values": Nested(
                            "value",
                            [
                                {"key": "true", "name": t._("Yes, publish the description")},
                                {"key": "false", "name": t._("No, keep it private")},
                            ],
                        ),
                    }
                ],
            ),
        },
    )


# --- Reading requests --------------------------------------------------------------------


def _row(session: Session, request: public.PublicRequest, call: Call) -> dict[str, Any]:
    t, tz = call.t, call.tz
    category = reference.get(session, Category, request.category_code)
    department = reference.get(session, Department, request.department_code)
    return {
        "service_request_id": request.number,
        "status": "open" if request.open else "closed",
        "status_notes": t._(STATUSES.get(request.status, request.status)),
        "service_name": category_name(category, t) if category else request.category_code,
        "service_code": request.category_code,
        "description": request.description,
        "agency_responsible": department_name(department, t),
        "service_notice": None,
        "requested_datetime": _moment(request.requested_at, tz),
        "updated_datetime": _moment(request.updated_at, tz),
        "expected_datetime": _moment(request.expected_at, tz),
        "lat": request.latitude,
        "long": request.longitude,
    }


def _listing(session: Session, rows: list[public.PublicRequest], call: Call) -> Listing:
    return Listing("service_requests", "request", [_row(session, r, call) for r in rows])


def _date(call: Call, name: str) -> datetime | None:
    value = call.params.get(name, limit=40)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
        # The spec asks for an offset; a time without one is taken as the municipality's.
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=call.tz)
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise Open311Error(400, _NOT_A_MOMENT, name=name) from None
    # Years far off (0001, 9999) would overflow the 90-day arithmetic; nothing is there.
    if not 1900 <= moment.year <= 2200:
        raise Open311Error(400, _NOT_A_MOMENT, name=name)
    return moment


def _period(call: Call, now: datetime) -> tuple[datetime, datetime]:
    start, end = _date(call, "start_date"), _date(call, "end_date")
    if start is None and end is None:
        end = now
    if start is None:
        assert end is not None
        start = end - public.MAX_SPAN
    if end is None:
        end = start + public.MAX_SPAN
    if start > end:
        raise Open311Error(400, N_("start_date must not be after end_date."))
    if end - start > public.MAX_SPAN:
        raise Open311Error(400, N_("start_date and end_date may be at most 90 days apart."))
    return start, end


def _statuses(call: Call) -> bool | None:
    wanted = {s.lower() for s in call.params.listed("status")}
    if not wanted <= {"open", "closed"}:
        raise Open311Error(400, N_("status must be open or closed, or both comma-separated."))
    return None if len(wanted) != 1 else wanted == {"open"}


def _numbers(call: Call) -> list[str]:
    numbers = call.params.listed("service_request_id")
    if len(numbers) > public.MAX_RESULTS:
        raise Open311Error(
            400, N_("At most {limit} service_request_id values."), limit=public.MAX_RESULTS
        )
    if not all(_NUMBER.fullmatch(n) for n in numbers):
        raise Open311Error(
            400, N_("service_request_id must be request numbers such as 2026-000123.")
        )
    return numbers


async def requests(call: Call) -> Answer:
    call.params.get("jurisdiction_id")  # accepted: this server has one jurisdiction
    numbers = _numbers(call)
    with transaction(call.site.reader) as session:
        if numbers:  # the spec: service_request_id overrides every other parameter
            return _listing(session, public.by_numbers(session, numbers), call)
        codes = call.params.listed("service_code")
        for code in codes:
            if reference.get(session, Category, code) is None:
                raise Open311Error(400, N_("There is no service with the code {code}."), code=code)
        start, end = _period(call, datetime.now(UTC))
        found = public.search(session, start, end, categories=codes, open_=_statuses(call))
        return _listing(session, found, call)


async def one_request(call: Call) -> Answer:
    call.params.get("jurisdiction_id")
    number = call.request.path_params["number"]
    with transaction(call.site.reader) as session:
        found = public.by_numbers(session, [number]) if _NUMBER.fullmatch(number) else []
        if not found:
            raise Open311Error(404, N_("There is no request with this number."))
        return _listing(session, found, call)


async def token(call: Call) -> Answer:
    # Requests are filed at once (type realtime): a POST answers with the number itself,
    # and no token is ever given out to be looked up later.
    raise Open311Error(
        404,
        N_(
            "There is no such token: requests are filed at once, and a POST answers with "
            "their service_request_id."
        ),
    )


async def not_found(call: Call) -> Answer:
    raise Open311Error(404, N_("There is no such resource here; see discovery.xml."))


# --- Posting a request -------------------------------------------------------------------


def _limiter(request: Request) -> api_keys.RateLimiter:
    """The application's rate limiter (core.api_keys.RateLimiter says why in memory)."""
    limiter: api_keys.RateLimiter | None = getattr(request.app.state, "open311_limits", None)
    if limiter is None:
        limiter = request.app.state.open311_limits = api_keys.RateLimiter()
    return limiter


def _coordinate(call: Call, name: str, bound: float) -> float | None:
    value = call.params.get(name, limit=40)
    if value is None or not value.strip():
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or not -bound <= number <= bound:
        raise Open311Error(
            400, N_("{name} must be a number from -{bound} to {bound}."), name=name, bound=bound
        )
    return number


def _publish(call: Call) -> bool:
    publish = False
    for name in call.params.names():
        match = _ATTRIBUTE.fullmatch(name)
        if match is None:
            continue
        if match.group(1) != PUBLISH:
            raise Open311Error(
                400, N_("There is no attribute {code}."), code=match.group(1)[:MAX_PARAMETER]
            )
        value = (call.params.get(name) or "").strip().lower()
        if value not in _TRUE + _FALSE:
            raise Open311Error(400, N_("attribute[publish] must be true or false."))
        publish = value in _TRUE
    return publish


def _filing(call: Call, session: Session, key_name: str, channel: str) -> Filing:
    """The request the parameters describe, every one checked."""
    params = call.params
    params.get("jurisdiction_id")
    code = params.get("service_code", limit=64)
    if not code:
        raise Open311Error(400, N_("service_code is required."))
    if _active_category(session, code) is None:
        raise Open311Error(400, N_("There is no service with the code {code}."), code=code)
    latitude = _coordinate(call, "lat", 90)
    longitude = _coordinate(call, "long", 180)
    if (latitude is None) != (longitude is None):
        raise Open311Error(400, N_("lat and long must be given together."))
    address = (params.get("address_string", limit=MAX_ADDRESS) or "").strip() or None
    if params.get("address_id") is not None:
        raise Open311Error(
            400, N_("address_id is not used here: give lat and long, or address_string.")
        )
    if latitude is None and address is None:
        raise Open311Error(400, N_("Where is it? Give lat and long, or address_string (or both)."))
    description = (params.get("description", limit=MAX_TEXT) or "").strip()
    if not description:
        raise Open311Error(400, N_("description is required."))
    phone = (params.get("phone", limit=40) or "").strip() or None
    if phone is not None:
        try:
            phone = phone_number(phone)
        except Refused:
            raise Open311Error(400, N_("phone must have 10 to 15 digits.")) from None
    email = params.get("email", limit=MAX_EMAIL)
    if email and not _EMAIL.fullmatch(email.strip()):
        raise Open311Error(400, N_("email is not an email address."))
    media_url = (params.get("media_url", limit=MAX_MEDIA_URL) or "").strip()
    if media_url and not re.fullmatch(r"https?://[^\s<>\"]+", media_url):
        raise Open311Error(400, N_("media_url must be an http or https address."))
    # Read only to be checked: the requester's name, device and account are not kept (the
    # municipality calls back on the phone number, and needs nothing else of them).
    for name in ("first_name", "last_name", "device_id", "account_id"):
        params.get(name)
    return Filing(
        channel=channel,
        type=intake.DEFAULT_TYPE,
        category_code=code,
        text=description,
        latitude=latitude,
        longitude=longitude,
        address=address,
        phone=phone,
        publish=_publish(call),
        actor="citizen",
        origin={"api_key": key_name, **({"media_url": media_url} if media_url else {})},
    )


# Refusals of core.filing that the checks above should already have caught, as a client
# reads them should one get through.
_FILING_REFUSALS = {
    "too_long": N_("description is too long."),
    "empty": N_("description is required."),
    "bad_location": N_("lat and long must be a point on Earth."),
    "bad_phone": N_("phone must have 10 to 15 digits."),
    "unknown_category": N_("There is no service with this code."),
}


async def post_request(call: Call) -> Response | Answer:
    site = call.site
    key = call.params.get("api_key", limit=256)
    if not key:
        raise Open311Error(403, N_("An api_key is required to post a request."))
    with transaction(site.engine) as session:
        found = api_keys.authenticate(session, key)
        if found is None:
            raise Open311Error(403, N_("This api_key is not valid, or it was revoked."))
        name, key_hash = found.name, found.key_hash
        channel, rate = found.channel, found.rate_per_minute
    wait = _limiter(call.request).wait(key_hash, rate)
    if wait:
        seconds = math.ceil(wait)
        error = Open311Error(
            429,
            N_("Too many requests with this api_key: try again in {seconds} seconds."),
            seconds=seconds,
        )
        error.headers["Retry-After"] = str(seconds)
        raise error
    calendar = site.calendar
    try:
        with transaction(site.engine) as session:
            filing = _filing(call, session, name, channel)
            # A POST sent again after its answer was lost gets the same request back.
            request = filed_already(session, filing)
            new = request is None
            if request is None:
                request, _event = file_request(session, calendar, filing)
            request_id, number = request.id, request.number
            department = department_name(
                reference.get(session, Department, request.department_code), call.t
            )
    except Refused as refused:
        text = _FILING_REFUSALS.get(refused.reason, N_("The request could not be filed."))
        raise Open311Error(400, text) from None
    assert request_id is not None
    if new:
        log.info("request %s filed through Open311 (key %s)", number, name)
    else:
        log.info("request %s sent again through Open311 (key %s): not filed twice", number, name)
    answer = Listing(
        "service_requests",
        "request",
        [
            {
                "service_request_id": number,
                "service_notice": call.t._(
                    "Your request {number} was sent to {department}."
                ).format(number=number, department=department),
                "account_id": None,
            }
        ],
    )
    reply = response(answer, call.format)
    if new:
        reply.background = site.card_after_answer(request_id)
    return reply


def _route(path: str, handler: Handler, **options: Any) -> Route:
    methods = options.pop("methods", ["GET"])
    return Route(PREFIX + path, endpoint(handler, **options), methods=methods)


routes: list[BaseRoute] = [
    _route("/discovery.{format}", discovery),
    _route("/services.{format}", services),
    _route("/services/{code}.{format}", service_definition),
    _route("/requests.{format}", requests),
    _route("/requests.{format}", post_request, methods=["POST"], engine="primary"),
    _route("/requests/{number}.{format}", one_request),
    _route("/tokens/{token}.{format}", token),
    _route("/tokens/{token}", token),
    _route("/{rest:path}", not_found, methods=["GET", "POST"]),
]
