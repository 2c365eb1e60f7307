"""What a press or a typed answer does to a filing draft, channel-neutral: one function
per action (registered in ACTIONS), and `take` for typed input. The channel finds the
draft, calls these in its transaction, and shows the outcome its own way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlmodel import Session

from common.i18n import Translator
from core import intake
from core.refusals import Refused
from db.models import Citizen, ConversationState
from flows.actions import Action
from flows.filing import actions as a
from flows.filing.screens import BACK, DONE, SKIP, edit_menu, matches, type_picker
from flows.screen import Rows


@dataclass(frozen=True)
class Person:
    """Who pressed: the names that consenting lets the municipality keep."""

    first_name: str
    last_name: str | None = None
    username: str | None = None


@dataclass
class Press:
    """A press on the draft's current form, and what it did."""

    t: Translator
    person: Person
    # The step as stored, before a step of an earlier version was brought up to date.
    saved_step: str | None
    # Only the buttons change (the edit menu, the type picker).
    choices: Rows | None = None
    # Nothing to show again (the type already chosen, tapped again).
    unchanged: bool = False


A = TypeVar("A", bound=Action)
# A press's work on the draft; True when the draft's next screen is to be shown.
Change = Callable[[Session, Citizen, ConversationState, Press, Any], bool]
ACTIONS: dict[type[Action], Change] = {}


def _on(
    kind: type[A],
) -> Callable[
    [Callable[[Session, Citizen, ConversationState, Press, A], bool]],
    Callable[[Session, Citizen, ConversationState, Press, A], bool],
]:
    def register(
        change: Callable[[Session, Citizen, ConversationState, Press, A], bool],
    ) -> Callable[[Session, Citizen, ConversationState, Press, A], bool]:
        ACTIONS[kind] = change
        return change

    return register


def press(
    session: Session, citizen: Citizen, draft: ConversationState, action: Action, pressed: Press
) -> bool:
    """Carries out `action` on the draft; raises Refused when it does not fit. Returns
    whether the draft's next screen is to be shown (flows.filing.screens.screen_of)."""
    change = ACTIONS.get(type(action))
    if change is None:
        raise Refused("use_buttons")
    return change(session, citizen, draft, pressed, action)


@_on(a.Consent)
def consent(
    session: Session, citizen: Citizen, draft: ConversationState, pressed: Press, action: a.Consent
) -> bool:
    """Accepted, the flow goes on; refused, the draft goes and nothing is kept."""
    if action.answer == "yes":
        who = pressed.person
        intake.accept_consent(session, citizen, draft, who.first_name, who.last_name, who.username)
        return True
    intake.cancel(session, citizen)
    return False


@_on(a.SetChannel)
def set_channel(
    session: Session,
    citizen: Citizen,
    draft: ConversationState,
    pressed: Press,
    action: a.SetChannel,
) -> bool:
    intake.set_channel(session, draft, action.code)
    return True


@_on(a.SetType)
def set_type(
    session: Session, citizen: Citizen, draft: ConversationState, pressed: Press, action: a.SetType
) -> bool:
    # Tapping the type already chosen on the topic screen changes nothing: no edit to
    # make. (On the summary's type picker it returns to the summary; on a type screen of
    # an earlier version it shows the topics.)
    pressed.unchanged = (
        intake.state_of(draft).type == action.code
        and draft.step == pressed.saved_step == "category"
    )
    if not pressed.unchanged:
        intake.set_type(session, draft, action.code)
    return True


@_on(a.SetCategory)
def set_category(
    session: Session,
    citizen: Citizen,
    draft: ConversationState,
    pressed: Press,
    action: a.SetCategory,
) -> bool:
    intake.set_category(session, draft, action.code)
    return True


@_on(a.AllTopics)
def all_topics(
    session: Session,
    citizen: Citizen,
    draft: ConversationState,
    pressed: Press,
    action: a.AllTopics,
) -> bool:
    intake.show_all_topics(session, draft)
    return True


@_on(a.TopicPage)
def topic_page(
    session: Session,
    citizen: Citizen,
    draft: ConversationState,
    pressed: Press,
    action: a.TopicPage,
) -> bool:
    intake.show_all_topics(session, draft, action.page)
    return True


@_on(a.GoBack)
def go_back(
    session: Session, citizen: Citizen, draft: ConversationState, pressed: Press, action: a.GoBack
) -> bool:
    intake.go_back(session, draft)
    return True


@_on(a.SkipStep)
def skip_step(
    session: Session, citizen: Citizen, draft: ConversationState, pressed: Press, action: a.SkipStep
) -> bool:
    intake.skip(session, draft)
    return True


@_on(a.EditMenu)
def edit(
    session: Session, citizen: Citizen, draft: ConversationState, pressed: Press, action: a.EditMenu
) -> bool:
    pressed.choices = edit_menu(pressed.t, intake.steps_of(draft))
    return True


@_on(a.TypePicker)
def types(
    session: Session,
    citizen: Citizen,
    draft: ConversationState,
    pressed: Press,
    action: a.TypePicker,
) -> bool:
    pressed.choices = type_picker(pressed.t, intake.state_of(draft).type)
    return True


@_on(a.GoTo)
def go_to(
    session: Session, citizen: Citizen, draft: ConversationState, pressed: Press, action: a.GoTo
) -> bool:
    intake.go_to(session, draft, action.step)
    return True


@_on(a.ToSummary)
def to_summary(
    session: Session,
    citizen: Citizen,
    draft: ConversationState,
    pressed: Press,
    action: a.ToSummary,
) -> bool:
    draft.step = "summary"
    session.add(draft)
    return True


# --- Typed input -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Input:
    """What a person sent: text (or a photo's caption), a location or a place, a photo, a
    contact; whichever the channel's message holds."""

    text: str | None = None
    caption: str | None = None
    location: tuple[float, float] | None = None
    # A place picked on the map (Telegram's venue): its name and address.
    place: str | None = None
    photo: tuple[str, str] | None = None  # the channel's file id and its stable id
    contact: tuple[str, int | None] | None = None  # a phone number, and whose it is


def take(session: Session, draft: ConversationState, sent: Input, sender_id: int) -> None:
    """Applies what the person sent to the draft's step; raises Refused when it does not
    fit. Ready answers (Back, Continue, Skip) are matched by their labels in every
    language, and Continue and Skip also when typed by hand."""
    text, step = sent.text, draft.step
    if matches(text, BACK):
        intake.go_back(session, draft)
    elif step == "text" and (text is not None or sent.caption is not None):
        intake.set_text(session, draft, text or sent.caption)
        if sent.photo is not None:
            intake.add_photo(session, draft, *sent.photo)
    elif step == "location":
        # A location, a place, an address and photos, in any order, until Continue.
        if sent.location is not None:
            intake.set_location(session, draft, *sent.location)
            if sent.place:
                intake.set_address(session, draft, sent.place[: intake.MAX_ADDRESS])
        elif sent.photo is not None:
            intake.add_photo(session, draft, *sent.photo)
        elif matches(text, DONE, typed=True) or matches(text, SKIP, typed=True):
            intake.skip(session, draft)
        elif text is not None:
            intake.set_address(session, draft, text)
        else:
            raise Refused("location_expected")
    elif step == "phone":
        if sent.contact is not None:
            phone, whose = sent.contact
            if whose not in (None, sender_id):
                raise Refused("not_your_contact")
            intake.set_phone(session, draft, phone)
        elif matches(text, SKIP):
            intake.skip(session, draft)
        else:
            intake.set_phone(session, draft, text or "")
    else:
        raise Refused("use_buttons")
