"""The City Council core: membership, events, registrations, check-in, on both databases."""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from common.config import Config
from core import council, staff
from core.calendar_export import event_ics
from core.checkin import ALPHABET, CODE_LENGTH, qr_png
from db.engine import make_engine, transaction
from db.models import Citizen, CouncilEvent, Membership, OutboxMessage, Registration
from tests.council_builders import COORDINATOR, NOW, START, coordinator, new_event, person, refused

TODAY = NOW.date()


def years_ago(years: int, days: int = 0) -> date:
    return TODAY.replace(year=TODAY.year - years) - timedelta(days=days)


# --- Membership ---------------------------------------------------------------------------


def test_eligibility_comes_from_the_assemblies_age_range(db: Engine, config: Config) -> None:
    with transaction(db) as s:
        young, old, senior, nobody = (person(s, i) for i in (1, 2, 3, 4))
        refused("not_eligible", council.join, s, config, young, "genclik", years_ago(14), TODAY)
        refused("not_eligible", council.join, s, config, old, "genclik", years_ago(30), TODAY)
        # The day before the 15th birthday is still 14.
        refused(
            "not_eligible",
            council.join,
            s,
            config,
            young,
            "genclik",
            years_ago(15) + timedelta(days=1),
            TODAY,
        )
        assert council.join(s, config, young, "genclik", years_ago(15), TODAY).id
        assert council.join(s, config, old, "genclik", years_ago(29, days=300), TODAY).id
        refused("not_eligible", council.join, s, config, senior, "kidemli", years_ago(64), TODAY)
        assert council.join(s, config, senior, "kidemli", years_ago(65), TODAY).id
        refused("birth_date_required", council.join, s, config, nobody, "kidemli", None, TODAY)
        refused(
            "bad_birth_date",
            council.join,
            s,
            config,
            nobody,
            "genclik",
            TODAY + timedelta(days=1),
            TODAY,
        )
        # No age range: anyone may join, no birth date needed.
        assert council.join(s, config, nobody, "kadin", None, TODAY).id
        refused("not_found", council.join, s, config, nobody, "yok", None, TODAY)
        assert young.birth_date == years_ago(15)
        counts = council.member_counts(s)
        assert counts["genclik"] == 2 and counts["kidemli"] == 1 and counts["kadin"] == 1
        assert counts["cocuk"] == 0 and set(counts) == {a.code for a in config.assemblies}


def test_joining_needs_the_kvkk_consent(db: Engine, config: Config) -> None:
    with transaction(db) as s:
        citizen = person(s, 1, consent=False)
        refused("consent_required", council.join, s, config, citizen, "kadin", None, TODAY)
        citizen.consent_at = NOW
        assert council.join(s, config, citizen, "kadin", None, TODAY).assembly_code == "kadin"


