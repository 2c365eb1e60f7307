"""Staff members, their roles, and who may act on which request.

Roles live in the database; nothing a Telegram client sends (callback data,
command arguments) can grant a power the database does not record.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from core.codes import STAFF_ROLES
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


def authorize(session: Session, telegram_id: int, request: Request) -> StaffMember:
    member = active_member(session, telegram_id)
    if not may_act(member, request.department_code):
        raise NotAllowed(f"user {telegram_id} may not act on request {request.id}")
    assert member is not None
    return member


def is_admin(session: Session, telegram_id: int) -> bool:
    member = active_member(session, telegram_id)
    return member is not None and member.role == "admin"


def is_staff(session: Session, telegram_id: int) -> bool:
    return active_member(session, telegram_id) is not None


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
    return True


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
