"""How requests look in Telegram: the filing screens, the receipt, the staff card, the
citizen's notifications and history. Texts only; sending is the handlers' job."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from common.i18n import N_, Translator, translator
from core.codes import CHANNELS, OPEN_STATUSES, REQUEST_TYPES, STATUSES
from core.intake import MAX_PHOTOS
from core.workflow import is_overdue
from db.models import Category, ConversationState, Department, Request, RequestEvent
from db.types import utcnow
from handlers import request_buttons as cards

# Reply-keyboard labels; incoming text is matched against them in every language.
SKIP, BACK, CANCEL, DONE = N_("⏭ Skip"), N_("⬅️ Back"), N_("✖️ Cancel"), N_("✅ Continue")
SHARE_LOCATION, SHARE_PHONE = N_("📍 Share my location"), N_("📞 Share my phone number")


@dataclass(frozen=True)
class Screen:
    text: str
    inline: InlineKeyboardMarkup | None = None
    keyboard: ReplyKeyboardMarkup | None = None


def esc(value: str | None) -> str:
    return html.escape(value or "")


def category_name(category: Category, t: Translator) -> str:
    return category.name_en if t.language == "en" and category.name_en else category.name_tr


def department_name(department: Department | None, t: Translator) -> str:
    if department is None:
        return "—"
    return department.name_en if t.language == "en" and department.name_en else department.name_tr


def _nav(t: Translator, back: bool = True) -> list[InlineKeyboardButton]:
    row = [cards.CancelFiling().button(t._(CANCEL))]
    if back:
        row.insert(0, cards.GoBack().button(t._(BACK)))
    return row


def kvkk_screen(t: Translator, controller: str, retention_days: int) -> Screen:
    text = t._(
        "🔒 <b>Personal data notice (KVKK)</b>\n\n"
        "To handle your request, {controller} stores what you send here: your name, "
        "your Telegram account, the description, the location and photos you share and, "
        "if you give it, your phone number. They are used only to answer and follow up "
        "your request and to produce anonymous statistics, are seen only by the staff "
        "who handle it, and are erased {days} days after the request is closed. "
        "You can ask for a copy or erasure of your data at any time.\n\n"
        "Do you accept?"
    ).format(controller=esc(controller), days=retention_days)
    return Screen(
        text,
        InlineKeyboardMarkup(
            [
                [cards.Consent("yes").button(t._("✅ I accept"))],
                [cards.Consent("no").button(t._("✖️ I do not accept"))],
            ]
        ),
    )


# The type toggles above the topics: short labels, so that four fit in one row. Thanks
# (teşekkür) is rarely filed by chat; it stays available in the summary's Edit menu.
TYPE_TOGGLES: dict[str, str] = {
    "talep": N_("Request"),
    "sikayet": N_("Complaint"),
    "bilgi": N_("Info"),
    "oneri": N_("Suggestion"),
}
CHOSEN = "✅ "


def _type_buttons(
    t: Translator, chosen: str | None, labels: dict[str, str]
) -> list[InlineKeyboardButton]:
    return [
        cards.SetType(code).button((CHOSEN if code == chosen else "") + t._(label))
        for code, label in labels.items()
    ]


def category_screen(t: Translator, draft: ConversationState, categories: list[Category]) -> Screen:
    """Step 1: the type (a row of toggles, one preselected) and the topic, on one screen.

    Tapping a type edits this screen; tapping a topic moves on."""
    data = draft.data
    suggested = [c for code in data.get("suggested", []) for c in categories if c.code == code]
    lines = [t._("📝 <b>New request</b> — step 1 of 4")]
    if data.get("text"):
        lines.append(t._("Your message: <i>{text}</i>").format(text=esc(data["text"])))
    chosen = data.get("type")
    lines.append(
        t._("Type: <b>{value}</b> (tap another type above the topics to change it)").format(
            value=esc(t._(REQUEST_TYPES.get(chosen or "", "—")))
        )
    )
    if suggested and not data.get("all_topics"):
        lines.append(t._("📂 These topics seem to fit what you wrote. Please choose one:"))
        shown = suggested
    else:
        lines.append(t._("📂 Which topic is it about?"))
        shown = categories
    rows = [_type_buttons(t, chosen, TYPE_TOGGLES)]
    rows += [[cards.SetCategory(c.code).button(category_name(c, t))] for c in shown]
    if shown is suggested:
        rows.append([cards.AllTopics().button(t._("📂 Other topics"))])
    # Back only when recording (to the channel); for citizens this is the first step.
    return Screen(
        "\n\n".join(lines),
        InlineKeyboardMarkup([*rows, _nav(t, back=data.get("mode") == "record")]),
    )


def type_picker(t: Translator, chosen: str | None) -> InlineKeyboardMarkup:
    """The summary's Edit → Type: every type, Thanks included, two to a row."""
    buttons = _type_buttons(t, chosen, REQUEST_TYPES)
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return InlineKeyboardMarkup([*rows, [cards.ToSummary().button(t._(BACK))]])


