"""Who may act on which request: departments, global roles, removal, staff management."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from common.config import Config
from core import staff, workflow
from core.refusals import Refused
from core.working_time import WorkingCalendar
from db.engine import transaction
from db.models import Department, Request, RequestEvent, StaffMember
from tests.builders import file_request, make_citizen

IST = ZoneInfo("Europe/Istanbul")
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=IST)

CLEANER = 9101  # staff, temizlik
ROADS = 9102  # staff, fen
COORDINATOR = 9103  # coordinator, temizlik
SUPERVISOR = 9104  # supervisor, no department
ADMIN = 9105  # admin, no department
NOBODY = 9199  # not staff at all


@pytest.fixture
def requests(db: Engine, calendar: WorkingCalendar) -> dict[str, int]:
    """One request for temizlik (`cop`) and one for fen (`yol`), and the staff above."""
    cid = make_citizen(db, 9001)
    ids: dict[str, int] = {}
    for department, category in (("temizlik", "cop"), ("fen", "yol")):
        request = file_request(db, calendar, cid, category, now=T0)
        assert request.id is not None and request.department_code == department
        ids[department] = request.id
    with transaction(db) as session:
        staff.upsert(session, CLEANER, "staff", "temizlik")
        staff.upsert(session, ROADS, "staff", "fen")
        staff.upsert(session, COORDINATOR, "coordinator", "temizlik")
        staff.upsert(session, SUPERVISOR, "supervisor", None)
        staff.upsert(session, ADMIN, "admin", None)
    return ids


def authorize(db: Engine, telegram_id: int, request_id: int) -> StaffMember:
    with transaction(db) as session:
        request = session.get(Request, request_id)
        assert request is not None
        return staff.authorize(staff.active_member(session, telegram_id), request)


def events_of(db: Engine, request_id: int) -> list[str]:
    with transaction(db) as session:
        return [
            e.kind
            for e in session.exec(
                select(RequestEvent).where(RequestEvent.request_id == request_id)
            ).all()
        ]


@pytest.mark.parametrize(
    ("who", "temizlik", "fen"),
    [
        (CLEANER, True, False),
        (ROADS, False, True),
        (COORDINATOR, True, False),
        (SUPERVISOR, True, True),
        (ADMIN, True, True),
        (NOBODY, False, False),
    ],
)
def test_who_may_act_where(
    db: Engine, requests: dict[str, int], who: int, temizlik: bool, fen: bool
) -> None:
    for department, allowed in (("temizlik", temizlik), ("fen", fen)):
        request_id = requests[department]
        if allowed:
            assert authorize(db, who, request_id).telegram_id == who
            change = _assign(db, who, request_id)
            assert change.actor is not None and change.actor.telegram_id == who
            assert events_of(db, request_id) == ["created", "assigned"]
        else:
            with pytest.raises(staff.NotAllowed):
                authorize(db, who, request_id)
            with pytest.raises(staff.NotAllowed):
                _assign(db, who, request_id)
            assert events_of(db, request_id) == ["created"]
            with transaction(db) as session:
                request = session.get(Request, request_id)
                assert request is not None
                assert (request.status, request.assignee_id) == ("new", None)


def _assign(db: Engine, who: int, request_id: int) -> workflow.Change:
    with transaction(db) as session:
        return workflow.staff_action(
            session, request_id, staff.active_member(session, who), "assign", now=T0
        )


def test_the_config_admin_may_act_everywhere(
    db: Engine, requests: dict[str, int], config: Config
) -> None:
    admin = config.bot.admins[0]
    for request_id in requests.values():
        assert authorize(db, admin, request_id).role == "admin"


@pytest.mark.parametrize("who", [CLEANER, SUPERVISOR, ADMIN])
def test_removed_member_loses_every_power_at_once(
    db: Engine, requests: dict[str, int], who: int
) -> None:
    assert authorize(db, who, requests["temizlik"]).telegram_id == who
    with transaction(db) as session:
        assert staff.remove(session, who) is True
    for request_id in requests.values():
        with pytest.raises(staff.NotAllowed):
            authorize(db, who, request_id)
        with pytest.raises(staff.NotAllowed), transaction(db) as session:
            workflow.staff_action(
                session, request_id, staff.active_member(session, who), "answer", "Merhaba"
            )
        assert events_of(db, request_id) == ["created"]
    with transaction(db) as session:
        assert not staff.is_staff(staff.active_member(session, who))
        assert not staff.is_admin(staff.active_member(session, who))
        assert staff.active_member(session, who) is None
        assert who not in [m.telegram_id for m in staff.listing(session)]
        # The row stays for the audit trail.
        row = session.exec(select(StaffMember).where(StaffMember.telegram_id == who)).one()
        assert row.active is False
        assert staff.remove(session, who) is False  # nothing left to take away
    with transaction(db) as session:
        assert staff.remove(session, NOBODY) is False


def test_upsert_again_restores_and_changes_powers(db: Engine, requests: dict[str, int]) -> None:
    with transaction(db) as session:
        staff.remove(session, CLEANER)
    with transaction(db) as session:
        member = staff.upsert(session, CLEANER, "staff", "fen", name="Ali Veli")
    assert (member.role, member.department_code, member.active, member.name) == (
        "staff",
        "fen",
        True,
        "Ali Veli",
    )
    # Moved to fen: the old department's requests are out of reach at once.
    assert authorize(db, CLEANER, requests["fen"]).department_code == "fen"
    with pytest.raises(staff.NotAllowed):
        authorize(db, CLEANER, requests["temizlik"])
    with transaction(db) as session:
        rows = session.exec(select(StaffMember).where(StaffMember.telegram_id == CLEANER)).all()
        assert len(rows) == 1  # updated, not added again
        assert rows[0].name == "Ali Veli"
    # Promoted to supervisor: everything.
    with transaction(db) as session:
        staff.upsert(session, CLEANER, "supervisor", None)
    assert authorize(db, CLEANER, requests["temizlik"]).role == "supervisor"
    with transaction(db) as session:
        assert staff.is_staff(staff.active_member(session, CLEANER)) and not staff.is_admin(
            staff.active_member(session, CLEANER)
        )


@pytest.mark.parametrize(
    ("role", "department", "reason"),
    [
        ("boss", "fen", "unknown_role"),
        ("", None, "unknown_role"),
        ("Staff", "fen", "unknown_role"),
        ("staff", "uzay", "unknown_department"),
        ("supervisor", "uzay", "unknown_department"),
        ("staff", None, "department_required"),
        ("coordinator", None, "department_required"),
    ],
)
def test_upsert_validates_role_and_department(
    db: Engine, role: str, department: str | None, reason: str
) -> None:
    with pytest.raises(Refused) as error, transaction(db) as session:
        staff.upsert(session, 9300, role, department)
    assert error.value.reason == reason
    with transaction(db) as session:
        assert (
            session.exec(select(StaffMember).where(StaffMember.telegram_id == 9300)).first() is None
        )


def test_upsert_refuses_an_inactive_department(db: Engine) -> None:
    with transaction(db) as session:
        department = session.get(Department, "imar")
        assert department is not None
        department.active = False
        session.add(department)
    with pytest.raises(Refused) as error, transaction(db) as session:
        staff.upsert(session, 9301, "staff", "imar")
    assert error.value.reason == "unknown_department"


@pytest.mark.parametrize(
    ("role", "department"),
    [
        ("admin", None),
        ("supervisor", None),
        ("supervisor", "fen"),
        ("staff", "fen"),
        ("coordinator", "kent_konseyi"),
    ],
)
def test_upsert_accepts(db: Engine, role: str, department: str | None) -> None:
    with transaction(db) as session:
        staff.upsert(session, 9302, role, department)
    with transaction(db) as session:
        member = staff.active_member(session, 9302)
        assert member is not None
        assert (member.role, member.department_code) == (role, department)
        assert staff.is_admin(staff.active_member(session, 9302)) is (role == "admin")


def test_only_an_admin_appoints_or_dismisses_staff_and_never_themselves(db: Engine) -> None:
    """The checks are core's, whoever calls: /personel today, a web desk tomorrow."""
    with transaction(db) as session:
        admin = staff.upsert(session, 9401, "admin", None)
        supervisor = staff.upsert(session, 9402, "supervisor", None)
        for actor in (None, supervisor):
            with pytest.raises(Refused) as refused:
                staff.appoint(session, actor, 9403, "staff", "temizlik")
            assert refused.value.reason == "not_allowed"
            with pytest.raises(Refused) as refused:
                staff.dismiss(session, actor, 9402)
            assert refused.value.reason == "not_allowed"
        member = staff.appoint(session, admin, 9403, "staff", "temizlik")
        assert (member.role, member.department_code) == ("staff", "temizlik")
        with pytest.raises(Refused) as refused:
            staff.dismiss(session, admin, 9401)
        assert refused.value.reason == "self"
        assert staff.dismiss(session, admin, 9403)
        assert not staff.is_staff(staff.active_member(session, 9403))
