"""The desk's first page, the queue of requests (/masa/), and its exports as CSV and xlsx.

What a staff member may see and how it is filtered and ordered is core.desk_queue's; this
module reads the query string, shows a refusal in the member's language when a filter is
not one of the choices (keeping what was typed in the form), and streams the exports.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from common.i18n import N_
from core import desk_queue, queue_export
from core.codes import CHANNELS, STATUSES
from core.desk_queue import QueueFilter
from core.refusals import Refused
from db.engine import transaction
from db.types import utcnow
from flows.names import category_name, department_name
from web.desk.auth import PREFIX, Desk, desk_render, staff_page
from web.pages import render

FILTER_PROBLEMS = {
    "bad_department": N_(
        "There is no such department among those you can see. Please choose one from the list."
    ),
    "bad_status": N_("There is no such status. Please choose one from the list."),
    "bad_channel": N_("There is no such channel. Please choose one from the list."),
    "bad_assignee": N_(
        "There is no such staff member among those you can see. Please choose one from the list."
    ),
    "bad_overdue": N_("The overdue filter can only be on or off."),
    "search_too_long": N_("The search is too long (at most 100 characters)."),
    "bad_page": N_("The page number must be a whole number."),
}

# What an action done on a request's page says on the queue it returned to (the member
# may no longer see a request they redirected). Only these keys are read from the URL.
DONE = {
    "redirect": N_("The request has been redirected."),
}

_FIELDS = ("department", "status", "overdue", "channel", "assignee", "q")


def _typed(request: Request) -> dict[str, str]:
    """The filter as typed, to fill the form again whatever it holds (autoescaped)."""
    return {name: request.query_params.get(name, "") for name in _FIELDS}


def _query(chosen: QueueFilter) -> dict[str, str]:
    """The filter as a query string's fields, for paging and export links."""
    fields = {
        "department": chosen.department or "",
        "status": chosen.status,
        "overdue": "1" if chosen.overdue else "",
        "channel": chosen.channel or "",
        "assignee": chosen.assignee or "",
        "q": chosen.search,
    }
    return {name: value for name, value in fields.items() if value}


def _read(request: Request, desk: Desk) -> tuple[QueueFilter | None, int, str | None]:
    """The filter and page asked for, or the reason (a key of FILTER_PROBLEMS) they are not."""
    page_text = request.query_params.get("page", "1").strip() or "1"
    # ASCII digits only, and few: "²" is a digit to str.isdigit but not to int().
    if not (page_text.isascii() and page_text.isdigit() and len(page_text) <= 6):
        return None, 1, "bad_page"
    try:
        with transaction(desk.site.engine) as session:
            chosen = desk_queue.read_filter(session, desk.member, request.query_params)
    except Refused as refused:
        return None, int(page_text), refused.reason
    return chosen, int(page_text), None


def _choices(desk: Desk) -> dict[str, Any]:
    t = desk.t
    with transaction(desk.site.engine) as session:
        departments = [
            (d.code, department_name(d, t))
            for d in desk_queue.departments_for(session, desk.member)
        ]
        assignees = [
            (str(m.id), m.name or t._("Staff member {id}").format(id=m.id))
            for m in desk_queue.assignees_for(session, desk.member)
        ]
    return {
        "departments": departments,
        "statuses": [(code, t._(label)) for code, label in STATUSES.items()],
        "channels": [(code, t._(label)) for code, label in CHANNELS.items()],
        "assignees": assignees,
    }