def text_screen(t: Translator) -> Screen:
    return Screen(
        t._(
            "✍️ Step 2 of 4 — Please describe the matter in a message (at most 2000 characters). "
            "Where, what, since when?"
        ),
        InlineKeyboardMarkup([_nav(t)]),
    )


def _reply_keyboard(t: Translator, first: list[KeyboardButton]) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [first, [KeyboardButton(t._(BACK)), KeyboardButton(t._(CANCEL))]],
        # One-time: it folds away once used, so the next screen needs no extra call to
        # remove it (each call counts against Telegram's 30 messages a second).
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def location_screen(t: Translator) -> Screen:
    """Step 3: the location and the photos, in any order, then Continue."""
    text = t._(
        "📍 Step 3 of 4 — Where is it? Share your location with the button below, or "
        "type the address or neighbourhood.\n\n🖼 You can also send up to {max} photos."
        "\n\nWhen you are done, tap <b>Continue</b> (or right away, to give neither)."
    ).format(max=MAX_PHOTOS)
    return Screen(
        text,
        keyboard=_reply_keyboard(
            t,
            [KeyboardButton(t._(SHARE_LOCATION), request_location=True), KeyboardButton(t._(DONE))],
        ),
    )


def phone_screen(t: Translator) -> Screen:
    return Screen(
        t._(
            "📞 Step 4 of 4 — May staff call you if needed? Share your number with the "
            "button below, or skip. (Optional)"
        ),
        keyboard=_reply_keyboard(
            t, [KeyboardButton(t._(SHARE_PHONE), request_contact=True), KeyboardButton(t._(SKIP))]
        ),
    )


def draft_summary(
    t: Translator,
    draft: ConversationState,
    category: Category | None,
    department: Department | None,
) -> str:
    data = draft.data
    lines = [t._("📋 <b>Please check your request</b>"), ""]
    lines.append(
        t._("Type: {value}").format(value=t._(REQUEST_TYPES.get(data.get("type", ""), "—")))
    )
    lines.append(
        t._("Topic: {value}").format(value=esc(category_name(category, t)) if category else "—")
    )
    lines.append(t._("Department: {value}").format(value=esc(department_name(department, t))))
    lines.append(t._("Description: {value}").format(value=esc(data.get("text"))))
    if data.get("latitude") is not None:
        lines.append(t._("Location: shared on the map"))
    elif data.get("address"):
        lines.append(t._("Address: {value}").format(value=esc(data["address"])))
    else:
        lines.append(t._("Location: not given"))
    lines.append(t._("Photos: {count}").format(count=len(data.get("photos", []))))
    lines.append(t._("Phone: {value}").format(value=esc(data.get("phone")) or t._("not given")))
    return "\n".join(lines)


def summary_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [cards.Send().button(t._("📨 Send"))],
            [
                cards.EditMenu().button(t._("✏️ Edit")),
                cards.CancelFiling().button(t._(CANCEL)),
            ],
        ]
    )


def edit_menu(t: Translator, steps: tuple[str, ...]) -> InlineKeyboardMarkup:
    fields = [
        ("category", N_("Topic")),
        ("text", N_("Description")),
        ("location", N_("Location / photos")),
        ("phone", N_("Phone")),
    ]
    buttons = [cards.TypePicker().button(t._("Type"))]
    buttons += [cards.GoTo(step).button(t._(label)) for step, label in fields if step in steps]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    return InlineKeyboardMarkup([*rows, [cards.ToSummary().button(t._(BACK))]])


