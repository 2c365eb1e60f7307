"""Goal 4.3.1 of the performance programme, the employment centre, for any period.

Definitions (docs/indicators.md, "Goal 4.3.1"), each over the half-open period
[start, end) in the municipality's calendar (core.periods):

- people started: distinct seekers with a referral that reached `started` in the period;
- people with a job found: distinct seekers with a referral that reached `job_found` in
  the period (an imported `started` row counts as found at the same time);
- rate of starters: people started ÷ people with a job found (467 ÷ 6.062 = 7,7 %:
  the seed's numbers, not its footnote, which words it the other way round);
- referrals: referrals made in the period (one person may be referred many times);
- registered CVs / firms: every CV / firm registered before the period's end (erased
  ones too: erasure blanks the person and keeps the row, so last year's total never
  changes); new CVs / firms: registered in the period. So a total at the end of a period
  is always the total at its start plus the new ones in it;
- trainings held, job-fair firms and hires: council-engine events of kinds not built
  yet. `compute` takes an `EmploymentEvents` source for them; without one they are None
  ("not recorded"), and only their targets are carried, as 7.1.1's "new projects" are.

Like core.indicators, a handful of SQL aggregates, nothing looped over in Python.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Table, distinct, func, select
from sqlmodel import Session, SQLModel

from common.config import Config, YearTargets
from core.periods import Period
from db.models import Employer, JobSeeker, Referral
from db.types import utcnow

Target = float | int | None

_SEEKER: Table = SQLModel.metadata.tables[str(JobSeeker.__tablename__)]
_EMPLOYER: Table = SQLModel.metadata.tables[str(Employer.__tablename__)]
_REFERRAL: Table = SQLModel.metadata.tables[str(Referral.__tablename__)]


class EmploymentEvents(Protocol):
    """Where trainings and job fairs are counted: council-engine events of kinds "training"
    and "job_fair" once they exist (the hook the next part plugs in)."""

    def trainings_held(
        self, session: Session, start: datetime, end: datetime, now: datetime
    ) -> int:
        """Career and vocational trainings held (over, not cancelled) in [start, end)."""
        ...

    def job_fair(
        self, session: Session, start: datetime, end: datetime, now: datetime
    ) -> tuple[int, int]:
        """(firms that took part, people hired there) at job fairs held in [start, end)."""
        ...


@dataclass(frozen=True)
class EmploymentIndicators:
    period: Period
    starter_rate: float | None  # a ratio: 0.077 for 7,7 %
    people_started: int
    people_job_found: int
    referrals: int
    trainings: int | None
    registered_cvs: int
    new_cvs: int
    registered_firms: int
    new_firms: int
    job_fair_firms: int | None
    job_fair_hires: int | None
    targets: dict[str, Target] = field(default_factory=dict)

    def target(self, key: str) -> Target:
        return self.targets.get(key)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["period"] = self.period.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EmploymentIndicators:
        """Back from `to_dict` (a snapshot's JSON); fields added later take their default."""
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        values["period"] = Period.from_dict(data["period"])
        return cls(**values)


def _registered(session: Session, table: Table, column: str, span: Period) -> tuple[int, int]:
    """(registered before the period's end, registered in the period)."""
    at = table.c[column]
    in_period = func.count().filter(at >= span.start)
    total, new = session.execute(select(func.count(), in_period).where(at < span.end)).one()
    return int(total), int(new or 0)


def _people(session: Session, column: str, span: Period) -> int:
    at = _REFERRAL.c[column]
    count = session.execute(
        select(func.count(distinct(_REFERRAL.c.seeker_id))).where(at >= span.start, at < span.end)
    ).scalar_one()
    return int(count)


def _targets(config: Config, year: int) -> dict[str, Target]:
    goals = (config.targets.get(year) or YearTargets()).employment
    rate = goals.starter_rate_percent
    return {
        "starter_rate": None if rate is None else rate / 100,
        "people_started": goals.people_started,
        "people_job_found": goals.people_job_found,
        "referrals": goals.referrals,
        "trainings": goals.trainings,
        "registered_cvs": goals.registered_cvs,
        "new_cvs": goals.new_cvs,
        "registered_firms": goals.registered_firms,
        "new_firms": goals.new_firms,
        "job_fair_firms": goals.job_fair_firms,
        "job_fair_hires": goals.job_fair_hires,
    }


def compute(
    session: Session,
    config: Config,
    span: Period,
    now: datetime | None = None,
    events: EmploymentEvents | None = None,
) -> EmploymentIndicators:
    """Goal 4.3.1's figures for `span`, with the targets of the year it starts in."""
    now = now or utcnow()
    started = _people(session, "started_at", span)
    found = _people(session, "job_found_at", span)
    referrals = session.execute(
        select(func.count()).where(
            _REFERRAL.c.referred_at >= span.start, _REFERRAL.c.referred_at < span.end
        )
    ).scalar_one()
    cvs, new_cvs = _registered(session, _SEEKER, "registered_at", span)
    firms, new_firms = _registered(session, _EMPLOYER, "registered_at", span)
    trainings: int | None = None
    fair_firms: int | None = None
    fair_hires: int | None = None
    if events is not None:
        trainings = events.trainings_held(session, span.start, span.end, now)
        fair_firms, fair_hires = events.job_fair(session, span.start, span.end, now)
    return EmploymentIndicators(
        period=span,
        starter_rate=started / found if found else None,
        people_started=started,
        people_job_found=found,
        referrals=int(referrals),
        trainings=trainings,
        registered_cvs=cvs,
        new_cvs=new_cvs,
        registered_firms=firms,
        new_firms=new_firms,
        job_fair_firms=fair_firms,
        job_fair_hires=fair_hires,
        targets=_targets(config, span.start.astimezone(config.tz).year),
    )
