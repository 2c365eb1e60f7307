"""Who may manage the council's events: admins, supervisors, and coordinators of the
council's department.
"""

from __future__ import annotations

from core import staff
from core.refusals import Refused
from db.models import StaffMember

COUNCIL_DEPARTMENT = "kent_konseyi"


def may_manage(actor: StaffMember | None) -> bool:
    """Admins, supervisors, and coordinators of the council's department."""
    if actor is None or not actor.active:
        return False
    if actor.role in staff.GLOBAL_ROLES:
        return True
    return actor.role == "coordinator" and actor.department_code == COUNCIL_DEPARTMENT


def authorize(actor: StaffMember | None) -> StaffMember:
    """The actor (looked up by the caller, whatever the channel), if they may manage
    events; Refused otherwise."""
    if actor is None or not may_manage(actor):
        raise Refused("not_allowed")
    return actor