def receipt(t: Translator, request: Request, department: Department | None) -> str:
    assert request.due_at is not None
    return t._(
        "✅ <b>Your request has been received.</b>\n\n"
        "Tracking number: <b>{number}</b>\n"
        "Department: {department}\n"
        "You will get an answer at the latest by {due}.\n\n"
        "You will be told here of every step. Use /taleplerim to follow it."
    ).format(
        number=request.number,
        department=esc(department_name(department, t)),
        due=t.datetime(request.due_at),
    )


def _age(t: Translator, since: datetime, now: datetime) -> str:
    return t.duration(now - since)


CAPTION_LIMIT = 1024  # Telegram's limit for a photo's caption, in UTF-16 code units


def visible_length(text: str) -> int:
    """How long Telegram counts an HTML text: without its tags, entities resolved, in
    UTF-16 code units (an emoji such as 🆕 counts 2)."""
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
    lines.append(
        t._("🕒 Received {when} ({age} ago)").format(
            when=t.short_datetime(request.created_at), age=_age(t, request.created_at, now)
        )
    )
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


EVENT_LABELS: dict[str, str] = {
    "created": N_("received"),
    "imported": N_("imported"),
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
}


def card_keyboard(request: Request, language: str = "tr") -> InlineKeyboardMarkup | None:
    if request.status not in OPEN_STATUSES:
        return None
    t = translator(language)
    rid = request.id
    assert rid is not None
    return InlineKeyboardMarkup(
        [
            [
                cards.Take(rid).button(t._("🙋 Assign to me")),
                cards.Answer(rid).button(t._("💬 Answer")),
            ],
            [
                cards.Resolve(rid).button(t._("✅ Resolve")),
                cards.Redirect(rid).button(t._("↪️ Redirect")),
            ],
            [
                cards.Reject(rid).button(t._("⛔ Reject")),
                cards.Ask(rid).button(t._("❓ Ask the citizen")),
            ],
        ]
    )


def citizen_notice(
    t: Translator, request: Request, event: RequestEvent, department: Department | None
) -> str | None:
    """What the citizen is told of a staff action; None when they need not be told."""
    number, dept = request.number, esc(department_name(department, t))
    text = esc(event.text)
    if event.kind == "assigned":
        return t._("🙋 Your request {number} is now being handled by {department}.").format(
            number=number, department=dept
        )
    if event.kind == "answered":
        return t._("💬 <b>Answer to your request {number}</b> ({department}):\n\n{text}").format(
            number=number, department=dept, text=text
        )
    if event.kind == "question":
        return t._(
            "❓ <b>{department} asks about your request {number}:</b>\n\n{text}\n\n"
            "Please reply to this message, or tap the button below."
        ).format(number=number, department=dept, text=text)
    if event.kind == "resolved":
        body = t._("✅ <b>Your request {number} has been resolved.</b>").format(number=number)
        return (
            body
            + ("\n\n" + text if text else "")
            + "\n\n"
            + t._("Thank you for helping us improve our city.")
        )
    if event.kind == "rejected":
        return t._("⛔ Your request {number} could not be carried out.\nReason: {text}").format(
            number=number, text=text
        )
    if event.kind == "redirected":
        return t._(
            "↪️ Your request {number} has been passed to {department}, which is responsible for it."
        ).format(number=number, department=dept)
    return None


def question_keyboard(t: Translator, request: Request) -> InlineKeyboardMarkup:
    assert request.id is not None
    return InlineKeyboardMarkup([[cards.AnswerQuestion(request.id).button(t._("✍️ Answer"))]])


def list_line(t: Translator, request: Request, category: Category | None, now: datetime) -> str:
    status = t._(STATUSES.get(request.status, request.status))
    name = category_name(category, t) if category else request.category_code
    age = _age(t, request.created_at, now)
    return f"<b>{request.number}</b> · {esc(name)} · {esc(status)} · {age}"


def status_line(t: Translator, request: Request) -> str:
    return t._("📌 Status: {status}").format(
        status=t._(STATUSES.get(request.status, request.status))
    )


def channel_keyboard(t: Translator) -> InlineKeyboardMarkup:
    buttons = [
        cards.SetChannel(code).button(t._(label))
        for code, label in CHANNELS.items()
        if code != "telegram"
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return InlineKeyboardMarkup([*rows, _nav(t, back=False)])