def test_a_guardian_registers_a_child_and_confirms(db: Engine, config: Config) -> None:
    with transaction(db) as s:
        guardian, stranger = person(s, 10), person(s, 11)
        assert guardian.id is not None
        refused(
            "guardian_required", council.join, s, config, guardian, "cocuk", years_ago(9), TODAY
        )
        refused(
            "not_eligible",
            council.join_child,
            s,
            config,
            guardian,
            "cocuk",
            "Ali",
            "Yılmaz",
            years_ago(15),
            TODAY,
        )
        refused(
            "bad_name",
            council.join_child,
            s,
            config,
            guardian,
            "cocuk",
            " ",
            None,
            years_ago(9),
            TODAY,
        )
        membership = council.join_child(
            s, config, guardian, "cocuk", "Ali", "Yılmaz", years_ago(9), TODAY
        )
        child = s.get(Citizen, membership.citizen_id)
        assert child is not None and child.telegram_id is None and child.first_name == "Ali"
        assert membership.guardian_id == guardian.id
        # Pending until the guardian confirms: not a member yet.
        assert not council.is_member(s, child.id or 0, "cocuk")
        assert council.member_counts(s)["cocuk"] == 0
        assert membership.id is not None
        refused("not_allowed", council.confirm_guardian, s, stranger, membership.id, NOW)
        council.confirm_guardian(s, guardian, membership.id, NOW)
        council.confirm_guardian(s, guardian, membership.id, NOW)  # twice changes nothing
        assert council.is_member(s, child.id or 0, "cocuk")
        assert child.consent_at == NOW
        assert council.member_counts(s)["cocuk"] == 1
        assert [c.first_name for c, _ in council.children_of(s, guardian.id)] == ["Ali"]
        # The same child again is the same row, already a member.
        refused(
            "already_member",
            council.join_child,
            s,
            config,
            guardian,
            "cocuk",
            "Ali",
            "Yılmaz",
            years_ago(9),
            TODAY,
        )
        # Messages for the child go to the guardian; only the guardian may take it out.
        assert council.recipients(s, [child.id or 0]) == {child.id: 10}
        assert council.assembly_audience(s, "cocuk") == [10]
        refused("not_allowed", council.leave, s, child, "cocuk", by=stranger)
        council.leave(s, child, "cocuk", by=guardian)
        assert council.member_counts(s)["cocuk"] == 0


def test_leave_and_rejoin(db: Engine, config: Config) -> None:
    with transaction(db) as s:
        citizen = person(s, 1)
        assert citizen.id is not None
        first = council.join(s, config, citizen, "kadin", None, TODAY)
        refused("already_member", council.join, s, config, citizen, "kadin", None, TODAY)
        assert [m.assembly_code for m in council.memberships_of(s, citizen.id)] == ["kadin"]
        council.leave(s, citizen, "kadin")
        refused("not_member", council.leave, s, citizen, "kadin")
        assert council.memberships_of(s, citizen.id) == []
        assert council.member_counts(s)["kadin"] == 0
        again = council.join(s, config, citizen, "kadin", None, TODAY)
        assert again.id == first.id and again.left_at is None
        assert council.member_counts(s)["kadin"] == 1
        assert (
            council.members_per_assembly(s, datetime.now(UTC) + timedelta(seconds=5))["kadin"] == 1
        )
        assert council.members_per_assembly(s, NOW - timedelta(days=30))["kadin"] == 0


# --- Events -------------------------------------------------------------------------------


def test_only_council_coordinators_supervisors_and_admins_manage_events(db: Engine) -> None:
    with transaction(db) as s:
        person(s, 1)
        coordinator(s)
        staff.upsert(s, 901, "staff", "kent_konseyi")
        staff.upsert(s, 902, "coordinator", "temizlik")
        staff.upsert(s, 903, "staff", "temizlik")
        staff.upsert(s, 904, "supervisor", None)
        staff.upsert(s, 905, "admin", None)
        for outsider in (1, 901, 902, 903, 999):
            refused("not_allowed", new_event, s, actor=outsider)
        event = new_event(s)
        assert event.id is not None and event.created_by == COORDINATOR
        for manager in (904, 905):
            assert new_event(s, actor=manager).id
        refused(
            "not_allowed",
            council.edit_event,
            s,
            staff.active_member(s, 903),
            event.id,
            NOW,
            title="x",
        )
        refused("not_allowed", council.cancel_event, s, staff.active_member(s, 1), event.id, NOW)
        staff.remove(s, COORDINATOR)
        refused("not_allowed", new_event, s)


