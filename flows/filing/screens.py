"""The filing flow's screens, channel-neutral: what each step shows (flows.screen), the
labels of its ready answers (matched in every language when typed back), and the
messages a step's input may get."""

from __future__ import annotations

from collections import Counter

from sqlmodel import Session

from common.config import Config
from common.i18n import N_, Translator, all_translators
from core import intake
from core.codes import CHANNELS, REQUEST_TYPES
from core.intake import MAX_PHOTOS
from core.text_match import fold
from db import reference
from db.models import Category, ConversationState, Department, Request
from flows.filing import actions as a
from flows.home import Home
from flows.names import category_name, department_name, esc
from flows.screen import Ask, Choice, Reply, Rows, Screen, in_rows

# Reply-keyboard labels; incoming text is matched against them in every language.
SKIP, BACK, CANCEL, DONE = N_("⏭ Skip"), N_("⬅️ Back"), N_("✖️ Cancel"), N_("✅ Continue")
SHARE_LOCATION, SHARE_PHONE = N_("📍 Share my location"), N_("📞 Share my phone number")

INPUT_ERRORS: dict[str, str] = {
    "empty": N_("The message is empty. Please write a few words about the matter."),
    "too_long": N_(
        "That is too long: please keep it under 2000 characters "
        "(yours has {length}). You can send details later as a note."
    ),
    "bad_location": N_("That location could not be read. Please try again or type the address."),
    "too_many_photos": N_(
        "You have already added 3 photos, the most we accept. Tap Continue to go on."
    ),
    "bad_phone": N_(
        "That does not look like a phone number. Please use the button, "
        "type a number like 0555 123 45 67, or skip."
    ),
    "not_your_contact": N_("Please share your own number with the button below."),
    "incomplete": N_("Some steps are missing. Please go through them again."),
    "unknown_category": N_("That topic is no longer available. Please choose another."),
    "use_buttons": N_("Please use the buttons of the last message to continue."),
    "location_expected": N_(
        "Please share the location with the button, type the address, "
        "send a photo, or tap Continue."
    ),
}


def input_error(t: Translator, reason: str | None) -> str:
    message = INPUT_ERRORS.get(reason or "", INPUT_ERRORS["use_buttons"])
    return t._(message)


def matches(text: str | None, label: str, typed: bool = False) -> bool:
    """Reply-keyboard text in any language (the citizen may have switched language).

    `typed`: also the label's words typed by hand ("devam" for "✅ Devam"), as a citizen
    does when the one-time keyboard has folded away."""
    if text is None:
        return False
    value = text.strip()
    for t in all_translators():
        shown = t._(label)
        if value == shown or (typed and _words(value) == _words(shown)):
            return True
    return False


def _words(text: str) -> str:
    """The text without its leading emoji and spaces, case-folded."""
    start = next((i for i, c in enumerate(text) if c.isalnum()), len(text))
    return text[start:].strip().casefold()


def _nav(t: Translator, back: bool = True) -> tuple[Choice, ...]:
    cancel = a.CancelFiling().choice(t._(CANCEL))
    return (a.GoBack().choice(t._(BACK)), cancel) if back else (cancel,)


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
        (
            (a.Consent("yes").choice(t._("✅ I accept")),),
            (a.Consent("no").choice(t._("✖️ I do not accept")),),
        ),
    )


# The type toggles above the topics: short labels, so that four fit in one row. Thanks
# (teşekkür) is rarely filed by chat; it stays available in the summary's Edit menu.
TYPE_TOGGLES: dict[str, str] = {
    "talep": N_("Request"),
    "sikayet": N_("Complaint"),
    "bilgi": N_("Question"),  # the same name as in REQUEST_TYPES
    "oneri": N_("Suggestion"),
}
CHOSEN = "✅ "


def _type_buttons(t: Translator, chosen: str | None, labels: dict[str, str]) -> tuple[Choice, ...]:
    return tuple(
        a.SetType(code).choice((CHOSEN if code == chosen else "") + t._(label))
        for code, label in labels.items()
    )


# Topics on one page of step 1: with the type toggles, the page buttons and Cancel, the
# screen has at most 9 rows, which a phone shows without scrolling.
TOPICS_PER_PAGE = 6


def topic_order(
    categories: list[Category], t: Translator, used: Counter[str], other: frozenset[str]
) -> list[Category]:
    """The topics as step 1 lists them: the most used lately first, then the rest in the
    reader's alphabetical order (Turkish: Ç with C, İ with I), the catch-all last."""

    def name(c: Category) -> str:
        return fold(category_name(c, t))

    rest = sorted((c for c in categories if c.code not in other), key=name)
    popular = sorted((c for c in rest if used[c.code]), key=lambda c: (-used[c.code], name(c)))
    top = popular[:TOPICS_PER_PAGE]
    return [
        *top,
        *(c for c in rest if c not in top),
        *sorted((c for c in categories if c.code in other), key=name),
    ]


