"""The municipality's indicators (performance programme, goal 7.1.1) for any period.

One function, `compute`, serves the nightly snapshots, the digests, the staff
commands and the reports, so every place shows the same figure. It runs a
handful of SQL aggregates (GROUP BY channel, sums over call-centre days, the
council's counts); nothing loops over rows in Python, so a year of 150,000
requests costs the same few queries as a day.

Definitions follow docs/indicators.md (from the performance programme 2025):

- satisfaction: answers scoring 4 or 5 among all answers given in the period;
- average response: mean of (first response - arrival) over requests that
  arrived in the period and have been answered, in days;
- requests: every request that arrived in the period, whatever its type and
  status (the programme counts what came in), per channel; complaints are the
  `sikayet` ones;
- call centre: sums of the imported call-centre days (local dates) in the
  period; completed = total - missed; missed-call rate = missed / total;
- Kent Konseyi: events held (started in the period, not cancelled, and over before
  the period's end and before now: next week's event is not held yet), attendances
  (check-ins at held events), members at the end of the period;
- council attendance (monitoring, not a programme indicator): per assembly, the seats
  taken at held events and how many of those people checked in; attendance rate =
  checked in / seats taken, no-show rate = the rest;
- figures only staff know (core/monthly_figures.py): new public-relations projects
  (indicator 2), condolence visits (families) and funeral meals (persons), entered per
  month at the web desk; a month counts in a period when its first day falls in it. None
  when no month of the period was entered (not recorded, unlike 0).

Each figure has the year's target from config beside it in `targets`, keyed by
the field name (per channel or assembly: "requests_by_channel.phone",
"council_members.kadin") and in the field's unit (the missed-call rate as a
ratio, satisfaction in percent). Targets are yearly; a month shows its year's.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Table, case, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel

from common.config import Config, YearTargets
from core import breakdowns, codes, council, monthly_figures
from core.employment import events as employment_events
from core.employment import indicators as employment
from core.periods import KINDS, Period, period, previous
from db.models import CallCentreDay, IndicatorSnapshot, Request, SatisfactionAnswer
from db.types import utcnow

# The General Assembly is counted by who attended it; the other assemblies by members.
GENERAL_ASSEMBLY = "genel_kurul"
COMPLAINT = "sikayet"
SATISFIED_FROM = breakdowns.SATISFIED_FROM  # one definition of "satisfied"
SECONDS_PER_DAY = breakdowns.SECONDS_PER_DAY
# The key of goal 4.3.1's figures in a snapshot's data.
EMPLOYMENT = "employment"
# The key of a year's breakdowns (per month, per department) for the public dashboard.
BREAKDOWNS = "breakdowns"

_REQUEST: Table = SQLModel.metadata.tables[str(Request.__tablename__)]
_ANSWER: Table = SQLModel.metadata.tables[str(SatisfactionAnswer.__tablename__)]
_CALLS: Table = SQLModel.metadata.tables[str(CallCentreDay.__tablename__)]
_SNAPSHOT: Table = SQLModel.metadata.tables[str(IndicatorSnapshot.__tablename__)]

Target = float | int | None


@dataclass(frozen=True)
class Indicators:
    """The figures of one period; see the module docstring for each definition."""

    period: Period
    satisfaction_percent: float | None
    satisfaction_answers: int
    average_response_days: float | None
    responded_requests: int
    requests_total: int
    requests_by_channel: dict[str, int]
    complaints_total: int
    complaints_by_channel: dict[str, int]
    calls_total: int
    calls_information: int
    calls_application: int
    calls_missed: int
    calls_completed: int
    missed_call_rate: float | None
    council_events_total: int
    council_events: dict[str, int]
    council_participants_total: int
    council_participants: dict[str, int]
    council_members: dict[str, int]
    targets: dict[str, Target] = field(default_factory=dict)
    # Seats taken at held events per assembly (snapshots stored before it have none).
    council_seats: dict[str, int] = field(default_factory=dict)
    # Entered by staff per month (snapshots stored before them have None: not recorded).
    new_projects: int | None = None
    condolence_visits: int | None = None
    funeral_meals: int | None = None

    def target(self, key: str) -> Target:
        return self.targets.get(key)

    def attendance_rate(self, code: str | None = None) -> float | None:
        """Checked in / seats taken at held events, of one assembly or of all; None
        without seats."""
        if code is None:
            seats = sum(self.council_seats.values())
            came = sum(self.council_participants.get(c, 0) for c in self.council_seats)
        else:
            seats = self.council_seats.get(code, 0)
            came = self.council_participants.get(code, 0)
        return came / seats if seats else None

    def no_show_rate(self, code: str | None = None) -> float | None:
        """Seats taken by people who never checked in / seats taken."""
        rate = self.attendance_rate(code)
        return None if rate is None else 1 - rate

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values (the period's times as ISO strings)."""
        data = asdict(self)
        data["period"] = self.period.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Indicators:
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        values["period"] = Period.from_dict(data["period"])
        return cls(**values)


