"""A year's figures broken down for the public dashboard: requests per channel per month,
satisfaction per month, and the average response time per department.

They ride in the year's indicator snapshot (core.indicators.store_snapshot, key
"breakdowns"), so the dashboard reads one row instead of grouping a million requests per
view; the nightly job keeps the current and the previous year's current. Like
core.indicators, each is one SQL aggregate: months are told apart by a CASE over the
month boundaries (local midnights turned into UTC instants), which is exact across the
time zone's history and the same SQL on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, case, func, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, SQLModel

from core.periods import Period, period
from db.models import Request, SatisfactionAnswer

SECONDS_PER_DAY = 86_400
SATISFIED_FROM = 4

_REQUEST: Table = SQLModel.metadata.tables[str(Request.__tablename__)]
_ANSWER: Table = SQLModel.metadata.tables[str(SatisfactionAnswer.__tablename__)]


@dataclass(frozen=True)
class Breakdowns:
    """Keys are month labels ("2023-01", every month of the period, in order), channel
    codes and department codes; counts are whole numbers, averages days."""

    # month -> channel -> requests that arrived (channels with none are left out)
    requests_by_month: dict[str, dict[str, int]] = field(default_factory=dict)
    # month -> [answers, satisfied answers]
    satisfaction_by_month: dict[str, list[int]] = field(default_factory=dict)
    # department -> [requests answered, average days to the first answer]
    response_by_department: dict[str, list[float]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Breakdowns:
        return cls(
            requests_by_month=data.get("requests_by_month", {}),
            satisfaction_by_month=data.get("satisfaction_by_month", {}),
            response_by_department=data.get("response_by_department", {}),
        )


def response_time(session: Session) -> tuple[ColumnElement[Any], int | float]:
    """A request's first response - arrival in the dialect's own date arithmetic (NULL until
    answered), and how many of its units make a day."""
    created, first = _REQUEST.c.created_at, _REQUEST.c.first_response_at
    if session.get_bind().dialect.name == "postgresql":
        # Both columns are timestamp without time zone (UTC): their difference is an interval,
        # its epoch an exact numeric of seconds.
        return func.extract("epoch", first.op("-")(created)), SECONDS_PER_DAY
    # julianday is a double; rounding each difference to whole milliseconds keeps a mean
    # of exact 2-day answers at exactly 2 instead of 1.9999999999 (and makes any sum of
    # them exact, whole numbers far below 2**53).
    return func.round((func.julianday(first) - func.julianday(created)) * 86_400_000), 86_400_000.0


def response_days(session: Session) -> ColumnElement[Any]:
    """avg(first response - arrival) in days."""
    elapsed, per_day = response_time(session)
    return func.avg(elapsed) / per_day


def months(span: Period, tz: ZoneInfo) -> list[Period]:
    """The calendar months the period covers, in order."""
    found: list[Period] = []
    day = span.start.astimezone(tz).date()
    while True:
        month = period("month", day, tz)
        if month.start >= span.end:
            return found
        found.append(month)
        day = month.end.astimezone(tz).date()


def _month_index(column: Any, spans: list[Period]) -> ColumnElement[int]:
    return case(*((column < month.end, index) for index, month in enumerate(spans)), else_=-1)


def _requests_by_month(session: Session, span: Period, spans: list[Period]) -> dict[str, Any]:
    created = _REQUEST.c.created_at
    inner = (
        select(_month_index(created, spans).label("month"), _REQUEST.c.channel.label("channel"))
        .where(created >= span.start, created < span.end)
        .subquery()
    )
    rows = session.execute(
        select(inner.c.month, inner.c.channel, func.count()).group_by(
            inner.c.month, inner.c.channel
        )
    ).all()
    result: dict[str, dict[str, int]] = {month.label: {} for month in spans}
    for index, channel, count in rows:
        if 0 <= index < len(spans):
            result[spans[index].label][str(channel)] = int(count)
    return result


def _satisfaction_by_month(session: Session, span: Period, spans: list[Period]) -> dict[str, Any]:
    answered = _ANSWER.c.answered_at
    inner = (
        select(
            _month_index(answered, spans).label("month"),
            case((_ANSWER.c.score >= SATISFIED_FROM, 1), else_=0).label("happy"),
        )
        .where(answered >= span.start, answered < span.end)
        .subquery()
    )
    rows = session.execute(
        select(inner.c.month, func.count(), func.sum(inner.c.happy)).group_by(inner.c.month)
    ).all()
    result: dict[str, list[int]] = {month.label: [0, 0] for month in spans}
    for index, count, happy in rows:
        if 0 <= index < len(spans):
            result[spans[index].label] = [int(count), int(happy or 0)]
    return result


def _response_by_department(session: Session, span: Period) -> dict[str, list[float]]:
    created = _REQUEST.c.created_at
    rows = session.execute(
        select(_REQUEST.c.department_code, func.count(), response_days(session))
        .where(
            created >= span.start,
            created < span.end,
            _REQUEST.c.first_response_at.is_not(None),
        )
        .group_by(_REQUEST.c.department_code)
    ).all()
    return {
        str(code): [int(count), float(average)]
        for code, count, average in rows
        if code is not None and average is not None
    }


def compute(session: Session, span: Period, tz: ZoneInfo) -> Breakdowns:
    spans = months(span, tz)
    return Breakdowns(
        requests_by_month=_requests_by_month(session, span, spans),
        satisfaction_by_month=_satisfaction_by_month(session, span, spans),
        response_by_department=_response_by_department(session, span),
    )


def month_start(label: str) -> datetime:
    """The first day of a month label ("2023-01"), for naming it in a language."""
    year, month = label.split("-")
    return datetime(int(year), int(month), 1)
