"""Filing one request from fields already complete: the single place a request is born.

The chat's step-by-step filing (core.intake.submit), staff's /kayit, the web desk's entry
form and Open311's POST all end here, so numbering, routing by topic, the working-time
target (due time) and the audit trail's first event are the same whichever way a request
arrives. Each field is checked here too, with a Refused reason its caller words for the
person (`bad_phone`, `too_long`, `unknown_category`…).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from core import numbering
from core.codes import CHANNELS, REQUEST_TYPES
from core.refusals import Refused
from core.working_time import WorkingCalendar
from db import reference
from db.models import Attachment, Category, Request, RequestEvent

MAX_TEXT = 2000
MAX_ADDRESS = 500
MAX_PHOTOS = 3


def clean_text(text: str | None, limit: int = MAX_TEXT) -> str:
    value = (text or "").strip()
    if not value:
        raise Refused("empty")
    if len(value) > limit:
        raise Refused("too_long")
    return value


def check_location(latitude: float, longitude: float) -> None:
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise Refused("bad_location")


def normal_phone(phone: str) -> str:
    """10 to 15 digits, with the leading + kept: '0532 111 22 33' → '05321112233'."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if not 10 <= len(digits) <= 15:
        raise Refused("bad_phone")
    return "+" + digits if phone.strip().startswith("+") else digits


@dataclass(frozen=True)
class NewRequest:
    """A request's fields as given; `filed` checks them."""

    channel: str
    type: str
    category_code: str
    text: str
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = None
    phone: str | None = None
    # Telegram photos: (file_id, file_unique_id).
    photos: Sequence[tuple[str, str]] = field(default_factory=tuple)


@dataclass(frozen=True)
class Submitted:
    request: Request
    department_code: str
    # What the request's card shows besides the request, as stored with it.
    event: RequestEvent
    photo_ids: list[str]


def filed(
    session: Session,
    calendar: WorkingCalendar,
    new: NewRequest,
    *,
    citizen_id: int | None,
    actor: str,
    actor_telegram_id: int | None,
    now: datetime,
) -> Submitted:
    """Store the request, route it by its topic and start its working-time clock.

    `actor` is who filed it: "citizen" (their own, `citizen_id` theirs) or "staff" (taken
    by phone, in person, or from another system: no citizen row)."""
    # Only the citizen's own chat counts as Telegram: staff entering a request never do.
    if new.channel not in CHANNELS or (actor == "staff" and new.channel == "telegram"):
        raise Refused("unknown_channel")
    if new.type not in REQUEST_TYPES:
        raise Refused("unknown_type")
    category = reference.get(session, Category, new.category_code)
    if category is None or not category.active:
        raise Refused("unknown_category")
    text = clean_text(new.text)
    address = clean_text(new.address, MAX_ADDRESS) if new.address else None
    phone = normal_phone(new.phone) if new.phone else None
    if (new.latitude is None) != (new.longitude is None):
        raise Refused("bad_location")
    if new.latitude is not None and new.longitude is not None:
        check_location(new.latitude, new.longitude)
    if len(new.photos) > MAX_PHOTOS:
        raise Refused("too_many_photos")
    year = now.astimezone(calendar.tz).year
    request = Request(
        number=numbering.allocate(session, year)[0],
        channel=new.channel,
        type=new.type,
        category_code=category.code,
        department_code=category.department_code,
        citizen_id=citizen_id,
        text=text,
        latitude=new.latitude,
        longitude=new.longitude,
        address=address,
        contact_phone=phone,
        status="new",
        created_at=now,
        updated_at=now,
        due_at=calendar.add_working_hours(now, category.sla_hours),
    )
    session.add(request)
    session.flush()
    assert request.id is not None
    for file_id, unique_id in new.photos:
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
        actor=actor,
        actor_telegram_id=actor_telegram_id,
        data={"department": category.department_code},
    )
    session.add(event)
    return Submitted(
        request=request,
        department_code=category.department_code,
        event=event,
        photo_ids=[file_id for file_id, _ in new.photos],
    )
