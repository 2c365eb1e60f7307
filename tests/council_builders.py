"""Rows the City Council's unit tests start from, made through core/ on a fixed clock
(NOW): a citizen, a council coordinator, an event; and the check that a call is refused
with the reason a user would read. The employment centre's trainings and fairs run on the
same event engine, so its tests use these too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session

from core import citizens, council, staff
from core.refusals import Refused
from db.models import Citizen, CouncilEvent

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
COORDINATOR = 900
START = NOW + timedelta(days=7)


def person(session: Session, telegram_id: int, *, consent: bool = True) -> Citizen:
    citizen = citizens.get_or_create(session, telegram_id, "tr")
    if consent:
        citizen.consent_at = NOW - timedelta(days=1)
    session.flush()
    return citizen


def coordinator(session: Session, telegram_id: int = COORDINATOR) -> int:
    staff.upsert(session, telegram_id, "coordinator", "kent_konseyi")
    return telegram_id


def new_event(
    session: Session,
    *,
    assembly: str = "kadin",
    capacity: int = 2,
    members_only: bool = False,
    starts_at: datetime = START,
    deadline: datetime | None = None,
    actor: int = COORDINATOR,
) -> CouncilEvent:
    return council.create_event(
        session,
        staff.active_member(session, actor),
        assembly,
        "Mahalle buluşması",
        "Açıklama",
        starts_at,
        starts_at + timedelta(hours=2),
        "Kültür Merkezi",
        capacity,
        deadline,
        members_only,
    )


def refused(expected: str, call: Any, *args: Any, **kwargs: Any) -> None:
    """`call` refuses with the reason `expected` (the key of the text the user reads)."""
    with pytest.raises(Refused) as excinfo:
        call(*args, **kwargs)
    assert excinfo.value.reason == expected