def test_event_fields_are_validated(db: Engine) -> None:
    with transaction(db) as s:
        actor = coordinator(s)
        end = START + timedelta(hours=1)

        def create(
            title: str = "Toplantı",
            starts: datetime = START,
            ends: datetime = end,
            capacity: int = 10,
            deadline: datetime | None = None,
            assembly: str = "kadin",
            now: datetime | None = None,
        ) -> CouncilEvent:
            return council.create_event(
                s,
                staff.active_member(s, actor),
                assembly,
                title,
                "",
                starts,
                ends,
                "Salon",
                capacity,
                deadline,
                False,
                now=now,
            )

        refused("bad_title", create, title="  ")
        refused("bad_title", create, title="x" * 201)
        assert create(title="x" * 200).id
        refused("bad_times", create, ends=START)
        refused("bad_capacity", create, capacity=0)
        refused("bad_deadline", create, deadline=START + timedelta(minutes=1))
        assert create(deadline=START).id
        refused("not_found", create, assembly="yok")
        refused("event_past", create, now=START)
        with pytest.raises(ValueError):
            create(starts=START.replace(tzinfo=None))


def test_edit_and_cancel_tell_everyone_and_capacity_promotes(db: Engine) -> None:
    with transaction(db) as s:
        coordinator(s)
        people = [person(s, i) for i in range(1, 6)]
        event = new_event(s, capacity=2)
        assert event.id is not None
        for citizen in people:
            council.register(s, citizen, event.id, NOW)
        refused(
            "capacity_below_registered",
            council.edit_event,
            s,
            staff.active_member(s, COORDINATOR),
            event.id,
            NOW,
            capacity=1,
        )
        refused(
            "bad_times",
            council.edit_event,
            s,
            staff.active_member(s, COORDINATOR),
            event.id,
            NOW,
            ends_at=START - timedelta(hours=1),
        )
        notices = council.edit_event(
            s,
            staff.active_member(s, COORDINATOR),
            event.id,
            NOW,
            capacity=4,
            place="Yeni Salon",
            registration_deadline=None,
        )
        by_citizen = {n.citizen_id: n for n in notices}
        assert len(notices) == 5
        assert [by_citizen[p.id or 0].status for p in people] == [
            "registered",
            "registered",
            "registered",
            "registered",
            "waitlisted",
        ]
        assert [by_citizen[p.id or 0].promoted for p in people] == [False, False, True, True, False]
        assert event.place == "Yeni Salon" and event.registered == 4 and event.revision == 1
        assert event.registration_deadline is None
        # Shrinking to exactly the seats taken is fine.
        council.edit_event(
            s, staff.active_member(s, COORDINATOR), event.id, NOW, capacity=4, title="Yeni başlık"
        )
        assert event.title == "Yeni başlık"

        told = council.cancel_event(s, staff.active_member(s, COORDINATOR), event.id, NOW)
        assert {n.citizen_id for n in told} == {p.id for p in people}
        assert all(n.code for n in told)
        assert event.cancelled_at == NOW and event.revision == 3
        refused(
            "event_cancelled",
            council.cancel_event,
            s,
            staff.active_member(s, COORDINATOR),
            event.id,
            NOW,
        )
        refused(
            "event_cancelled",
            council.edit_event,
            s,
            staff.active_member(s, COORDINATOR),
            event.id,
            NOW,
            title="x",
        )
        later = new_event(s)
        assert later.id is not None
        refused(
            "event_past",
            council.edit_event,
            s,
            staff.active_member(s, COORDINATOR),
            later.id,
            later.ends_at,
            title="x",
        )
        refused(
            "not_found", council.cancel_event, s, staff.active_member(s, COORDINATOR), 12345, NOW
        )


