"""The City Council (Kent Konseyi): assembly membership, events, registrations, check-in.

Plain functions over the caller's session; refusals raise core.refusals.Refused with a
short reason code that the handlers translate.

Seats are never oversold: every registration first locks its event's row
(SELECT ... FOR UPDATE on PostgreSQL; on SQLite, which has one writer at a
time, a write that takes the database's write lock), and a seat is taken only
by the conditional `UPDATE council_event SET registered = registered + 1 WHERE
registered < capacity`, with a CHECK constraint behind it. The same UPDATE
numbers arrivals (`last_seq`), which orders the waiting list.

Children (assemblies with guardian_required) do not use Telegram: their
guardian registers them. A child is a Citizen row without a Telegram id whose
membership names the guardian (Membership.guardian_id) and counts only once the
guardian has confirmed (guardian_confirmed_at). Messages meant for a child go
to the guardian (see `recipients`).
"""

from core.council.attendance import (
    check_in,
    mark_no_shows,
)
from core.council.audience import (
    announce,
    assembly_audience,
    event_audience,
    recipients,
)
from core.council.coordinators import (
    COUNCIL,
    COUNCIL_DEPARTMENT,
    authorize_kind,
    is_council,
    may_manage,
    may_manage_event,
    may_manage_kind,
    refusal_reason,
)
from core.council.events import (
    KEEP,
    EventSummary,
    cancel_event,
    create_event,
    edit_event,
    event_details,
    registrations_of,
    upcoming_events,
)
from core.council.membership import (
    assemblies,
    children_of,
    confirm_guardian,
    is_member,
    join,
    join_child,
    leave,
    member_counts,
    members_per_assembly,
    memberships_of,
)
from core.council.registration import (
    Booking,
    register,
    withdraw,
)
from core.council.seats import (
    Notice,
    waiting_position,
)
from core.council.statistics import (
    attendance,
    events_per_assembly,
    participants_per_assembly,
)

__all__ = [
    "COUNCIL",
    "COUNCIL_DEPARTMENT",
    "KEEP",
    "Booking",
    "EventSummary",
    "Notice",
    "announce",
    "assemblies",
    "assembly_audience",
    "attendance",
    "authorize_kind",
    "cancel_event",
    "check_in",
    "children_of",
    "confirm_guardian",
    "create_event",
    "edit_event",
    "event_audience",
    "event_details",
    "events_per_assembly",
    "is_council",
    "is_member",
    "join",
    "join_child",
    "leave",
    "mark_no_shows",
    "may_manage",
    "may_manage_event",
    "may_manage_kind",
    "member_counts",
    "members_per_assembly",
    "memberships_of",
    "participants_per_assembly",
    "recipients",
    "refusal_reason",
    "register",
    "registrations_of",
    "upcoming_events",
    "waiting_position",
    "withdraw",
]
