"""A council event as an iCalendar (.ics) file, with the check-in code when there is one."""

from __future__ import annotations

from datetime import datetime, tzinfo

from icalendar import Calendar, Event

from db.models import CouncilEvent
from db.types import utcnow

PRODID = "-//Kent Bot//Kent Konseyi//TR"
# A fixed domain that never resolves: the UID must stay the same for every copy of
# an event (so calendar apps update it instead of adding another), not name a host.
UID_DOMAIN = "kentbot.invalid"


def event_uid(event_id: int) -> str:
    return f"kentbot-event-{event_id}@{UID_DOMAIN}"


def event_ics(
    event: CouncilEvent,
    assembly_name: str,
    code: str | None,
    tz: tzinfo,
    *,
    code_label: str = "Giriş kodu / Check-in code",
    url: str | None = None,
    now: datetime | None = None,
) -> bytes:
    """One VEVENT in a VCALENDAR; a cancelled event is sent with STATUS:CANCELLED."""
    if event.id is None:
        raise ValueError("the event has no id yet; flush it first")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if event.cancelled_at else "PUBLISH")
    calendar.add_component(_vevent(event, assembly_name, code, tz, code_label, url, now))
    # Times carry TZID=Europe/Istanbul; the matching VTIMEZONE makes the file self-contained.
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _vevent(
    event: CouncilEvent,
    assembly_name: str,
    code: str | None,
    tz: tzinfo,
    code_label: str,
    url: str | None,
    now: datetime | None,
) -> Event:
    assert event.id is not None
    vevent = Event()
    vevent.add("uid", event_uid(event.id))
    vevent.add("dtstamp", now or utcnow())
    vevent.add("sequence", event.revision)
    vevent.add("dtstart", event.starts_at.astimezone(tz))
    vevent.add("dtend", event.ends_at.astimezone(tz))
    vevent.add("summary", f"{event.title} — {assembly_name}")
    if event.place:
        vevent.add("location", event.place)
    vevent.add("description", _description(event, code, code_label))
    vevent.add("status", "CANCELLED" if event.cancelled_at else "CONFIRMED")
    if url:
        vevent.add("url", url)
    return vevent


def _description(event: CouncilEvent, code: str | None, code_label: str) -> str:
    parts = [event.description.strip()] if event.description.strip() else []
    if code:
        parts.append(f"{code_label}: {code}")
    return "\n\n".join(parts)
