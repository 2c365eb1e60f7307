"""Vacancy alerts: a published vacancy is told to the job seekers it suits, at once or
in a daily summary (the seeker's choice), never twice, through the announcement outbox.

Who is told (`on_published`, one INSERT … SELECT, no loop over seekers in Python):

- occupation: one of the seeker's occupations is the vacancy's ISCO-08 unit group (the
  4 digits; ranking's wider 3- and 2-digit groups would alert a waiter of every bar job);
- area: the seeker's district is the vacancy's, or the vacancy names no district (it is
  anywhere), or the seeker's CV has none. Districts compare as written, as ranking
  compares them;
- the seeker is reachable: their CV is neither paused nor erased, their preference is not
  "off", and their citizen has a Telegram chat, has not blocked the bot and was not
  erased. CVs imported from the old portal have no citizen, so they are never alerted.

Each match is a `VacancyAlert` row, unique per (seeker, vacancy): approving a vacancy
again, or running the match twice, adds nothing. Rows start waiting, as `new` (to go at
once) or `daily` (for the day's summary), after the seeker's preference when matched; a
seeker who switches between the two has their waiting rows moved in one UPDATE. A sweep
takes its own waiting rows (through the (status, seeker) index, so the instant sweep never
reads the daily seekers' rows that wait for 09:00) to `sent` once their message is in
the outbox (in the same transaction), or to `dropped` when, by then, the seeker stopped
alerts, paused, left or blocked the bot, or the vacancy closed or ran out. `take_instant`
does it for seekers who want each alert at once (the alerts feature runs it every few
seconds), `take_daily` once a day for those who want one summary.

The preference (`JobSeeker.alerts`): instant, daily or off. A CV starts "instant": whoever
writes a CV asks to be found jobs, and the first alert carries its own stop button.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    Table,
    and_,
    case,
    literal,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, SQLModel

from core.refusals import Refused
from db.models import Citizen, Employer, JobSeeker, JobSeekerOccupation, Vacancy, VacancyAlert
from db.types import UTCDateTime

INSTANT, DAILY, OFF = "instant", "daily", "off"
MODES = (INSTANT, DAILY, OFF)
# Alert rows: NEW waits for the instant sweep, NEW_DAILY for the day's summary.
NEW, NEW_DAILY, SENT, DROPPED = "new", "daily", "sent", "dropped"

# Alerts taken by one instant sweep: the rest wait for the next (seconds later).
INSTANT_BATCH = 5_000

_ALERT: Table = SQLModel.metadata.tables[str(VacancyAlert.__tablename__)]
_SEEKER: Table = SQLModel.metadata.tables[str(JobSeeker.__tablename__)]
_OCCUPATION: Table = SQLModel.metadata.tables[str(JobSeekerOccupation.__tablename__)]
_CITIZEN: Table = SQLModel.metadata.tables[str(Citizen.__tablename__)]
_VACANCY: Table = SQLModel.metadata.tables[str(Vacancy.__tablename__)]
_EMPLOYER: Table = SQLModel.metadata.tables[str(Employer.__tablename__)]


def _waiting_status(mode: str) -> str:
    """The status a waiting alert has for a seeker of this preference (an "off" seeker's
    go to the instant sweep, which drops them at once)."""
    return NEW_DAILY if mode == DAILY else NEW


def set_preference(session: Session, seeker: JobSeeker, mode: str) -> None:
    """instant, daily or off; Refused: not_found for anything else (forged data). The
    seeker's waiting alerts move to the sweep of the new preference (one UPDATE by the
    (status, seeker) index), so each sweep reads only its own rows."""
    if mode not in MODES:
        raise Refused("not_found")
    seeker.alerts = mode
    session.add(seeker)
    if seeker.id is not None:
        target = _waiting_status(mode)
        source = NEW if target == NEW_DAILY else NEW_DAILY
        session.execute(
            update(_ALERT)
            .where(_ALERT.c.status == source, _ALERT.c.seeker_id == seeker.id)
            .values(status=target)
        )


def _reachable() -> list[ColumnElement[bool]]:
    """A seeker (joined with their citizen) whom an alert may reach."""
    return [
        _SEEKER.c.paused.is_(False),
        _SEEKER.c.erased_at.is_(None),
        _SEEKER.c.alerts != OFF,
        _CITIZEN.c.telegram_id.is_not(None),
        _CITIZEN.c.blocked_at.is_(None),
        _CITIZEN.c.deleted_at.is_(None),
    ]


def _in_area(district: str | None) -> ColumnElement[bool]:
    if not district:
        return true()
    return or_(
        _SEEKER.c.district.is_(None), _SEEKER.c.district == "", _SEEKER.c.district == district
    )


def matching(vacancy: Vacancy, *columns: ColumnElement[Any]) -> Select[Any]:
    """The seekers the vacancy is to be told to, found by the occupation index: their ids
    (and `columns`)."""
    return (
        select(_OCCUPATION.c.seeker_id, *columns)
        .join(_SEEKER, _SEEKER.c.id == _OCCUPATION.c.seeker_id)
        .join(_CITIZEN, _CITIZEN.c.id == _SEEKER.c.citizen_id)
        .where(_OCCUPATION.c.code == vacancy.occupation, _in_area(vacancy.district), *_reachable())
    )


def on_published(session: Session, vacancy: Vacancy, now: datetime) -> int:
    """Record an alert for every seeker the just-published vacancy suits, in the caller's
    transaction; returns how many are new (0 for a vacancy matched before). The sweeps
    send them."""
    if vacancy.status != "published" or vacancy.id is None:
        return 0
    # One INSERT … SELECT; its WHERE also keeps SQLite from reading ON CONFLICT as a join's.
    rows = matching(
        vacancy,
        literal(vacancy.id, Integer()),
        case((_SEEKER.c.alerts == DAILY, literal(NEW_DAILY, String())), else_=literal(NEW)),
        literal(now, UTCDateTime()),
    )
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(_ALERT)
        .from_select(["seeker_id", "vacancy_id", "status", "matched_at"], rows)
        .on_conflict_do_nothing(index_elements=["seeker_id", "vacancy_id"])
        .returning(_ALERT.c.id)  # counted (psycopg gives no rowcount for none inserted)
    )
    return len(session.execute(statement).all())


# --- The sweeps ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """A vacancy as an alert shows it."""

    vacancy_id: int
    title: str
    firm: str
    district: str | None
    work_time: str
    positions: int
    valid_until: date | None


@dataclass(frozen=True)
class Recipient:
    """A seeker to tell of `jobs` (one for an instant alert, the day's for a summary)."""

    seeker_id: int
    telegram_id: int
    language: str | None  # the citizen's choice, and Telegram's, for the caller to resolve
    telegram_language: str | None
    jobs: tuple[Job, ...]


def _take(
    session: Session, now: datetime, today: date, daily: bool, limit: int | None
) -> list[Recipient]:
    """The waiting alerts of instant (or daily) seekers, oldest first, read by their
    status alone (the index): those that can still go are marked sent and returned, the
    others dropped (a vacancy closed, or past its date on `today`, the municipality's
    date). A row whose seeker's preference changed under it (matched while they
    switched) is moved to the other sweep instead."""
    waiting = NEW_DAILY if daily else NEW
    query = (
        select(
            _ALERT.c.id,
            _ALERT.c.seeker_id,
            _SEEKER.c.paused,
            _SEEKER.c.erased_at,
            _SEEKER.c.alerts,
            _CITIZEN.c.telegram_id,
            _CITIZEN.c.blocked_at,
            _CITIZEN.c.deleted_at,
            _CITIZEN.c.language,
            _CITIZEN.c.telegram_language,
            _VACANCY.c.id,
            _VACANCY.c.status,
            _VACANCY.c.title,
            _EMPLOYER.c.name,
            _VACANCY.c.district,
            _VACANCY.c.work_time,
            _VACANCY.c.positions,
            _VACANCY.c.valid_until,
        )
        .select_from(
            _ALERT.join(_SEEKER, _SEEKER.c.id == _ALERT.c.seeker_id)
            .outerjoin(_CITIZEN, _CITIZEN.c.id == _SEEKER.c.citizen_id)
            .join(_VACANCY, _VACANCY.c.id == _ALERT.c.vacancy_id)
            .join(_EMPLOYER, _EMPLOYER.c.id == _VACANCY.c.employer_id)
        )
        .where(_ALERT.c.status == waiting)
        .order_by(_ALERT.c.id)
    )
    if limit is not None:
        query = query.limit(limit)
    dropped: list[int] = []
    moved: list[int] = []
    ready: list[tuple[int, int, int, str | None, str | None, Job]] = []
    for row in session.execute(query).all():
        (alert_id, seeker_id, paused, erased, mode, chat, blocked, deleted, language) = row[:9]
        telegram_language, vacancy_id, status, title, firm = row[9:14]
        district, work_time, positions, valid_until = row[14:]
        live = status == "published" and (valid_until is None or valid_until >= today)
        reachable = not paused and erased is None and mode != OFF
        if reachable and _waiting_status(mode) != waiting:
            moved.append(alert_id)
            continue
        if not (live and reachable and chat is not None and blocked is None and deleted is None):
            dropped.append(alert_id)
            continue
        job = Job(vacancy_id, title, firm, district, work_time, positions, valid_until)
        ready.append((alert_id, seeker_id, chat, language, telegram_language, job))
    _mark(session, dropped, waiting, DROPPED, None)
    _mark(session, moved, waiting, NEW if daily else NEW_DAILY, None)
    # Only what this sweep moved from waiting to sent is told: a sweep running beside it
    # (PostgreSQL lets two interleave), or a switch of preference, finds those rows taken
    # and leaves them.
    taken = _mark(session, [item[0] for item in ready], waiting, SENT, now)
    found: dict[int, tuple[int, str | None, str | None, list[Job]]] = {}
    for alert_id, seeker_id, chat, language, telegram_language, job in ready:
        if alert_id in taken:
            found.setdefault(seeker_id, (chat, language, telegram_language, []))[3].append(job)
    if daily:
        return [
            Recipient(seeker_id, chat, language, telegram_language, tuple(jobs))
            for seeker_id, (chat, language, telegram_language, jobs) in found.items()
        ]
    return [
        Recipient(seeker_id, chat, language, telegram_language, (job,))
        for seeker_id, (chat, language, telegram_language, jobs) in found.items()
        for job in jobs
    ]


def _mark(
    session: Session, ids: Sequence[int], waiting: str, status: str, now: datetime | None
) -> set[int]:
    """Waiting alerts to `status`; returns the ids that were still `waiting`."""
    changed: set[int] = set()
    for start in range(0, len(ids), 1_000):  # SQLite's bound parameters, in chunks
        chunk = ids[start : start + 1_000]
        changed.update(
            session.execute(
                update(_ALERT)
                .where(and_(_ALERT.c.id.in_(chunk), _ALERT.c.status == waiting))
                .values(status=status, sent_at=now)
                .returning(_ALERT.c.id)
            ).scalars()
        )
    return changed


def take_instant(
    session: Session, now: datetime, today: date, limit: int = INSTANT_BATCH
) -> list[Recipient]:
    """The alerts to send now, one Recipient per (seeker, vacancy), marked sent: the
    caller puts them in the outbox in this same transaction, so each goes exactly once."""
    return _take(session, now, today, daily=False, limit=limit)


def take_daily(session: Session, now: datetime, today: date) -> list[Recipient]:
    """The day's summaries: each daily seeker with every new match since their last
    summary, marked sent (the caller queues them in this transaction)."""
    return _take(session, now, today, daily=True, limit=None)


# --- Personal data ---------------------------------------------------------------------------


def export(session: Session, seeker: JobSeeker) -> dict[str, object]:
    """The preference, and which vacancies the seeker was told of (or is to be)."""
    rows = session.execute(
        select(_VACANCY.c.title, _ALERT.c.status, _ALERT.c.matched_at, _ALERT.c.sent_at)
        .join(_VACANCY, _VACANCY.c.id == _ALERT.c.vacancy_id)
        .where(_ALERT.c.seeker_id == seeker.id)
        .order_by(_ALERT.c.id)
    ).all()
    return {
        "preference": seeker.alerts,
        "alerts": [
            {
                "vacancy": title,
                "status": status,
                "matched_at": matched.isoformat() if matched else None,
                "sent_at": sent.isoformat() if sent else None,
            }
            for title, status, matched, sent in rows
        ],
    }