def test_upcoming_events_show_seats_left(db: Engine) -> None:
    with transaction(db) as s:
        coordinator(s)
        a, b, c = (person(s, i) for i in (1, 2, 3))
        soon = new_event(s, capacity=2, starts_at=NOW + timedelta(days=1))
        later = new_event(s, assembly="genclik", capacity=5, starts_at=NOW + timedelta(days=3))
        past = new_event(s, starts_at=NOW - timedelta(days=1))
        gone = new_event(s)
        assert soon.id and later.id and past.id and gone.id
        council.cancel_event(s, staff.active_member(s, COORDINATOR), gone.id, NOW)
        for citizen in (a, b, c):
            council.register(s, citizen, soon.id, NOW)
        listed = council.upcoming_events(s, NOW)
        assert [(e.event.id, e.seats_left, e.waiting) for e in listed] == [
            (soon.id, 0, 1),
            (later.id, 5, 0),
        ]
        assert [e.event.id for e in council.upcoming_events(s, NOW, "genclik")] == [later.id]
        details = council.event_details(s, soon.id, c.id)
        assert details.assembly is not None and details.assembly.code == "kadin"
        assert details.seats_left == 0
        assert details.registration is not None and details.position == 1
        assert council.event_details(s, later.id).registration is None
        refused("not_found", council.event_details, s, 12345)
        assert [e.id for e, _ in council.registrations_of(s, c.id or 0, NOW)] == [soon.id]


# --- Registration -------------------------------------------------------------------------


def test_waiting_list_and_withdrawal_promote_the_first_in_line(db: Engine) -> None:
    with transaction(db) as s:
        coordinator(s)
        a, b, c, d = (person(s, i) for i in (1, 2, 3, 4))
        event = new_event(s, capacity=2)
        assert event.id is not None
        booked = [council.register(s, p, event.id, NOW) for p in (a, b, c, d)]
        assert [(x.status, x.position) for x in booked] == [
            ("registered", None),
            ("registered", None),
            ("waitlisted", 1),
            ("waitlisted", 2),
        ]
        assert len({x.code for x in booked}) == 4
        promoted = council.withdraw(s, a, event.id, NOW)
        assert promoted is not None and promoted.citizen_id == c.id and promoted.promoted
        assert promoted.status == "registered" and promoted.code == booked[2].code
        assert council.waiting_position(s, booked[3].registration) == 1
        # A waiting person leaving frees no seat.
        assert council.withdraw(s, d, event.id, NOW) is None
        refused("not_registered", council.withdraw, s, d, event.id, NOW)
        # Coming back after withdrawing joins the end of the line, with the same code.
        again = council.register(s, a, event.id, NOW)
        assert again.status == "waitlisted" and again.position == 1
        assert again.code == booked[0].code
        assert council.withdraw(s, b, event.id, NOW) is not None
        s.refresh(event)
        assert event.registered == 2
        statuses = dict(
            s.exec(
                select(Registration.citizen_id, Registration.status).where(
                    Registration.event_id == event.id
                )
            ).all()
        )
        assert statuses == {
            a.id: "registered",
            b.id: "cancelled",
            c.id: "registered",
            d.id: "cancelled",
        }


def test_every_registration_refusal_has_its_reason(db: Engine, config: Config) -> None:
    with transaction(db) as s:
        coordinator(s)
        citizen, unconsented = person(s, 1), person(s, 2, consent=False)
        event = new_event(s, deadline=START - timedelta(days=1))
        members = new_event(s, assembly="genclik", members_only=True)
        cancelled = new_event(s)
        assert event.id and members.id and cancelled.id
        council.cancel_event(s, staff.active_member(s, COORDINATOR), cancelled.id, NOW)
        refused("not_found", council.register, s, citizen, 12345, NOW)
        refused("event_cancelled", council.register, s, citizen, cancelled.id, NOW)
        refused("event_past", council.register, s, citizen, event.id, START)
        refused(
            "deadline_passed", council.register, s, citizen, event.id, START - timedelta(hours=1)
        )
        refused("consent_required", council.register, s, unconsented, event.id, NOW)
        refused("members_only", council.register, s, citizen, members.id, NOW)
        council.join(s, config, citizen, "genclik", years_ago(20), TODAY)
        assert council.register(s, citizen, members.id, NOW).status == "registered"
        council.register(s, citizen, event.id, NOW)
        refused("already_registered", council.register, s, citizen, event.id, NOW)
        refused("event_past", council.withdraw, s, citizen, event.id, START)
        refused("not_registered", council.withdraw, s, unconsented, event.id, NOW)
        refused("not_found", council.withdraw, s, citizen, 12345, NOW)


