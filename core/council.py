"""The City Council (Kent Konseyi): assembly membership, events, registrations, check-in.

Plain functions over the caller's session; refusals raise CouncilError with a
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

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, func, or_, update
from sqlmodel import Session, col, select

from common.config import Assembly as AssemblyConfig
from common.config import Config
from core import staff
from core.checkin import new_code, normalise_code
from db.models import Assembly, Citizen, CouncilEvent, Membership, Registration, StaffMember
from db.types import utcnow

COUNCIL_DEPARTMENT = "kent_konseyi"
# Statuses that hold a seat; the event's `registered` counter counts exactly these.
SEATED = ("registered", "attended", "no_show")
# Statuses of a registration the citizen still has (they cannot register again).
ACTIVE = ("registered", "waitlisted", "attended", "no_show")
TITLE_MAX = 200
PLACE_MAX = 300
NAME_MAX = 128

_EVENT: Table = CouncilEvent.__table__  # type: ignore[attr-defined]
_REGISTRATION: Table = Registration.__table__  # type: ignore[attr-defined]


class CouncilError(ValueError):
    """A council action was refused; `reason` is a short code the handler translates."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Notice:
    """Someone to tell about a change: their registration and whether they just got a seat."""

    citizen_id: int
    registration_id: int
    code: str
    status: str
    promoted: bool = False


@dataclass(frozen=True)
class Booking:
    """The result of registering: the registration and, when waiting, the place in line."""

    registration: Registration
    position: int | None

    @property
    def status(self) -> str:
        return self.registration.status

    @property
    def code(self) -> str:
        return self.registration.code


@dataclass(frozen=True)
class EventSummary:
    event: CouncilEvent
    seats_left: int
    waiting: int


@dataclass(frozen=True)
class EventDetails:
    event: CouncilEvent
    assembly: Assembly
    seats_left: int
    waiting: int
    registration: Registration | None
    position: int | None


class _Keep(Enum):
    """Marks an edit_event argument that stays as it is (None means "no deadline")."""

    KEEP = "keep"


KEEP = _Keep.KEEP


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime given; pass aware datetimes")
    return value


# --- Who may manage events ------------------------------------------------------------


def may_manage(session: Session, telegram_id: int) -> bool:
    """Admins, supervisors, and coordinators of the council's department."""
    member = staff.active_member(session, telegram_id)
    if member is None:
        return False
    if member.role in staff.GLOBAL_ROLES:
        return True
    return member.role == "coordinator" and member.department_code == COUNCIL_DEPARTMENT


def _authorize(session: Session, telegram_id: int) -> StaffMember:
    if not may_manage(session, telegram_id):
        raise CouncilError("not_allowed")
    member = staff.active_member(session, telegram_id)
    assert member is not None
    return member


# --- Assemblies and membership --------------------------------------------------------


def assemblies(session: Session, config: Config | None = None) -> list[Assembly]:
    """Active assemblies, in config order when config is given (else by code)."""
    rows = list(session.exec(
        select(Assembly).where(col(Assembly.active).is_(True)).order_by(col(Assembly.code))
    ).all())
    if config is None:
        return rows
    order = {a.code: i for i, a in enumerate(config.assemblies)}
    return sorted(rows, key=lambda a: order.get(a.code, len(order)))


def _assembly_config(config: Config, assembly_code: str) -> AssemblyConfig:
    found = next((a for a in config.assemblies if a.code == assembly_code), None)
    if found is None:
        raise CouncilError("not_found")
    return found


def _active_assembly(session: Session, assembly_code: str) -> Assembly:
    row = session.get(Assembly, assembly_code)
    if row is None or not row.active:
        raise CouncilError("not_found")
    return row


def age_on(birth_date: date, today: date) -> int:
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - int(before_birthday)


def check_eligible(rules: AssemblyConfig, birth_date: date | None, today: date) -> None:
    """The assembly's age range from config; assemblies without one take anyone."""
    if rules.min_age is None and rules.max_age is None:
        return
    if birth_date is None:
        raise CouncilError("birth_date_required")
    if birth_date > today:
        raise CouncilError("bad_birth_date")
    age = age_on(birth_date, today)
    too_young = rules.min_age is not None and age < rules.min_age
    too_old = rules.max_age is not None and age > rules.max_age
    if too_young or too_old:
        raise CouncilError("not_eligible")