# --- the aggregates ------------------------------------------------------------------------


def _satisfaction(session: Session, start: datetime, end: datetime) -> tuple[float | None, int]:
    satisfied = func.sum(case((_ANSWER.c.score >= SATISFIED_FROM, 1), else_=0))
    total, happy = session.execute(
        select(func.count(), satisfied).where(
            _ANSWER.c.answered_at >= start, _ANSWER.c.answered_at < end
        )
    ).one()
    if not total:
        return None, 0
    return 100.0 * int(happy or 0) / int(total), int(total)


class _Requests(NamedTuple):
    by_channel: dict[str, int]
    complaints_by_channel: dict[str, int]
    average_response_days: float | None
    responded: int


def _requests(session: Session, start: datetime, end: datetime) -> _Requests:
    """The requests, the complaints and the average response, in one pass over the period's
    requests (a year is most of the table: one scan instead of two).

    The average is the channels' sums of response times over their counts of answered
    requests, added up in SQL: on PostgreSQL avg() of a numeric is itself sum / count in
    numeric, and SQLite's sums of whole milliseconds are exact, so the figure is the same to
    the last digit as avg() over the answered requests (tests/unit/test_indicators.py).
    """
    elapsed, per_day = breakdowns.response_time(session)
    complaints = func.sum(case((_REQUEST.c.type == COMPLAINT, 1), else_=0))
    responded = func.count(_REQUEST.c.first_response_at)
    average = (
        func.sum(func.sum(elapsed)).over() / func.nullif(func.sum(responded).over(), 0) / per_day
    )
    rows = session.execute(
        select(_REQUEST.c.channel, func.count(), complaints, responded, average)
        .where(_REQUEST.c.created_at >= start, _REQUEST.c.created_at < end)
        .group_by(_REQUEST.c.channel)
    ).all()
    # Every known channel appears, with 0 when nothing came by it.
    by_channel = dict.fromkeys(codes.CHANNELS, 0)
    complaints_by_channel = dict.fromkeys(codes.CHANNELS, 0)
    answered = 0
    for channel, count, complaint_count, channel_responded, _ in rows:
        by_channel[channel] = int(count)
        complaints_by_channel[channel] = int(complaint_count or 0)
        answered += int(channel_responded)
    # The window's total stands on every row.
    days = rows[0][4] if rows else None
    return _Requests(
        by_channel, complaints_by_channel, None if days is None else float(days), answered
    )


def _calls(session: Session, config: Config, span: Period) -> tuple[int, int, int, int]:
    first, after = span.local_dates(config.tz)
    row = session.execute(
        select(
            func.coalesce(func.sum(_CALLS.c.total), 0),
            func.coalesce(func.sum(_CALLS.c.information), 0),
            func.coalesce(func.sum(_CALLS.c.application), 0),
            func.coalesce(func.sum(_CALLS.c.missed), 0),
        ).where(_CALLS.c.day >= first, _CALLS.c.day < after)
    ).one()
    total, information, application, missed = (int(value) for value in row)
    return total, information, application, missed