@staff_page
async def queue(request: Request, desk: Desk) -> Response:
    chosen, page, problem = _read(request, desk)
    t = desk.t
    context: dict[str, Any] = {
        "typed": _typed(request),
        "problem": t._(FILTER_PROBLEMS[problem]) if problem else None,
        "done": t._(DONE[request.query_params["done"]])
        if request.query_params.get("done") in DONE
        else None,
        **_choices(desk),
    }
    if chosen is None:
        return desk_render(request, desk, "desk/queue.html", status_code=400, found=None, **context)
    now = utcnow()
    # The primary, not a replica: right after an action or a filing the queue must show it.
    with transaction(desk.site.engine) as session:
        found = desk_queue.queue_page(session, desk.member, chosen, now, page)
    query = _query(chosen)
    rows = [
        {
            "id": row.request.id,
            "number": row.request.number,
            "received": t.short_datetime(row.request.created_at, desk.site.config.tz),
            "topic": category_name(row.category, t) if row.category else row.request.category_code,
            "department": department_name(row.department, t),
            "status": t._(STATUSES.get(row.request.status, row.request.status)),
            "assignee": row.assignee,
            "due": t.short_datetime(row.request.due_at, desk.site.config.tz)
            if row.request.due_at
            else None,
            "overdue": row.overdue,
            "text": row.request.text
            if len(row.request.text) <= 120
            else row.request.text[:119] + "…",
        }
        for row in found.rows
    ]

    def page_link(number: int) -> str:
        return f"{PREFIX}/?" + urlencode({**query, "page": str(number)})

    return desk_render(
        request,
        desk,
        "desk/queue.html",
        found=found,
        rows=rows,
        previous=page_link(found.page - 1) if found.page > 1 else None,
        next=page_link(found.page + 1) if found.page < found.pages else None,
        export_query=urlencode(query),
        **context,
    )


def _export_filter(request: Request, desk: Desk) -> QueueFilter | Response:
    """The filter an export link carries, or the error page of one that is no choice."""
    chosen, _, problem = _read(request, desk)
    if chosen is not None:
        return chosen
    assert problem is not None
    return render(
        request,
        "error.html",
        desk.t,
        status_code=400,
        code=400,
        message=desk.t._(FILTER_PROBLEMS[problem]),
    )


def _attachment(desk: Desk, extension: str) -> dict[str, str]:
    """The headers of an export: a file named for today, kept by no cache on the way."""
    today = utcnow().astimezone(desk.site.config.tz).date().isoformat()
    return {
        "Content-Disposition": f'attachment; filename="talepler-{today}.{extension}"',
        "Cache-Control": "private, no-store",
    }


@staff_page
async def export_csv(request: Request, desk: Desk) -> Response:
    chosen = _export_filter(request, desk)
    if isinstance(chosen, Response):
        return chosen
    now, t, tz = utcnow(), desk.t, desk.site.config.tz
    engine, member = desk.site.reader, desk.member

    def chunks() -> Iterator[bytes]:
        # One read transaction for the whole file, fetched in batches as it is sent.
        with transaction(engine) as session:
            rows = desk_queue.export_rows(session, member, chosen, now)
            yield from queue_export.csv_chunks(rows, t, tz)

    return StreamingResponse(
        chunks(),
        media_type="text/csv; charset=utf-8",
        headers=_attachment(desk, "csv"),
    )


@staff_page
async def export_xlsx(request: Request, desk: Desk) -> Response:
    chosen = _export_filter(request, desk)
    if isinstance(chosen, Response):
        return chosen
    now, t, tz = utcnow(), desk.t, desk.site.config.tz
    engine, member = desk.site.reader, desk.member

    def workbook() -> bytes:
        with transaction(engine) as session:
            rows = desk_queue.export_rows(session, member, chosen, now)
            return queue_export.xlsx_bytes(rows, t, tz, t._("Requests"))

    # Thousands of rows take a while: off the event loop the bot shares with the site.
    data = await run_in_threadpool(workbook)
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers=_attachment(desk, "xlsx"),
    )


routes = [
    Route(f"{PREFIX}/", queue, methods=["GET"]),
    Route(f"{PREFIX}/disa-aktar.csv", export_csv, methods=["GET"]),
    Route(f"{PREFIX}/disa-aktar.xlsx", export_xlsx, methods=["GET"]),
]
