"""What a citizen is told, on any channel, when staff act on one of their requests: taken
on, answered, asked a question (with the button that answers it), resolved, rejected,
passed to another department."""

from __future__ import annotations

from common.i18n import Translator
from db.models import Category, Department, Request, RequestEvent
from flows.my_requests import actions as a
from flows.names import department_name, esc
from flows.screen import Screen

# A complaint, request or suggestion about a civic topic (config.toml `civic`) helps
# improve the city; anything else (social aid, jobs, a question) gets the neutral thanks,
# which is never wrong.
CITY_TYPES = frozenset({"sikayet", "talep", "oneri"})


def closing_thanks(t: Translator, request: Request, category: Category | None) -> str:
    """The last line of the resolution notice, fitting what the request was about."""
    if request.type in CITY_TYPES and category is not None and category.civic:
        return t._("Thank you for helping us improve our city.")
    return t._("Thank you for getting in touch with us.")


def citizen_notice(
    t: Translator,
    request: Request,
    event: RequestEvent,
    department: Department | None,
    category: Category | None = None,
) -> Screen | None:
    """What the citizen is told of a staff action; None when they need not be told."""
    number, dept = request.number, esc(department_name(department, t))
    text = esc(event.text)
    if event.kind == "assigned":
        return Screen(
            t._("🙋 Your request {number} is now being handled by {department}.").format(
                number=number, department=dept
            )
        )
    if event.kind == "answered":
        return Screen(
            t._("💬 <b>Answer to your request {number}</b> ({department}):\n\n{text}").format(
                number=number, department=dept, text=text
            )
        )
    if event.kind == "question":
        assert request.id is not None
        return Screen(
            t._(
                "❓ <b>{department} asks about your request {number}:</b>\n\n{text}\n\n"
                "Please reply to this message, or tap the button below."
            ).format(number=number, department=dept, text=text),
            ((a.AnswerQuestion(request.id).choice(t._("✍️ Answer")),),),
        )
    if event.kind == "resolved":
        body = t._("✅ <b>Your request {number} has been resolved.</b>").format(number=number)
        return Screen(
            body + ("\n\n" + text if text else "") + "\n\n" + closing_thanks(t, request, category)
        )
    if event.kind == "rejected":
        return Screen(
            t._("⛔ Your request {number} could not be carried out.\nReason: {text}").format(
                number=number, text=text
            )
        )
    if event.kind == "redirected":
        return Screen(
            t._(
                "↪️ Your request {number} has been passed to {department}, which is "
                "responsible for it."
            ).format(number=number, department=dept)
        )
    return None
