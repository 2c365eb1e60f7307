"""The entry form for requests taken by phone, in person or from another channel (/masa/yeni).

Built for an agent on the phone: the text field has the focus, the topic is suggested from
the text as in the chat (core.text_match, through a small script of ours; without script the
first Save suggests and the second files), the channel and type stay as they were for the
next call, and Ctrl+Enter saves. The request is filed by core.filing exactly as /kayit files
it, and its card goes to the department's group.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from sqlmodel import select
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from common.i18n import N_
from core import filing
from core.codes import CHANNELS, REQUEST_TYPES
from core.intake import DEFAULT_TYPE, category_keywords
from core.refusals import Refused
from core.text_match import suggest
from db.engine import transaction
from db.models import Category, Department, RequestEvent
from db.models import Request as StoredRequest
from db.types import utcnow
from flows.filing.screens import topic_order
from flows.names import category_name, department_name
from web.desk.auth import PREFIX, Desk, desk_render, staff_page

PATH = f"{PREFIX}/yeni"
DEFAULT_CHANNEL = "phone"
# What the form can be told back after a save: a request number, nothing else from the URL.
NUMBER = re.compile(r"^\d{4}-\d{6}$")

PROBLEMS: dict[str, str] = {
    "empty": N_("Please write what the citizen asks for or reports."),
    "too_long": N_("The text is too long: at most 2000 characters."),
    "bad_phone": N_("That does not look like a phone number (for example 0532 123 45 67)."),
    "bad_location": N_(
        "The location could not be read: write latitude and longitude, e.g. 41.02, 29.10."
    ),
    "unknown_category": N_("Please choose a topic."),
    "unknown_channel": N_("Please choose the channel the request came by."),
    "unknown_type": N_("Please choose the type of the request."),
}


def _choices(desk: Desk) -> dict[str, Any]:
    t = desk.t
    # The chat's order, without its "most used lately" head: an agent finds a topic by its
    # name in a list that does not move, and the catch-all stays last.
    other = frozenset(c.code for c in desk.site.config.categories if c.other)
    with transaction(desk.site.engine) as session:
        categories = session.exec(
            select(Category).where(Category.active == True)  # noqa: E712
        ).all()
        topics = [
            (c.code, category_name(c, t))
            for c in topic_order(list(categories), t, Counter(), other)
        ]
    return {
        "channels": [(code, t._(label)) for code, label in CHANNELS.items() if code != "telegram"],
        "types": [(code, t._(label)) for code, label in REQUEST_TYPES.items()],
        "topics": topics,
    }


def _location(text: str) -> tuple[float | None, float | None]:
    """'41.02, 29.10' (or with a space between) → the two numbers; '' → none."""
    if not text.strip():
        return None, None
    parts = [p for p in re.split(r"[,;\s]+", text.strip()) if p]
    if len(parts) != 2:
        raise Refused("bad_location")
    try:
        return float(parts[0]), float(parts[1])
    except ValueError:
        raise Refused("bad_location") from None


def _form(request: Request) -> dict[str, str]:
    return {
        "channel": request.query_params.get("kanal", DEFAULT_CHANNEL),
        "type": request.query_params.get("tur", DEFAULT_TYPE),
        "text": "",
        "category": "",
        "address": "",
        "location": "",
        "phone": "",
    }


@staff_page
async def entry_page(request: Request, desk: Desk) -> Response:
    values = _form(request)
    saved = None
    number = request.query_params.get("kayit", "")
    if NUMBER.match(number):
        with transaction(desk.site.engine) as session:
            stored = session.exec(
                select(StoredRequest).where(StoredRequest.number == number)
            ).first()
            # Only the member's own filing is said back: the address names a number, and
            # nobody learns another department's request from it.
            filed_by = (
                session.exec(
                    select(RequestEvent.actor_telegram_id).where(
                        RequestEvent.request_id == stored.id, RequestEvent.kind == "created"
                    )
                ).first()
                if stored is not None
                else None
            )
            if stored is not None and filed_by == desk.member.telegram_id:
                department = session.get(Department, stored.department_code)
                saved = {"number": number, "department": department_name(department, desk.t)}
    return desk_render(
        request,
        desk,
        "desk/entry.html",
        values=values,
        saved=saved,
        problem=None,
        notice=None,
        **_choices(desk),
    )


def _suggested(desk: Desk, text: str) -> list[str]:
    with transaction(desk.site.engine) as session:
        keywords = category_keywords(session)
    return suggest(text, keywords)


@staff_page
async def file_request(request: Request, desk: Desk) -> Response:
    assert desk.form is not None
    values = {
        key: str(desk.form.get(key) or "")
        for key in ("channel", "type", "text", "category", "address", "location", "phone")
    }
    t = desk.t
    problem: str | None = None
    notice: str | None = None
    if not values["category"] and values["text"].strip():
        found = _suggested(desk, values["text"])
        if found:
            # Without the page's script the suggestion comes back for the agent to confirm.
            values["category"] = found[0]
            notice = t._("A topic was suggested from the text. Check it and save again.")
    if notice is None:
        try:
            latitude, longitude = _location(values["location"])
            new = filing.Filing(
                channel=values["channel"],
                type=values["type"],
                category_code=values["category"],
                text=values["text"],
                latitude=latitude,
                longitude=longitude,
                address=values["address"].strip() or None,
                phone=values["phone"].strip() or None,
                actor="staff",
                actor_telegram_id=desk.member.telegram_id,
            )
            with transaction(desk.site.engine) as session:
                stored, _ = filing.file_request(session, desk.site.calendar, new, now=utcnow())
                request_id, number = stored.id, stored.number
        except Refused as refused:
            problem = t._(PROBLEMS.get(refused.reason, PROBLEMS["empty"]))
        else:
            assert request_id is not None
            # The agent on the phone does not wait for the card.
            return RedirectResponse(
                f"{PATH}?kanal={values['channel']}&tur={values['type']}&kayit={number}",
                status_code=303,
                background=desk.site.card_after_answer(request_id),
            )
    return desk_render(
        request,
        desk,
        "desk/entry.html",
        status_code=400 if problem else 200,
        values=values,
        saved=None,
        problem=problem,
        notice=notice,
        **_choices(desk),
    )


@staff_page
async def topic_suggestions(request: Request, desk: Desk) -> Response:
    """The page's script asks as the agent types: the topics the chat would suggest. A POST
    with the session's token: the citizen's words stay out of addresses and access logs."""
    assert desk.form is not None
    text = str(desk.form.get("metin") or "")[: filing.MAX_TEXT]
    codes = _suggested(desk, text) if text.strip() else []
    with transaction(desk.site.engine) as session:
        names = {
            c.code: category_name(c, desk.t)
            for c in session.exec(select(Category).where(Category.code.in_(codes))).all()  # type: ignore[attr-defined]
        }
    return JSONResponse(
        {"suggestions": [{"code": code, "name": names[code]} for code in codes if code in names]},
        headers={"Cache-Control": "no-store"},
    )


routes = [
    Route(PATH, entry_page, methods=["GET"]),
    Route(PATH, file_request, methods=["POST"]),
    Route(f"{PATH}/konu", topic_suggestions, methods=["POST"]),
]
