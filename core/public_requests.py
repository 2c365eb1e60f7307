"""What anyone may see of a request, without asking who they are (Open311's GET, and any
public page that lists requests).

Never the requester's name or phone number, nor the address they typed: the place only
to three decimals (about 100 m), so a complaint about a neighbour's dog does not point at
the complainant's door. The description only where the requester agreed to publish it,
and never once it has been erased. Staff's answers are not shown: they are addressed to
the requester and often quote them; the status says how far the request has come.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from core.codes import OPEN_STATUSES
from core.privacy import ERASED
from db.models import Request

# Three decimals of a degree: 111 m of latitude, about 85 m of longitude in Istanbul.
COORDINATE_DECIMALS = 3
# Open311 GeoReport v2's bounds on a search: at most 1,000 requests, over at most 90 days
# (the most recent 90 when no dates are given).
MAX_RESULTS = 1000
MAX_SPAN = timedelta(days=90)
# A public number: the year and six digits (core.numbering).
NUMBER_LENGTH = len("2026-000123")


@dataclass(frozen=True)
class PublicRequest:
    number: str
    # Open311's two states: open while staff still work on it, closed once it is resolved,
    # rejected or withdrawn.
    open: bool
    status: str  # our own status code (core.codes.STATUSES), for the words
    category_code: str
    department_code: str
    description: str | None
    requested_at: datetime
    updated_at: datetime
    expected_at: datetime | None
    latitude: float | None
    longitude: float | None


def coarse(value: float | None) -> float | None:
    return None if value is None else round(value, COORDINATE_DECIMALS)


def public(request: Request) -> PublicRequest:
    shown = request.publish_consent and request.text != ERASED
    return PublicRequest(
        number=request.number,
        open=request.status in OPEN_STATUSES,
        status=request.status,
        category_code=request.category_code,
        department_code=request.department_code,
        description=request.text if shown else None,
        requested_at=request.created_at,
        updated_at=request.updated_at,
        expected_at=request.due_at,
        latitude=coarse(request.latitude),
        longitude=coarse(request.longitude),
    )


def by_numbers(session: Session, numbers: Collection[str]) -> list[PublicRequest]:
    """These requests, newest first; numbers that name none are left out."""
    if not numbers:
        return []
    rows = session.exec(
        select(Request)
        .where(col(Request.number).in_(list(numbers)[:MAX_RESULTS]))
        .order_by(col(Request.created_at).desc(), col(Request.id).desc())
    ).all()
    return [public(r) for r in rows]


def search(
    session: Session,
    start: datetime,
    end: datetime,
    categories: Collection[str] = (),
    open_: bool | None = None,
    limit: int = MAX_RESULTS,
) -> list[PublicRequest]:
    """Requests filed from `start` to `end` (both included), newest first, at most `limit`;
    only these topics if any are given, only open (or closed) ones if `open_` says so."""
    query = select(Request).where(col(Request.created_at) >= start, col(Request.created_at) <= end)
    if categories:
        query = query.where(col(Request.category_code).in_(list(categories)))
    if open_ is True:
        query = query.where(col(Request.status).in_(sorted(OPEN_STATUSES)))
    elif open_ is False:
        query = query.where(col(Request.status).not_in(sorted(OPEN_STATUSES)))
    rows = session.exec(
        query.order_by(col(Request.created_at).desc(), col(Request.id).desc()).limit(
            min(limit, MAX_RESULTS)
        )
    ).all()
    return [public(r) for r in rows]
