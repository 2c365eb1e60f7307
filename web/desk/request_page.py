"""A request's page in the staff desk: its details, history, photos and map link, and the
card's actions (take on, answer, ask, resolve, redirect, reject).

An action is core.workflow.staff_action, exactly as a press on the card in the staff
group, and then the same Telegram side (Effects.after_staff_action: the card updated or
moved, the citizen told). Refusals read as the bot words them (flows.staff_texts), and the
typed text stays in the form. After a change the browser is sent back with a GET
(POST-redirect-GET) and a notice chosen from a fixed list, never text from the URL.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from common.i18n import N_
from core import desk_queue, staff, workflow
from core.codes import CHANNELS, OPEN_STATUSES, REQUEST_TYPES, STAFF_ROLES, STATUSES
from core.refusals import Refused
from core.staff import NotAllowed
from core.workflow import NotFound
from db.engine import transaction
from db.models import Attachment, Category, Department, StaffMember
from db.types import utcnow
from flows.names import category_name, department_name
from flows.request_texts import EVENT_LABELS
from flows.staff_texts import error_text
from web.desk.auth import PREFIX, Desk, desk_render, staff_page
from web.pages import render

ACTIONS = frozenset({"assign", "answer", "ask", "resolve", "redirect", "reject"})
# Actions whose text is what the citizen reads; the others take none.
WITH_TEXT = frozenset({"answer", "ask", "reject"})

DONE = {
    "assign": N_("You have taken this request on."),
    "answer": N_("Your answer has been sent."),
    "ask": N_("Your question has been sent."),
    "resolve": N_("The request is marked as resolved."),
    "redirect": N_("The request has been redirected."),
    "reject": N_("The request has been rejected."),
}
TOLD = {
    "1": N_("The citizen has been told on Telegram."),
    "0": N_("This request has no Telegram contact; please reach the citizen by phone if needed."),
}
ACTORS = {"citizen": N_("Citizen"), "system": N_("System")}

# Telegram keeps photos as JPEG; the emulator (and a document sent as a photo) may differ.
_IMAGE_TYPES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"RIFF", "image/webp"),
)


def _image_type(data: bytes) -> str:
    return next((kind for magic, kind in _IMAGE_TYPES if data.startswith(magic)), "image/jpeg")


def _refusal(request: Request, desk: Desk, status: int, key: str) -> Response:
    return render(
        request,
        "error.html",
        desk.t,
        status_code=status,
        code=status,
        message=error_text(desk.t, key),
    )


def _osm(latitude: float, longitude: float) -> str:
    lat, lon = f"{latitude:.6f}", f"{longitude:.6f}"
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}"


def _page(
    request: Request,
    desk: Desk,
    request_id: int,
    *,
    status_code: int = 200,
    problem: str | None = None,
    typed: str = "",
    notices: list[str] | None = None,
) -> Response:
    """The request's page, or the refusal to show it."""
    t, tz, now = desk.t, desk.site.config.tz, utcnow()
    try:
        with transaction(desk.site.engine) as session:
            item = desk_queue.visible_request(session, desk.member, request_id)
            category = session.get(Category, item.category_code)
            department = session.get(Department, item.department_code)
            assignee = session.get(StaffMember, item.assignee_id) if item.assignee_id else None
            events = workflow.history(session, item)
            photos = [
                a
                for a in workflow.attachments(session, item)
                if a.kind == "photo" and a.telegram_file_id
            ]
            actor_ids = {e.actor_telegram_id for e in events if e.actor == "staff"}
            roles = {
                m.telegram_id: m.role
                for m in session.exec(
                    select(StaffMember).where(col(StaffMember.telegram_id).in_(actor_ids))
                ).all()
            }
            departments = {d.code: d for d in session.exec(select(Department)).all()}
    except NotAllowed:
        return _refusal(request, desk, 403, "not_allowed")
    except NotFound:
        return _refusal(request, desk, 404, "not_found")

    def actor(kind: str, telegram_id: int | None) -> str:
        if kind == "staff":
            role = roles.get(telegram_id or 0, "staff")
            return t._(STAFF_ROLES.get(role, STAFF_ROLES["staff"]))
        return t._(ACTORS.get(kind, ACTORS["system"]))

    def moved(data: dict[str, Any]) -> str | None:
        if "to" not in data:
            return None
        return "{} → {}".format(
            department_name(departments.get(str(data.get("from"))), t),
            department_name(departments.get(str(data["to"])), t),
        )

    history = [
        {
            "at": t.short_datetime(e.at, tz),
            "what": t._(EVENT_LABELS.get(e.kind, e.kind)),
            "who": actor(e.actor, e.actor_telegram_id),
            "text": e.text,
            "moved": moved(e.data or {}),
        }
        for e in events
    ]
    overdue = workflow.is_overdue(item, now)
    when = {
        "received": t.datetime(item.created_at, tz),
        "due": t.datetime(item.due_at, tz) if item.due_at else None,
        "first_response": t.datetime(item.first_response_at, tz)
        if item.first_response_at
        else None,
        "resolved": t.datetime(item.resolved_at, tz) if item.resolved_at else None,
    }
    return desk_render(
        request,
        desk,
        "desk/request.html",
        status_code=status_code,
        item=item,
        kind=t._(REQUEST_TYPES.get(item.type, item.type)),
        topic=category_name(category, t) if category else item.category_code,
        department=department_name(department, t),
        status=t._(STATUSES.get(item.status, item.status)),
        channel=t._(CHANNELS.get(item.channel, item.channel)),
        assignee=(assignee.name or t._("Staff member {id}").format(id=assignee.id))
        if assignee
        else None,
        when=when,
        overdue=overdue,
        map_url=_osm(item.latitude, item.longitude)
        if item.latitude is not None and item.longitude is not None
        else None,
        photos=[a.id for a in photos],
        history=history,
        is_open=item.status in OPEN_STATUSES,
        targets=[
            (d.code, department_name(d, t))
            for d in sorted(departments.values(), key=lambda d: department_name(d, t))
            if d.active and d.code != item.department_code
        ],
        problem=problem,
        typed=typed,
        notices=notices or [],
    )


