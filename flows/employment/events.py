"""The employment centre's trainings and job fairs, channel-neutral: the citizens' list
(from the employment menu), the kind a staff member picks before the council's event
questions, and recording a fair's firms and hires. An event's own screen, registering,
the waiting list, the check-in code and withdrawing are the council's
(flows.council.events), reused as they are."""

from __future__ import annotations

import html
from datetime import datetime

from sqlmodel import Session

from common.i18n import N_, Translator
from core.employment import events
from db.models import CouncilEvent, Employer
from flows.council import actions as council_actions
from flows.employment import actions as employment_actions
from flows.employment import event_actions as a
from flows.names import event_kind_name
from flows.screen import Choice, Screen, fit

REFUSALS: dict[str, str] = {
    "not_allowed": N_("This is for the employment centre's staff."),
    "not_a_fair": N_("There is no job fair with that number."),
    "event_cancelled": N_("This event has been cancelled."),
    "bad_hired": N_("The number hired must be a whole number from 0 to 10000."),
    "bad_tax_number": N_("That tax number (VKN) is not valid. Please check its 10 digits."),
    "text_required": N_("Please write the firm's name or tax number (VKN)."),
    "not_found": N_("Not found. It may have been removed."),
}


def refusal(t: Translator, reason: str) -> str:
    return t._(REFUSALS.get(reason, REFUSALS["not_found"]))


def events_screen(session: Session, t: Translator, now: datetime) -> Screen:
    """🎓 Trainings and job fair: the upcoming ones, a button each to the event's screen
    (the council's), where registering and the rest happen."""
    upcoming = events.upcoming(session, now)
    if not upcoming:
        text = t._(
            "🎓 There are no upcoming trainings or job fairs yet. Check again soon; "
            "the employment centre holds a training every month."
        )
    else:
        lines = [t._("🎓 <b>Trainings and job fair</b>")]
        for item in upcoming:
            event = item.event
            lines.append(
                t._("<b>{title}</b> — {kind}\n{when} · {place} · seats left: {seats}").format(
                    title=html.escape(event.title),
                    kind=html.escape(event_kind_name(event.kind, t)),
                    when=t.span(event.starts_at, event.ends_at),
                    place=html.escape(event.place),
                    seats=item.seats_left,
                )
            )
        text = "\n\n".join(lines)
    rows: list[tuple[Choice, ...]] = [
        (
            council_actions.EventScreen(item.event.id or 0).choice(
                f"{fit(item.event.title, 40)} · {t.short_datetime(item.event.starts_at)}"
            ),
        )
        for item in upcoming[:10]
    ]
    rows.append((employment_actions.Menu().choice(t._("⬅️ Back")),))
    return Screen(text, tuple(rows))


def kind_question(t: Translator) -> Screen:
    """Staff's first question: which kind of event; the council's questions follow."""
    return Screen(
        t._("🎓 What are you organising?"),
        tuple(
            (a.NewEmploymentEvent(kind).choice(event_kind_name(kind, t)),) for kind in events.KINDS
        ),
    )


def fair_usage(t: Translator) -> str:
    return t._(
        "Usage: /fuar_firma FAIR_ID VKN_OR_NAME HIRED\n"
        "Like: /fuar_firma 12 Deniz Restoran 5 or /fuar_firma 12 1234567890 5"
    )


def firm_matches(t: Translator, event_id: int, firms: list[Employer], hired: int) -> Screen:
    """The firms a name or VKN matched: one is picked (the number hired rides along)."""
    if not firms:
        return Screen(
            t._(
                "No registered firm matches that. Check the name or the VKN; the firm "
                "must be registered with the employment centre first."
            )
        )
    return Screen(
        t._("Which firm hired {count} people at fair {id}?").format(count=hired, id=event_id),
        tuple(
            (a.FairFirm(event_id, firm.id or 0, hired).choice(fit(firm.name, 50)),)
            for firm in firms
        ),
    )


def fair_recorded(
    session: Session, t: Translator, event: CouncilEvent, firm: Employer, hired: int
) -> Screen:
    """The firm is recorded; the fair's firms and hires so far."""
    assert event.id is not None
    recorded = events.fair_firms(session, event.id)
    lines = [
        t._("✅ Recorded: {firm} took part in {fair} and hired {count} people there.").format(
            firm=html.escape(firm.name), fair=html.escape(event.title), count=t.number(hired)
        ),
        "",
        t._("So far at this fair: {firms} firms, {hires} people hired.").format(
            firms=t.number(len(recorded)), hires=t.number(sum(h for _, h in recorded))
        ),
    ]
    return Screen("\n".join(lines))
