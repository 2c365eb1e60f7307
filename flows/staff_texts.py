"""What staff read when an action on a request is refused, on any channel: the card's
buttons and replies in the staff group (handlers.staff_desk) and the web desk
(web.desk.request_page) word the same refusal the same way, from this one table."""

from __future__ import annotations

from common.i18n import N_, Translator

# Keyed by core's reasons (core.refusals.Refused), plus not_allowed (core.staff.NotAllowed)
# and not_found (core.workflow.NotFound).
ERRORS: dict[str, str] = {
    "not_allowed": N_("⛔ Only staff of this department, supervisors and admins can do this."),
    "closed": N_("This request is already closed."),
    "already_assigned": N_("You have already taken this request on."),
    "reason_required": N_("Please give a reason."),
    "text_required": N_("Please write a text."),
    "unknown_department": N_("That department does not exist."),
    "same_department": N_("The request is already with that department."),
    "too_long": N_("That text is too long (at most 4000 characters)."),
    "not_found": N_("This request no longer exists."),
}


def error_text(t: Translator, key: str | None) -> str:
    """The refusal in the reader's language; anything unknown reads as 'no longer exists'."""
    return t._(ERRORS.get(key or "", ERRORS["not_found"]))
