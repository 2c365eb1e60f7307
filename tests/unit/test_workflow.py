"""After filing: staff actions, citizen follow-ups, the audit trail, the citizen's list."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from common.config import Config
from core import intake, staff, workflow
from core.refusals import Refused
from core.working_time import WorkingCalendar
from db.engine import transaction
from db.models import Attachment, Citizen, Department, Request, RequestEvent, StaffMember
from tests.builders import citizen_of, file_request, make_citizen

IST = ZoneInfo("Europe/Istanbul")
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=IST)  # a Tuesday morning
STAFF = 8101  # temizlik staff
OTHER = 8102  # another temizlik staff member


@pytest.fixture
def request_id(db: Engine, calendar: WorkingCalendar) -> int:
    """A new `cop` complaint (department temizlik) and two temizlik staff members."""
    cid = make_citizen(db, 8001)
    request = file_request(db, calendar, cid, "cop", now=T0)
    with transaction(db) as session:
        staff.upsert(session, STAFF, "staff", "temizlik", name="Mehmet Kaya")
        staff.upsert(session, OTHER, "staff", "temizlik")
    assert request.id is not None
    return request.id


def act(
    db: Engine,
    request_id: int,
    action: str,
    text: str | None = None,
    department: str | None = None,
    who: int = STAFF,
    minutes: int = 10,
) -> workflow.Change:
    with transaction(db) as session:
        return workflow.staff_action(
            session,
            request_id,
            staff.active_member(session, who),
            action,
            text,
            department,
            now=T0 + timedelta(minutes=minutes),
        )


def load(db: Engine, request_id: int) -> tuple[Request, list[RequestEvent]]:
    with transaction(db) as session:
        request = session.get(Request, request_id)
        assert request is not None
        return request, workflow.history(session, request)


def member_id(db: Engine, telegram_id: int) -> int | None:
    with transaction(db) as session:
        member = session.exec(
            select(StaffMember).where(StaffMember.telegram_id == telegram_id)
        ).one()
        return member.id


# --- staff actions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "text", "kind", "status"),
    [
        ("assign", None, "assigned", "assigned"),
        ("answer", "Ekibimiz bugün toplayacak.", "answered", "answered"),
        ("ask", "Hangi sokakta?", "question", "new"),
        ("resolve", None, "resolved", "resolved"),
        ("resolve", "Toplandı.", "resolved", "resolved"),
        ("reject", "Bu alan belediyemize ait değil.", "rejected", "rejected"),
    ],
)
def test_staff_action_writes_one_event(
    db: Engine, request_id: int, action: str, text: str | None, kind: str, status: str
) -> None:
    change = act(db, request_id, action, text, minutes=30)
    assert change.event.kind == kind and change.actor is not None
    assert change.actor.telegram_id == STAFF
    request, events = load(db, request_id)
    assert [e.kind for e in events] == ["created", kind]
    event = events[-1]
    assert (event.actor, event.actor_telegram_id, event.text) == ("staff", STAFF, text)
    assert event.at == T0 + timedelta(minutes=30) == request.updated_at
    assert request.status == status
    if action == "assign":
        assert request.assignee_id == member_id(db, STAFF)
        assert request.first_response_at is None  # taking a request is not answering it
    else:
        assert request.first_response_at == T0 + timedelta(minutes=30)
        assert request.assignee_id is None
    if action == "resolve":
        assert request.resolved_at == T0 + timedelta(minutes=30)
    else:
        assert request.resolved_at is None


def test_redirect(db: Engine, request_id: int) -> None:
    act(db, request_id, "assign")
    change = act(db, request_id, "redirect", department="zabita", minutes=20)
    assert change.previous_department == "temizlik"
    request, events = load(db, request_id)
    assert [e.kind for e in events] == ["created", "assigned", "redirected"]
    event = events[-1]
    assert (event.actor, event.actor_telegram_id) == ("staff", STAFF)
    assert event.data == {"from": "temizlik", "to": "zabita"}
    assert (request.department_code, request.status, request.assignee_id) == ("zabita", "new", None)
    assert request.category_code == "cop"
    assert request.first_response_at is None  # a redirect does not answer the citizen
    # The old department's staff may no longer act on it.
    with pytest.raises(staff.NotAllowed):
        act(db, request_id, "answer", "Toplayacağız.")


@pytest.mark.parametrize(
    ("department", "reason"),
    [
        ("temizlik", "same_department"),
        ("uzay", "unknown_department"),
        (None, "unknown_department"),
        ("", "unknown_department"),
    ],
)
def test_redirect_refused(db: Engine, request_id: int, department: str | None, reason: str) -> None:
    with pytest.raises(Refused) as error:
        act(db, request_id, "redirect", department=department)
    assert error.value.reason == reason
    request, events = load(db, request_id)
    assert request.department_code == "temizlik" and [e.kind for e in events] == ["created"]


def test_redirect_to_an_inactive_department_refused(db: Engine, request_id: int) -> None:
    with transaction(db) as session:
        department = session.get(Department, "zabita")
        assert department is not None
        department.active = False
        session.add(department)
    with pytest.raises(Refused) as error:
        act(db, request_id, "redirect", department="zabita")
    assert error.value.reason == "unknown_department"
    assert load(db, request_id)[0].department_code == "temizlik"


def test_first_response_is_never_moved_later(db: Engine, request_id: int) -> None:
    act(db, request_id, "assign", minutes=5)
    assert load(db, request_id)[0].first_response_at is None
    act(db, request_id, "ask", "Konteyner hangi köşede?", minutes=15)
    act(db, request_id, "answer", "Yarın sabah toplanacak.", minutes=60)
    act(db, request_id, "resolve", minutes=120)
    request, events = load(db, request_id)
    assert request.first_response_at == T0 + timedelta(minutes=15)
    assert request.resolved_at == T0 + timedelta(minutes=120)
    assert [e.kind for e in events] == ["created", "assigned", "question", "answered", "resolved"]
    assert all(e.actor_telegram_id in (8001, STAFF) for e in events)


@pytest.mark.parametrize("first", ["answer", "ask", "resolve", "reject"])
def test_each_responding_action_sets_the_first_response(
    db: Engine, request_id: int, first: str
) -> None:
    act(db, request_id, first, "Bilgi" if first != "resolve" else None, minutes=45)
    assert load(db, request_id)[0].first_response_at == T0 + timedelta(minutes=45)


def test_assign(db: Engine, request_id: int) -> None:
    act(db, request_id, "assign")
    with pytest.raises(Refused) as error:
        act(db, request_id, "assign")
    assert error.value.reason == "already_assigned"
    act(db, request_id, "assign", who=OTHER)  # a colleague takes it over
    request, events = load(db, request_id)
    assert request.assignee_id == member_id(db, OTHER)
    assert [(e.kind, e.actor_telegram_id) for e in events[1:]] == [
        ("assigned", STAFF),
        ("assigned", OTHER),
    ]


@pytest.mark.parametrize(
    ("action", "text", "reason"),
    [
        ("reject", None, "reason_required"),
        ("reject", "", "reason_required"),
        ("answer", None, "text_required"),
        ("answer", "", "text_required"),
        ("ask", None, "text_required"),
        ("answer", "x" * 4001, "too_long"),
        ("fly", "x", "unknown_action"),
    ],
)
def test_action_refused_changes_nothing(
    db: Engine, request_id: int, action: str, text: str | None, reason: str
) -> None:
    with pytest.raises(Refused) as error:
        act(db, request_id, action, text)
    assert error.value.reason == reason
    request, events = load(db, request_id)
    assert (request.status, request.first_response_at) == ("new", None)
    assert [e.kind for e in events] == ["created"]


def test_answer_of_4000_characters_is_accepted(db: Engine, request_id: int) -> None:
    act(db, request_id, "answer", "x" * 4000)
    assert load(db, request_id)[1][-1].text == "x" * 4000


@pytest.mark.parametrize("closing", ["resolve", "reject", "withdraw"])
def test_no_action_on_a_closed_request(db: Engine, request_id: int, closing: str) -> None:
    if closing == "withdraw":
        with transaction(db) as session:
            citizen = citizen_of(session, load(db, request_id)[0].citizen_id or 0)
            workflow.citizen_action(session, citizen, request_id, "withdraw")
    else:
        act(db, request_id, closing, "Gerekçe")
    closed, before = load(db, request_id)
    for action, text, department in [
        ("assign", None, None),
        ("answer", "Tamam", None),
        ("ask", "Nerede?", None),
        ("resolve", None, None),
        ("reject", "Hayır", None),
        ("redirect", None, "zabita"),
    ]:
        with pytest.raises(Refused) as error:
            act(db, request_id, action, text, department)
        assert error.value.reason == "closed"
    for action, text in [("note", "Ek bilgi"), ("reply", "Cevap"), ("withdraw", None)]:
        with pytest.raises(Refused) as error, transaction(db) as session:
            citizen = citizen_of(session, closed.citizen_id or 0)
            workflow.citizen_action(session, citizen, request_id, action, text)
        assert error.value.reason == "closed"
    request, after = load(db, request_id)
    assert (request.status, request.department_code) == (closed.status, "temizlik")
    assert len(after) == len(before)


def test_unknown_request(db: Engine, request_id: int) -> None:
    with pytest.raises(workflow.NotFound):
        act(db, request_id + 1000, "assign")


# --- the citizen's side --------------------------------------------------------------------


def test_citizen_actions_on_their_own_request(db: Engine, request_id: int) -> None:
    request = load(db, request_id)[0]
    assert request.citizen_id is not None
    cid = request.citizen_id
    steps: list[tuple[str, str | None, tuple[str, str] | None, str]] = [
        ("note", "Konteyner kapağı da kırık.", None, "note"),
        ("reply", "Çiçek Sokak köşesi.", None, "citizen_reply"),
        ("photo", None, ("file-1", "uniq-1"), "photo"),
    ]
    for minutes, (action, text, photo, kind) in enumerate(steps, start=1):
        with transaction(db) as session:
            change = workflow.citizen_action(
                session,
                citizen_of(session, cid),
                request_id,
                action,
                text,
                photo,
                now=T0 + timedelta(minutes=minutes),
            )
        assert change.event.kind == kind and change.actor is None
    for action in ("note", "reply"):
        with pytest.raises(Refused) as error, transaction(db) as session:
            workflow.citizen_action(session, citizen_of(session, cid), request_id, action, "")
        assert error.value.reason == "text_required"
    with pytest.raises(Refused) as error, transaction(db) as session:
        workflow.citizen_action(session, citizen_of(session, cid), request_id, "photo")
    assert error.value.reason == "photo_required"

    request, events = load(db, request_id)
    assert [(e.kind, e.actor, e.actor_telegram_id, e.text) for e in events[1:]] == [
        ("note", "citizen", 8001, "Konteyner kapağı da kırık."),
        ("citizen_reply", "citizen", 8001, "Çiçek Sokak köşesi."),
        ("photo", "citizen", 8001, None),
    ]
    # Citizen messages are not responses and do not change the status.
    assert (request.status, request.first_response_at) == ("new", None)
    with transaction(db) as session:
        files = workflow.attachments(session, request)
        assert [(a.telegram_file_id, a.file_unique_id) for a in files] == [("file-1", "uniq-1")]

    with transaction(db) as session:
        workflow.citizen_action(
            session, citizen_of(session, cid), request_id, "withdraw", now=T0 + timedelta(minutes=9)
        )
    request, events = load(db, request_id)
    assert request.status == "cancelled"
    assert (events[-1].kind, events[-1].actor) == ("cancelled", "citizen")


def test_another_citizens_request_is_not_found(db: Engine, request_id: int) -> None:
    stranger = make_citizen(db, 8999)
    request, before = load(db, request_id)
    for action, text, photo in [
        ("note", "Merhaba", None),
        ("reply", "Cevap", None),
        ("photo", None, ("f", "u")),
        ("withdraw", None, None),
        ("unknown", None, None),
    ]:
        with pytest.raises(workflow.NotFound), transaction(db) as session:
            workflow.citizen_action(
                session, citizen_of(session, stranger), request_id, action, text, photo
            )
    with transaction(db) as session:
        citizen = citizen_of(session, stranger)
        with pytest.raises(workflow.NotFound):
            workflow.citizen_request(session, citizen, request_id)
        with pytest.raises(workflow.NotFound):
            workflow.citizen_request_by_number(session, citizen, request.number)
        with pytest.raises(workflow.NotFound):
            workflow.citizen_request_by_number(session, citizen, "2026-999999")
        assert workflow.list_for_citizen(session, citizen) == ([], 0)
        owner = citizen_of(session, request.citizen_id or 0)
        found = workflow.citizen_request_by_number(session, owner, f" {request.number} ")
        assert found.id == request_id
        assert workflow.citizen_request(session, owner, request_id).id == request_id
        assert session.exec(select(Attachment)).all() == []
    after_request, after = load(db, request_id)
    assert after_request.status == "new" and len(after) == len(before)


def test_a_recorded_request_belongs_to_no_citizen(db: Engine, calendar: WorkingCalendar) -> None:
    cid = make_citizen(db, 8010)
    with transaction(db) as session:
        citizen = citizen_of(session, cid)
        draft = intake.start_record(session, citizen)
        intake.set_channel(session, draft, "phone")
        intake.set_type(session, draft, "talep")
        intake.set_category(session, draft, "cop")
        intake.set_text(session, draft, "Telefonla bildirildi: çöp toplanmadı.")
        intake.skip(session, draft)
        request = intake.submit(session, citizen, draft, calendar).request
    assert request.id is not None
    with transaction(db) as session:
        citizen = citizen_of(session, cid)
        with pytest.raises(workflow.NotFound):
            workflow.citizen_request(session, citizen, request.id)
        with pytest.raises(workflow.NotFound):
            workflow.citizen_request_by_number(session, citizen, request.number)
        assert workflow.list_for_citizen(session, citizen) == ([], 0)


def test_list_for_citizen_pages_newest_first(db: Engine, calendar: WorkingCalendar) -> None:
    mine, theirs = make_citizen(db, 8020), make_citizen(db, 8021)
    filed = [file_request(db, calendar, mine, now=T0 + timedelta(hours=i)).number for i in range(7)]
    file_request(db, calendar, theirs, now=T0 + timedelta(hours=3, minutes=30))
    with transaction(db) as session:
        citizen = citizen_of(session, mine)
        first, total = workflow.list_for_citizen(session, citizen, page=0, per_page=3)
        second, _ = workflow.list_for_citizen(session, citizen, page=1, per_page=3)
        third, _ = workflow.list_for_citizen(session, citizen, page=2, per_page=3)
        beyond, total_beyond = workflow.list_for_citizen(session, citizen, page=3, per_page=3)
    assert total == 7 and total_beyond == 7
    pages = [[r.number for r in page] for page in (first, second, third)]
    newest_first = list(reversed(filed))
    assert pages == [newest_first[0:3], newest_first[3:6], newest_first[6:7]]
    assert beyond == []
    assert all(r.citizen_id == mine for r in first + second + third)


def test_history_is_in_time_order(db: Engine, request_id: int) -> None:
    act(db, request_id, "answer", "Geliyoruz.", minutes=50)
    act(db, request_id, "assign", minutes=20)
    _, events = load(db, request_id)
    assert [e.kind for e in events] == ["created", "assigned", "answered"]
    assert [e.at for e in events] == sorted(e.at for e in events)


def test_a_card_is_stored_and_a_linked_message_keeps_its_first_link(
    db: Engine, request_id: int, calendar: WorkingCalendar
) -> None:
    """Two tasks may link the same message (a card post and the SLA sweep's repost racing
    each other): the second neither fails nor changes the first link."""
    other = file_request(db, calendar, make_citizen(db, 8002), "cop", now=T0)
    assert other.id is not None
    with transaction(db) as session:
        workflow.set_card(session, request_id, -100, 501, workflow.PHOTO_CARD)
    with transaction(db) as session:
        workflow.link_message(session, -100, 501, other.id, "question")
    with transaction(db) as session:
        request = session.get(Request, request_id)
        assert request is not None
        assert (request.card_chat_id, request.card_message_id) == (-100, 501)
        link = workflow.linked(session, -100, 501)
        assert link is not None
        assert (link.request_id, link.purpose) == (request_id, workflow.PHOTO_CARD)


@pytest.mark.parametrize("photos", [0, 1, 2])
def test_a_new_card_from_the_filing_transaction_is_the_card_the_database_gives(
    db: Engine, config: Config, calendar: WorkingCalendar, photos: int
) -> None:
    """Filing renders the card from what it just stored, so the card post does not read it
    back; the SLA sweep's repost reads it from the database. Both must post the same."""
    from handlers.delivery import _card_text, new_card

    cid = make_citizen(db, 8003)
    with transaction(db) as session:
        citizen = session.get(Citizen, cid)
        assert citizen is not None
        citizen.first_name, citizen.last_name = "Ayşe", "Yılmaz"
        draft = intake.start(session, citizen)
        intake.set_category(session, draft, "cop")
        intake.set_text(session, draft, "Konteyner taştı, çöpler sokağa yayıldı.")
        intake.set_location(session, draft, 41.0255, 29.1020)
        for n in range(photos):
            intake.add_photo(session, draft, f"file-{n}", f"unique-{n}")
        intake.skip(session, draft)  # the location step
        intake.set_phone(session, draft, "+90 555 111 22 33")
        submitted = intake.submit(session, citizen, draft, calendar, now=T0)
        request, text, on_photo, photo_ids = new_card(session, config, submitted, citizen)
    assert request.id is not None
    stored = _card_text(db, config, request.id, new=True)
    assert (stored[1], stored[2], stored[3]) == (text, on_photo, photo_ids)
    assert on_photo == (photos == 1) and "Ayşe Yılmaz" in text
