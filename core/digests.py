"""The staff digest: what happened to requests per department, how fast and how well they
were answered, what is coming up at the City Council, how many of those registered for
its held events checked in (monitoring, not a programme indicator), what the employment
centre did (goal 4.3.1), and how the year is going."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from common.config import Config, Texts
from core import citizens, council, indicators, routing
from core.codes import OPEN_STATUSES
from core.employment import codes as employment_codes
from core.employment import desk
from core.employment import events as employment_events
from core.employment import indicators as employment_indicators
from core.periods import Period, between, period
from db.models import Department, Request


@dataclass(frozen=True)
class DepartmentLine:
    code: str
    name: str
    new: int
    open: int
    overdue: int
    resolved: int
    name_en: str | None = None

    def name_in(self, language: str) -> str:
        """The department's name in the reader's language: English where config.toml
        gives one, else Turkish."""
        return self.name_en if language == "en" and self.name_en else self.name


@dataclass(frozen=True)
class DayPoint:
    day: date
    requests: int
    average_response_days: float | None


@dataclass(frozen=True)
class Digest:
    kind: str  # daily or weekly
    span: Period
    departments: list[DepartmentLine]
    figures: indicators.Indicators
    year: indicators.Indicators
    events: list[council.EventSummary]
    days: list[DayPoint]
    # The assemblies' names, in config order, for the attendance lines.
    assemblies: dict[str, Texts]
    # Goal 4.3.1 over the same period: the "İstihdam Merkezi" block.
    employment: employment_indicators.EmploymentIndicators | None = None
    # What waits on the employment centre's desk, for the centre's own digest.
    employment_waiting: desk.Waiting | None = None


def _department_lines(session: Session, span: Period, now: datetime) -> list[DepartmentLine]:
    """One GROUP BY over requests: counts per department for the period and right now."""
    in_span = and_(col(Request.created_at) >= span.start, col(Request.created_at) < span.end)
    is_open = col(Request.status).in_(OPEN_STATUSES)
    overdue = and_(is_open, col(Request.first_response_at).is_(None), col(Request.due_at) < now)
    resolved = and_(col(Request.resolved_at) >= span.start, col(Request.resolved_at) < span.end)

    def count(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.sum(case((condition, 1), else_=0))

    rows = session.execute(
        sa_select(
            col(Department.code),
            col(Department.name_tr),
            col(Department.name_en),
            count(in_span),
            count(is_open),
            count(overdue),
            count(resolved),
        )
        .select_from(Department)
        .outerjoin(Request, col(Request.department_code) == col(Department.code))
        .where(col(Department.active).is_(True))
        .group_by(col(Department.code), col(Department.name_tr), col(Department.name_en))
        .order_by(col(Department.name_tr))
    ).all()
    return [
        DepartmentLine(code, name, int(n or 0), int(o or 0), int(d or 0), int(r or 0), name_en)
        for code, name, name_en, n, o, d, r in rows
    ]


def _days(
    session: Session, config: Config, last: date, count: int, now: datetime
) -> list[DayPoint]:
    points = []
    for offset in range(count - 1, -1, -1):
        day = last - timedelta(days=offset)
        figures = indicators.compute(session, config, period("day", day, config.tz), now)
        points.append(DayPoint(day, figures.requests_total, figures.average_response_days))
    return points


def build(session: Session, config: Config, kind: str, now: datetime) -> Digest:
    """The daily digest covers yesterday, the weekly one the last seven days (Mon-Sun)."""
    today = now.astimezone(config.tz).date()
    if kind == "weekly":
        span = between(today - timedelta(days=7), today - timedelta(days=1), config.tz)
    elif kind == "today":
        span = period("day", today, config.tz)
    else:
        span = period("day", today - timedelta(days=1), config.tz)
    year = between(date(today.year, 1, 1), today, config.tz)
    return Digest(
        kind=kind,
        span=span,
        departments=_department_lines(session, span, now),
        figures=indicators.compute(session, config, span, now),
        year=indicators.compute(session, config, year, now),
        events=[
            e
            for e in council.upcoming_events(session, now, limit=10)
            if e.event.starts_at < now + timedelta(days=14)
        ],
        days=_days(session, config, today - timedelta(days=1), 7, now) if kind == "weekly" else [],
        assemblies={assembly.code: assembly.name for assembly in config.assemblies},
        employment=employment_indicators.compute(
            session, config, span, now, employment_events.RECORDED
        ),
        employment_waiting=desk.waiting(session),
    )


def languages_for(session: Session, config: Config, chat_ids: list[int]) -> dict[int, str]:
    """The language each chat reads digests (and /ozet) in. A person (a positive id) reads
    their own: their /dil choice, else their Telegram's language, else the municipality's.
    A group (a negative id) reads the municipality's language: its members may choose
    differently, and the cards and warnings the bot posts there are in it too."""
    default = config.municipality.default_language
    people = citizens.languages_of(session, [c for c in chat_ids if c > 0], default)
    return {chat: people.get(chat, default) for chat in chat_ids}


def employment_chat(session: Session) -> int | None:
    """The employment centre's own staff group, if config.toml gives it one: it gets the
    centre's digest (handlers.digests.render_centre)."""
    return routing.department_chat(session, employment_codes.DEPARTMENT)