def _ordered(config: Config, counts: dict[str, int]) -> dict[str, int]:
    """Assemblies in config order (as the programme lists them), then any others."""
    order = [a.code for a in config.assemblies if a.code in counts]
    order += sorted(code for code in counts if code not in order)
    return {code: counts[code] for code in order}


def _targets(config: Config, year: int) -> dict[str, Target]:
    goals = config.targets.get(year) or YearTargets()
    missed_rate = goals.missed_call_rate_percent
    targets: dict[str, Target] = {
        "satisfaction_percent": goals.satisfaction_percent,
        "missed_call_rate": None if missed_rate is None else missed_rate / 100,
        "average_response_days": goals.average_response_days,
        "requests_total": goals.total_requests,
        "calls_total": goals.total_calls,
        "calls_information": goals.information_calls,
        "calls_application": goals.application_calls,
        "calls_missed": goals.missed_calls,
        "calls_completed": goals.completed_calls,
        "council_events_total": goals.council_events,
        "council_participants_total": goals.council_participants,
        # new_projects, condolence_visits, funeral_meals: read where they are entered.
        **monthly_figures.targets(config, year),
    }
    for channel in codes.CHANNELS:
        targets[f"requests_by_channel.{channel}"] = goals.channels.get(channel)
    for assembly in config.assemblies:
        goal = assembly.targets.get(year)
        targets[f"council_events.{assembly.code}"] = goal.events if goal else None
        targets[f"council_participants.{assembly.code}"] = goal.participants if goal else None
        targets[f"council_members.{assembly.code}"] = goal.members if goal else None
    return targets


def compute(
    session: Session, config: Config, span: Period, now: datetime | None = None
) -> Indicators:
    """All indicators of `span` as of `now` (default: the clock), with the targets of the
    year the period starts in. `now` decides which council events are over, so held.

    Council participants in total follow the programme's own arithmetic
    ("400 General Assembly + 5 x 960"): the General Assembly's attendances in
    the period plus the members, at the period's end, of every other assembly.
    `council_participants` per assembly holds the attendances of each.
    """
    satisfaction, answers = _satisfaction(session, span.start, span.end)
    requests = _requests(session, span.start, span.end)
    by_channel, complaints = requests.by_channel, requests.complaints_by_channel
    total, information, application, missed = _calls(session, config, span)
    now = now or utcnow()
    events = _ordered(config, council.events_per_assembly(session, span.start, span.end, now=now))
    seats_and_checkins = council.attendance(session, span.start, span.end, now)
    seats = _ordered(config, {code: pair[0] for code, pair in seats_and_checkins.items()})
    attendances = _ordered(config, {code: pair[1] for code, pair in seats_and_checkins.items()})
    members = _ordered(config, council.members_per_assembly(session, span.end))
    entered = monthly_figures.sums(session, config, span)
    participants = attendances.get(GENERAL_ASSEMBLY, 0) + sum(
        count for code, count in members.items() if code != GENERAL_ASSEMBLY
    )
    return Indicators(
        period=span,
        satisfaction_percent=satisfaction,
        satisfaction_answers=answers,
        average_response_days=requests.average_response_days,
        responded_requests=requests.responded,
        requests_total=sum(by_channel.values()),
        requests_by_channel=by_channel,
        complaints_total=sum(complaints.values()),
        complaints_by_channel=complaints,
        calls_total=total,
        calls_information=information,
        calls_application=application,
        calls_missed=missed,
        calls_completed=total - missed,
        missed_call_rate=missed / total if total else None,
        council_events_total=sum(events.values()),
        council_events=events,
        council_participants_total=participants,
        council_participants=attendances,
        council_members=members,
        targets=_targets(config, span.start.astimezone(config.tz).year),
        council_seats=seats,
        new_projects=entered[monthly_figures.NEW_PROJECTS],
        condolence_visits=entered[monthly_figures.CONDOLENCE_VISITS],
        funeral_meals=entered[monthly_figures.FUNERAL_MEALS],
    )


