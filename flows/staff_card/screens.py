"""A request's card as staff see it in their group, on any channel: its text (re-rendered
after every action), its buttons, the department list of a redirection, and the prompts
that ask for a text as a reply. Sending is the handlers' job (handlers.delivery,
handlers.staff_desk). What citizens see of a request is the filing flow's screens and
receipt (flows.filing.screens), their own requests (flows.my_requests.screens) and the
notices of staff actions (flows.my_requests.notices); the texts they share with the card
are flows.request_texts."""

from __future__ import annotations

import html
import re
from datetime import datetime

from common.i18n import N_, Translator, translator
from core.codes import CHANNELS, OPEN_STATUSES, REQUEST_TYPES, STATUSES
from core.workflow import is_overdue
from db.models import Category, Department, Request, RequestEvent
from db.types import utcnow
from flows.filing.screens import BACK
from flows.names import category_name, department_name, esc
from flows.request_texts import EVENT_LABELS
from flows.screen import Rows, Screen
from flows.staff_card import actions as a

# The longest caption a photo takes, in UTF-16 code units (Telegram's 1024; WhatsApp's is
# longer): a card shown on its photo must fit in it.
CAPTION_LIMIT = 1024

# The outcome of a button that acts at once, as its answer to the presser.
TAKEN, RESOLVED, REDIRECTED = N_("Taken on."), N_("Marked as resolved."), N_("Redirected.")

# Actions that need a text: the staff member replies to a prompt with it.
PROMPTS: dict[str, str] = {
    "answer": N_(
        "💬 {name}, reply to this message with your answer to {number}. "
        "It goes to the citizen as written."
    ),
    "ask": N_(
        "❓ {name}, reply to this message with your question about {number} for the citizen."
    ),
    "reject": N_(
        "⛔ {name}, reply to this message with the reason for rejecting "
        "{number}. The citizen will see it."
    ),
}


def visible_length(text: str) -> int:
    """How long a channel counts an HTML text (Telegram does so): without its tags,
    entities resolved, in UTF-16 code units (an emoji such as 🆕 counts 2)."""
    plain = html.unescape(re.sub(r"<[^>]*>", "", text))
    return len(plain.encode("utf-16-le")) // 2


def card(
    request: Request,
    category: Category | None,
    department: Department | None,
    events: list[RequestEvent],
    photo_count: int,
    citizen_name: str | None,
    assignee_name: str | None,
    language: str = "tr",
    now: datetime | None = None,
    on_photo: bool = False,
    limit: int | None = None,
) -> str:
    """The request as staff see it in their group; re-rendered after every action.

    `on_photo`: the card is the caption of the request's (first) photo, so that photo is
    not "below". `limit`: the card must fit in that many characters (a caption); the
    history's texts, then the history, then the description are shortened to fit."""

    def render(clip: int, history: int, text: str) -> str:
        return _card(
            request,
            category,
            department,
            events,
            photo_count,
            citizen_name,
            assignee_name,
            language,
            now or utcnow(),
            on_photo,
            clip,
            history,
            text,
        )

    full = render(200, 4, request.text)
    if limit is None or visible_length(full) <= limit:
        return full
    for clip, history in ((60, 4), (0, 4), (0, 2), (0, 0)):
        shorter = render(clip, history, request.text)
        if visible_length(shorter) <= limit:
            return shorter
    over = visible_length(shorter) - limit
    kept = max(0, len(request.text) - over - 2)
    while True:  # the description is plain text: one character less is one less shown
        text = render(0, 0, request.text[:kept] + "…")
        if visible_length(text) <= limit or kept == 0:
            return text
        kept = max(0, kept - (visible_length(text) - limit))


