"""Screens as plain messages, for a messaging channel with less than Telegram: no edits
(every screen is a new message), at most three buttons to a message or one list of at
most ten rows, short button titles, and no button that asks for a phone number.
WhatsApp is such a channel; a test walks the filing flow through this renderer, so the
flows are ready for it."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from flows.screen import Ask, Choice, Media, Screen, fit


@dataclass(frozen=True)
class Limits:
    """What one message of the channel can carry."""

    buttons: int = 3  # reply buttons
    list_rows: int = 10  # rows of one list
    button_title: int = 20  # characters
    row_title: int = 24
    # Buttons may ask for the location (WhatsApp's location request); none asks for the
    # phone number, which the person then types.
    asks: frozenset[Ask] = frozenset({Ask.LOCATION})


WHATSAPP = Limits()


@dataclass(frozen=True)
class Message:
    """One message: text, and either a few buttons or a list of rows; `asks` when it
    carries the button that shares the location. A button's `data` is what the channel
    gives back when it is pressed: an action's packed data, or a ready answer's text."""

    text: str
    buttons: tuple[Choice, ...] = ()
    rows: tuple[Choice, ...] = ()
    asks: Ask | None = None
    # A file, with `text` its caption.
    media: Media | None = None


def plain_text(text: str) -> str:
    """The screen's text without its <b> and <i> (a channel with its own markup would put
    its own there)."""
    return html.unescape(re.sub(r"</?[bi]>", "", text))


def render(screen: Screen, limits: Limits = WHATSAPP) -> list[Message]:
    """The messages that show `screen` on the channel, in order: its text, then each of its
    media in a message of its own (a message carries one file)."""
    media = [Message(m.caption, media=m) for m in screen.media]
    if not (screen.text or screen.choices or screen.replies):
        return media
    return [*_render_text(screen, limits), *media]


def _render_text(screen: Screen, limits: Limits) -> list[Message]:
    text = plain_text(screen.text)
    choices = [choice for row in screen.choices for choice in row]
    if choices:
        if len(choices) <= limits.buttons:
            fitted = tuple(Choice(fit(c.label, limits.button_title), c.data) for c in choices)
            return [Message(text, buttons=fitted)]
        rows = [Choice(fit(c.label, limits.row_title), c.data) for c in choices]
        pages = [rows[i : i + limits.list_rows] for i in range(0, len(rows), limits.list_rows)]
        return [Message(text if n == 0 else "…", rows=tuple(page)) for n, page in enumerate(pages)]
    replies = [reply for row in screen.replies for reply in row]
    # A button the channel cannot show is said in words instead.
    text = "\n\n".join(
        [text, *(r.instead for r in replies if r.asks and r.asks not in limits.asks and r.instead)]
    )
    messages: list[Message] = []
    asking = [r for r in replies if r.asks is not None and r.asks in limits.asks]
    if asking:
        messages.append(Message(text, asks=asking[0].asks))
    typed = [Choice(fit(r.label, limits.button_title), r.label) for r in replies if r.asks is None]
    for i in range(0, len(typed), limits.buttons):
        # Every message needs a body: the screen's text on the first, a pointer after it.
        body = text if not messages else "⬆️"
        messages.append(Message(body, buttons=tuple(typed[i : i + limits.buttons])))
    return messages or [Message(text)]
