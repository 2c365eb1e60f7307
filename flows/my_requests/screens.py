"""A citizen's own requests as screens (flows.screen), channel-neutral: the list, page by
page; one request with its history; the withdraw question; the prompts for a note or an
answer; and what the citizen is told when a press or a message cannot be carried out."""

from __future__ import annotations

from sqlmodel import Session

from common.i18n import N_, Translator
from core import workflow
from core.codes import OPEN_STATUSES
from db import reference
from db.models import Category, Citizen, Department, Request
from db.types import utcnow
from flows.my_requests import actions as a
from flows.my_requests.steps import NoteStep
from flows.names import category_name, department_name, esc
from flows.request_texts import EVENT_LABELS, list_line, status_line
from flows.screen import Choice, Rows, Screen

PER_PAGE = 5
# A page past this is no real list (PER_PAGE requests each).
MAX_PAGE = 100_000
# Room for the history: a longer text is cut (Telegram takes 4096 characters).
MAX_TEXT = 4000

# The events whose text the citizen sees in the history.
_WITH_TEXT = ("answered", "question", "rejected", "resolved", "note", "citizen_reply")

PROMPTS: dict[NoteStep, str] = {
    NoteStep.NOTE: N_("Send your note or a photo for {number}."),
    NoteStep.REPLY: N_("Write your answer for {number}."),
}

# Why a press or a message on a request was refused (core.refusals' reasons).
NOT_FOUND = N_("Request not found.")
CLOSED = N_("This request is closed; it can no longer be changed.")
_REFUSALS: dict[str, str] = {
    "closed": CLOSED,
    "too_long": N_("That is too long: please keep it under 2000 characters."),
}
_OTHER_REFUSAL = N_("Please send a text or a photo.")


def list_screen(session: Session, citizen: Citizen, t: Translator, page: int, menu: Rows) -> Screen:
    """A page of the citizen's requests, newest first, each a button to its history; with
    no request at all, a pointer to /talep and the main menu's `menu`."""
    rows, total = workflow.list_for_citizen(session, citizen, page, PER_PAGE)
    if total == 0:
        return Screen(t._("You have not filed any request yet. Use /talep to send one."), menu)
    now = utcnow()
    pages = (total + PER_PAGE - 1) // PER_PAGE
    lines = [t._("📋 <b>Your requests</b> ({page}/{pages})").format(page=page + 1, pages=pages), ""]
    choices: list[tuple[Choice, ...]] = []
    for request in rows:
        assert request.id is not None
        category = reference.get(session, Category, request.category_code)
        lines.append(list_line(t, request, category, now))
        choices.append((a.View(request.id).choice(request.number),))
    nav: list[Choice] = []
    if page > 0:
        nav.append(a.Page(page - 1).choice(t._("⬅️ Newer")))
    if page + 1 < pages:
        nav.append(a.Page(page + 1).choice(t._("Older ➡️")))
    if nav:
        choices.append(tuple(nav))
    lines.append("")
    lines.append(t._("Tap a number to see its history."))
    return Screen("\n".join(lines), tuple(choices))


def detail_screen(session: Session, t: Translator, request: Request) -> Screen:
    """One request: its topic, department, status, description and history; an open one
    may get a note or be withdrawn."""
    category = reference.get(session, Category, request.category_code)
    department = reference.get(session, Department, request.department_code)
    topic = category_name(category, t) if category else ""
    lines = [
        f"<b>{request.number}</b> · {esc(topic)}",
        "🏢 " + esc(department_name(department, t)),
        status_line(t, request),
        "",
        esc(request.text),
        "",
        t._("<b>History</b>"),
    ]
    for event in workflow.history(session, request):
        label = t._(EVENT_LABELS.get(event.kind, event.kind))
        line = f"• {t.short_datetime(event.at)} — {esc(label)}"
        if event.text and event.kind in _WITH_TEXT:
            line += f": {esc(event.text)}"
        lines.append(line)
    assert request.id is not None
    choices: list[tuple[Choice, ...]] = []
    if request.status in OPEN_STATUSES:
        choices.append((a.AddNote(request.id).choice(t._("📝 Add a note or photo")),))
        choices.append((a.Withdraw(request.id).choice(t._("↩️ Withdraw")),))
    choices.append((a.Page(0).choice(t._("⬅️ My requests")),))
    text = "\n".join(lines)
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT - 10] + "…"
    return Screen(text, tuple(choices))


def no_such_number(t: Translator, number: str) -> Screen:
    """/taleplerim with a number that is none of the citizen's requests."""
    return Screen(
        t._("No request of yours has the number {number}.").format(number=esc(number[:20]))
    )


def withdraw_question(t: Translator, request: Request) -> Screen:
    assert request.id is not None
    text = t._("Do you really want to withdraw {number}?").format(number=request.number)
    return Screen(
        text,
        (
            (
                a.WithdrawConfirmed(request.id).choice(t._("Yes, withdraw")),
                a.View(request.id).choice(t._("No")),
            ),
        ),
    )


def prompt(t: Translator, request: Request, step: NoteStep) -> Screen:
    """What the citizen's next message is to be: a note or photo, or an answer. Sent as
    plain text (no HTML)."""
    return Screen(t._(PROMPTS[step]).format(number=request.number))


def added(t: Translator, request: Request) -> Screen:
    """A note, photo or answer was added to the request. Sent as plain text."""
    return Screen(
        t._("✅ Added to {number}; the department has been told.").format(number=request.number)
    )


def refusal(t: Translator, reason: str) -> str:
    """Why a message for a request was not added."""
    return t._(_REFUSALS.get(reason, _OTHER_REFUSAL))
