"""Filing a request, whatever it came by: the one rule that numbers it, routes it by its
topic, starts its SLA clock and writes its `created` event.

The chat's Send (core.intake.submit, for citizens and for staff's /kayit), Open311's POST
(web/open311.py) and the staff desk's entry form all call `file_request`, so a request is
the same request whichever door it came through. The checks of each field are here too,
for the chat's steps and for the forms that take every field at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from core import numbering
from core.codes import CHANNELS, REQUEST_TYPES
from core.refusals import Refused
from core.working_time import WorkingCalendar
from db import reference
from db.models import Attachment, Category, Citizen, Request, RequestEvent
from db.types import utcnow

MAX_TEXT = 2000
MAX_ADDRESS = 500
MAX_PHOTOS = 3


# Control characters other than tab and newline: invisible in a message, and a spreadsheet
# (the desk's xlsx export) refuses a cell that holds one.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str | None, limit: int = MAX_TEXT) -> str:
    """The text without control characters and surrounding blanks; Refused("empty") or
    ("too_long")."""
    value = _CONTROL.sub("", text or "").strip()
    if not value:
        raise Refused("empty")
    if len(value) > limit:
        raise Refused("too_long")
    return value


def phone_number(phone: str) -> str:
    """A phone number as stored: its digits, with the + of an international one kept;
    Refused("bad_phone") unless it has 10 to 15 digits (a Turkish number has 10 or 12)."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if not 10 <= len(digits) <= 15:
        raise Refused("bad_phone")
    return "+" + digits if phone.strip().startswith("+") else digits


def check_location(latitude: float, longitude: float) -> None:
    """Refused("bad_location") for a point that is not on Earth."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise Refused("bad_location")


@dataclass(frozen=True)
class Filing:
    """What a new request says. The chat checked each field as it was typed; a form that
    sends them all at once has them checked by `file_request`."""

    channel: str
    type: str
    category_code: str
    text: str
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = None
    phone: str | None = None
    # The requester agreed that the description may be shown publicly.
    publish: bool = False
    # Telegram photos: (file_id, file_unique_id), at most MAX_PHOTOS.
    photos: tuple[tuple[str, str], ...] = ()
    # Who filed it, as the audit trail records it: the citizen themself (by chat, or an
    # application of theirs through Open311) or staff recording it for them.
    actor: str = "citizen"
    actor_telegram_id: int | None = None
    # Anything else the `created` event keeps about where it came from (the API key's name).
    origin: dict[str, Any] = field(default_factory=dict)


def checked(filing: Filing, session: Session) -> tuple[Filing, Category]:
    """The filing with every field checked and normalised, and its topic; Refused with the
    reason of the first field that does not fit."""
    # Only the citizen's own chat counts as Telegram: staff entering a request never do.
    if filing.channel not in CHANNELS or (filing.actor == "staff" and filing.channel == "telegram"):
        raise Refused("unknown_channel")
    if filing.type not in REQUEST_TYPES:
        raise Refused("unknown_type")
    category = reference.get(session, Category, filing.category_code)
    if category is None or not category.active:
        raise Refused("unknown_category")
    text = clean_text(filing.text)
    if (filing.latitude is None) != (filing.longitude is None):
        raise Refused("bad_location")
    if filing.latitude is not None and filing.longitude is not None:
        check_location(filing.latitude, filing.longitude)
    address = clean_text(filing.address, MAX_ADDRESS) if filing.address is not None else None
    phone = phone_number(filing.phone) if filing.phone is not None else None
    if len(filing.photos) > MAX_PHOTOS:
        raise Refused("too_many_photos")
    return (
        Filing(
            channel=filing.channel,
            type=filing.type,
            category_code=category.code,
            text=text,
            latitude=filing.latitude,
            longitude=filing.longitude,
            address=address,
            phone=phone,
            publish=filing.publish,
            photos=tuple(filing.photos),
            actor=filing.actor,
            actor_telegram_id=filing.actor_telegram_id,
            origin=dict(filing.origin),
        ),
        category,
    )


# A client that lost the answer to its POST sends it again: within this time, the same
# request again is that one, not a second.
RETRY_WINDOW = timedelta(minutes=10)


def filed_already(session: Session, filing: Filing, now: datetime | None = None) -> Request | None:
    """The request this filing repeats: the same channel, topic, text, place and phone,
    filed within RETRY_WINDOW; None when there is none. Refused as file_request would be
    when the filing does not fit."""
    filing, _ = checked(filing, session)
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # The retry of a slow post may come while the first is still being filed: the
        # second waits here until the first's transaction has ended, and then finds it.
        # (On SQLite the web's posts are handled one at a time: db.engine.without_blocking.)
        key = f"{filing.channel}\n{filing.category_code}\n{filing.text}"
        connection.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key}
        )
    since = (now or utcnow()) - RETRY_WINDOW
    same = select(Request).where(
        col(Request.created_at) >= since,
        Request.channel == filing.channel,
        Request.category_code == filing.category_code,
        Request.text == filing.text,
        # None is the same as None here (SQL's = says neither true nor false of them).
        col(Request.latitude).is_not_distinct_from(filing.latitude),
        col(Request.longitude).is_not_distinct_from(filing.longitude),
        col(Request.address).is_not_distinct_from(filing.address),
        col(Request.contact_phone).is_not_distinct_from(filing.phone),
    )
    return session.exec(same.order_by(col(Request.id)).limit(1)).first()


def file_request(
    session: Session,
    calendar: WorkingCalendar,
    filing: Filing,
    citizen: Citizen | None = None,
    now: datetime | None = None,
) -> tuple[Request, RequestEvent]:
    """Store the request, route it to its topic's department, start its SLA clock (working
    time) and record its creation; the caller's transaction commits it, and then posts its
    card in the department's group. `citizen`: the Telegram citizen it belongs to, who may
    follow it in the chat (None for one recorded by staff or posted through Open311)."""
    filing, category = checked(filing, session)
    now = now or utcnow()
    year = now.astimezone(calendar.tz).year
    request = Request(
        number=numbering.allocate(session, year)[0],
        channel=filing.channel,
        type=filing.type,
        category_code=category.code,
        department_code=category.department_code,
        citizen_id=citizen.id if citizen is not None else None,
        text=filing.text,
        latitude=filing.latitude,
        longitude=filing.longitude,
        address=filing.address,
        contact_phone=filing.phone,
        status="new",
        created_at=now,
        updated_at=now,
        due_at=calendar.add_working_hours(now, category.sla_hours),
        publish_consent=filing.publish,
    )
    session.add(request)
    session.flush()
    assert request.id is not None
    for file_id, unique_id in filing.photos:
        session.add(
            Attachment(
                request_id=request.id,
                telegram_file_id=file_id,
                file_unique_id=unique_id,
                created_at=now,
            )
        )
    event = RequestEvent(
        request_id=request.id,
        at=now,
        kind="created",
        actor=filing.actor,
        actor_telegram_id=filing.actor_telegram_id,
        data={"department": category.department_code, **filing.origin},
    )
    session.add(event)
    return request, event