# --- Check-in -----------------------------------------------------------------------------


def test_check_in_by_code(db: Engine) -> None:
    with transaction(db) as s:
        coordinator(s)
        a, b, c = (person(s, i) for i in (1, 2, 3))
        event, other = new_event(s, capacity=2), new_event(s)
        assert event.id and other.id
        code = council.register(s, a, event.id, NOW).code
        council.register(s, b, event.id, NOW)
        waiting_code = council.register(s, c, event.id, NOW).code
        other_code = council.register(s, a, other.id, NOW).code
        assert len(code) == CODE_LENGTH and set(code) <= set(ALPHABET)
        refused(
            "not_allowed", council.check_in, s, staff.active_member(s, 1), event.id, code, START
        )
        refused(
            "bad_code",
            council.check_in,
            s,
            staff.active_member(s, COORDINATOR),
            event.id,
            "ZZZZZZ",
            START,
        )
        refused(
            "bad_code",
            council.check_in,
            s,
            staff.active_member(s, COORDINATOR),
            event.id,
            other_code,
            START,
        )
        refused(
            "waitlisted",
            council.check_in,
            s,
            staff.active_member(s, COORDINATOR),
            event.id,
            waiting_code,
            START,
        )
        typed = f" {code[:3].lower()} {code[3:]} "
        registration = council.check_in(
            s, staff.active_member(s, COORDINATOR), event.id, typed, START
        )
        assert registration.status == "attended" and registration.checked_in_at == START
        refused(
            "already_checked_in",
            council.check_in,
            s,
            staff.active_member(s, COORDINATOR),
            event.id,
            code,
            START,
        )
        refused(
            "not_found",
            council.check_in,
            s,
            staff.active_member(s, COORDINATOR),
            12345,
            code,
            START,
        )


def test_no_shows_are_marked_after_the_event(db: Engine) -> None:
    with transaction(db) as s:
        coordinator(s)
        a, b, c = (person(s, i) for i in (1, 2, 3))
        event = new_event(s, capacity=2)
        assert event.id is not None
        came = council.register(s, a, event.id, NOW).code
        council.register(s, b, event.id, NOW)
        council.register(s, c, event.id, NOW)  # waiting: not a no-show
        council.check_in(s, staff.active_member(s, COORDINATOR), event.id, came, START)
        assert council.mark_no_shows(s, START + timedelta(hours=1)) == 0  # not over yet
        assert council.mark_no_shows(s, event.ends_at) == 1
        assert council.mark_no_shows(s, event.ends_at) == 0
        statuses = sorted(
            s.exec(select(Registration.status).where(Registration.event_id == event.id)).all()
        )
        assert statuses == ["attended", "no_show", "waitlisted"]


def test_indicators_are_counted_per_assembly(db: Engine, config: Config) -> None:
    with transaction(db) as s:
        coordinator(s)
        a, b = person(s, 1), person(s, 2)
        held = new_event(s, assembly="genel_kurul", capacity=5)
        also = new_event(s, assembly="kadin")
        dropped = new_event(s, assembly="kadin")
        outside = new_event(s, assembly="kadin", starts_at=START + timedelta(days=60))
        assert held.id and also.id and dropped.id and outside.id
        for citizen in (a, b):
            code = council.register(s, citizen, held.id, NOW).code
            council.check_in(s, staff.active_member(s, COORDINATOR), held.id, code, START)
        council.register(s, a, also.id, NOW)
        council.cancel_event(s, staff.active_member(s, COORDINATOR), dropped.id, NOW)
        council.join(s, config, a, "kadin", None, TODAY)
        period = (NOW, NOW + timedelta(days=30))
        over = START + timedelta(days=1)  # the events of START are over, `outside` is not
        events = council.events_per_assembly(s, *period, now=over)
        assert events["genel_kurul"] == 1 and events["kadin"] == 1 and events["genclik"] == 0
        # Before they take place, they are not held yet.
        assert sum(council.events_per_assembly(s, *period, now=NOW).values()) == 0
        participants = council.participants_per_assembly(s, *period, now=over)
        assert participants["genel_kurul"] == 2 and participants["kadin"] == 0
        assert set(participants) == {a.code for a in config.assemblies}
        members = council.members_per_assembly(s, datetime.now(UTC) + timedelta(seconds=5))
        assert members["kadin"] == 1 and members["genclik"] == 0
        assert council.event_audience(s, held.id) == [1, 2]


