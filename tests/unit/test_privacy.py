"""KVKK on both databases: the export holds everything, erasure leaves no trace of the person
but every count, and the retention sweep erases old closed requests once."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func
from sqlalchemy import select as sql_select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from common.config import Config
from core import (
    council,
    indicators,
    intake,
    outbox,
    privacy,
    request_privacy,
    staff,
    survey,
    workflow,
)
from core.periods import period
from core.working_time import WorkingCalendar
from db.engine import transaction
from db.models import (
    Attachment,
    Citizen,
    ConversationState,
    FailedDelivery,
    Membership,
    MessageLink,
    OutboxMessage,
    Registration,
    Request,
    RequestEvent,
    SatisfactionAnswer,
)
from db.types import utcnow
from emulator.media import image_size
from handlers.delivery import placeholder_png
from handlers.feature import personal_data_of
from handlers.features import FEATURES

# What the bot's features store about a citizen, as /verilerim and /verilerimi_sil see it.
PARTS = personal_data_of(FEATURES)
IST = ZoneInfo("Europe/Istanbul")
T0 = datetime(2026, 3, 3, 9, 0, tzinfo=IST)  # a Tuesday morning
STAFF = 8101
COORDINATOR = 8900
AYSE, BURAK = 8001, 8002

COMPLAINT = "Sokağımızdaki çöpler üç gündür toplanmadı, konteyner taştı."
NOTE = "Kapı numarası 12, Ayşe Yılmaz."
ANSWER = "Sayın Ayşe Yılmaz, ekibimiz bugün toplayacak."
COMMENT = "Çok hızlıydı, teşekkürler — Ayşe"
PHONE = "+905551112233"
PHOTO = "AgACAgQAAxkBAAIBnmZ-photo-of-ayse"
ADDRESS = "Çiçek Sokak No 12 Daire 3"
LAT, LON = 41.0255, 29.1020
CHILD = "Zeynepcik"
AYSE_STRINGS = [
    "Ayşe",
    "Yılmaz",
    "ayse_y",
    PHONE,
    COMPLAINT,
    NOTE,
    ANSWER,
    COMMENT,
    PHOTO,
    ADDRESS,
    CHILD,
    "Taslak metin",
    "1988-04-05",
]

BURAK_TEXT = "Parktaki salıncak kırık, çocuklar için tehlikeli."
BURAK_PHONE = "+905329998877"


def make_person(
    session: Session,
    telegram_id: int,
    first: str,
    last: str,
    username: str,
    phone: str | None = None,
    birth: date | None = None,
) -> Citizen:
    citizen = Citizen(
        telegram_id=telegram_id,
        first_name=first,
        last_name=last,
        username=username,
        phone=phone,
        birth_date=birth,
        language="tr",
        telegram_language="tr",
        consent_at=T0 - timedelta(days=1),
    )
    session.add(citizen)
    session.flush()
    return citizen


def file_full(
    session: Session,
    calendar: WorkingCalendar,
    citizen: Citizen,
    category: str,
    request_type: str,
    body: str,
    now: datetime,
    *,
    photo: str | None = None,
    phone: str | None = None,
    address: str | None = None,
) -> Request:
    """A request with every optional part the citizen may give: location or address,
    a photo, a phone number."""
    draft = intake.start(session, citizen)
    intake.set_type(session, draft, request_type)
    intake.set_category(session, draft, category)
    intake.set_text(session, draft, body)
    if address:
        intake.set_address(session, draft, address)
    else:
        intake.set_location(session, draft, LAT, LON)
    if photo:
        intake.add_photo(session, draft, photo, photo + "-u")
    intake.skip(session, draft)  # Continue: the location step (with photos) is done
    if phone:
        intake.set_phone(session, draft, phone)
    else:
        intake.skip(session, draft)
    assert draft.step == "summary"
    return intake.submit(session, citizen, draft, calendar, now=now).request


def build_world(db: Engine, config: Config, calendar: WorkingCalendar) -> dict[str, int]:
    """Ayşe (complaints, a note, a survey comment, a draft, memberships, a child, events)
    and Burak (one request), with a temizlik staff member and a council coordinator."""
    with transaction(db) as s:
        staff.upsert(s, STAFF, "staff", "temizlik", name="Mehmet Kaya")
        staff.upsert(s, COORDINATOR, "coordinator", "kent_konseyi")
        ayse = make_person(s, AYSE, "Ayşe", "Yılmaz", "ayse_y", PHONE, date(1988, 4, 5))
        burak = make_person(s, BURAK, "Burak", "Demir", "burak_d")
        first = file_full(
            s, calendar, ayse, "cop", "sikayet", COMPLAINT, T0, photo=PHOTO, phone=PHONE
        )
        second = file_full(
            s,
            calendar,
            ayse,
            "aydinlatma",
            "talep",
            "Sokak lambası yanmıyor, Ayşe Yılmaz'ın evinin önü.",
            T0 + timedelta(hours=1),
            address=ADDRESS,
        )
        other = file_full(
            s,
            calendar,
            burak,
            "cop",
            "sikayet",
            BURAK_TEXT,
            T0 + timedelta(hours=2),
            phone=BURAK_PHONE,
        )
        assert first.id and second.id and other.id and ayse.id and burak.id
        workflow.staff_action(
            s,
            first.id,
            staff.active_member(s, STAFF),
            "answer",
            ANSWER,
            now=T0 + timedelta(hours=3),
        )
        workflow.staff_action(
            s, first.id, staff.active_member(s, STAFF), "resolve", now=T0 + timedelta(hours=4)
        )
        survey.answer(s, ayse, first.id, 5, T0 + timedelta(hours=5))
        survey.add_comment(s, ayse, first.id, COMMENT)
        workflow.citizen_action(s, ayse, second.id, "note", NOTE, now=T0 + timedelta(hours=6))
        workflow.citizen_action(
            s,
            ayse,
            second.id,
            "photo",
            photo=(PHOTO + "2", PHOTO + "2u"),
            now=T0 + timedelta(hours=6),
        )
        workflow.staff_action(
            s,
            other.id,
            staff.active_member(s, STAFF),
            "answer",
            "Burak Bey, bakacağız.",
            now=T0 + timedelta(hours=7),
        )
        workflow.link_message(s, AYSE, 77, second.id, "citizen")
        workflow.link_message(s, BURAK, 78, other.id, "citizen")
        draft = intake.start(s, ayse)
        intake.set_type(s, draft, "oneri")
        intake.set_category(s, draft, "park")
        intake.set_text(s, draft, "Taslak metin: parka bank konsun.")

        today = utcnow().date()
        council.join(s, config, ayse, "kadin", None, today)
        council.join(s, config, burak, "kadin", None, today)
        child = council.join_child(
            s, config, ayse, "cocuk", CHILD, "Yılmaz", today.replace(year=today.year - 9), today
        )
        assert child.id is not None
        council.confirm_guardian(s, ayse, child.id, utcnow())
        soon = utcnow() + timedelta(days=7)
        event = council.create_event(
            s,
            staff.active_member(s, COORDINATOR),
            "kadin",
            "Mahalle buluşması",
            "",
            soon,
            soon + timedelta(hours=2),
            "Kültür Merkezi",
            10,
            None,
            False,
        )
        kids = council.create_event(
            s,
            staff.active_member(s, COORDINATOR),
            "cocuk",
            "Çocuk meclisi",
            "",
            soon,
            soon + timedelta(hours=2),
            "Kültür Merkezi",
            10,
            None,
            False,
        )
        assert event.id and kids.id
        child_row = s.get(Citizen, child.citizen_id)
        assert child_row is not None
        council.register(s, ayse, event.id, utcnow())
        council.register(s, burak, event.id, utcnow())
        council.register(s, child_row, kids.id, utcnow())
        return {
            "ayse": ayse.id,
            "burak": burak.id,
            "child": child.citizen_id,
            "first": first.id,
            "second": second.id,
            "other": other.id,
        }


def counts(db: Engine, config: Config) -> dict[str, Any]:
    """Every figure an indicator or report counts, by SQL aggregates."""
    with transaction(db) as s:

        def grouped(*columns: Any) -> list[tuple[Any, ...]]:
            return sorted(
                tuple(row)
                for row in s.execute(sql_select(*columns, func.count()).group_by(*columns)).all()
            )

        return {
            "requests": grouped(
                Request.channel,
                Request.type,
                Request.status,
                Request.category_code,
                Request.department_code,
            ),
            "times": [
                tuple(row)
                for row in s.execute(
                    sql_select(
                        col(Request.id),
                        col(Request.created_at),
                        col(Request.first_response_at),
                        col(Request.resolved_at),
                        col(Request.due_at),
                    ).order_by(col(Request.id))
                ).all()
            ],
            "events": grouped(RequestEvent.request_id, RequestEvent.kind, RequestEvent.actor),
            "event_times": [
                tuple(row)
                for row in s.execute(
                    sql_select(col(RequestEvent.id), col(RequestEvent.at)).order_by(
                        col(RequestEvent.id)
                    )
                ).all()
            ],
            "scores": grouped(SatisfactionAnswer.request_id, SatisfactionAnswer.score),
            "attachments": grouped(Attachment.request_id),
            "citizens": s.exec(select(func.count()).select_from(Citizen)).one(),
            "memberships": grouped(Membership.assembly_code),
            "members": council.members_per_assembly(s, utcnow() + timedelta(days=1)),
            "registrations": grouped(Registration.event_id, Registration.status),
            "indicators": [
                indicators.compute(s, config, period("year", d, IST)).to_dict()
                for d in (T0.date(), utcnow().date())
            ],
        }


def all_rows_text(db: Engine) -> str:
    """Every value of every table, as text: what someone reading the database would see."""
    parts: list[str] = []
    with db.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            for row in connection.execute(table.select().order_by(*table.primary_key.columns)):
                parts.append(" | ".join(str(value) for value in row))
    return "\n".join(parts)


def export_of(db: Engine, citizen_id: int) -> dict[str, Any]:
    with transaction(db) as s:
        citizen = s.get(Citizen, citizen_id)
        assert citizen is not None
        data = privacy.export(s, citizen, PARTS, now=T0)
    return json.loads(json.dumps(data))  # must survive JSON as it is


# --- export -------------------------------------------------------------------------------


def test_export_holds_everything_about_the_citizen(
    db: Engine, config: Config, calendar: WorkingCalendar
) -> None:
    ids = build_world(db, config, calendar)
    with transaction(db) as s:
        outbox.enqueue(s, {AYSE: "📣 Kadınlar Meclisi toplanıyor."}, kind="announcement", now=T0)
        s.add(FailedDelivery(chat_id=AYSE, method="sendMessage", error="Timed out", attempts=5))
    data = export_of(db, ids["ayse"])
    assert data["messages"] == [{"text": "📣 Kadınlar Meclisi toplanıyor.", "status": "pending"}]
    assert [(f["method"], f["error"]) for f in data["failed_deliveries"]] == [
        ("sendMessage", "Timed out")
    ]
    assert data["profile"]["phone"] == PHONE and data["profile"]["first_name"] == "Ayşe"
    assert data["profile"]["telegram_id"] == AYSE
    assert data["profile"]["birth_date"] == "1988-04-05"
    assert data["profile"]["consent_at"].startswith("2026-03-02T06:00:00")
    texts = [r["text"] for r in data["requests"]]
    assert COMPLAINT in texts and len(texts) == 2  # Burak's request is not hers
    first = next(r for r in data["requests"] if r["text"] == COMPLAINT)
    assert first["contact_phone"] == PHONE and (first["latitude"], first["longitude"]) == (LAT, LON)
    assert [e["kind"] for e in first["events"]] == ["created", "answered", "resolved", "rated"]
    assert ANSWER in [e["text"] for e in first["events"]]
    assert all("actor_telegram_id" not in e for e in first["events"])  # staff ids are theirs
    assert [a["telegram_file_id"] for a in first["attachments"]] == [PHOTO]
    assert first["satisfaction"]["score"] == 5 and first["satisfaction"]["comment"] == COMMENT
    second = next(r for r in data["requests"] if r["text"] != COMPLAINT)
    assert second["address"] == ADDRESS and NOTE in [e["text"] for e in second["events"]]
    assert [m["assembly"] for m in data["memberships"]] == ["kadin"]
    assert [r["event_title"] for r in data["registrations"]] == ["Mahalle buluşması"]
    assert len(data["registrations"][0]["code"]) >= 4
    [child] = data["children"]
    assert child["profile"]["first_name"] == CHILD
    assert [m["assembly"] for m in child["memberships"]] == ["cocuk"]
    assert child["memberships"][0]["guardian_confirmed_at"] is not None
    assert [r["event_title"] for r in child["registrations"]] == ["Çocuk meclisi"]
    assert data["draft"]["step"] == "location"
    assert data["draft"]["data"]["text"].startswith("Taslak metin")
    # Times are ISO 8601 with their UTC offset.
    assert datetime.fromisoformat(first["created_at"]) == T0


# --- erasure ------------------------------------------------------------------------------


def test_erasure_keeps_every_count_and_no_trace_of_the_person(
    db: Engine, config: Config, calendar: WorkingCalendar
) -> None:
    ids = build_world(db, config, calendar)
    before = counts(db, config)
    everything = all_rows_text(db)
    assert all(s in everything for s in AYSE_STRINGS)  # the check below can fail

    with transaction(db) as s:
        outbox.enqueue(
            s,
            dict.fromkeys((AYSE, BURAK), "📣 Gençlik buluşması yarın."),
            kind="announcement",
            now=T0,
        )
        s.add(FailedDelivery(chat_id=AYSE, method="sendMessage", error="Forbidden", attempts=1))
    burak_before = export_of(db, ids["burak"])
    with transaction(db) as s:
        ayse = s.get(Citizen, ids["ayse"])
        assert ayse is not None
        erased = privacy.erase(s, ayse, PARTS, T0 + timedelta(days=1))
    assert sorted(erased.request_ids) == sorted([ids["first"], ids["second"]])
    assert erased.children == 1

    assert counts(db, config) == before
    left = all_rows_text(db)
    assert [s for s in AYSE_STRINGS if s in left] == []
    assert export_of(db, ids["burak"]) == burak_before
    with transaction(db) as s:
        assert s.exec(select(FailedDelivery).where(FailedDelivery.chat_id == AYSE)).all() == []

    with transaction(db) as s:
        ayse = s.get(Citizen, ids["ayse"])
        child = s.get(Citizen, ids["child"])
        assert ayse is not None and child is not None
        for person in (ayse, child):
            assert (
                person.first_name,
                person.last_name,
                person.phone,
                person.birth_date,
                person.telegram_id,
            ) == (None, None, None, None, None)
            assert person.deleted_at is not None
        first = s.get(Request, ids["first"])
        assert first is not None
        assert (first.text, first.contact_phone, first.latitude, first.address) == (
            privacy.ERASED,
            None,
            None,
            None,
        )
        assert first.citizen_id == ids["ayse"]  # still hers, anonymously: counts stay
        files = s.exec(
            select(Attachment).where(col(Attachment.request_id).in_([ids["first"], ids["second"]]))
        ).all()
        assert files and all(f.deleted_at and f.telegram_file_id is None for f in files)
        answer = s.exec(
            select(SatisfactionAnswer).where(SatisfactionAnswer.request_id == ids["first"])
        ).one()
        assert (answer.score, answer.comment) == (5, None)
        assert s.get(ConversationState, ids["ayse"]) is None
        assert s.exec(select(MessageLink).where(MessageLink.chat_id == AYSE)).first() is None
        assert s.exec(select(MessageLink).where(MessageLink.chat_id == BURAK)).first()
        # An announcement queued for her chat goes too; the other citizen's stays.
        assert [m.chat_id for m in s.exec(select(OutboxMessage))] == [BURAK]
        # The other citizen keeps everything.
        other = s.get(Request, ids["other"])
        assert other is not None and other.text == BURAK_TEXT and other.contact_phone == BURAK_PHONE
        assert privacy.citizen_of(s, AYSE) is None and privacy.citizen_of(s, BURAK)

    # Erasing again changes nothing.
    after = all_rows_text(db)
    with transaction(db) as s:
        ayse = s.get(Citizen, ids["ayse"])
        assert ayse is not None
        privacy.erase(s, ayse, PARTS, T0 + timedelta(days=2))
    assert all_rows_text(db) == after


# --- retention ----------------------------------------------------------------------------

OLD = datetime(2024, 1, 9, 9, 0, tzinfo=IST)
SWEEP_AT = datetime(2026, 6, 1, 3, 0, tzinfo=IST)
RETENTION = 730  # cutoff 2024-06-01


def test_retention_erases_only_requests_closed_long_ago_and_only_once(
    db: Engine, config: Config, calendar: WorkingCalendar
) -> None:
    with transaction(db) as s:
        staff.upsert(s, STAFF, "staff", "temizlik", name="Mehmet Kaya")
        ayse = make_person(s, AYSE, "Ayşe", "Yılmaz", "ayse_y", PHONE)

        def filed(body: str, when: datetime) -> int:
            request = file_full(
                s, calendar, ayse, "cop", "sikayet", body, when, photo=PHOTO, phone=PHONE
            )
            assert request.id is not None
            return request.id

        resolved_old = filed("eski çözülen " + COMPLAINT, OLD)
        workflow.staff_action(
            s, resolved_old, staff.active_member(s, STAFF), "answer", ANSWER, now=OLD
        )
        workflow.staff_action(
            s, resolved_old, staff.active_member(s, STAFF), "resolve", now=OLD + timedelta(days=1)
        )
        survey.answer(s, ayse, resolved_old, 4, OLD + timedelta(days=2))
        survey.add_comment(s, ayse, resolved_old, COMMENT)
        rejected_old = filed("eski reddedilen", OLD)
        workflow.staff_action(
            s,
            rejected_old,
            staff.active_member(s, STAFF),
            "reject",
            "Ayşe Hanım, bu bizim işimiz değil.",
            now=OLD + timedelta(days=3),
        )
        withdrawn_old = filed("eski geri çekilen", OLD)
        workflow.citizen_action(s, ayse, withdrawn_old, "withdraw", now=OLD + timedelta(days=4))
        # Filed long ago but closed within the period: kept.
        resolved_late = filed("geç çözülen", OLD)
        workflow.staff_action(
            s,
            resolved_late,
            staff.active_member(s, STAFF),
            "resolve",
            now=SWEEP_AT - timedelta(days=100),
        )
        recent = filed("yeni çözülen", SWEEP_AT - timedelta(days=10))
        workflow.staff_action(
            s, recent, staff.active_member(s, STAFF), "resolve", now=SWEEP_AT - timedelta(days=9)
        )
        open_old = filed("eski ama açık", OLD)
        # An imported, closed request: no events, only its resolution time.
        imported = Request(
            number="2024-900001",
            channel="phone",
            type="bilgi",
            category_code="genel",
            department_code="halkla_iliskiler",
            text="Telefonla gelen: Ayşe Yılmaz bilgi istedi.",
            contact_phone=PHONE,
            status="resolved",
            created_at=OLD,
            first_response_at=OLD,
            resolved_at=OLD,
            updated_at=OLD,
            import_key="k-1",
        )
        s.add(imported)
        s.flush()
        assert imported.id is not None
        imported_id = imported.id

    gone = {resolved_old, rejected_old, withdrawn_old, imported_id}
    kept = {resolved_late, recent, open_old}
    before = counts(db, config)
    with transaction(db) as s:
        assert set(request_privacy.expired(s, SWEEP_AT, RETENTION)) == gone
        assert len(privacy.retention_sweep(s, PARTS, SWEEP_AT, RETENTION).request_ids) == 4
    first_pass = all_rows_text(db)
    assert counts(db, config) == before
    with transaction(db) as s:
        assert privacy.retention_sweep(s, PARTS, SWEEP_AT, RETENTION).request_ids == []
        assert (
            privacy.retention_sweep(s, PARTS, SWEEP_AT + timedelta(hours=1), RETENTION).request_ids
            == []
        )
    assert all_rows_text(db) == first_pass

    with transaction(db) as s:
        for request_id in gone | kept:
            request = s.get(Request, request_id)
            assert request is not None
            events = s.exec(select(RequestEvent).where(RequestEvent.request_id == request_id)).all()
            files = s.exec(select(Attachment).where(Attachment.request_id == request_id)).all()
            if request_id in gone:
                assert (
                    request.text,
                    request.contact_phone,
                    request.latitude,
                    request.longitude,
                ) == (privacy.ERASED, None, None, None)
                assert all(e.text in (None, privacy.ERASED) for e in events)
                assert all(f.deleted_at and f.telegram_file_id is None for f in files)
            else:
                assert request.text != privacy.ERASED and request.contact_phone == PHONE
                assert all(f.deleted_at is None and f.telegram_file_id == PHOTO for f in files)
        answer = s.exec(
            select(SatisfactionAnswer).where(SatisfactionAnswer.request_id == resolved_old)
        ).one()
        assert (answer.score, answer.comment) == (4, None)
        # The citizen is still a citizen: her profile is not the sweep's business.
        ayse_row = privacy.citizen_of(s, AYSE)
        assert ayse_row is not None and ayse_row.phone == PHONE and ayse_row.deleted_at is None


def test_retention_days_must_be_positive(db: Engine) -> None:
    with transaction(db) as s, pytest.raises(ValueError):
        privacy.retention_sweep(s, PARTS, SWEEP_AT, 0)


def test_citizen_of_creates_nobody(db: Engine) -> None:
    with transaction(db) as s:
        assert privacy.citizen_of(s, 424242) is None
        assert s.exec(select(func.count()).select_from(Citizen)).one() == 0


def test_placeholder_is_a_valid_png() -> None:
    """The grey image that replaces an erased photo the bot can no longer delete."""
    png = placeholder_png()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) < 4096
    assert image_size(png) == (320, 240)
    assert placeholder_png() is png  # made once