def active_membership_clause() -> ColumnElement[bool]:
    """Not left, and confirmed by the guardian when there is one."""
    return and_(
        col(Membership.left_at).is_(None),
        or_(col(Membership.guardian_id).is_(None),
            col(Membership.guardian_confirmed_at).is_not(None)),
    )


def is_member(session: Session, citizen_id: int, assembly_code: str) -> bool:
    found = session.exec(select(Membership.id).where(
        Membership.citizen_id == citizen_id, Membership.assembly_code == assembly_code,
        active_membership_clause(),
    )).first()
    return found is not None


def memberships_of(session: Session, citizen_id: int) -> list[Membership]:
    """The citizen's current memberships, including ones awaiting a guardian's confirmation."""
    return list(session.exec(
        select(Membership)
        .where(Membership.citizen_id == citizen_id, col(Membership.left_at).is_(None))
        .order_by(col(Membership.joined_at))
    ).all())


def children_of(session: Session, guardian_id: int) -> list[tuple[Citizen, Membership]]:
    """The children a guardian registered, with their current memberships."""
    rows = session.exec(
        select(Citizen, Membership)
        .join(Membership, col(Membership.citizen_id) == col(Citizen.id))
        .where(Membership.guardian_id == guardian_id, col(Membership.left_at).is_(None))
        .order_by(col(Citizen.first_name), col(Membership.assembly_code))
    ).all()
    return [(child, membership) for child, membership in rows]


def join(
    session: Session,
    config: Config,
    citizen: Citizen,
    assembly_code: str,
    birth_date: date | None,
    today: date,
    guardian: Citizen | None = None,
) -> Membership:
    """Join an assembly, or re-join after leaving.

    Without a guardian the citizen joins themselves. With one, `citizen` is the
    guardian's child (see `join_child`) and the membership waits for
    `confirm_guardian`. Assemblies with guardian_required take only the latter.
    """
    rules = _assembly_config(config, assembly_code)
    _active_assembly(session, assembly_code)
    if rules.guardian_required and guardian is None:
        raise CouncilError("guardian_required")
    if (guardian or citizen).consent_at is None:
        raise CouncilError("consent_required")
    if guardian is not None and guardian.id == citizen.id:
        raise CouncilError("not_allowed")
    birth = birth_date or citizen.birth_date
    check_eligible(rules, birth, today)
    if birth_date is not None:
        citizen.birth_date = birth_date
    return _upsert_membership(session, citizen, assembly_code, guardian)


def _upsert_membership(session: Session, citizen: Citizen, assembly_code: str,
                       guardian: Citizen | None) -> Membership:
    assert citizen.id is not None
    membership = session.exec(select(Membership).where(
        Membership.citizen_id == citizen.id, Membership.assembly_code == assembly_code,
    )).first()
    if membership is not None and membership.left_at is None:
        raise CouncilError("already_member")
    if membership is None:
        membership = Membership(assembly_code=assembly_code, citizen_id=citizen.id)
    # Re-joining starts a new term: the old term's dates are not kept.
    membership.joined_at, membership.left_at = utcnow(), None
    membership.guardian_id = guardian.id if guardian else None
    membership.guardian_confirmed_at = None
    session.add(membership)
    session.flush()
    return membership


def join_child(
    session: Session,
    config: Config,
    guardian: Citizen,
    assembly_code: str,
    first_name: str,
    last_name: str | None,
    birth_date: date,
    today: date,
) -> Membership:
    """A guardian registers their child; the membership waits for `confirm_guardian`.

    The same guardian naming the same child (name and birth date) again reuses
    the child's row rather than creating a second one.
    """
    first, last = first_name.strip(), (last_name or "").strip() or None
    if not first or len(first) > NAME_MAX or (last and len(last) > NAME_MAX):
        raise CouncilError("bad_name")
    if guardian.consent_at is None:
        raise CouncilError("consent_required")
    check_eligible(_assembly_config(config, assembly_code), birth_date, today)
    child = _find_child(session, guardian, first, birth_date) or _new_child(
        session, guardian, first, last, birth_date)
    return join(session, config, child, assembly_code, birth_date, today, guardian=guardian)


def _find_child(session: Session, guardian: Citizen, first_name: str,
                birth_date: date) -> Citizen | None:
    return session.exec(
        select(Citizen)
        .join(Membership, col(Membership.citizen_id) == col(Citizen.id))
        .where(Membership.guardian_id == guardian.id, Citizen.first_name == first_name,
               Citizen.birth_date == birth_date)
    ).first()