# --- Concurrency --------------------------------------------------------------------------


def _wide_engine(engine: Engine, connections: int) -> Engine:
    """The test database again, with a pool big enough for the threads to really race."""
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name == "sqlite":
        return make_engine(url, pool_size=connections, max_overflow=0)
    with engine.connect() as connection:
        schema = connection.execute(text("select current_schema()")).scalar_one()
    return make_engine(
        url,
        pool_size=connections,
        max_overflow=0,
        connect_args={"options": f"-csearch_path={schema}"},
    )


def test_200_simultaneous_registrations_never_oversell_50_seats(db: Engine) -> None:
    with transaction(db) as s:
        coordinator(s)
        ids = [person(s, 10_000 + i).id for i in range(200)]
        event = new_event(s, capacity=50)
        event_id = event.id
    assert event_id is not None
    wide = _wide_engine(db, 40)
    barrier = threading.Barrier(len(ids))
    statuses: list[str] = []
    errors: list[BaseException] = []

    def attempt(citizen_id: int | None) -> None:
        try:
            barrier.wait(timeout=30)
            with transaction(wide) as session:
                citizen = session.get(Citizen, citizen_id)
                assert citizen is not None
                statuses.append(council.register(session, citizen, event_id, NOW).status)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=attempt, args=(cid,)) for cid in ids]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    elapsed = time.monotonic() - started
    wide.dispose()
    assert not errors, errors[:3]
    assert sorted(statuses).count("registered") == 50 and statuses.count("waitlisted") == 150
    assert elapsed < 60, f"took {elapsed:.1f} s"

    with transaction(db) as s:
        rows = s.exec(
            select(Registration)
            .where(Registration.event_id == event_id)
            .order_by(col(Registration.seq))
        ).all()
        seated = [r.seq for r in rows if r.status == "registered"]
        waiting = [r for r in rows if r.status == "waitlisted"]
        assert len(seated) == 50 and len(waiting) == 150
        assert sorted(r.seq for r in rows) == list(range(1, 201))
        # Arrival order is the order the database serialised them in.
        assert max(seated) < min(r.seq for r in waiting)
        assert [council.waiting_position(s, r) for r in waiting] == list(range(1, 151))
        stored = s.get(CouncilEvent, event_id)
        assert stored is not None and stored.registered == 50


def test_the_seat_counter_cannot_exceed_capacity_even_if_code_forgot(db: Engine) -> None:
    """The CHECK constraint is the safety net behind the conditional UPDATE."""
    with transaction(db) as s:
        coordinator(s)
        event = new_event(s, capacity=1)
        event_id = event.id
    with pytest.raises(Exception, match=r"(?i)check|constraint"), transaction(db) as s:
        s.execute(text("UPDATE council_event SET registered = 2 WHERE id = :id"), {"id": event_id})


# --- QR and calendar ----------------------------------------------------------------------


def test_qr_png_is_a_png_image() -> None:
    image = qr_png("ACD347")
    assert image.startswith(b"\x89PNG\r\n\x1a\n")
    assert 200 < len(image) < 20_000


