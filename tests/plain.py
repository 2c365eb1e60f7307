"""What every test of a screen on a plain channel checks (flows.plain, WhatsApp's limits):
the screen's messages, each within the channel's limits."""

from __future__ import annotations

from flows.plain import WHATSAPP, Message, render
from flows.screen import Ask, Screen


def fitted(screen: Screen, asks: tuple[Ask | None, ...] = (None,)) -> list[Message]:
    """The messages that show `screen`: at most three buttons or one list of ten rows,
    short titles, a body, no HTML left; `asks`, the share buttons a message may carry."""
    messages = render(screen)
    for message in messages:
        assert len(message.buttons) <= WHATSAPP.buttons, message
        assert len(message.rows) <= WHATSAPP.list_rows, message
        assert not (message.buttons and message.rows), "buttons or a list, not both"
        assert all(len(b.label) <= WHATSAPP.button_title for b in message.buttons), message
        assert all(len(r.label) <= WHATSAPP.row_title for r in message.rows), message
        assert message.asks in asks, message
        assert message.text.strip(), "an interactive message needs a body"
        assert "<b>" not in message.text and "<i>" not in message.text, message
    return messages
