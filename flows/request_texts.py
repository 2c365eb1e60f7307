"""How a request reads on any channel, to its citizen and to staff: what its history's
events are called, how old it is, its line in the citizen's list, its status. The staff
card (flows.staff_card.screens) and the citizen's screens (flows.my_requests) share them."""

from __future__ import annotations

from datetime import datetime

from common.i18n import N_, Translator
from core.codes import STATUSES
from db.models import Category, Request
from flows.names import category_name, esc

EVENT_LABELS: dict[str, str] = {
    "created": N_("received"),
    "imported": N_("imported"),
    "import_corrected": N_("corrected by a later import"),
    "assigned": N_("taken on by staff"),
    "answered": N_("answered"),
    "question": N_("question to the citizen"),
    "citizen_reply": N_("citizen's answer"),
    "note": N_("citizen's note"),
    "photo": N_("citizen's photo"),
    "resolved": N_("resolved"),
    "rejected": N_("rejected"),
    "redirected": N_("redirected to another department"),
    "cancelled": N_("withdrawn by the citizen"),
    "reopened": N_("reopened"),
    "rated": N_("rated by the citizen"),
}


def age(t: Translator, since: datetime, now: datetime) -> str:
    return t.duration(now - since)


def list_line(t: Translator, request: Request, category: Category | None, now: datetime) -> str:
    status = t._(STATUSES.get(request.status, request.status))
    name = category_name(category, t) if category else request.category_code
    old = age(t, request.created_at, now)
    return f"<b>{request.number}</b> · {esc(name)} · {esc(status)} · {old}"


def status_line(t: Translator, request: Request) -> str:
    return t._("📌 Status: {status}").format(
        status=t._(STATUSES.get(request.status, request.status))
    )