def category_screen(t: Translator, draft: ConversationState, categories: list[Category]) -> Screen:
    """Step 1: the type (a row of toggles, one preselected) and the topic, on one screen;
    `categories` in the order of topic_order, shown a page at a time.

    Tapping a type edits this screen; tapping a topic moves on."""
    state = intake.state_of(draft)
    suggested = [c for code in state.suggested for c in categories if c.code == code]
    lines = [t._("📝 <b>New request</b> — step 1 of 4")]
    if state.text:
        lines.append(t._("Your message: <i>{text}</i>").format(text=esc(state.text)))
    chosen = state.type
    lines.append(
        t._("Type: <b>{value}</b> (tap another type above the topics to change it)").format(
            value=esc(t._(REQUEST_TYPES.get(chosen or "", "—")))
        )
    )
    rows = [_type_buttons(t, chosen, TYPE_TOGGLES)]
    if suggested and not state.all_topics:
        lines.append(t._("📂 These topics seem to fit what you wrote. Please choose one:"))
        rows += [(a.SetCategory(c.code).choice(category_name(c, t)),) for c in suggested]
        rows.append((a.AllTopics().choice(t._("📂 Other topics")),))
    else:
        lines.append(t._("📂 Which topic is it about?"))
        pages = max(1, -(-len(categories) // TOPICS_PER_PAGE))
        page = min(state.topic_page, pages - 1)
        shown = categories[page * TOPICS_PER_PAGE : (page + 1) * TOPICS_PER_PAGE]
        rows += [(a.SetCategory(c.code).choice(category_name(c, t)),) for c in shown]
        turns = []
        if page > 0:
            turns.append(a.TopicPage(page - 1).choice(t._("⬅️ Previous topics")))
        if page < pages - 1:
            turns.append(a.TopicPage(page + 1).choice(t._("📂 More topics ➡️")))
        if turns:
            rows.append(tuple(turns))
    # Back only when recording (to the channel); for citizens this is the first step.
    return Screen(
        "\n\n".join(lines),
        (*rows, _nav(t, back=state.mode == "record")),
    )


def type_picker(t: Translator, chosen: str | None) -> Rows:
    """The summary's Edit → Type: every type, Thanks included, two to a row."""
    return (
        *in_rows(list(_type_buttons(t, chosen, REQUEST_TYPES)), 2),
        (a.ToSummary().choice(t._(BACK)),),
    )


def text_screen(t: Translator) -> Screen:
    return Screen(
        t._(
            "✍️ Step 2 of 4 — Please describe the matter in a message (at most 2000 characters). "
            "Where, what, since when?"
        ),
        (_nav(t),),
    )


def _replies(t: Translator, *first: Reply) -> tuple[tuple[Reply, ...], ...]:
    return (first, (Reply(t._(BACK)), Reply(t._(CANCEL))))


def location_screen(t: Translator) -> Screen:
    """Step 3: the location and the photos, in any order, then Continue."""
    text = t._(
        "📍 Step 3 of 4 — Where is it? Share your location with the button below, or "
        "type the address or neighbourhood.\n\n🖼 You can also send up to {max} photos."
        "\n\nWhen you are done, tap <b>Continue</b> (or right away, to give neither)."
    ).format(max=MAX_PHOTOS)
    return Screen(
        text,
        replies=_replies(t, Reply(t._(SHARE_LOCATION), Ask.LOCATION), Reply(t._(DONE))),
    )


def phone_screen(t: Translator) -> Screen:
    return Screen(
        t._(
            "📞 Step 4 of 4 — May staff call you if needed? Share your number with the "
            "button below, or skip. (Optional)"
        ),
        replies=_replies(
            t,
            Reply(
                t._(SHARE_PHONE),
                Ask.CONTACT,
                instead=t._("You can also type your number, like 0555 123 45 67."),
            ),
            Reply(t._(SKIP)),
        ),
    )


def draft_summary(
    t: Translator,
    draft: ConversationState,
    category: Category | None,
    department: Department | None,
) -> str:
    state = intake.state_of(draft)
    lines = [t._("📋 <b>Please check your request</b>"), ""]
    lines.append(t._("Type: {value}").format(value=t._(REQUEST_TYPES.get(state.type or "", "—"))))
    lines.append(
        t._("Topic: {value}").format(value=esc(category_name(category, t)) if category else "—")
    )
    lines.append(t._("Department: {value}").format(value=esc(department_name(department, t))))
    lines.append(t._("Description: {value}").format(value=esc(state.text)))
    if state.latitude is not None:
        lines.append(t._("Location: shared on the map"))
    elif state.address:
        lines.append(t._("Address: {value}").format(value=esc(state.address)))
    else:
        lines.append(t._("Location: not given"))
    lines.append(t._("Photos: {count}").format(count=len(state.photos)))
    lines.append(t._("Phone: {value}").format(value=esc(state.phone) or t._("not given")))
    return "\n".join(lines)


def summary_choices(t: Translator) -> Rows:
    return (
        (a.Send().choice(t._("📨 Send")),),
        (a.EditMenu().choice(t._("✏️ Edit")), a.CancelFiling().choice(t._(CANCEL))),
    )


def edit_menu(t: Translator, steps: tuple[str, ...]) -> Rows:
    fields = [
        ("category", N_("Topic")),
        ("text", N_("Description")),
        ("location", N_("Location / photos")),
        ("phone", N_("Phone")),
    ]
    choices = [a.TypePicker().choice(t._("Type"))]
    choices += [a.GoTo(step).choice(t._(label)) for step, label in fields if step in steps]
    return (*in_rows(choices, 3), (a.ToSummary().choice(t._(BACK)),))


def channel_choices(t: Translator) -> Rows:
    choices = [
        a.SetChannel(code).choice(t._(label))
        for code, label in CHANNELS.items()
        if code != "telegram"
    ]
    return (*in_rows(choices, 2), _nav(t, back=False))


def _step_screen(
    session: Session, draft: ConversationState, t: Translator, other: frozenset[str]
) -> Screen:
    step = draft.step
    if step == "channel":
        return Screen(t._("📨 Which channel did this request come from?"), channel_choices(t))
    if step == "category":
        active = [c for c in reference.every(session, Category) if c.active]
        order = topic_order(active, t, intake.recent_topics(session), other)
        return category_screen(t, draft, order)
    if step == "text":
        return text_screen(t)
    if step == "location":
        return location_screen(t)
    if step == "phone":
        if intake.state_of(draft).mode == "record":
            return Screen(
                t._("📞 The citizen's phone number or e-mail, if they gave one (or tap Skip):"),
                ((a.SkipStep().choice(t._(SKIP)),), _nav(t)),
            )
        return phone_screen(t)
    category = reference.get(session, Category, intake.state_of(draft).category)
    department = reference.get(session, Department, category.department_code) if category else None
    return Screen(draft_summary(t, draft, category, department), summary_choices(t))


def screen_of(session: Session, draft: ConversationState, t: Translator, config: Config) -> Screen:
    """The screen of the draft's current step."""
    if draft.step == "kvkk":
        return kvkk_screen(
            t, config.kvkk.data_controller or config.municipality.name, config.kvkk.retention_days
        )
    other = frozenset(c.code for c in config.categories if c.other)
    return _step_screen(session, draft, t, other)


def offer(t: Translator) -> Screen:
    """Free text outside any flow that looks like a request."""
    return Screen(
        t._("Would you like to send this to the municipality as a request or complaint?"),
        ((a.FileOffered().choice(t._("📝 Yes, file it")),), (Home().choice(t._("🏠 Main menu")),)),
    )


def receipt(session: Session, t: Translator, request: Request, recorded: bool) -> Screen:
    """The filed request's tracking number and department, in place of the summary; a
    request staff `recorded` for a citizen (from another channel) gets one line."""
    department = reference.get(session, Department, request.department_code)
    if recorded:
        return Screen(
            t._("✅ Registered as <b>{number}</b> and sent to {department}.").format(
                number=request.number, department=esc(department_name(department, t))
            )
        )
    assert request.due_at is not None
    return Screen(
        t._(
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
    )


def too_many(t: Translator, limit: int, phone: str) -> str:
    """Filing refused: the citizen filed the most requests an hour takes by chat."""
    return t._(
        "You have sent {count} requests in the last hour, the most we take by "
        "chat. Please wait a little; for urgent matters call {phone}."
    ).format(count=limit, phone=phone or "—")


def staff_only(t: Translator) -> str:
    return t._("This command is for municipal staff.")


def cancelled(t: Translator, had: bool = True, menu: Rows = ()) -> Screen:
    """/iptal or ✖️ Cancel; `had`: there was a flow to leave."""
    text = t._("Cancelled. Nothing was sent.") if had else t._("There was nothing to cancel.")
    return Screen(text, menu)


def consent_refused(t: Translator, phone: str, menu: Rows) -> Screen:
    """The KVKK notice refused: nothing is kept, and the other ways to reach us."""
    return Screen(
        t._(
            "Understood. Without your consent we cannot take a request by chat; you can "
            "still call {phone} or visit the Solution Centre."
        ).format(phone=phone or "—"),
        menu,
    )
