"""Staff members, their roles, and who may act on which request.

Roles live in the database; nothing a Telegram client sends (callback data,
command arguments) can grant a power the database does not record.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, true
from sqlmodel import Session, col, select

from core.codes import STAFF_ROLES
from core.desk_sessions import end_sessions
from core.refusals import Refused
from db.models import Department, Request, StaffMember
from db.types import utcnow

# Roles that may act on any department's requests.
GLOBAL_ROLES = frozenset({"admin", "supervisor"})


class NotAllowed(PermissionError):
    """The person is not staff of the request's department, nor a supervisor or admin."""


def active_member(session: Session, telegram_id: int) -> StaffMember | None:
    member = session.exec(select(StaffMember).where(StaffMember.telegram_id == telegram_id)).first()
    return member if member is not None and member.active else None


def may_act(member: StaffMember | None, department_code: str) -> bool:
    if member is None or not member.active:
        return False
    return member.role in GLOBAL_ROLES or member.department_code == department_code


def may_see(member: StaffMember | None) -> ColumnElement[bool]:
    """may_act as a SQL condition on Request: the requests a list or an export may show
    this person (the web desk's queue), so that a list never shows what a page refuses."""
    if member is None or not member.active:
        return false()
    if member.role in GLOBAL_ROLES:
        return true()
    if member.department_code is None:
        return false()
    return col(Request.department_code) == member.department_code


def authorize(actor: StaffMember | None, request: Request) -> StaffMember:
    """The actor, if they may act on the request; NotAllowed otherwise.

    The actor is looked up by the caller (from a Telegram id, a web login…), so every
    channel goes through this same check."""
    if actor is None or not may_act(actor, request.department_code):
        who = actor.id if actor is not None else "nobody"
        raise NotAllowed(f"staff member {who} may not act on request {request.id}")
    return actor


def is_admin(member: StaffMember | None) -> bool:
    return member is not None and member.active and member.role == "admin"


def is_staff(member: StaffMember | None) -> bool:
    return member is not None and member.active


def upsert(
    session: Session,
    telegram_id: int,
    role: str,
    department_code: str | None,
    name: str | None = None,
) -> StaffMember:
    """Add a staff member or change their role and department; takes effect at once."""
    if role not in STAFF_ROLES:
        raise Refused("unknown_role")
    if department_code is not None:
        department = session.get(Department, department_code)
        if department is None or not department.active:
            raise Refused("unknown_department")
    if role in ("staff", "coordinator") and department_code is None:
        raise Refused("department_required")
    member = session.exec(select(StaffMember).where(StaffMember.telegram_id == telegram_id)).first()
    if member is None:
        member = StaffMember(telegram_id=telegram_id, role=role, created_at=utcnow())
    member.role, member.department_code, member.active = role, department_code, True
    if name:
        member.name = name
    session.add(member)
    session.flush()
    return member


def remove(session: Session, telegram_id: int) -> bool:
    """Take away every staff power at once; the row stays for the audit trail."""
    member = active_member(session, telegram_id)
    if member is None:
        return False
    member.active = False
    session.add(member)
    # The web desk too: a removed member's open browser loses its session at once.
    end_sessions(session, member)
    return True


def appoint(
    session: Session,
    actor: StaffMember | None,
    telegram_id: int,
    role: str,
    department_code: str | None,
    name: str | None = None,
) -> StaffMember:
    """An admin (the actor, looked up by the caller on any channel) adds a staff member
    or changes their role; Refused("not_allowed") for anyone else."""
    if not is_admin(actor):
        raise Refused("not_allowed")
    return upsert(session, telegram_id, role, department_code, name)


def dismiss(session: Session, actor: StaffMember | None, telegram_id: int) -> bool:
    """An admin takes away someone's staff powers; not their own, so that an installation
    is never left without an admin by a slip."""
    if not is_admin(actor):
        raise Refused("not_allowed")
    assert actor is not None
    if actor.telegram_id == telegram_id:
        raise Refused("self")
    return remove(session, telegram_id)


def listing(session: Session) -> list[StaffMember]:
    return list(
        session.exec(
            select(StaffMember)
            .where(StaffMember.active == True)  # noqa: E712
            .order_by(
                col(StaffMember.department_code),
                col(StaffMember.role),
                col(StaffMember.telegram_id),
            )
        ).all()
    )