def _event(**overrides: Any) -> CouncilEvent:
    fields: dict[str, Any] = dict(
        id=7,
        assembly_code="genclik",
        title="Gençlik buluşması",
        description="Tanışma",
        starts_at=datetime(2026, 12, 5, 15, 0, tzinfo=UTC),
        ends_at=datetime(2026, 12, 5, 17, 0, tzinfo=UTC),
        place="Kültür Merkezi",
        capacity=50,
        revision=2,
    )
    fields.update(overrides)
    return CouncilEvent(**fields)


def _vevent(ics: bytes) -> Any:
    calendar = Calendar.from_ical(ics)
    events = [c for c in calendar.walk() if c.name == "VEVENT"]
    assert len(events) == 1
    return events[0]


def test_ics_describes_the_event_and_carries_the_code() -> None:
    istanbul = ZoneInfo("Europe/Istanbul")
    vevent = _vevent(event_ics(_event(), "Gençlik Meclisi", "ACD347", istanbul))
    assert str(vevent["uid"]) == "kentbot-event-7@kentbot.invalid"
    assert vevent.decoded("dtstart") == datetime(2026, 12, 5, 18, 0, tzinfo=istanbul)
    assert vevent.decoded("dtend").astimezone(UTC) == datetime(2026, 12, 5, 17, 0, tzinfo=UTC)
    assert "Gençlik buluşması" in str(vevent["summary"])
    assert str(vevent["location"]) == "Kültür Merkezi"
    assert "ACD347" in str(vevent["description"]) and "Tanışma" in str(vevent["description"])
    assert str(vevent["status"]) == "CONFIRMED" and int(vevent["sequence"]) == 2
    zones = [
        c
        for c in Calendar.from_ical(event_ics(_event(), "x", None, istanbul)).walk()
        if c.name == "VTIMEZONE"
    ]
    assert [str(z["tzid"]) for z in zones] == ["Europe/Istanbul"]
    without_code = _vevent(event_ics(_event(), "Gençlik Meclisi", None, istanbul))
    assert "ACD347" not in str(without_code["description"])


def test_ics_of_a_cancelled_event_says_so() -> None:
    cancelled = _event(cancelled_at=datetime(2026, 12, 1, tzinfo=UTC))
    ics = event_ics(cancelled, "Gençlik Meclisi", None, ZoneInfo("Europe/Istanbul"))
    assert str(_vevent(ics)["status"]) == "CANCELLED"
    assert str(Calendar.from_ical(ics)["method"]) == "CANCEL"


def test_membership_rows_are_unique_per_assembly(db: Engine) -> None:
    """Guard for re-joining: a second row for the same citizen and assembly is refused."""
    with transaction(db) as s:
        citizen = person(s, 1)
        assert citizen.id is not None
        s.add(Membership(assembly_code="kadin", citizen_id=citizen.id))
        s.flush()
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"), transaction(db) as s:
        assert citizen.id is not None
        s.add(Membership(assembly_code="kadin", citizen_id=citizen.id))
        s.flush()


def test_an_announcement_is_a_coordinators_and_reaches_the_members(
    db: Engine, config: Config
) -> None:
    """core's announce checks the actor itself, whichever channel looked them up."""
    with transaction(db) as s:
        for telegram_id in (11, 12):
            council.join(s, config, person(s, telegram_id), "kadin", None, TODAY)
        person(s, 13)  # not a member
        coordinator(s)
        staff.upsert(s, 901, "staff", "temizlik")
        text = "📣 Yarın toplantı var."
        for outsider in (None, staff.active_member(s, 901)):
            refused("not_allowed", council.announce, s, outsider, text, NOW, assembly_code="kadin")
        actor = staff.active_member(s, COORDINATOR)
        refused("not_found", council.announce, s, actor, text, NOW, assembly_code="yok")
        assert council.announce(s, actor, text, NOW, assembly_code="kadin") == 2
    with transaction(db) as s:
        queued = s.exec(select(OutboxMessage)).all()
        assert sorted(m.chat_id for m in queued) == [11, 12]
        assert {m.text for m in queued} == {"📣 Yarın toplantı var."}