def _new_child(session: Session, guardian: Citizen, first_name: str, last_name: str | None,
               birth_date: date) -> Citizen:
    child = Citizen(telegram_id=None, first_name=first_name, last_name=last_name,
                    birth_date=birth_date, language=guardian.language)
    session.add(child)
    session.flush()
    return child


def confirm_guardian(session: Session, guardian: Citizen, membership_id: int,
                     now: datetime) -> Membership:
    """The guardian pressed "I confirm as parent/guardian": the child's membership counts.

    The confirmation is also the consent, given for the child, to keep the
    child's name and birth date (KVKK). Confirming twice changes nothing.
    """
    membership = session.get(Membership, membership_id)
    if membership is None or membership.left_at is not None:
        raise CouncilError("not_found")
    if membership.guardian_id is None or membership.guardian_id != guardian.id:
        raise CouncilError("not_allowed")
    if membership.guardian_confirmed_at is None:
        membership.guardian_confirmed_at = _aware(now)
        child = session.get(Citizen, membership.citizen_id)
        if child is not None and child.consent_at is None:
            child.consent_at = now
        session.add(membership)
        session.flush()
    return membership


def leave(session: Session, citizen: Citizen, assembly_code: str,
          by: Citizen | None = None, now: datetime | None = None) -> Membership:
    """Leave at any time; a child's membership is ended by its guardian (`by`)."""
    membership = session.exec(select(Membership).where(
        Membership.citizen_id == citizen.id, Membership.assembly_code == assembly_code,
        col(Membership.left_at).is_(None),
    )).first()
    if membership is None:
        raise CouncilError("not_member")
    if membership.guardian_id is not None and (by is None or by.id != membership.guardian_id):
        raise CouncilError("not_allowed")
    membership.left_at = _aware(now) if now else utcnow()
    session.add(membership)
    session.flush()
    return membership


def member_counts(session: Session) -> dict[str, int]:
    """Current members of every assembly (0 included)."""
    return _count_members(session, active_membership_clause())


def members_per_assembly(session: Session, at: datetime) -> dict[str, int]:
    """Members of every assembly at a moment (the members indicator).

    Re-joining overwrites joined_at, so for someone who left and came back the
    gap is counted as membership from the new joining time only.
    """
    _aware(at)
    condition = and_(
        col(Membership.joined_at) <= at,
        or_(col(Membership.left_at).is_(None), col(Membership.left_at) > at),
        or_(col(Membership.guardian_id).is_(None), col(Membership.guardian_confirmed_at) <= at),
    )
    return _count_members(session, condition)


def _count_members(session: Session, condition: ColumnElement[bool]) -> dict[str, int]:
    rows = session.exec(
        select(Assembly.code, func.count(col(Membership.id)))
        .select_from(Assembly)
        .outerjoin(Membership, and_(col(Membership.assembly_code) == col(Assembly.code),
                                    condition))
        .group_by(col(Assembly.code))
    ).all()
    return {code: int(count) for code, count in rows}


# --- Events -----------------------------------------------------------------------------


def _validate_event(title: str, starts_at: datetime, ends_at: datetime, place: str,
                    capacity: int, deadline: datetime | None) -> None:
    for moment in (starts_at, ends_at, deadline):
        if moment is not None:
            _aware(moment)
    if not 1 <= len(title.strip()) <= TITLE_MAX:
        raise CouncilError("bad_title")
    if len(place) > PLACE_MAX:
        raise CouncilError("bad_place")
    if ends_at <= starts_at:
        raise CouncilError("bad_times")
    if capacity < 1:
        raise CouncilError("bad_capacity")
    if deadline is not None and deadline > starts_at:
        raise CouncilError("bad_deadline")


def create_event(
    session: Session,
    actor_telegram_id: int,
    assembly_code: str,
    title: str,
    description: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    capacity: int,
    registration_deadline: datetime | None,
    members_only: bool,
    *,
    now: datetime | None = None,
) -> CouncilEvent:
    """A coordinator (or supervisor, admin) adds an event; with `now`, it must be ahead."""
    _authorize(session, actor_telegram_id)
    _active_assembly(session, assembly_code)
    _validate_event(title, starts_at, ends_at, place, capacity, registration_deadline)
    if now is not None and starts_at <= _aware(now):
        raise CouncilError("event_past")
    event = CouncilEvent(
        assembly_code=assembly_code, title=title.strip(), description=description.strip(),
        starts_at=starts_at, ends_at=ends_at, place=place.strip(), capacity=capacity,
        registration_deadline=registration_deadline, members_only=members_only,
        created_by=actor_telegram_id,
    )
    session.add(event)
    session.flush()
    return event


