"""/masa/rakamlar: the figures only staff know (new public-relations projects, condolence
visits, funeral meals), entered and corrected per month.

Every signed-in staff member may read the page: the figures go into the public report
anyway. Entering is core.monthly_figures' rule (admins, supervisors, and the departments
that do the work); the page only offers the boxes that rule allows, and core checks every
posted box again, so a forged form changes nothing. POST-redirect-GET: a saved month
redirects to the list; a refused one comes back with the typed values and the reasons.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from common.i18n import N_
from core import monthly_figures
from core.periods import period
from core.refusals import Refused
from db.engine import transaction
from db.models import StaffMember
from db.types import utcnow
from web.desk.auth import PREFIX, Desk, desk_render, staff_page

PAGE = f"{PREFIX}/rakamlar"
SAVED = "kaydedildi"  # ?kaydedildi=2025-03 after a month was saved
MONTHS_SHOWN = 12

REFUSALS = {
    "bad_month": N_("That is not a month. Choose one like 2025-03."),
    "future_month": N_("That month has not begun yet. Figures are entered once a month starts."),
    "bad_value": N_("Type a whole number from 0 to 10,000,000, without a comma or a minus sign."),
    "not_allowed": N_(
        "Only admins, supervisors and staff of the public-relations directorate (and, for "
        "condolence visits and funeral meals, of social support) can enter these figures."
    ),
}


@dataclass(frozen=True)
class Box:
    """One figure's box on a month's form: what was typed and what is wrong with it."""

    code: str
    label: str
    typed: str
    stored: monthly_figures.Entry | None
    error: str = ""


def _key(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def _today(desk: Desk) -> date:
    return utcnow().astimezone(desk.site.config.tz).date()


def _refusal(desk: Desk, reason: str) -> str:
    return desk.t._(REFUSALS.get(reason, REFUSALS["bad_value"]))


def _list(request: Request, desk: Desk, error: str = "", status_code: int = 200) -> Response:
    config = desk.site.config
    today = _today(desk)
    months = monthly_figures.last_months(today, MONTHS_SHOWN)
    year = period("year", today, config.tz)
    with transaction(desk.site.engine) as session:
        entered = monthly_figures.entries(session, months[-1], months[0])
        sums = monthly_figures.sums(session, config, year)
    targets = monthly_figures.targets(config, today.year)
    saved = request.query_params.get(SAVED, "")
    saved_month = None
    if saved:
        try:
            saved_month = monthly_figures.parse_month(saved)
        except Refused:
            saved_month = None
    return desk_render(
        request,
        desk,
        "desk/figures.html",
        status_code=status_code,
        months=[(month, _key(month)) for month in months],
        codes=monthly_figures.CODES,
        labels=monthly_figures.LABELS,
        entered=entered,
        sums=sums,
        targets=targets,
        year=today.year,
        may_enter=bool(monthly_figures.codes_for(desk.member)),
        saved_month=saved_month,
        error=error,
        current=_key(today),
        tz=config.tz,
    )


@staff_page
async def figures_page(request: Request, desk: Desk) -> Response:
    """The last twelve months, the year against its targets, and a way to another month."""
    chosen = request.query_params.get("ay")
    if chosen is not None:
        # The "another month" form: a GET, so the month's page has an address of its own.
        try:
            month = monthly_figures.check_month(monthly_figures.parse_month(chosen), _today(desk))
        except Refused as refused:
            return _list(request, desk, _refusal(desk, refused.reason), status_code=400)
        return RedirectResponse(f"{PAGE}/{_key(month)}", status_code=303)
    return _list(request, desk)


def _month_of(request: Request, desk: Desk) -> date:
    month = monthly_figures.parse_month(request.path_params["month"])
    return monthly_figures.check_month(month, _today(desk))


def _form(
    request: Request,
    desk: Desk,
    month: date,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    with transaction(desk.site.engine) as session:
        stored = monthly_figures.entries(session, month, month)
    allowed = monthly_figures.codes_for(desk.member)
    boxes = []
    for code in allowed:
        entry = stored.get((month, code))
        shown = (typed or {}).get(code)
        if shown is None:
            shown = "" if entry is None else str(entry.value)
        boxes.append(
            Box(code, monthly_figures.LABELS[code], shown, entry, (errors or {}).get(code, ""))
        )
    others = [
        (code, stored.get((month, code))) for code in monthly_figures.CODES if code not in allowed
    ]
    return desk_render(
        request,
        desk,
        "desk/figures_month.html",
        status_code=status_code,
        month=month,
        key=_key(month),
        boxes=boxes,
        others=others,
        labels=monthly_figures.LABELS,
        tz=desk.site.config.tz,
        has_errors=bool(errors),
    )


def _not_allowed(request: Request, desk: Desk) -> Response:
    return desk_render(
        request,
        desk,
        "error.html",
        status_code=403,
        code=403,
        message=_refusal(desk, "not_allowed"),
    )


@staff_page
async def month_page(request: Request, desk: Desk) -> Response:
    try:
        month = _month_of(request, desk)
    except Refused as refused:
        return _list(request, desk, _refusal(desk, refused.reason), status_code=404)
    if not monthly_figures.codes_for(desk.member):
        return _not_allowed(request, desk)
    return _form(request, desk, month)


@staff_page
async def save_month(request: Request, desk: Desk) -> Response:
    """Every filled box of the month, all or nothing; an empty box keeps its value."""
    try:
        month = _month_of(request, desk)
    except Refused as refused:
        return _list(request, desk, _refusal(desk, refused.reason), status_code=400)
    assert desk.form is not None
    typed: dict[str, str] = {}
    for code in monthly_figures.CODES:
        posted = desk.form.get(code)
        if isinstance(posted, str):
            typed[code] = posted.strip()
    values: dict[str, int] = {}
    errors: dict[str, str] = {}
    for code, text in typed.items():
        if not text:
            continue
        try:
            values[code] = monthly_figures.parse_value(text)
        except Refused as refused:
            errors[code] = _refusal(desk, refused.reason)
    if errors:
        return _form(request, desk, month, typed, errors, status_code=400)
    try:
        with transaction(desk.site.engine) as session:
            member = session.get(StaffMember, desk.member.id)
            now = utcnow()
            for code, value in values.items():
                monthly_figures.record(session, member, month, code, value, now, desk.site.config)
    except Refused as refused:
        # Boxes the rule does not allow this member are not on their form: a forgery.
        if refused.reason != "not_allowed":
            raise
        return _not_allowed(request, desk)
    return RedirectResponse(f"{PAGE}?{SAVED}={_key(month)}", status_code=303)


routes = [
    Route(PAGE, figures_page, methods=["GET"]),
    Route(f"{PAGE}/{{month}}", month_page, methods=["GET"]),
    Route(f"{PAGE}/{{month}}", save_month, methods=["POST"]),
]
