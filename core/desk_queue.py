"""The staff desk's queue: the requests a staff member may see, filtered, overdue first.

One rule decides what a person may see (core.staff.may_see, the SQL form of may_act), so
the web desk's list, its exports and a request's own page never disagree. Filters arrive
as text (a URL's query) and are checked here against the codes and the rows that exist:
an unknown value is a Refused with a reason the page words, never a silent empty list.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from core.codes import CHANNELS, OPEN_STATUSES, STATUSES
from core.refusals import Refused
from core.staff import GLOBAL_ROLES, authorize, may_see
from core.workflow import NotFound, is_overdue
from db.models import Category, Department, Request, StaffMember

PER_PAGE = 50
# An export is for a spreadsheet, not a backup: past this many rows, narrow the filters.
EXPORT_CAP = 50_000
MAX_SEARCH = 100

# Status filter values besides STATUSES' codes.
OPEN = "open"
ANY = "all"
# Assignee filter values besides a staff member's id.
MINE = "me"
NOBODY = "none"

# Turkish letters and their ASCII fold, applied the same way to the search and (in SQL) to
# the request's text, so "ISIK", "ışık" and "Işık" find one another on both databases:
# SQLite's lower() knows only ASCII, and PostgreSQL's depends on the server's locale.
_FOLD = {
    "İ": "i",
    "I": "i",
    "ı": "i",
    "Ş": "s",
    "ş": "s",
    "Ç": "c",
    "ç": "c",
    "Ğ": "g",
    "ğ": "g",
    "Ö": "o",
    "ö": "o",
    "Ü": "u",
    "ü": "u",
    "Â": "a",
    "â": "a",
    "Î": "i",
    "î": "i",
    "Û": "u",
    "û": "u",
    "\u0307": "",  # the combining dot some systems leave after lowering İ
}


def fold(text: str) -> str:
    return "".join(_FOLD.get(ch, ch) for ch in text).lower()


def _folded(column: Any) -> ColumnElement[str]:
    expression: ColumnElement[str] = column
    for letter, plain in _FOLD.items():
        expression = func.replace(expression, letter, plain)
    return func.lower(expression)


@dataclass(frozen=True)
class QueueFilter:
    """What the queue shows. Empty fields filter nothing; status defaults to open ones."""

    department: str | None = None
    status: str = OPEN
    overdue: bool = False
    channel: str | None = None
    # MINE, NOBODY, or a staff member's id.
    assignee: str | None = None
    search: str = ""


@dataclass(frozen=True)
class QueueRow:
    request: Request
    category: Category | None
    department: Department | None
    assignee: str | None
    overdue: bool


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    overdue: int
    page: int  # from 1
    pages: int


def departments_for(session: Session, member: StaffMember) -> list[Department]:
    """The departments whose requests this person may see (the department filter's choices)."""
    query = select(Department).where(Department.active == True)  # noqa: E712
    if member.role not in GLOBAL_ROLES:
        query = query.where(Department.code == member.department_code)
    return list(session.exec(query.order_by(col(Department.name_tr))).all())


def assignees_for(session: Session, member: StaffMember) -> list[StaffMember]:
    """Active staff who may act on requests this person sees (the assignee filter's choices)."""
    query = select(StaffMember).where(StaffMember.active == True)  # noqa: E712
    if member.role not in GLOBAL_ROLES:
        query = query.where(
            or_(
                col(StaffMember.department_code) == member.department_code,
                col(StaffMember.role).in_(GLOBAL_ROLES),
            )
        )
    return list(session.exec(query.order_by(col(StaffMember.name), col(StaffMember.id))).all())


def read_filter(session: Session, member: StaffMember, values: Mapping[str, str]) -> QueueFilter:
    """The filter a query string asks for; Refused(bad_department, bad_status,
    bad_channel, bad_assignee, bad_overdue, search_too_long) for a value that is not one
    of the choices offered."""

    def given(name: str) -> str | None:
        value = (values.get(name) or "").strip()
        return value or None

    department = given("department")
    if department is not None and department not in {
        d.code for d in departments_for(session, member)
    }:
        raise Refused("bad_department")
    status = given("status") or OPEN
    if status not in (OPEN, ANY) and status not in STATUSES:
        raise Refused("bad_status")
    channel = given("channel")
    if channel is not None and channel not in CHANNELS:
        raise Refused("bad_channel")
    assignee = given("assignee")
    if assignee is not None and assignee not in (MINE, NOBODY):
        ids = {str(m.id) for m in assignees_for(session, member)}
        if assignee not in ids:
            raise Refused("bad_assignee")
    overdue = given("overdue")
    if overdue not in (None, "1"):
        raise Refused("bad_overdue")
    search = (values.get("q") or "").strip()
    if len(search) > MAX_SEARCH:
        raise Refused("search_too_long")
    return QueueFilter(
        department=department,
        status=status,
        overdue=overdue == "1",
        channel=channel,
        assignee=assignee,
        search=search,
    )


def overdue_clause(now: datetime) -> ColumnElement[bool]:
    """core.workflow.is_overdue in SQL: open, no first response yet, and past due (or marked
    overdue by the SLA sweep, whose working-time clock decides)."""
    return and_(
        col(Request.first_response_at).is_(None),
        col(Request.status).in_(OPEN_STATUSES),
        or_(
            col(Request.overdue_marked_at).is_not(None),
            and_(col(Request.due_at).is_not(None), col(Request.due_at) < now),
        ),
    )


def _conditions(
    member: StaffMember, chosen: QueueFilter, now: datetime
) -> list[ColumnElement[bool]]:
    where = [may_see(member)]
    if chosen.department is not None:
        where.append(col(Request.department_code) == chosen.department)
    if chosen.status == OPEN:
        where.append(col(Request.status).in_(OPEN_STATUSES))
    elif chosen.status != ANY:
        where.append(col(Request.status) == chosen.status)
    if chosen.overdue:
        where.append(overdue_clause(now))
    if chosen.channel is not None:
        where.append(col(Request.channel) == chosen.channel)
    if chosen.assignee == MINE:
        where.append(col(Request.assignee_id) == member.id)
    elif chosen.assignee == NOBODY:
        where.append(col(Request.assignee_id).is_(None))
    elif chosen.assignee is not None:
        where.append(
            col(Request.assignee_id) == int(chosen.assignee)
            if chosen.assignee.isdigit()
            else false()
        )
    if chosen.search:
        where.append(
            or_(
                col(Request.number).contains(chosen.search.strip(), autoescape=True),
                _folded(col(Request.text)).contains(fold(chosen.search), autoescape=True),
            )
        )
    return where


_Assignee = aliased(StaffMember)


def _listing(member: StaffMember, chosen: QueueFilter, now: datetime) -> Any:
    """Requests with their topic, department and assignee's name, in the queue's order."""
    overdue_first = case((overdue_clause(now), 0), else_=1)
    return (
        select(Request, Category, Department, col(_Assignee.name))
        .outerjoin(Category, col(Category.code) == col(Request.category_code))
        .outerjoin(Department, col(Department.code) == col(Request.department_code))
        .outerjoin(_Assignee, col(_Assignee.id) == col(Request.assignee_id))
        .where(*_conditions(member, chosen, now))
        .order_by(overdue_first, col(Request.created_at), col(Request.id))
    )


def queue_page(
    session: Session, member: StaffMember, chosen: QueueFilter, now: datetime, page: int = 1
) -> QueuePage:
    """One page of PER_PAGE requests, overdue first and then oldest first, with how many
    match in all and how many of those are overdue. A page past the end shows the last."""
    where = _conditions(member, chosen, now)
    total = int(session.exec(select(func.count()).select_from(Request).where(*where)).one())
    overdue = int(
        session.exec(
            select(func.count()).select_from(Request).where(*where, overdue_clause(now))
        ).one()
    )
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    found = session.exec(
        _listing(member, chosen, now).offset((page - 1) * PER_PAGE).limit(PER_PAGE)
    ).all()
    rows = [
        QueueRow(request, category, department, assignee, is_overdue(request, now))
        for request, category, department, assignee in found
    ]
    return QueuePage(rows=rows, total=total, overdue=overdue, page=page, pages=pages)


def export_rows(
    session: Session,
    member: StaffMember,
    chosen: QueueFilter,
    now: datetime,
    cap: int = EXPORT_CAP,
) -> Iterator[QueueRow]:
    """Every matching request in the queue's order, up to `cap`, read in batches."""
    found = session.exec(_listing(member, chosen, now).limit(cap).execution_options(yield_per=500))
    for request, category, department, assignee in found:
        yield QueueRow(request, category, department, assignee, is_overdue(request, now))


def visible_request(session: Session, member: StaffMember, request_id: int) -> Request:
    """The request for its page: NotFound if there is none, NotAllowed (core.staff) if it
    belongs to a department this person may not act on."""
    request = session.get(Request, request_id)
    if request is None:
        raise NotFound(request_id)
    authorize(member, request)
    return request
