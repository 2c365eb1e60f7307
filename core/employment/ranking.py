"""The candidates for a vacancy, best first, with the parts of their score.

Only seekers whose occupations share at least the vacancy's 2-digit ISCO-08 group are
candidates (one range over the occupation index); paused and erased CVs, CVs imported
from the old portal (no citizen to send the referral to), and seekers with an open
referral to this vacancy, are left out. The score is the sum of:

- occupation: the same 4-digit unit group 50, the same 3-digit minor group 30, the
  same 2-digit sub-major group 15 (the best of the seeker's occupations);
- district: the vacancy's district 20 (distance between districts comes later);
- availability: now 15, within two weeks 10, within a month 5;
- work time: the vacancy's (or "any") 5;
- activity: active (or registered) in the last 30 days 10, 90 days 5, year 2.

Ties go to the more recently active seeker, then to the earlier CV.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, and_, select
from sqlmodel import Session, SQLModel

from core.employment import codes
from db.models import JobSeeker, JobSeekerOccupation, Referral, Vacancy

OCCUPATION_POINTS = {4: 50, 3: 30, 2: 15}
DISTRICT_POINTS = 20
AVAILABILITY_POINTS = {"now": 15, "two_weeks": 10, "month": 5}
WORK_TIME_POINTS = 5
ACTIVITY_POINTS = ((timedelta(days=30), 10), (timedelta(days=90), 5), (timedelta(days=365), 2))

_SEEKER: Table = SQLModel.metadata.tables[str(JobSeeker.__tablename__)]
_OCCUPATION: Table = SQLModel.metadata.tables[str(JobSeekerOccupation.__tablename__)]
_REFERRAL: Table = SQLModel.metadata.tables[str(Referral.__tablename__)]


@dataclass(frozen=True)
class Candidate:
    seeker_id: int
    score: int
    occupation: int  # the points of each part
    district: int
    availability: int
    work_time: int
    activity: int
    matched_code: str  # the seeker's occupation that matched best
    last_active_at: datetime


def _shared_digits(a: str, b: str) -> int:
    for digits in (4, 3, 2):
        if a[:digits] == b[:digits]:
            return digits
    return 0


def _activity(last: datetime, now: datetime) -> int:
    idle = now - last
    return next((points for within, points in ACTIVITY_POINTS if idle <= within), 0)


def rank(session: Session, vacancy: Vacancy, now: datetime, limit: int = 50) -> list[Candidate]:
    """The best `limit` candidates for the vacancy."""
    group = vacancy.occupation[:2]
    # The 2-digit group as a range, so both databases read the (code, seeker) index.
    # Digits only (collations other than C order punctuation their own way); the 99 group
    # has no upper bound, codes being 4 digits.
    in_group = _OCCUPATION.c.code >= group
    if group != "99":
        in_group = and_(in_group, _OCCUPATION.c.code < f"{int(group) + 1:02d}")
    already = select(_REFERRAL.c.seeker_id).where(
        _REFERRAL.c.vacancy_id == vacancy.id,
        _REFERRAL.c.status.not_in(codes.CLOSED_STATUSES),
    )
    rows = session.execute(
        select(
            _SEEKER.c.id,
            _OCCUPATION.c.code,
            _SEEKER.c.district,
            _SEEKER.c.availability,
            _SEEKER.c.work_time,
            _SEEKER.c.last_active_at,
            _SEEKER.c.registered_at,
        )
        .select_from(_OCCUPATION.join(_SEEKER, _SEEKER.c.id == _OCCUPATION.c.seeker_id))
        .where(
            in_group,
            _SEEKER.c.paused.is_(False),
            _SEEKER.c.erased_at.is_(None),
            _SEEKER.c.citizen_id.is_not(None),
            _SEEKER.c.id.not_in(already),
        )
    ).all()
    best: dict[int, Candidate] = {}
    for seeker_id, code, district, availability, work_time, last_active, registered in rows:
        occupation = OCCUPATION_POINTS.get(_shared_digits(code, vacancy.occupation), 0)
        previous = best.get(seeker_id)
        if previous is not None and previous.occupation >= occupation:
            continue
        last = last_active or registered
        same_district = bool(district) and district == vacancy.district
        parts = {
            "occupation": occupation,
            "district": DISTRICT_POINTS if same_district else 0,
            "availability": AVAILABILITY_POINTS.get(availability or "", 0),
            "work_time": WORK_TIME_POINTS if work_time in ("any", vacancy.work_time) else 0,
            "activity": _activity(last, now),
        }
        best[seeker_id] = Candidate(
            seeker_id=seeker_id,
            score=sum(parts.values()),
            matched_code=code,
            last_active_at=last,
            **parts,
        )
    ordered = sorted(
        best.values(), key=lambda c: (-c.score, -c.last_active_at.timestamp(), c.seeker_id)
    )
    return ordered[:limit]
