"""One error for every refusal a person may be told about.

A rule of `core/` that refuses what it was asked (a step's input that does not fit, an
action on a closed request, a full event, an unknown staff role…) raises `Refused` with a
short reason code; the channel that asked (a Telegram handler, a web page, the CLI) turns
the code into a text in the person's language. Anything else raised is a bug, and gets
the apology of the error handler.
"""

from __future__ import annotations


class Refused(ValueError):
    """Refused, for `reason`: a short code such as "closed" or "not_allowed"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
