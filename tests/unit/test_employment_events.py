"""The employment centre's trainings and job fairs on the council's event engine, on both
databases: the kinds and their constraint, who may create and manage them, registration
and check-in reused as they are, the council's figures unchanged by them, and goal
4.3.1's trainings, fair firms and hires (core.employment.events.RECORDED)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from common.config import Config
from core import council, event_reminders, indicators, staff
from core.employment import events
from core.employment import indicators as employment_indicators
from core.periods import between
from db.engine import transaction
from db.migrate import downgrade, upgrade
from db.models import CouncilEvent, Employer
from tests.council_builders import NOW, coordinator, new_event, person, refused

EMPLOYMENT_STAFF = 910
COUNCIL = 900


def centre_staff(session: Session, telegram_id: int = EMPLOYMENT_STAFF) -> int:
    staff.upsert(session, telegram_id, "staff", "istihdam")
    return telegram_id


def training(
    session: Session,
    *,
    kind: str = events.CAREER_TRAINING,
    starts_at: datetime = NOW + timedelta(days=7),
    capacity: int = 2,
    actor: int = EMPLOYMENT_STAFF,
    now: datetime | None = None,
) -> CouncilEvent:
    return events.create_event(
        session,
        staff.active_member(session, actor),
        kind,
        "CV hazırlama atölyesi",
        "Kariyer eğitimi",
        starts_at,
        starts_at + timedelta(hours=3),
        "İstihdam Merkezi",
        capacity,
        None,
        now=now,
    )


def firm(session: Session, name: str, vkn: str) -> Employer:
    employer = Employer(name=name, tax_number=vkn, district="Kadıköy", registered_at=NOW)
    session.add(employer)
    session.flush()
    return employer


def test_every_event_has_a_kind_and_only_council_events_have_an_assembly(db: Engine) -> None:
    with transaction(db) as s:
        coordinator(s)
        centre_staff(s)
        meeting, course = new_event(s), training(s)
        assert (meeting.kind, meeting.assembly_code) == ("council", "kadin")
        assert (course.kind, course.assembly_code) == ("career_training", None)
    # The database itself refuses a council event without an assembly, an employment
    # event with one, and a kind it does not know.
    for kind, assembly in (("council", None), ("job_fair", "kadin"), ("concert", None)):
        with pytest.raises(IntegrityError), transaction(db) as s:
            s.add(
                CouncilEvent(
                    kind=kind,
                    assembly_code=assembly,
                    title="x",
                    starts_at=NOW,
                    ends_at=NOW + timedelta(hours=1),
                    capacity=1,
                )
            )
            s.flush()


def test_the_centres_staff_create_and_manage_them_and_council_coordinators_do_not(
    db: Engine,
) -> None:
    with transaction(db) as s:
        coordinator(s, COUNCIL)
        centre_staff(s)
        refused("not_allowed", training, s, actor=COUNCIL)
        refused("not_found", training, s, kind="council")
        refused("event_past", training, s, starts_at=NOW - timedelta(hours=1), now=NOW)
        # …and the centre's staff are not the council's coordinators.
        refused("not_allowed", new_event, s, actor=EMPLOYMENT_STAFF)
        fair = training(s, kind=events.JOB_FAIR)
        meeting = new_event(s, actor=COUNCIL)
        # Refused in words that say whose it is.
        refused(
            "not_centre_staff",
            council.cancel_event,
            s,
            staff.active_member(s, COUNCIL),
            fair.id,
            NOW,
        )
        refused(
            "not_allowed",
            council.cancel_event,
            s,
            staff.active_member(s, EMPLOYMENT_STAFF),
            meeting.id,
            NOW,
        )
        council.edit_event(
            s, staff.active_member(s, EMPLOYMENT_STAFF), fair.id or 0, NOW, capacity=5
        )
        assert fair.capacity == 5


def test_a_citizen_registers_waits_and_is_checked_in_as_for_a_council_event(db: Engine) -> None:
    with transaction(db) as s:
        coordinator(s, COUNCIL)
        centre_staff(s)
        course = training(s, capacity=1)
        assert course.id is not None
        first, second = person(s, 1), person(s, 2)
        seat = council.register(s, first, course.id, NOW)
        wait = council.register(s, second, course.id, NOW)
        assert (seat.status, wait.status, wait.position) == ("registered", "waitlisted", 1)
        details = council.event_details(s, course.id, first.id)
        assert details.assembly is None and details.registration is not None
        # The council's coordinators do not check people in at the centre's training.
        refused(
            "not_centre_staff",
            council.check_in,
            s,
            staff.active_member(s, COUNCIL),
            course.id,
            seat.code,
            NOW,
        )
        came = council.check_in(
            s, staff.active_member(s, EMPLOYMENT_STAFF), course.id, seat.code, NOW
        )
        assert came.status == "attended"
        # The centre's listing shows the training; the council's does not.
        assert [e.event.id for e in events.upcoming(s, NOW)] == [course.id]
        assert council.upcoming_events(s, NOW) == []


def test_council_figures_do_not_count_the_centres_events(db: Engine, config: Config) -> None:
    held_at = NOW - timedelta(days=10)
    with transaction(db) as s:
        coordinator(s, COUNCIL)
        centre_staff(s)
        meeting = new_event(s, actor=COUNCIL, starts_at=held_at)
        course = training(s, starts_at=held_at)
        assert meeting.id is not None and course.id is not None
        for n, event_id in enumerate((meeting.id, course.id, course.id)):
            booking = council.register(s, person(s, 10 + n), event_id, held_at - timedelta(days=1))
            actor = COUNCIL if event_id == meeting.id else EMPLOYMENT_STAFF
            council.check_in(s, staff.active_member(s, actor), event_id, booking.code, held_at)
    span = between(
        held_at.date() - timedelta(days=3), held_at.date() + timedelta(days=3), ZoneInfo("UTC")
    )
    with transaction(db) as s:
        per_assembly = council.events_per_assembly(s, span.start, span.end, now=NOW)
        assert sum(per_assembly.values()) == 1 and per_assembly["kadin"] == 1
        assert council.attendance(s, span.start, span.end, NOW)["kadin"] == (1, 1)
        assert (
            sum(seats for seats, _ in council.attendance(s, span.start, span.end, NOW).values())
            == 1
        )
        figures = indicators.compute(s, config, span, NOW)
        assert figures.council_events_total == 1
        assert figures.council_events["kadin"] == 1
        # The centre's training is counted where it belongs: goal 4.3.1.
        assert events.RECORDED.trainings_held(s, span.start, span.end, NOW) == 1


def test_trainings_held_count_only_trainings_that_are_over_and_not_cancelled(db: Engine) -> None:
    year = between(datetime(2026, 1, 1).date(), datetime(2026, 12, 31).date(), ZoneInfo("UTC"))
    with transaction(db) as s:
        centre_staff(s)
        member = staff.active_member(s, EMPLOYMENT_STAFF)
        # One a month from January to November: over by NOW (1 December).
        for month in range(1, 12):
            kind = events.VOCATIONAL_TRAINING if month % 2 else events.CAREER_TRAINING
            training(s, kind=kind, starts_at=datetime(2026, month, 10, 9, tzinfo=UTC))
        cancelled = training(s, starts_at=datetime(2026, 11, 20, 9, tzinfo=UTC))
        council.cancel_event(s, member, cancelled.id or 0, datetime(2026, 11, 1, tzinfo=UTC))
        training(s, starts_at=NOW + timedelta(days=5))  # December's: not held yet
        training(s, kind=events.JOB_FAIR, starts_at=datetime(2026, 5, 5, 9, tzinfo=UTC))
        coordinator(s, COUNCIL)
        new_event(s, actor=COUNCIL, starts_at=datetime(2026, 6, 1, 9, tzinfo=UTC))
    with transaction(db) as s:
        assert events.RECORDED.trainings_held(s, year.start, year.end, NOW) == 11
        # After December's training is over, it counts too.
        later = NOW + timedelta(days=6)
        assert events.RECORDED.trainings_held(s, year.start, year.end, later) == 12


def test_fair_firms_and_hires_are_recorded_by_vkn_or_name_and_counted(
    db: Engine, config: Config
) -> None:
    fair_day = datetime(2026, 5, 5, 7, tzinfo=UTC)
    with transaction(db) as s:
        centre_staff(s)
        coordinator(s, COUNCIL)
        member = staff.active_member(s, EMPLOYMENT_STAFF)
        fair = training(s, kind=events.JOB_FAIR, starts_at=fair_day, capacity=500)
        course = training(s, starts_at=fair_day)
        deniz = firm(s, "Deniz Restoran", "4540536920")
        istanbul = firm(s, "İSTANBUL Lojistik", "1234567890")
        firm(s, "Ada Tekstil", "9876543217")
        assert fair.id is not None and deniz.id is not None and istanbul.id is not None
        # By VKN (spaces allowed), and by a part of the name, Turkish casing folded.
        assert [f.name for f in events.find_firms(s, "454 053 6920")] == ["Deniz Restoran"]
        assert [f.name for f in events.find_firms(s, "istanbul")] == ["İSTANBUL Lojistik"]
        assert len(events.find_firms(s, "a")) == 3
        refused("bad_tax_number", events.find_firms, s, "1234567891")
        events.record_fair_firm(s, member, fair.id, deniz.id, 3, NOW)
        events.record_fair_firm(s, member, fair.id, istanbul.id, 10, NOW)
        # Recording a firm again corrects its number rather than adding one.
        events.record_fair_firm(s, member, fair.id, deniz.id, 5, NOW)
        refused("not_a_fair", events.record_fair_firm, s, member, course.id, deniz.id, 1, NOW)
        refused("bad_hired", events.record_fair_firm, s, member, fair.id, deniz.id, -1, NOW)
        refused(
            "not_allowed",
            events.record_fair_firm,
            s,
            staff.active_member(s, COUNCIL),
            fair.id,
            deniz.id,
            1,
            NOW,
        )
        assert [(f.name, n) for f, n in events.fair_firms(s, fair.id)] == [
            ("Deniz Restoran", 5),
            ("İSTANBUL Lojistik", 10),
        ]
    year = between(datetime(2026, 1, 1).date(), datetime(2026, 12, 31).date(), config.tz)
    with transaction(db) as s:
        assert events.RECORDED.job_fair(s, year.start, year.end, NOW) == (2, 15)
        # Not held yet as of the fair's morning: nothing counted.
        assert events.RECORDED.job_fair(s, year.start, year.end, fair_day) == (0, 0)
        jobs = employment_indicators.compute(s, config, year, NOW, events.RECORDED)
        assert (jobs.trainings, jobs.job_fair_firms, jobs.job_fair_hires) == (1, 2, 15)


def test_registrants_of_a_training_get_the_councils_reminders(db: Engine) -> None:
    with transaction(db) as s:
        centre_staff(s)
        course = training(s)
        assert course.id is not None
        booking = council.register(s, person(s, 30), course.id, NOW)
    day_before = course.starts_at - timedelta(hours=20)
    with transaction(db) as s:
        due = event_reminders.due(s, day_before)
        assert [(r.event_id, r.code, r.which) for r in due] == [(course.id, booking.code, "24h")]
    with transaction(db) as s:
        assert event_reminders.due(s, day_before) == []  # each reminder once


def test_the_migration_makes_every_existing_event_a_council_event_and_matches_the_models(
    engine: Engine,
) -> None:
    upgrade(engine, "0017")
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO assembly (code, name_tr, active) VALUES ('kadin', 'K', true)")
        )
        connection.execute(
            text(
                "INSERT INTO council_event (assembly_code, title, description, starts_at, ends_at,"
                " place, capacity, members_only, registered, last_seq, revision, created_at)"
                " VALUES ('kadin', 'Toplantı', '', :at, :at, '', 10, false, 0, 0, 0, :at)"
            ),
            {"at": NOW},
        )
    upgrade(engine)
    with engine.begin() as connection:
        assert connection.execute(text("SELECT kind FROM council_event")).scalars().all() == [
            "council"
        ]
        connection.execute(
            text(
                "INSERT INTO council_event (kind, title, description, starts_at, ends_at, place,"
                " capacity, members_only, registered, last_seq, revision, created_at) VALUES"
                " ('job_fair', 'Fuar', '', :at, :at, '', 10, false, 0, 0, 0, :at)"
            ),
            {"at": NOW},
        )
    with engine.connect() as connection:
        # db/models.py and the migrations describe the same schema.
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []
    # Down again: the centre's events go (they have no assembly), the council's stay.
    downgrade(engine, "0017")
    with engine.begin() as connection:
        assert connection.execute(text("SELECT title FROM council_event")).scalars().all() == [
            "Toplantı"
        ]
    upgrade(engine)


def test_the_centres_staff_announce_to_a_trainings_registrants(db: Engine) -> None:
    with transaction(db) as s:
        centre_staff(s)
        coordinator(s, COUNCIL)
        course = training(s)
        assert course.id is not None
        council.register(s, person(s, 40), course.id, NOW)
        refused(
            "not_centre_staff",
            council.announce,
            s,
            staff.active_member(s, COUNCIL),
            "Salon değişti",
            NOW,
            event_id=course.id,
        )
        sent = council.announce(
            s, staff.active_member(s, EMPLOYMENT_STAFF), "Salon değişti", NOW, event_id=course.id
        )
        assert sent == 1
