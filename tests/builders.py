"""Database rows the unit tests start from, made through core/ as the bot makes them: a
citizen, a filed request; and the seeded indicator databases (the seed's requests, calls
and answers; the employment centre's CVs, firms, referrals and trainings).

The seed (../shared/seed/performance-program-2025.txt) gives 2023 and 2024-H1 actuals whose
components add up exactly: about 206,000 requests, the call-centre days and the survey
answers. Loading the components and getting the seed's totals and ratios back is what
tests/unit/test_indicators.py checks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from bot.app import prepare_database
from common.config import Config
from core import citizens, intake, monthly_figures, staff
from core.periods import Period, period
from core.working_time import WorkingCalendar
from db.engine import transaction
from db.models import (
    CallCentreDay,
    Citizen,
    CouncilEvent,
    Employer,
    JobSeeker,
    Referral,
    Request,
    SatisfactionAnswer,
)
from db.types import utcnow
from tests.databases import postgres_engine, sqlite_engine

IST = ZoneInfo("Europe/Istanbul")
COMPLAINT = "Sokağımızdaki çöp konteyneri üç gündür boşaltılmadı, çok kötü koku var."

# --- A citizen and their request -------------------------------------------------------------


def make_citizen(db: Engine, telegram_id: int, consent: bool = True) -> int:
    """A citizen row; returns its id."""
    with transaction(db) as session:
        citizen = citizens.get_or_create(session, telegram_id, "tr")
        if consent:
            citizen.consent_at = utcnow()
            session.add(citizen)
        session.flush()
        assert citizen.id is not None
        return citizen.id


class _Row(Protocol):
    id: int | None


def id_of(row: _Row) -> int:
    """A row's primary key, which it has once added and flushed."""
    assert row.id is not None, f"{row!r} has no id yet: flush it first"
    return row.id


def citizen_of(session: Session, citizen_id: int) -> Citizen:
    citizen = session.get(Citizen, citizen_id)
    assert citizen is not None
    return citizen


def file_request(
    db: Engine,
    calendar: WorkingCalendar,
    citizen_id: int,
    category: str = "cop",
    text: str = COMPLAINT,
    now: datetime | None = None,
    request_type: str = "sikayet",
) -> Request:
    """The shortest complete filing: type, category, text, skip the optional steps, send."""
    with transaction(db) as session:
        citizen = citizen_of(session, citizen_id)
        draft = intake.start(session, citizen)
        if request_type != intake.DEFAULT_TYPE:
            intake.set_type(session, draft, request_type)
        intake.set_category(session, draft, category)
        intake.set_text(session, draft, text)
        for _ in ("location", "phone"):
            intake.skip(session, draft)
        assert draft.step == "summary"
        return intake.submit(session, citizen, draft, calendar, now=now).request


# --- The seeded indicator database -----------------------------------------------------------

# The seed's components: requests per channel, call-centre totals, satisfaction.
SEED_2023: dict[str, Any] = {
    "channels": {
        "in_person": 1922,
        "phone": 65701,
        "web": 10015,
        "bilgi_edinme": 127,
        "cimer": 4136,
        "ibb": 7484,
        "acik_kapi": 2594,
        "facebook": 24011,
        "twitter": 9028,
        "instagram": 23730,
    },
    "calls": {"information": 94206, "application": 84145, "missed": 27690},
    "answers": (1000, 900),  # answers, of which satisfied: 90,0 %
    # Figures staff enter per month: the year's totals, and the months of the projects.
    "figures": {"condolence_visits": 2910, "funeral_meals": 229480},
    "projects": (3, 9),  # 2 new projects: March and September
}
SEED_2024_H1: dict[str, Any] = {
    "channels": {
        "in_person": 1164,
        "phone": 39043,
        "web": 5768,
        "bilgi_edinme": 57,
        "cimer": 2850,
        "ibb": 4456,
        "acik_kapi": 865,
        "facebook": 221,
        "twitter": 248,
        "instagram": 1660,
        "whatsapp": 760,
    },
    "calls": {"information": 69222, "application": 39043, "missed": 18588},
    "answers": (400, 380),  # 95,0 %
    "figures": {"condolence_visits": 1554, "funeral_meals": 126510},
    "projects": (5,),
}
CHUNK = 10_000


def seed_periods() -> tuple[Period, Period]:
    return period("year", date(2023, 5, 1), IST), period("half", date(2024, 3, 1), IST)


def table(model: Any) -> Any:
    """The Core table of a model, for bulk inserts and raw selects."""
    return SQLModel.metadata.tables[str(model.__tablename__)]


def _spread(span: Period, index: int, count: int) -> datetime:
    """The index-th of `count` moments spread evenly over the period (whole seconds)."""
    seconds = (span.end - span.start).total_seconds()
    return span.start + timedelta(seconds=int(seconds * (index + 0.5) / count))


