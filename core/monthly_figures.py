"""Figures only staff know, entered per month: new public-relations projects (goal 7.1.1's
performance indicator 2), condolence visits (families) and funeral meals served (persons),
the programme's two "(SOSYAL)" monitoring rows. No chat data produces them.

Who may enter them: admins and supervisors always (they answer for every figure of the
report); otherwise the departments that do the work. The public-relations directorate
(`halkla_iliskiler`, which owns goal 7.1.1) enters all three; the social-support
directorate (`sosyal`) enters condolence visits and funeral meals, the rows the programme
marks "(SOSYAL)", since its staff make the visits and serve the meals. Everyone else is
refused with Refused("not_allowed"), whatever the form they post.

One value per month and figure; entering it again corrects it. The current value is one
row of `monthly_figure` (so a period's sum is one aggregate); every entry and correction
is also a row of `monthly_figure_change` with the old and the new value, so what a report
once showed can be explained later. A month belongs to a period when its first day does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Table, func, select
from sqlmodel import Session, SQLModel, col
from sqlmodel import select as select_rows

from common.config import Config, YearTargets
from common.i18n import N_
from core.periods import Period
from core.refusals import Refused
from core.staff import GLOBAL_ROLES
from db.models import MonthlyFigure, MonthlyFigureChange, StaffMember

NEW_PROJECTS = "new_projects"
CONDOLENCE_VISITS = "condolence_visits"
FUNERAL_MEALS = "funeral_meals"
# In the report's order; the labels are the programme's own wording.
LABELS: dict[str, str] = {
    NEW_PROJECTS: N_("New public-relations projects"),
    CONDOLENCE_VISITS: N_("Families visited to offer condolences"),
    FUNERAL_MEALS: N_("People served a funeral meal"),
}
CODES: tuple[str, ...] = tuple(LABELS)

PUBLIC_RELATIONS = "halkla_iliskiler"
SOCIAL_SUPPORT = "sosyal"
# Which departments' staff may enter which figure (admins and supervisors: all).
DEPARTMENTS: dict[str, frozenset[str]] = {
    NEW_PROJECTS: frozenset({PUBLIC_RELATIONS}),
    CONDOLENCE_VISITS: frozenset({PUBLIC_RELATIONS, SOCIAL_SUPPORT}),
    FUNERAL_MEALS: frozenset({PUBLIC_RELATIONS, SOCIAL_SUPPORT}),
}
# Far above a district's year (the seed's largest is 229.480 meals), low enough to catch a
# figure typed twice over or a phone number in the wrong box.
MAX_VALUE = 10_000_000

_FIGURE: Table = SQLModel.metadata.tables[str(MonthlyFigure.__tablename__)]
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
# Plain digits, or Turkish thousands groups ("229.480"); "2.5" is refused, not read as 25.
_WHOLE = re.compile(r"^(\d+|\d{1,3}(\.\d{3})+)$")


@dataclass(frozen=True)
class Entry:
    """A month's current value of one figure, who entered it last and when."""

    month: date
    code: str
    value: int
    entered_by: str  # the staff member's name, or their Telegram id without one
    entered_at: datetime


# --- who may, and what is valid ------------------------------------------------------------


def may_enter(member: StaffMember | None, code: str) -> bool:
    if member is None or not member.active or code not in DEPARTMENTS:
        return False
    return member.role in GLOBAL_ROLES or member.department_code in DEPARTMENTS[code]


def codes_for(member: StaffMember | None) -> tuple[str, ...]:
    """The figures this member may enter, in the report's order (none: the page is closed)."""
    return tuple(code for code in CODES if may_enter(member, code))


def parse_month(text: str) -> date:
    """The month a browser's month field sends ("2025-03") as its first day, 1 March 2025;
    Refused("bad_month") for anything else, a month of 13 included."""
    found = _MONTH.match(text.strip())
    if found is None:
        raise Refused("bad_month")
    year, month = int(found.group(1)), int(found.group(2))
    if not 1 <= month <= 12 or year < 2000:
        raise Refused("bad_month")
    return date(year, month, 1)


