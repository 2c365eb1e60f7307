"""Who may manage the council's events: admins, supervisors, and coordinators of the
council's department.
"""

from __future__ import annotations

from core import staff
from core.employment import codes as employment_codes
from core.refusals import Refused
from db.models import CouncilEvent, StaffMember

COUNCIL_DEPARTMENT = "kent_konseyi"
# An event's kind: the council's own, or the employment centre's trainings and job fairs,
# which run on the same engine (seats, waiting list, check-in, reminders) without an
# assembly and are managed by the centre's staff, not the council's coordinators.
COUNCIL = "council"


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


def is_council(kind: str | None) -> bool:
    """Whether events of this kind are the council's (None: the council's, as before
    kinds existed), not the employment centre's trainings and fairs."""
    return kind in (None, COUNCIL)


def authorize_kind(actor: StaffMember | None, kind: str | None) -> StaffMember:
    """The actor, if they may manage events of this kind; Refused otherwise, in words that
    name who may: the council's coordinators (not_allowed) or the employment centre's
    staff (not_centre_staff)."""
    if actor is None or not may_manage_kind(actor, kind):
        raise Refused(refusal_reason(kind))
    return actor


def refusal_reason(kind: str | None) -> str:
    """Why someone who may not manage events of this kind is refused."""
    return "not_allowed" if is_council(kind) else "not_centre_staff"


def may_manage_kind(actor: StaffMember | None, kind: str | None) -> bool:
    """A council event (kind None or council): its coordinators (may_manage); an
    employment-centre event (a training, a job fair): the centre's staff, supervisors
    and admins."""
    if is_council(kind):
        return may_manage(actor)
    return staff.may_act(actor, employment_codes.DEPARTMENT)


def may_manage_event(actor: StaffMember | None, event: CouncilEvent) -> bool:
    return may_manage_kind(actor, event.kind)


def authorize_event(actor: StaffMember | None, event: CouncilEvent) -> StaffMember:
    """The actor, if they may manage this event (by its kind); Refused otherwise."""
    return authorize_kind(actor, event.kind)