def _card(
    request: Request,
    category: Category | None,
    department: Department | None,
    events: list[RequestEvent],
    photo_count: int,
    citizen_name: str | None,
    assignee_name: str | None,
    language: str,
    now: datetime,
    on_photo: bool,
    clip: int,
    history: int,
    description: str,
) -> str:
    t = translator(language)
    head = "⚠️ " if is_overdue(request, now) else ("🆕 " if request.status == "new" else "📌 ")
    lines = [
        f"{head}<b>{request.number}</b> · {esc(t._(REQUEST_TYPES.get(request.type, '')))} · "
        f"{esc(category_name(category, t)) if category else esc(request.category_code)}",
        "🏢 " + esc(department_name(department, t)),
        "📨 " + esc(t._(CHANNELS.get(request.channel, request.channel))),
    ]
    if citizen_name:
        lines.append("👤 " + esc(citizen_name))
    if request.contact_phone:
        lines.append("📞 " + esc(request.contact_phone))
    lines += ["", esc(description), ""]
    if request.latitude is not None and request.longitude is not None:
        lines.append(
            t._('📍 <a href="{url}">Location on the map</a>').format(
                url=f"https://www.openstreetmap.org/?mlat={request.latitude:.6f}"
                f"&mlon={request.longitude:.6f}#map=18/{request.latitude:.6f}/"
                f"{request.longitude:.6f}"
            )
        )
    if request.address:
        lines.append("📍 " + esc(request.address))
    below = photo_count - 1 if on_photo else photo_count
    if below > 0:
        lines.append(t._("🖼 {count} photo(s) below").format(count=below))
    # The time, not the age: a card is edited only when something happens, and an age
    # ("4 saniye önce") would stay frozen at its last edit.
    lines.append(t._("🕒 Received {when}").format(when=t.short_datetime(request.created_at)))
    if request.due_at:
        lines.append(t._("⏰ Due {due}").format(due=t.datetime(request.due_at)))
    if is_overdue(request, now):
        lines.append(t._("⚠️ <b>OVERDUE</b>: no answer yet"))
    status = t._(STATUSES.get(request.status, request.status))
    lines.append(
        t._("📌 Status: {status}").format(status=status)
        + (" · 🙋 " + esc(assignee_name) if assignee_name else "")
    )
    shown = [e for e in events if e.kind != "created"][-history:] if history else []
    if shown:
        lines.append("")
        for event in shown:
            label = esc(t._(EVENT_LABELS.get(event.kind, event.kind)))
            lines.append(
                f"• {t.short_datetime(event.at)} {label}"
                + (f": {esc(_clip(event.text, clip))}" if event.text and clip else "")
            )
    return "\n".join(lines)


def _clip(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def card_choices(request: Request, t: Translator) -> Rows:
    """The card's buttons while the request is open (a closed card has none)."""
    if request.status not in OPEN_STATUSES:
        return ()
    rid = request.id
    assert rid is not None
    return (
        (a.Take(rid).choice(t._("🙋 Assign to me")), a.Answer(rid).choice(t._("💬 Answer"))),
        (a.Resolve(rid).choice(t._("✅ Resolve")), a.Redirect(rid).choice(t._("↪️ Redirect"))),
        (a.Reject(rid).choice(t._("⛔ Reject")), a.Ask(rid).choice(t._("❓ Ask the citizen"))),
    )


def redirect_choices(request_id: int, departments: list[Department], t: Translator) -> Rows:
    """The departments a request may go to, one to a row, in place of the card's buttons;
    Back brings those again."""
    return (
        *((a.RedirectTo(request_id, d.code).choice(department_name(d, t)),) for d in departments),
        (a.Back(request_id).choice(t._(BACK)),),
    )


def prompt(t: Translator, action: str, name: str, number: str) -> Screen:
    """Answer, reject, ask: the message a staff member replies to with the text; the
    request's number is the hint in their input field."""
    return Screen(
        t._(PROMPTS[action]).format(name=esc(name), number=esc(number)), expects_reply=number
    )


def redirected_note(t: Translator, department: Department | None, name: str) -> str:
    """The line added to the old card once its request went to another department."""
    return t._("↪️ Redirected to {department} by {name}.").format(
        department=department_name(department, t), name=name
    )
