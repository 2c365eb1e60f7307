"""The employment centre's trainings (career and vocational) and job fairs.

They are events of the council's engine (core.council: seats, waiting list, check-in
codes and their QR, reminders, withdrawing) of their own kind and without an assembly,
so a citizen registers for a training exactly as for a council event. What is the
centre's own: who may create them (its staff, not the council's coordinators), the firms
that took part in a fair with the people each hired there, and goal 4.3.1's figures
(`RECORDED`, the indicators' EmploymentEvents).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, func
from sqlmodel import Session, col, select

from core.council import events as council_events
from core.council.coordinators import COUNCIL
from core.dates import aware
from core.employment import validation
from core.employment.registry import authorize
from core.matching import fold
from core.privacy import Erased, PersonalData
from core.refusals import Refused
from db.models import Citizen, CouncilEvent, Employer, JobFairFirm, StaffMember

CAREER_TRAINING = "career_training"
VOCATIONAL_TRAINING = "vocational_training"
JOB_FAIR = "job_fair"
TRAININGS = (CAREER_TRAINING, VOCATIONAL_TRAINING)
KINDS = (*TRAININGS, JOB_FAIR)
# Hires one firm may record at one fair: far above any real fair, below a typo.
MAX_HIRED = 10_000
FIRM_MATCHES = 5


def create_event(
    session: Session,
    actor: StaffMember | None,
    kind: str,
    title: str,
    description: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    capacity: int,
    registration_deadline: datetime | None,
    *,
    now: datetime | None = None,
) -> CouncilEvent:
    """A training or a job fair, by the centre's staff; open to everyone (no assembly)."""
    member = authorize(actor)
    if kind not in KINDS:
        raise Refused("not_found")
    return council_events.add_event(
        session,
        member,
        kind,
        None,
        title,
        description,
        starts_at,
        ends_at,
        place,
        capacity,
        registration_deadline,
        False,
        now=now,
    )


def upcoming(session: Session, now: datetime, limit: int = 50) -> list[council_events.EventSummary]:
    """Trainings and fairs not cancelled and not started yet, soonest first."""
    return council_events.upcoming_events(session, now, limit=limit, kinds=KINDS)


def find_firms(session: Session, query: str) -> list[Employer]:
    """Registered firms by VKN (10 digits, exact) or by a part of their name."""
    text = query.strip()
    if not text:
        raise Refused("text_required")
    digits = text.replace(" ", "")
    if digits.isdigit():
        vkn = validation.tax_number(digits)
        return list(session.exec(select(Employer).where(Employer.tax_number == vkn)).all())
    # Names are few (hundreds): folded in Python for Turkish casing (İ/ı), not in SQL.
    wanted = fold(text)
    firms = session.exec(select(Employer).order_by(col(Employer.name))).all()
    return [firm for firm in firms if wanted in fold(firm.name)][:FIRM_MATCHES]


def job_fair(session: Session, event_id: int) -> CouncilEvent:
    event = session.get(CouncilEvent, event_id)
    if event is None or event.kind != JOB_FAIR:
        raise Refused("not_a_fair")
    return event


def record_fair_firm(
    session: Session,
    actor: StaffMember | None,
    event_id: int,
    employer_id: int,
    hired: int,
    now: datetime,
) -> JobFairFirm:
    """A firm took part in the fair and hired `hired` people there; recording the same
    firm again corrects its number."""
    member = authorize(actor)
    event = job_fair(session, event_id)
    if event.cancelled_at is not None:
        raise Refused("event_cancelled")
    if not 0 <= hired <= MAX_HIRED:
        raise Refused("bad_hired")
    if session.get(Employer, employer_id) is None:
        raise Refused("not_found")
    row = session.exec(
        select(JobFairFirm).where(
            JobFairFirm.event_id == event_id, JobFairFirm.employer_id == employer_id
        )
    ).first() or JobFairFirm(event_id=event_id, employer_id=employer_id)
    row.hired, row.recorded_by, row.recorded_at = hired, member.id, now
    session.add(row)
    session.flush()
    return row


def fair_firms(session: Session, event_id: int) -> list[tuple[Employer, int]]:
    """The firms recorded at a fair with the people each hired, by name."""
    rows = session.exec(
        select(Employer, JobFairFirm.hired)
        .join(JobFairFirm, col(JobFairFirm.employer_id) == col(Employer.id))
        .where(JobFairFirm.event_id == event_id)
        .order_by(col(Employer.name))
    ).all()
    return [(firm, int(hired)) for firm, hired in rows]


def _held(
    kinds: tuple[str, ...], start: datetime, end: datetime, now: datetime
) -> ColumnElement[bool]:
    """As core.council.statistics: started in the period, not cancelled, and over."""
    return and_(
        col(CouncilEvent.kind).in_(kinds),
        col(CouncilEvent.cancelled_at).is_(None),
        col(CouncilEvent.starts_at) >= aware(start),
        col(CouncilEvent.starts_at) < aware(end),
        col(CouncilEvent.ends_at) < min(aware(end), aware(now)),
    )


class RecordedEvents:
    """Goal 4.3.1's trainings and job fairs as recorded on the event engine
    (core.employment.indicators.EmploymentEvents)."""

    def trainings_held(
        self, session: Session, start: datetime, end: datetime, now: datetime
    ) -> int:
        count = session.exec(
            select(func.count(col(CouncilEvent.id))).where(_held(TRAININGS, start, end, now))
        ).one()
        return int(count)

    def job_fair(
        self, session: Session, start: datetime, end: datetime, now: datetime
    ) -> tuple[int, int]:
        """Distinct firms (one firm at two fairs counts once) and people hired."""
        firms, hired = session.exec(
            select(
                func.count(func.distinct(col(JobFairFirm.employer_id))),
                func.coalesce(func.sum(col(JobFairFirm.hired)), 0),
            )
            .join(CouncilEvent, col(CouncilEvent.id) == col(JobFairFirm.event_id))
            .where(_held((JOB_FAIR,), start, end, now))
        ).one()
        return int(firms), int(hired)


RECORDED = RecordedEvents()


def _export(session: Session, citizen: Citizen) -> dict[str, object]:
    return {}


def _erase(session: Session, citizen: Citizen, now: datetime) -> Erased:
    return Erased()


# A fair's firms name a firm and a number, never a person: nothing to export or erase (the
# firm's contact person is the employment feature's, core.employment.personal_data). A
# citizen's registrations for trainings are the council's registrations, exported and
# erased with them.
PERSONAL_DATA = PersonalData(tables=(JobFairFirm,), export=_export, erase=_erase)

__all__ = [
    "CAREER_TRAINING",
    "COUNCIL",
    "JOB_FAIR",
    "KINDS",
    "PERSONAL_DATA",
    "RECORDED",
    "TRAININGS",
    "VOCATIONAL_TRAINING",
    "create_event",
    "fair_firms",
    "find_firms",
    "job_fair",
    "record_fair_firm",
    "upcoming",
]