def _request_rows(
    span: Period, channels: dict[str, int], year: int, category: str, department: str
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for channel, count in channels.items():
        for index in range(count):
            created = _spread(span, index, count)
            rows.append(
                {
                    "number": "",
                    "channel": channel,
                    "type": "sikayet" if index % 3 == 0 else "talep",
                    "category_code": category,
                    "department_code": department,
                    "text": "",
                    "status": "answered",
                    "created_at": created,
                    "updated_at": created,
                    "first_response_at": None,
                }
            )
    rows.sort(key=lambda row: (row["created_at"], row["channel"]))
    # Answered in 36 h or 60 h alternately (every seventh stays unanswered): a mean of
    # exactly 2 days, whatever the count, once an odd one out is set to 48 h.
    answered = [row for position, row in enumerate(rows) if position % 7 != 6]
    for position, row in enumerate(answered):
        hours = 36 if position % 2 == 0 else 60
        if position == len(answered) - 1 and position % 2 == 0:
            hours = 48
        row["first_response_at"] = row["created_at"] + timedelta(hours=hours)
    for position, row in enumerate(rows, start=1):
        row["number"] = f"{year}-{position:06d}"
    return rows


def _call_rows(span: Period, calls: dict[str, int]) -> list[dict[str, Any]]:
    first, after = span.local_dates(IST)
    days = (after - first).days
    rows = []
    for index in range(days):
        values = {}
        for name, total in calls.items():
            share, rest = divmod(total, days)
            values[name] = share + (1 if index < rest else 0)
        rows.append({"day": first + timedelta(days=index), **values, "total": sum(values.values())})
    return rows


def _answer_rows(span: Period, answers: tuple[int, int]) -> list[dict[str, Any]]:
    count, satisfied = answers
    return [
        {
            "score": (5, 4)[index % 2] if index < satisfied else (1, 2, 3)[index % 3],
            "answered_at": _spread(span, index, count),
            "comment": None,
            "request_id": None,
        }
        for index in range(count)
    ]


def load_seed(engine: Engine, config: Config) -> None:
    """The seed's 2023 and 2024-H1 components, by Core bulk inserts (executemany)."""
    category = config.categories[0]
    year_2023, half_2024 = seed_periods()
    with transaction(engine) as session:
        for span, seed, year in ((year_2023, SEED_2023, 2023), (half_2024, SEED_2024_H1, 2024)):
            # Requests go in as minimal rows: only what the indicators read, plus the
            # NOT NULL columns; numbers are unique per year like the real ones.
            rows = _request_rows(span, seed["channels"], year, category.code, category.department)
            for start in range(0, len(rows), CHUNK):
                session.execute(insert(table(Request)), rows[start : start + CHUNK])
            session.execute(insert(table(CallCentreDay)), _call_rows(span, seed["calls"]))
            session.execute(insert(table(SatisfactionAnswer)), _answer_rows(span, seed["answers"]))
        _enter_figures(session, config, year_2023, SEED_2023)
        _enter_figures(session, config, half_2024, SEED_2024_H1)


# Who enters the seed's monthly figures: an admin of its own, apart from the tests' staff.
SEED_CLERK = 990_000_001


def _enter_figures(session: Session, config: Config, span: Period, seed: dict[str, Any]) -> None:
    """The seed's yearly or half-yearly figures entered month by month through core, as
    staff at /masa/rakamlar would: each total split evenly, the remainder in the first
    months; new projects in the months the seed lists."""
    clerk = staff.active_member(session, SEED_CLERK) or staff.upsert(
        session, SEED_CLERK, "admin", None, name="Seed"
    )
    first, after = span.local_dates(IST)
    months = [m for m in monthly_figures.last_months(after - timedelta(days=1), 12) if m >= first]
    months.reverse()
    now = utcnow()
    for code, total in seed["figures"].items():
        share, rest = divmod(total, len(months))
        for index, month in enumerate(months):
            value = share + (1 if index < rest else 0)
            monthly_figures.record(session, clerk, month, code, value, now, config)
    for month in months:
        projects = 1 if month.month in seed["projects"] else 0
        monthly_figures.record(
            session, clerk, month, monthly_figures.NEW_PROJECTS, projects, now, config
        )


def seeded_engine(kind: str, folder: Path, config: Config) -> Iterator[Engine]:
    """A migrated database of `kind` with the seed loaded; dropped when the caller is done."""
    if kind == "sqlite":
        engine = sqlite_engine(folder)
        prepare_database(engine, config)
        load_seed(engine, config)
        yield engine
        engine.dispose()
        return
    for engine in postgres_engine():
        prepare_database(engine, config)
        load_seed(engine, config)
        yield engine


# --- The employment centre's seed (goal 4.3.1) -------------------------------------------

# (new CVs, new firms, referrals, people with a job found, people started) per period.
EMPLOYMENT_SEED = {"2023": (3538, 209, 30079, 6062, 467), "2024-H1": (1804, 91, 14149, 3104, 339)}
CVS_BEFORE_2023 = 25502 - 3538  # registered CVs at the end of 2023, less its new ones
FIRMS_BEFORE_2023 = 1009 - 209


def _registrations(before: int, spans: list[tuple[Period, int]]) -> list[datetime]:
    first = spans[0][0].start
    times = [first - timedelta(days=1 + index % 700) for index in range(before)]
    for span, count in spans:
        times += [_spread(span, index, count) for index in range(count)]
    return times


def _referral(seeker: int, referred: datetime, **times: datetime | None) -> dict[str, Any]:
    status = "started" if times.get("started_at") else "job_found"
    if not times.get("job_found_at"):
        status = "not_hired"
    return {
        "seeker_id": seeker,
        "status": status,
        "referred_at": referred,
        "updated_at": referred,
        "job_found_at": times.get("job_found_at"),
        "started_at": times.get("started_at"),
    }


def _referrals(year: Period, half: Period) -> list[dict[str, Any]]:
    """2023: 30,079 referrals; 6,062 people found a job (one of them twice) and 467 of them
    started. One referral of late 2023 found its job in January 2024, and one person
    found in 2023 started in February 2024: those two count in 2024-H1, whose own
    referrals bring the rest (3,103 found, 338 started)."""
    rows: list[dict[str, Any]] = []
    _, _, referred, found, started = EMPLOYMENT_SEED["2023"]
    for index in range(referred):
        at = _spread(year, index, referred)
        if index < found:
            start = at + timedelta(days=2) if index < started else None
            if index == 5000:  # found in 2023, started in 2024-H1
                start = datetime(2024, 2, 5, 9, tzinfo=IST)
            rows.append(
                _referral(index, at, job_found_at=at + timedelta(hours=1), started_at=start)
            )
        elif index == found:  # the same person as the first: a second job found
            rows.append(_referral(0, at, job_found_at=at + timedelta(hours=1)))
        elif index == referred - 1:  # referred in late December, found in January
            rows.append(_referral(20000, at, job_found_at=datetime(2024, 1, 9, 10, tzinfo=IST)))
        else:
            rows.append(_referral(index % 20000, at))
    _, _, referred, found, started = EMPLOYMENT_SEED["2024-H1"]
    for index in range(referred):
        at = _spread(half, index, referred)
        seeker = 21000 + index % 6000
        if index < found - 1:
            start = at + timedelta(days=2) if index < started - 1 else None
            rows.append(
                _referral(seeker, at, job_found_at=at + timedelta(hours=1), started_at=start)
            )
        else:
            rows.append(_referral(seeker, at))
    return rows


def load_employment_seed(engine: Engine) -> None:
    """Goal 4.3.1's 2023 and 2024-H1 components: CVs and firms registered, referrals
    with their outcomes, and the trainings held, by Core bulk inserts."""
    year, half = seed_periods()
    seekers = _registrations(
        CVS_BEFORE_2023, [(year, EMPLOYMENT_SEED["2023"][0]), (half, EMPLOYMENT_SEED["2024-H1"][0])]
    )
    firms = _registrations(
        FIRMS_BEFORE_2023,
        [(year, EMPLOYMENT_SEED["2023"][1]), (half, EMPLOYMENT_SEED["2024-H1"][1])],
    )
    with transaction(engine) as session:
        rows = [
            {"id": n + 1, "registered_at": at, "experience": [], "languages": [], "paused": False}
            for n, at in enumerate(seekers)
        ]
        for start in range(0, len(rows), CHUNK):
            session.execute(insert(table(JobSeeker)), rows[start : start + CHUNK])
        session.execute(
            insert(table(Employer)),
            [{"name": f"Firma {n}", "registered_at": at} for n, at in enumerate(firms)],
        )
        referrals = _referrals(year, half)
        for row in referrals:
            row["seeker_id"] += 1
        for start in range(0, len(referrals), CHUNK):
            session.execute(insert(table(Referral)), referrals[start : start + CHUNK])
        # A training a month in 2023 and 2024, career and vocational in turn, on the
        # council's event engine (no fair before 2025), plus one cancelled: not held.
        session.execute(insert(table(CouncilEvent)), [*TRAININGS, CANCELLED])


def _training(year: int, month: int, cancelled: bool = False) -> dict[str, Any]:
    starts = datetime(year, month, 15, 10, tzinfo=IST)
    return {
        "kind": "career_training" if month % 2 else "vocational_training",
        "assembly_code": None,
        "title": f"Eğitim {month}/{year}",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=3),
        "capacity": 30,
        "created_at": starts - timedelta(days=20),
        "cancelled_at": starts - timedelta(days=2) if cancelled else None,
    }


TRAININGS = [_training(year, month) for year in (2023, 2024) for month in range(1, 13)]
CANCELLED = _training(2023, 6, cancelled=True)