def parse_value(text: str) -> int:
    """A whole number 0..MAX_VALUE as typed, with or without Turkish thousands dots
    ("229.480"); Refused("bad_value") otherwise ("abc", "-3", "2.5", "1,5")."""
    cleaned = text.strip()
    # Length first: int() of thousands of digits is refused by Python itself.
    if len(cleaned) > 20 or not _WHOLE.match(cleaned):
        raise Refused("bad_value")
    return check_value(int(cleaned.replace(".", "")))


def check_value(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_VALUE:
        raise Refused("bad_value")
    return value


def check_month(month: date, today: date) -> date:
    """The month's first day, if it has begun by `today` (local); Refused("future_month")."""
    first = month.replace(day=1)
    if first > today.replace(day=1):
        raise Refused("future_month")
    return first


# --- entering ------------------------------------------------------------------------------


def record(
    session: Session,
    member: StaffMember | None,
    month: date,
    code: str,
    value: int,
    now: datetime,
    config: Config,
) -> bool:
    """Enter or correct `code` for `month` as `member` (looked up by the caller, on any
    channel). True when something changed; the same value again changes nothing and leaves
    no audit row. Refused: unknown_code, not_allowed, future_month, bad_value."""
    if code not in DEPARTMENTS:
        raise Refused("unknown_code")
    if not may_enter(member, code):
        raise Refused("not_allowed")
    assert member is not None and member.id is not None
    first = check_month(month, now.astimezone(config.tz).date())
    check_value(value)
    # Locked, so two staff correcting the same month at once leave an audit trail whose
    # old values follow one another.
    row = session.exec(
        select_rows(MonthlyFigure)
        .where(MonthlyFigure.month == first, MonthlyFigure.code == code)
        .with_for_update()
    ).first()
    old = None if row is None else row.value
    if old == value:
        return False
    if row is None:
        row = MonthlyFigure(
            month=first, code=code, value=value, entered_by=member.id, entered_at=now
        )
    else:
        row.value, row.entered_by, row.entered_at = value, member.id, now
    session.add(row)
    session.add(
        MonthlyFigureChange(
            month=first,
            code=code,
            old_value=old,
            new_value=value,
            changed_by=member.id,
            changed_at=now,
        )
    )
    session.flush()
    return True


# --- reading -------------------------------------------------------------------------------


def sums(session: Session, config: Config, span: Period) -> dict[str, int | None]:
    """Each figure's sum over the months whose first day falls in `span`; None for a figure
    with no month entered there (not recorded, which is not the same as 0)."""
    first, after = span.local_dates(config.tz)
    rows = session.execute(
        select(_FIGURE.c.code, func.sum(_FIGURE.c.value))
        .where(_FIGURE.c.month >= first, _FIGURE.c.month < after)
        .group_by(_FIGURE.c.code)
    ).all()
    found = {code: int(total) for code, total in rows}
    return {code: found.get(code) for code in CODES}


def entries(session: Session, first: date, last: date) -> dict[tuple[date, str], Entry]:
    """The current values of the months from `first` to `last` (first days), by (month,
    code), with who entered each."""
    rows = session.exec(
        select_rows(MonthlyFigure, StaffMember)
        .join(StaffMember, col(StaffMember.id) == col(MonthlyFigure.entered_by))
        .where(col(MonthlyFigure.month) >= first, col(MonthlyFigure.month) <= last)
    ).all()
    return {
        (figure.month, figure.code): Entry(
            figure.month,
            figure.code,
            figure.value,
            member.name or str(member.telegram_id),
            figure.entered_at,
        )
        for figure, member in rows
    }


def last_months(today: date, count: int = 12) -> list[date]:
    """The first days of the `count` months up to today's, newest first."""
    months, year, month = [], today.year, today.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


def targets(config: Config, year: int) -> dict[str, int | None]:
    """The year's target (new projects) or forecast (the other two) of each figure."""
    goals = config.targets.get(year) or YearTargets()
    return {
        NEW_PROJECTS: goals.new_projects,
        CONDOLENCE_VISITS: goals.condolence_visits,
        FUNERAL_MEALS: goals.funeral_meals,
    }


__all__ = [
    "CODES",
    "LABELS",
    "MAX_VALUE",
    "Entry",
    "check_month",
    "check_value",
    "codes_for",
    "entries",
    "last_months",
    "may_enter",
    "parse_month",
    "parse_value",
    "record",
    "sums",
    "targets",
]
