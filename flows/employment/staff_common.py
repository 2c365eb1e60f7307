"""What the staff desk's modules (flows.employment.staff, vacancy_desk, referral_desk,
referral_answers) share: how many items a screen lists, the refusals, the names of a
referral's statuses, what a firm receives of a candidate in the seeker's words
(shared_with_firm), a row or the refusal "not_found", the button back to the desk, a
referral's job and firm, and a message queued to a citizen (tell_citizen).

Messages to citizens go through the outbox (core.outbox) in the same transaction as the
change that causes them, so none is lost and none goes out for a change that was rolled
back; the channel wakes the outbox once the transaction is committed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from sqlmodel import Session

from common.i18n import N_, Translator, resolve_language, translator
from core import outbox
from core.employment import codes
from core.employment.firms import SHARED as SHARED_FIELDS
from core.refusals import Refused
from db.models import Citizen, Employer, Referral, Vacancy
from flows.employment import staff_actions as s
from flows.employment.screens import refusal as seeker_refusal
from flows.screen import Choice, Rows, as_pairs

T = TypeVar("T")

# Items listed on one screen (the oldest first; the rest come as these are handled).
LISTED = 10
LABEL = 48

REFUSALS: dict[str, str] = {
    "not_allowed": N_("⛔ Only the employment centre's staff can do this."),
    "already_verified": N_("This firm is already verified."),
    "already_rejected": N_("This firm has already been turned down."),
    "wrong_status": N_("This has already changed; nothing was done."),
    "not_published": N_("This vacancy is not published."),
    "vacancy_expired": N_("This vacancy's date has passed."),
    "seeker_unavailable": N_("This person is not looking for a job at the moment."),
    "already_referred": N_("This person is already referred to this vacancy."),
    "already_answered": N_("Thank you, we already have your answer."),
    "not_verified": N_("This firm is not verified yet."),
}
STATUSES = {
    codes.REFERRED: N_("Referred"),
    codes.INTERESTED: N_("Interested"),
    codes.INTERVIEW: N_("Interview"),
    codes.JOB_FOUND: N_("Job found"),
    codes.STARTED: N_("Started work"),
    codes.DECLINED: N_("Declined"),
    codes.NOT_HIRED: N_("Not hired"),
    codes.CANCELLED: N_("Cancelled"),
    codes.EXPIRED: N_("Expired"),
}
# What the firm receives of a candidate (core.employment.firms.SHARED), in the seeker's
# words.
SHARED = {
    "name": N_("your name"),
    "phone": N_("your phone number"),
    "occupations": N_("the occupations you are looking for"),
    "experience": N_("your work experience"),
    "cv_file_name": N_("the CV you sent as a PDF, if you sent one"),
}


def shared_with_firm(t: Translator) -> str:
    """Exactly what a firm receives of a seeker who accepts a referral, as a list in the
    reader's language (core.employment.firms.SHARED, in its order)."""
    items = [t._(SHARED[field]) for field in SHARED_FIELDS]
    return t._("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


def refusal(t: Translator, reason: str) -> str:
    if reason in REFUSALS:
        return t._(REFUSALS[reason])
    return seeker_refusal(t, reason)


def get_or_refuse(session: Session, kind: type[T], row_id: int) -> T:
    """The row of `kind` with this id, or the refusal "not_found"."""
    found = session.get(kind, row_id)
    if found is None:
        raise Refused("not_found")
    return found


def back_to_desk(t: Translator) -> Choice:
    return s.Desk().choice(t._("⬅️ Staff desk"))


def job_of(session: Session, referral: Referral) -> tuple[str, str]:
    """The referral's vacancy title and firm name ("—" for one no longer there)."""
    vacancy = session.get(Vacancy, referral.vacancy_id) if referral.vacancy_id else None
    employer = session.get(Employer, referral.employer_id) if referral.employer_id else None
    return (vacancy.title if vacancy else "—", employer.name if employer else "—")


def tell_citizen(
    session: Session,
    citizen_id: int | None,
    kind: str,
    now: datetime,
    text: Callable[[Translator], str],
    buttons: Callable[[Translator], Rows] | None = None,
) -> bool:
    """Queue a message to a citizen in their language (the outbox sends it, plain text);
    False when there is nobody to send it to (no Telegram chat, blocked, erased)."""
    citizen = session.get(Citizen, citizen_id) if citizen_id is not None else None
    if (
        citizen is None
        or citizen.telegram_id is None
        or citizen.blocked_at is not None
        or citizen.deleted_at is not None
    ):
        return False
    ct = translator(resolve_language(citizen.language, citizen.telegram_language))
    rows = buttons(ct) if buttons else ()
    chat = citizen.telegram_id
    outbox.enqueue(
        session,
        {chat: text(ct)},
        kind=kind,
        now=now,
        buttons={chat: as_pairs(rows)} if rows else None,
    )
    return True
