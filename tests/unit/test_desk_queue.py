"""The queue's visibility is may_act in SQL: for every role, department and active flag, the
requests a list shows are exactly those the card's buttons and the request's page allow."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import select

from common.config import Config
from core import desk_queue, filing, staff
from core.working_time import WorkingCalendar
from db.engine import transaction
from db.models import Request, StaffMember
from db.types import utcnow


def test_the_queue_shows_exactly_what_may_act_allows(db: Engine, config: Config) -> None:
    calendar = WorkingCalendar.from_config(config)
    with transaction(db) as session:
        for category in ("yol", "park", "cop", "zabita"):
            filing.file_request(
                session,
                calendar,
                filing.Filing(
                    channel="phone", type="talep", category_code=category, text="x", actor="staff"
                ),
                now=utcnow() - timedelta(hours=1),
            )
    members = [
        (1, "staff", "fen"),
        (2, "coordinator", "park"),
        (3, "supervisor", None),
        (4, "admin", None),
        (5, "staff", "fen"),
        (6, "staff", "imar"),
    ]
    everything = desk_queue.QueueFilter(status=desk_queue.ANY)
    with transaction(db) as session:
        for telegram_id, role, department in members:
            staff.upsert(session, 720_000_000 + telegram_id, role, department)
        staff.remove(session, 720_000_005)  # a removed member sees nothing
        requests = session.exec(select(Request)).all()
        for member in session.exec(select(StaffMember)).all():
            shown = {
                row.request.number
                for row in desk_queue.queue_page(session, member, everything, utcnow()).rows
            }
            allowed = {r.number for r in requests if staff.may_act(member, r.department_code)}
            assert shown == allowed, (member.role, member.department_code, member.active)
        counts = {
            m.telegram_id - 720_000_000: len(
                desk_queue.queue_page(session, m, everything, utcnow()).rows
            )
            for m in session.exec(select(StaffMember)).all()
            if 720_000_000 < m.telegram_id < 720_000_100  # not config.toml's admins
        }
    # The comparison above is not empty-handed: each kind of member sees what it should.
    assert counts == {1: 1, 2: 1, 3: 4, 4: 4, 5: 0, 6: 0}
