"""Assemblies and membership: joining (with the age rules of config.toml), children
registered by their guardian, leaving, and member counts.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, func, or_
from sqlmodel import Session, col, select

from common.config import Assembly as AssemblyConfig
from common.config import Config
from core.dates import aware
from core.refusals import Refused
from db.models import Assembly, Citizen, Membership
from db.types import utcnow

NAME_MAX = 128


def assemblies(session: Session, config: Config | None = None) -> list[Assembly]:
    """Active assemblies, in config order when config is given (else by code)."""
    rows = list(
        session.exec(
            select(Assembly).where(col(Assembly.active).is_(True)).order_by(col(Assembly.code))
        ).all()
    )
    if config is None:
        return rows
    order = {a.code: i for i, a in enumerate(config.assemblies)}
    return sorted(rows, key=lambda a: order.get(a.code, len(order)))


def assembly_config(config: Config, assembly_code: str) -> AssemblyConfig:
    found = next((a for a in config.assemblies if a.code == assembly_code), None)
    if found is None:
        raise Refused("not_found")
    return found


def active_assembly(session: Session, assembly_code: str) -> Assembly:
    row = session.get(Assembly, assembly_code)
    if row is None or not row.active:
        raise Refused("not_found")
    return row


def age_on(birth_date: date, today: date) -> int:
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - int(before_birthday)


def check_eligible(rules: AssemblyConfig, birth_date: date | None, today: date) -> None:
    """The assembly's age range from config; assemblies without one take anyone."""
    if rules.min_age is None and rules.max_age is None:
        return
    if birth_date is None:
        raise Refused("birth_date_required")
    if birth_date > today:
        raise Refused("bad_birth_date")
    age = age_on(birth_date, today)
    too_young = rules.min_age is not None and age < rules.min_age
    too_old = rules.max_age is not None and age > rules.max_age
    if too_young or too_old:
        raise Refused("not_eligible")


def active_membership_clause() -> ColumnElement[bool]:
    """Not left, and confirmed by the guardian when there is one."""
    return and_(
        col(Membership.left_at).is_(None),
        or_(
            col(Membership.guardian_id).is_(None),
            col(Membership.guardian_confirmed_at).is_not(None),
        ),
    )


def is_member(session: Session, citizen_id: int, assembly_code: str) -> bool:
    found = session.exec(
        select(Membership.id).where(
            Membership.citizen_id == citizen_id,
            Membership.assembly_code == assembly_code,
            active_membership_clause(),
        )
    ).first()
    return found is not None


def memberships_of(session: Session, citizen_id: int) -> list[Membership]:
    """The citizen's current memberships, including ones awaiting a guardian's confirmation."""
    return list(
        session.exec(
            select(Membership)
            .where(Membership.citizen_id == citizen_id, col(Membership.left_at).is_(None))
            .order_by(col(Membership.joined_at))
        ).all()
    )


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
    rules = assembly_config(config, assembly_code)
    active_assembly(session, assembly_code)
    if rules.guardian_required and guardian is None:
        raise Refused("guardian_required")
    if (guardian or citizen).consent_at is None:
        raise Refused("consent_required")
    if guardian is not None and guardian.id == citizen.id:
        raise Refused("not_allowed")
    birth = birth_date or citizen.birth_date
    check_eligible(rules, birth, today)
    if birth_date is not None:
        citizen.birth_date = birth_date
    return _upsert_membership(session, citizen, assembly_code, guardian)


def _upsert_membership(
    session: Session, citizen: Citizen, assembly_code: str, guardian: Citizen | None
) -> Membership:
    assert citizen.id is not None
    membership = session.exec(
        select(Membership).where(
            Membership.citizen_id == citizen.id,
            Membership.assembly_code == assembly_code,
        )
    ).first()
    if membership is not None and membership.left_at is None:
        raise Refused("already_member")
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
        raise Refused("bad_name")
    if guardian.consent_at is None:
        raise Refused("consent_required")
    check_eligible(assembly_config(config, assembly_code), birth_date, today)
    child = _find_child(session, guardian, first, birth_date) or _new_child(
        session, guardian, first, last, birth_date
    )
    return join(session, config, child, assembly_code, birth_date, today, guardian=guardian)


def _find_child(
    session: Session, guardian: Citizen, first_name: str, birth_date: date
) -> Citizen | None:
    return session.exec(
        select(Citizen)
        .join(Membership, col(Membership.citizen_id) == col(Citizen.id))
        .where(
            Membership.guardian_id == guardian.id,
            Citizen.first_name == first_name,
            Citizen.birth_date == birth_date,
        )
    ).first()


def _new_child(
    session: Session, guardian: Citizen, first_name: str, last_name: str | None, birth_date: date
) -> Citizen:
    child = Citizen(
        telegram_id=None,
        first_name=first_name,
        last_name=last_name,
        birth_date=birth_date,
        language=guardian.language,
    )
    session.add(child)
    session.flush()
    return child


def confirm_guardian(
    session: Session, guardian: Citizen, membership_id: int, now: datetime
) -> Membership:
    """The guardian pressed "I confirm as parent/guardian": the child's membership counts.

    The confirmation is also the consent, given for the child, to keep the
    child's name and birth date (KVKK). Confirming twice changes nothing.
    """
    membership = session.get(Membership, membership_id)
    if membership is None or membership.left_at is not None:
        raise Refused("not_found")
    if membership.guardian_id is None or membership.guardian_id != guardian.id:
        raise Refused("not_allowed")
    if membership.guardian_confirmed_at is None:
        membership.guardian_confirmed_at = aware(now)
        child = session.get(Citizen, membership.citizen_id)
        if child is not None and child.consent_at is None:
            child.consent_at = now
        session.add(membership)
        session.flush()
    return membership


def leave(
    session: Session,
    citizen: Citizen,
    assembly_code: str,
    by: Citizen | None = None,
    now: datetime | None = None,
) -> Membership:
    """Leave at any time; a child's membership is ended by its guardian (`by`)."""
    membership = session.exec(
        select(Membership).where(
            Membership.citizen_id == citizen.id,
            Membership.assembly_code == assembly_code,
            col(Membership.left_at).is_(None),
        )
    ).first()
    if membership is None:
        raise Refused("not_member")
    if membership.guardian_id is not None and (by is None or by.id != membership.guardian_id):
        raise Refused("not_allowed")
    membership.left_at = aware(now) if now else utcnow()
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
    aware(at)
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
        .outerjoin(Membership, and_(col(Membership.assembly_code) == col(Assembly.code), condition))
        .group_by(col(Assembly.code))
    ).all()
    return {code: int(count) for code, count in rows}