# --- snapshots -----------------------------------------------------------------------------


def snapshot_data(
    session: Session, config: Config, span: Period, computed_at: datetime
) -> tuple[Indicators, dict[str, Any]]:
    """Compute `span` as of `computed_at`: its figures, and the data a snapshot row holds."""
    figures = compute(session, config, span, computed_at)
    # Goal 4.3.1 rides in the same row, under its own key: Indicators.from_dict ignores
    # it, and snapshots stored before it simply have none (employment_snapshot: None).
    data = figures.to_dict()
    data[EMPLOYMENT] = employment.compute(
        session, config, span, computed_at, employment_events.RECORDED
    ).to_dict()
    if span.kind == "year":
        # Only years: the public dashboard shows a year, and a month's breakdown would
        # repeat the month's own row.
        data[BREAKDOWNS] = breakdowns.compute(session, span, config.tz).to_dict()
    return figures, data


def save_snapshot(
    session: Session, span: Period, data: dict[str, Any], computed_at: datetime
) -> None:
    """Upsert the snapshot row of `span` (one per kind and start) with `data`."""
    values = {
        "kind": span.kind,
        "period_start": span.start,
        "period_end": span.end,
        "label": span.label,
        "data": data,
        "computed_at": computed_at,
    }
    # A native upsert, so two instances refreshing at once cannot both insert.
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(_SNAPSHOT).values(**values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["kind", "period_start"],
            set_={
                name: statement.excluded[name]
                for name in ("period_end", "label", "data", "computed_at")
            },
        )
    )


def store_snapshot(
    session: Session, config: Config, span: Period, computed_at: datetime
) -> Indicators:
    """Compute `span` as of `computed_at` and upsert its snapshot row (one per kind and
    start)."""
    figures, data = snapshot_data(session, config, span, computed_at)
    save_snapshot(session, span, data, computed_at)
    return figures


def stored(session: Session, kind: str, start: datetime) -> tuple[dict[str, Any], datetime] | None:
    """The raw data of a stored snapshot and when it was computed, if there is one."""
    row = session.execute(
        select(_SNAPSHOT.c.data, _SNAPSHOT.c.computed_at).where(
            _SNAPSHOT.c.kind == kind, _SNAPSHOT.c.period_start == start
        )
    ).one_or_none()
    return None if row is None else (dict(row[0]), row[1])


def snapshot(session: Session, kind: str, start: datetime) -> Indicators | None:
    """The stored indicators of the period of `kind` starting at `start`, if any."""
    data = session.execute(
        select(_SNAPSHOT.c.data).where(_SNAPSHOT.c.kind == kind, _SNAPSHOT.c.period_start == start)
    ).scalar_one_or_none()
    return None if data is None else Indicators.from_dict(data)


def employment_snapshot(
    session: Session, kind: str, start: datetime
) -> employment.EmploymentIndicators | None:
    """Goal 4.3.1's stored figures of that period; None if there is no snapshot or it was
    stored before goal 4.3.1 was."""
    data = session.execute(
        select(_SNAPSHOT.c.data).where(_SNAPSHOT.c.kind == kind, _SNAPSHOT.c.period_start == start)
    ).scalar_one_or_none()
    if not data or EMPLOYMENT not in data:
        return None
    return employment.EmploymentIndicators.from_dict(data[EMPLOYMENT])


def refresh_snapshots(session: Session, config: Config, now: datetime) -> list[Period]:
    """Recompute the current and the previous period of every kind; safe to run again.

    The previous ones are refreshed too because late entries (an imported
    call-centre day, a response given after midnight) still change them.
    """
    today = now.astimezone(config.tz).date()
    refreshed: list[Period] = []
    for kind in KINDS:
        current = period(kind, today, config.tz)
        for span in (previous(current, config.tz), current):
            store_snapshot(session, config, span, now)
            refreshed.append(span)
    return refreshed