@staff_page
async def request_page(request: Request, desk: Desk) -> Response:
    done = request.query_params.get("done")
    told = request.query_params.get("told")
    notices = [desk.t._(DONE[done])] if done in DONE else []
    if done in DONE and told in TOLD and done != "assign":
        notices.append(desk.t._(TOLD[told]))
    return _page(request, desk, request.path_params["request_id"], notices=notices)


@staff_page
async def act(request: Request, desk: Desk) -> Response:
    """One of the card's actions, from the request's page."""
    request_id: int = request.path_params["request_id"]
    assert desk.form is not None
    action = desk.form.get("action")
    raw_text = desk.form.get("text")
    typed = raw_text if isinstance(raw_text, str) else ""
    if not isinstance(action, str) or action not in ACTIONS:
        return _page(
            request,
            desk,
            request_id,
            status_code=400,
            problem=desk.t._("This action is not known. Please use the page's buttons."),
            typed=typed,
        )
    target = desk.form.get("department")
    text = (typed.strip() or None) if action in WITH_TEXT else None
    try:
        with transaction(desk.site.engine) as session:
            change = workflow.staff_action(
                session,
                request_id,
                desk.member,
                action,
                text,
                target if isinstance(target, str) and target else None,
            )
            event_id = change.event.id
            still_visible = staff.may_act(desk.member, change.request.department_code)
    except NotAllowed:
        return _refusal(request, desk, 403, "not_allowed")
    except NotFound:
        return _refusal(request, desk, 404, "not_found")
    except Refused as refused:
        return _page(
            request,
            desk,
            request_id,
            status_code=400,
            problem=error_text(desk.t, refused.reason),
            typed=typed,
        )
    assert event_id is not None
    told = await desk.site.effects.after_staff_action(
        request_id, event_id, action, desk.member.name or ""
    )
    if not still_visible:
        # Redirected to a department this member does not serve: back to their queue.
        return RedirectResponse(f"{PREFIX}/?done=redirect", status_code=303)
    return RedirectResponse(
        f"{PREFIX}/talep/{request_id}?done={action}&told={int(told)}", status_code=303
    )


@staff_page
async def photo(request: Request, desk: Desk) -> Response:
    """A photo of a request, fetched from Telegram for someone who may see the request."""
    request_id: int = request.path_params["request_id"]
    try:
        with transaction(desk.site.engine) as session:
            desk_queue.visible_request(session, desk.member, request_id)
            attachment = session.get(Attachment, request.path_params["attachment_id"])
            file_id = (
                attachment.telegram_file_id
                if attachment is not None
                and attachment.request_id == request_id
                and attachment.deleted_at is None
                else None
            )
    except NotAllowed:
        return _refusal(request, desk, 403, "not_allowed")
    except NotFound:
        return _refusal(request, desk, 404, "not_found")
    data = await desk.site.effects.photo(file_id) if file_id else None
    if data is None:
        return render(
            request,
            "error.html",
            desk.t,
            status_code=404,
            code=404,
            message=desk.t._("This photo cannot be shown."),
        )
    return Response(
        data, media_type=_image_type(data), headers={"Cache-Control": "private, no-store"}
    )


routes = [
    Route(f"{PREFIX}/talep/{{request_id:int}}", request_page, methods=["GET"]),
    Route(f"{PREFIX}/talep/{{request_id:int}}", act, methods=["POST"]),
    Route(f"{PREFIX}/talep/{{request_id:int}}/foto/{{attachment_id:int}}", photo, methods=["GET"]),
]