def _lock_event(session: Session, event_id: int) -> CouncilEvent:
    """The event's row, locked until the transaction ends, freshly read."""
    if session.get_bind().dialect.name == "sqlite":
        # SQLite has no row locks but one writer at a time; this no-op write takes
        # the write lock now (waiting on the busy timeout), so what follows reads
        # counts no other transaction can change before we commit.
        session.execute(update(_EVENT).where(_EVENT.c.id == event_id)
                        .values(last_seq=_EVENT.c.last_seq))
    event = session.exec(
        select(CouncilEvent).where(CouncilEvent.id == event_id).with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if event is None:
        raise CouncilError("not_found")
    return event


def _refresh(session: Session, event: CouncilEvent) -> CouncilEvent:
    # The counters change through Core UPDATEs; read them back into the object.
    session.refresh(event)
    return event


def edit_event(
    session: Session,
    actor_telegram_id: int,
    event_id: int,
    now: datetime,
    *,
    title: str | None = None,
    description: str | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    place: str | None = None,
    capacity: int | None = None,
    registration_deadline: datetime | _Keep | None = KEEP,
    members_only: bool | None = None,
) -> list[Notice]:
    """Change an event (None / KEEP leave a field as it is); returns everyone to tell.

    More seats promote people from the waiting list at once (flagged `promoted`);
    fewer seats than are already taken is refused.
    """
    _authorize(session, actor_telegram_id)
    event = _lock_event(session, event_id)
    _check_editable(event, _aware(now))
    deadline = event.registration_deadline if registration_deadline is KEEP else \
        registration_deadline
    new_capacity = event.capacity if capacity is None else capacity
    _validate_event(title if title is not None else event.title,
                    starts_at or event.starts_at, ends_at or event.ends_at,
                    place if place is not None else event.place, new_capacity, deadline)
    if new_capacity < event.registered:
        raise CouncilError("capacity_below_registered")
    _apply_edit(event, title=title, description=description, starts_at=starts_at,
                ends_at=ends_at, place=place, capacity=capacity, members_only=members_only)
    event.registration_deadline = deadline
    event.revision += 1
    session.add(event)
    session.flush()
    promoted = _promote(session, event_id, now, limit=new_capacity)
    _refresh(session, event)
    return _notices(session, event_id, promoted={r.id for r in promoted})


def _check_editable(event: CouncilEvent, now: datetime) -> None:
    if event.cancelled_at is not None:
        raise CouncilError("event_cancelled")
    if now >= event.ends_at:
        raise CouncilError("event_past")


def _apply_edit(event: CouncilEvent, **changes: Any) -> None:
    for name, value in changes.items():
        if value is not None:
            setattr(event, name, value.strip() if isinstance(value, str) else value)


def cancel_event(session: Session, actor_telegram_id: int, event_id: int,
                 now: datetime) -> list[Notice]:
    """Cancel an event; returns everyone registered or waiting, to tell them.

    Registrations keep their status (the event's cancelled_at says it all), so
    who had signed up stays on record.
    """
    _authorize(session, actor_telegram_id)
    event = _lock_event(session, event_id)
    _check_editable(event, _aware(now))
    event.cancelled_at = now
    event.revision += 1
    session.add(event)
    session.flush()
    return _notices(session, event_id, promoted=set())


def _notices(session: Session, event_id: int, promoted: set[int | None]) -> list[Notice]:
    rows = session.exec(
        select(Registration)
        .where(Registration.event_id == event_id,
               col(Registration.status).in_(("registered", "waitlisted")))
        .order_by(col(Registration.seq))
    ).all()
    return [_notice(r, promoted=r.id in promoted) for r in rows]


def _notice(registration: Registration, promoted: bool = False) -> Notice:
    assert registration.id is not None
    return Notice(citizen_id=registration.citizen_id, registration_id=registration.id,
                  code=registration.code, status=registration.status, promoted=promoted)


def _waiting_counts() -> Any:
    return (
        select(func.count(col(Registration.id)))
        .where(Registration.event_id == CouncilEvent.id, Registration.status == "waitlisted")
        .correlate(CouncilEvent)
        .scalar_subquery()
    )


def upcoming_events(session: Session, now: datetime,
                    assembly_code: str | None = None, limit: int = 50) -> list[EventSummary]:
    """Events not cancelled and not started yet, soonest first, with seats left."""
    query = (
        select(CouncilEvent, col(CouncilEvent.capacity) - col(CouncilEvent.registered),
               _waiting_counts())
        .join(Assembly, col(Assembly.code) == col(CouncilEvent.assembly_code))
        .where(col(CouncilEvent.cancelled_at).is_(None), col(CouncilEvent.starts_at) > _aware(now),
               col(Assembly.active).is_(True))
        .order_by(col(CouncilEvent.starts_at), col(CouncilEvent.id))
        .limit(limit)
    )
    if assembly_code is not None:
        query = query.where(CouncilEvent.assembly_code == assembly_code)
    return [EventSummary(event, int(left), int(waiting))
            for event, left, waiting in session.exec(query).all()]


def event_details(session: Session, event_id: int,
                  citizen_id: int | None = None) -> EventDetails:
    """One event with its assembly, seats left, the waiting list's length and, given a
    citizen, their registration and place in line."""
    row = session.exec(
        select(CouncilEvent, Assembly, _waiting_counts())
        .join(Assembly, col(Assembly.code) == col(CouncilEvent.assembly_code))
        .where(CouncilEvent.id == event_id)
    ).first()
    if row is None:
        raise CouncilError("not_found")
    event, assembly, waiting = row
    registration = None
    if citizen_id is not None:
        registration = session.exec(select(Registration).where(
            Registration.event_id == event_id, Registration.citizen_id == citizen_id,
        )).first()
    return EventDetails(event=event, assembly=assembly,
                        seats_left=event.capacity - event.registered, waiting=int(waiting),
                        registration=registration,
                        position=waiting_position(session, registration) if registration else None)


def registrations_of(session: Session, citizen_id: int,
                     now: datetime) -> list[tuple[CouncilEvent, Registration]]:
    """The citizen's registrations (seat or waiting) for events that have not ended."""
    rows = session.exec(
        select(CouncilEvent, Registration)
        .join(Registration, col(Registration.event_id) == col(CouncilEvent.id))
        .where(Registration.citizen_id == citizen_id,
               col(Registration.status).in_(("registered", "waitlisted")),
               col(CouncilEvent.ends_at) > _aware(now))
        .order_by(col(CouncilEvent.starts_at))
    ).all()
    return [(event, registration) for event, registration in rows]


# --- Registration -----------------------------------------------------------------------


def waiting_position(session: Session, registration: Registration) -> int | None:
    """1 for the first in line; None when the registration is not waiting."""
    if registration.status != "waitlisted":
        return None
    ahead = session.exec(select(func.count(col(Registration.id))).where(
        Registration.event_id == registration.event_id, Registration.status == "waitlisted",
        col(Registration.seq) <= registration.seq,
    )).one()
    return int(ahead)


def _claim_seat(session: Session, event_id: int, *, arrival: bool) -> int | None:
    """Take a seat if one is free, in one conditional UPDATE; returns the arrival number
    (a new one when `arrival`), or None when the event is full."""
    values: dict[str, Any] = {"registered": _EVENT.c.registered + 1}
    if arrival:
        values["last_seq"] = _EVENT.c.last_seq + 1
    row = session.execute(
        update(_EVENT)
        .where(_EVENT.c.id == event_id, _EVENT.c.registered < _EVENT.c.capacity)
        .values(**values)
        .returning(_EVENT.c.last_seq)
    ).first()
    return None if row is None else int(row[0])


def _next_arrival(session: Session, event_id: int) -> int:
    row = session.execute(
        update(_EVENT).where(_EVENT.c.id == event_id)
        .values(last_seq=_EVENT.c.last_seq + 1).returning(_EVENT.c.last_seq)
    ).one()
    return int(row[0])


def _release_seat(session: Session, event_id: int) -> None:
    session.execute(update(_EVENT).where(_EVENT.c.id == event_id)
                    .values(registered=_EVENT.c.registered - 1))


def _unique_code(session: Session) -> str:
    """A check-in code not used yet; the unique constraint guards the rare race."""
    for _attempt in range(10):
        code = new_code()
        taken = session.exec(select(Registration.id).where(Registration.code == code)).first()
        if taken is None:
            return code
    raise RuntimeError("could not find a free check-in code")


def register(session: Session, citizen: Citizen, event_id: int, now: datetime) -> Booking:
    """Register for an event: a seat while there is one, else a place on the waiting list.

    Registering again after withdrawing reuses the registration (and its code) but
    joins the end of the line.
    """
    assert citizen.id is not None
    event = _lock_event(session, event_id)
    existing = session.exec(select(Registration).where(
        Registration.event_id == event_id, Registration.citizen_id == citizen.id,
    )).first()
    _check_registrable(session, event, citizen, existing, _aware(now))
    seq = _claim_seat(session, event_id, arrival=True)
    status = "registered"
    if seq is None:
        seq, status = _next_arrival(session, event_id), "waitlisted"
    registration = existing or Registration(event_id=event_id, citizen_id=citizen.id,
                                            status=status, code=_unique_code(session),
                                            created_at=now)
    registration.status, registration.seq = status, seq
    registration.updated_at, registration.checked_in_at = now, None
    session.add(registration)
    session.flush()
    _refresh(session, event)
    return Booking(registration, waiting_position(session, registration))


def _check_registrable(session: Session, event: CouncilEvent, citizen: Citizen,
                       existing: Registration | None, now: datetime) -> None:
    if event.cancelled_at is not None:
        raise CouncilError("event_cancelled")
    if existing is not None and existing.status in ACTIVE:
        raise CouncilError("already_registered")
    if now >= event.starts_at:
        raise CouncilError("event_past")
    if event.registration_deadline is not None and now > event.registration_deadline:
        raise CouncilError("deadline_passed")
    if citizen.consent_at is None:
        raise CouncilError("consent_required")
    assert citizen.id is not None
    if event.members_only and not is_member(session, citizen.id, event.assembly_code):
        raise CouncilError("members_only")


def withdraw(session: Session, citizen: Citizen, event_id: int,
             now: datetime) -> Notice | None:
    """Withdraw until the event starts; a freed seat goes to the first in line at once.

    Returns that person (to tell them they have a seat), or None.
    """
    event = _lock_event(session, event_id)
    registration = session.exec(select(Registration).where(
        Registration.event_id == event_id, Registration.citizen_id == citizen.id,
        col(Registration.status).in_(("registered", "waitlisted")),
    )).first()
    if registration is None:
        raise CouncilError("not_registered")
    if event.cancelled_at is not None:
        raise CouncilError("event_cancelled")
    if _aware(now) >= event.starts_at:
        raise CouncilError("event_past")
    had_seat = registration.status == "registered"
    registration.status, registration.updated_at = "cancelled", now
    session.add(registration)
    session.flush()
    promoted: list[Registration] = []
    if had_seat:
        _release_seat(session, event_id)
        promoted = _promote(session, event_id, now, limit=1)
    _refresh(session, event)
    return _notice(promoted[0], promoted=True) if promoted else None


def _promote(session: Session, event_id: int, now: datetime, limit: int) -> list[Registration]:
    """Give free seats to the waiting list in arrival order, up to `limit` people."""
    promoted: list[Registration] = []
    while len(promoted) < limit:
        first = session.exec(
            select(Registration)
            .where(Registration.event_id == event_id, Registration.status == "waitlisted")
            .order_by(col(Registration.seq)).limit(1)
        ).first()
        if first is None or _claim_seat(session, event_id, arrival=False) is None:
            break
        first.status, first.updated_at = "registered", now
        session.add(first)
        session.flush()
        promoted.append(first)
    return promoted


# --- Check-in and no-shows --------------------------------------------------------------


def check_in(session: Session, actor_telegram_id: int, event_id: int, code: str,
             now: datetime) -> Registration:
    """A coordinator at the door enters a code: the registration is marked attended."""
    _authorize(session, actor_telegram_id)
    event = session.get(CouncilEvent, event_id)
    if event is None:
        raise CouncilError("not_found")
    if event.cancelled_at is not None:
        raise CouncilError("event_cancelled")
    registration = session.exec(
        select(Registration).where(Registration.code == normalise_code(code)).with_for_update()
    ).first()
    if registration is None or registration.event_id != event_id \
            or registration.status == "cancelled":
        raise CouncilError("bad_code")
    if registration.status == "attended":
        raise CouncilError("already_checked_in")
    if registration.status == "waitlisted":
        raise CouncilError("waitlisted")
    # A late arrival after the no-show sweep is still an attendance.
    registration.status, registration.checked_in_at = "attended", _aware(now)
    registration.updated_at = now
    session.add(registration)
    session.flush()
    return registration


def mark_no_shows(session: Session, now: datetime) -> int:
    """After an event ends, seats never checked in become no-shows; safe to run again."""
    ended = select(_EVENT.c.id).where(_EVENT.c.ends_at <= _aware(now),
                                      _EVENT.c.cancelled_at.is_(None))
    result = session.execute(
        update(_REGISTRATION)
        .where(_REGISTRATION.c.status == "registered",
               _REGISTRATION.c.checked_in_at.is_(None),
               _REGISTRATION.c.event_id.in_(ended))
        .values(status="no_show", updated_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


# --- Who to tell --------------------------------------------------------------------------


def recipients(session: Session, citizen_ids: list[int]) -> dict[int, int]:
    """The Telegram id to message for each citizen: their own, or a child's guardian's.

    Citizens who blocked the bot or were erased are left out.
    """
    if not citizen_ids:
        return {}
    own = session.exec(select(Citizen.id, Citizen.telegram_id).where(
        col(Citizen.id).in_(citizen_ids), col(Citizen.telegram_id).is_not(None),
        col(Citizen.blocked_at).is_(None), col(Citizen.deleted_at).is_(None),
    )).all()
    found: dict[int, int] = {cid: tg for cid, tg in own if cid is not None and tg is not None}
    missing = [cid for cid in citizen_ids if cid not in found]
    if missing:
        guardians = session.exec(
            select(Membership.citizen_id, Citizen.telegram_id)
            .join(Citizen, col(Citizen.id) == col(Membership.guardian_id))
            .where(col(Membership.citizen_id).in_(missing), col(Citizen.telegram_id).is_not(None),
                   col(Citizen.blocked_at).is_(None), col(Citizen.deleted_at).is_(None))
        ).all()
        found.update({cid: tg for cid, tg in guardians if tg is not None})
    return found


def assembly_audience(session: Session, assembly_code: str) -> list[int]:
    """Telegram ids to reach every member of an assembly, each once (guardians for children)."""
    ids = session.exec(select(Membership.citizen_id).where(
        Membership.assembly_code == assembly_code, active_membership_clause(),
    )).all()
    return sorted(set(recipients(session, list(ids)).values()))


def event_audience(session: Session, event_id: int) -> list[int]:
    """Telegram ids to reach everyone registered or waiting for an event, each once."""
    ids = session.exec(select(Registration.citizen_id).where(
        Registration.event_id == event_id,
        col(Registration.status).in_(("registered", "waitlisted", "attended")),
    )).all()
    return sorted(set(recipients(session, list(ids)).values()))


# --- Indicators (SQL aggregates) ----------------------------------------------------------


def events_per_assembly(session: Session, start: datetime, end: datetime) -> dict[str, int]:
    """Events held (not cancelled) starting in [start, end), per assembly (0 included)."""
    held = and_(col(CouncilEvent.assembly_code) == col(Assembly.code),
                col(CouncilEvent.cancelled_at).is_(None),
                col(CouncilEvent.starts_at) >= _aware(start),
                col(CouncilEvent.starts_at) < _aware(end))
    rows = session.exec(
        select(Assembly.code, func.count(col(CouncilEvent.id)))
        .select_from(Assembly).outerjoin(CouncilEvent, held).group_by(col(Assembly.code))
    ).all()
    return {code: int(count) for code, count in rows}


def participants_per_assembly(session: Session, start: datetime,
                              end: datetime) -> dict[str, int]:
    """Attendances (checked-in registrations) at events held in [start, end), per assembly.

    A person who attends three events counts three times, as the programme's
    participant figures do; for the General Assembly it is its participant count.
    """
    held = and_(col(CouncilEvent.assembly_code) == col(Assembly.code),
                col(CouncilEvent.cancelled_at).is_(None),
                col(CouncilEvent.starts_at) >= _aware(start),
                col(CouncilEvent.starts_at) < _aware(end))
    attended = and_(col(Registration.event_id) == col(CouncilEvent.id),
                    col(Registration.status) == "attended")
    rows = session.exec(
        select(Assembly.code, func.count(col(Registration.id)))
        .select_from(Assembly).outerjoin(CouncilEvent, held).outerjoin(Registration, attended)
        .group_by(col(Assembly.code))
    ).all()
    return {code: int(count) for code, count in rows}
