"""Who may manage the council's events: admins, supervisors, and coordinators of the
council's department.
"""

from __future__ import annotations

from sqlmodel import Session

from core import staff
from core.refusals import Refused
from db.models import StaffMember

COUNCIL_DEPARTMENT = "kent_konseyi"


def may_manage(session: Session, telegram_id: int) -> bool:
    """Admins, supervisors, and coordinators of the council's department."""
    member = staff.active_member(session, telegram_id)
    if member is None:
        return False
    if member.role in staff.GLOBAL_ROLES:
        return True
    return member.role == "coordinator" and member.department_code == COUNCIL_DEPARTMENT


def authorize(session: Session, telegram_id: int) -> StaffMember:
    if not may_manage(session, telegram_id):
        raise Refused("not_allowed")
    member = staff.active_member(session, telegram_id)
    assert member is not None
    return member
