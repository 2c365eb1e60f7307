"""The candidates for a vacancy, best first, with the parts of their score.

Only seekers whose occupations share at least the vacancy's 2-digit ISCO-08 group are
candidates (one range over the occupation index); paused and erased CVs, CVs imported
from the old portal (no citizen to send the referral to), and seekers referred to this
vacancy before (whatever came of it: one who declined or was not hired is not offered it
again), are left out. The score is the sum of:

- occupation: the same 4-digit unit group 50, the same 3-digit minor group 30, the
  same 2-digit sub-major group 15 (the best of the seeker's occupations);
- district: the vacancy's district 20 (distance between districts comes later);
- availability: now 15, within two weeks 10, within a month 5;
- work time: the vacancy's (or "any") 5;
- activity: active (or registered) in the last 30 days 10, 90 days 5, year 2;
- disability quota: on a quota vacancy only (`Vacancy.quota`, a position under the legal
  quota for disabled employees), a seeker who consented to be asked and answered yes 25.
  On any other vacancy the answer is not read at all.

Ties go to the more recently active seeker, then to the earlier CV. The database
computes the score and the order (one grouped query) and returns only the best.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Table, and_, case, func, literal, select
from sqlmodel import Session, SQLModel

from db.models import JobSeeker, JobSeekerOccupation, Referral, Vacancy

OCCUPATION_POINTS = {4: 50, 3: 30, 2: 15}
DISTRICT_POINTS = 20
AVAILABILITY_POINTS = {"now": 15, "two_weeks": 10, "month": 5}
WORK_TIME_POINTS = 5
ACTIVITY_POINTS = ((timedelta(days=30), 10), (timedelta(days=90), 5), (timedelta(days=365), 2))
QUOTA_POINTS = 25

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
    # On a quota vacancy, the points of a consented "yes" (0 otherwise, and always 0 on
    # other vacancies): the staff desk marks them ♿; employers never see it.
    quota: int = 0


def _shared_digits(a: str, b: str) -> int:
    for digits in (4, 3, 2):
        if a[:digits] == b[:digits]:
            return digits
    return 0


def _points(condition: ColumnElement[bool], points: int) -> ColumnElement[int]:
    return case((condition, points), else_=0)


def rank(session: Session, vacancy: Vacancy, now: datetime, limit: int = 50) -> list[Candidate]:
    """The best `limit` candidates for the vacancy.

    The database scores and orders every candidate and returns only the best `limit`, so
    the cost does not grow with the rows of a popular occupation group in Python
    (bench/employment.py: 30,000 CVs)."""
    code = vacancy.occupation
    group = code[:2]
    # The 2-digit group as a range, so both databases read the (code, seeker) index.
    # Digits only (collations other than C order punctuation their own way); the 99 group
    # has no upper bound, codes being 4 digits.
    in_group = _OCCUPATION.c.code >= group
    if group != "99":
        in_group = and_(in_group, _OCCUPATION.c.code < f"{int(group) + 1:02d}")
    already = select(_REFERRAL.c.seeker_id).where(_REFERRAL.c.vacancy_id == vacancy.id)
    # The best of the seeker's occupations in the group: 50, 30 or 15 (in the group).
    occupation = func.max(
        case(
            (_OCCUPATION.c.code == code, OCCUPATION_POINTS[4]),
            (func.substr(_OCCUPATION.c.code, 1, 3) == code[:3], OCCUPATION_POINTS[3]),
            else_=OCCUPATION_POINTS[2],
        )
    ).label("occupation")
    best = (
        select(_OCCUPATION.c.seeker_id, occupation)
        .where(in_group)
        .group_by(_OCCUPATION.c.seeker_id)
        .subquery()
    )
    last = func.coalesce(_SEEKER.c.last_active_at, _SEEKER.c.registered_at)
    activity = case(
        *((last >= now - within, points) for within, points in ACTIVITY_POINTS), else_=0
    )
    district = (
        _points(_SEEKER.c.district == vacancy.district, DISTRICT_POINTS)
        if vacancy.district
        else literal(0)
    )
    availability = case(
        *((_SEEKER.c.availability == key, points) for key, points in AVAILABILITY_POINTS.items()),
        else_=0,
    )
    work_time = _points(_SEEKER.c.work_time.in_(("any", vacancy.work_time)), WORK_TIME_POINTS)
    quota = (
        _points(
            and_(_SEEKER.c.disability.is_(True), _SEEKER.c.disability_consent_at.is_not(None)),
            QUOTA_POINTS,
        )
        if vacancy.quota
        else literal(0)
    )
    score = best.c.occupation + district + availability + work_time + activity + quota
    rows = session.execute(
        select(
            _SEEKER.c.id,
            best.c.occupation,
            district,
            availability,
            work_time,
            activity,
            quota,
            _SEEKER.c.last_active_at,
            _SEEKER.c.registered_at,
        )
        .select_from(best.join(_SEEKER, _SEEKER.c.id == best.c.seeker_id))
        .where(
            _SEEKER.c.paused.is_(False),
            _SEEKER.c.erased_at.is_(None),
            _SEEKER.c.citizen_id.is_not(None),
            _SEEKER.c.id.not_in(already),
        )
        .order_by(score.desc(), last.desc(), _SEEKER.c.id)
        .limit(limit)
    ).all()
    # Which of each chosen seeker's occupations matched best (a few rows, by index); of
    # two that match as well, the lower code, so the answer does not hang on row order.
    matched: dict[int, str] = {}
    if rows:
        for seeker_id, seeker_code in session.execute(
            select(_OCCUPATION.c.seeker_id, _OCCUPATION.c.code)
            .where(_OCCUPATION.c.seeker_id.in_([row[0] for row in rows]), in_group)
            .order_by(_OCCUPATION.c.code)
        ):
            previous = matched.get(seeker_id)
            if previous is None or _shared_digits(seeker_code, code) > _shared_digits(
                previous, code
            ):
                matched[seeker_id] = seeker_code
    return [
        Candidate(
            seeker_id=seeker_id,
            score=points + near + ready + hours + active + disabled,
            occupation=points,
            district=near,
            availability=ready,
            work_time=hours,
            activity=active,
            matched_code=matched[seeker_id],
            last_active_at=last_active or registered,
            quota=disabled,
        )
        for seeker_id, points, near, ready, hours, active, disabled, last_active, registered in (
            rows
        )
    ]
