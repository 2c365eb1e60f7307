"""Filing a request without Telegram: the draft's steps, validation, numbering, the SLA clock.

Every step runs in its own transaction and reloads the draft, as the bot does, so what is
asserted is what the database kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from common.config import DEFAULT_CONFIG_PATH, parse_config
from common.i18n import translator
from core import intake, numbering, staff, workflow
from core.refusals import Refused
from core.working_time import WorkingCalendar
from db.engine import transaction
from db.models import Attachment, Category, ConversationState, Request, RequestEvent
from tests.builders import COMPLAINT, citizen_of, file_request, make_citizen

IST = ZoneInfo("Europe/Istanbul")


# --- helpers (a citizen and a filed request come from tests/builders.py) ---------------------


def draft_step(
    db: Engine, citizen_id: int, action: Callable[[Session, ConversationState], object]
) -> ConversationState:
    """Run one filing step on the stored draft in its own transaction; return the draft."""
    with transaction(db) as session:
        draft = session.get(ConversationState, citizen_id)
        assert draft is not None
        action(session, draft)
        return draft


def using(
    step: Callable[..., object], *args: object
) -> Callable[[Session, ConversationState], object]:
    """A filing step with its arguments, for `draft_step`."""
    return lambda session, draft: step(session, draft, *args)


def loaded_draft(session: Session, citizen_id: int) -> ConversationState:
    draft = session.get(ConversationState, citizen_id)
    assert draft is not None
    return draft


def stored_draft(db: Engine, citizen_id: int) -> ConversationState | None:
    with transaction(db) as session:
        return session.get(ConversationState, citizen_id)


def count_requests(db: Engine) -> int:
    with transaction(db) as session:
        return int(session.exec(select(func.count()).select_from(Request)).one())


# --- the full walk ---------------------------------------------------------------------------


def test_full_draft_walk_files_the_request(db: Engine, calendar: WorkingCalendar) -> None:
    cid = make_citizen(db, 7001, consent=False)
    with transaction(db) as session:
        draft = intake.start(session, citizen_of(session, cid))
    assert stored_draft(db, cid) is not None
    assert draft.step == "kvkk"  # no consent yet: the KVKK notice comes first

    with transaction(db) as session:
        draft = loaded_draft(session, cid)
        intake.accept_consent(session, citizen_of(session, cid), draft, "Ayşe", "Yılmaz", "ayse")
    with transaction(db) as session:
        citizen = citizen_of(session, cid)
        assert citizen.consent_at is not None
        assert (citizen.first_name, citizen.last_name, citizen.username) == (
            "Ayşe",
            "Yılmaz",
            "ayse",
        )
    # Type and topic share the first screen; the type comes preselected.
    assert (draft.step, draft.data) == ("category", {"type": "sikayet"})

    with pytest.raises(Refused) as error:
        draft_step(db, cid, lambda s, d: intake.set_type(s, d, "dilekce"))
    assert error.value.reason == "unknown_type"
    draft = draft_step(db, cid, lambda s, d: intake.set_type(s, d, "talep"))
    assert (draft.step, draft.data["type"]) == ("category", "talep")  # a toggle: no step on
    draft = draft_step(db, cid, lambda s, d: intake.set_type(s, d, "sikayet"))
    assert (draft.step, draft.data["type"]) == ("category", "sikayet")

    with pytest.raises(Refused) as error:
        draft_step(db, cid, lambda s, d: intake.set_category(s, d, "yok_boyle"))
    assert error.value.reason == "unknown_category"
    assert draft_step(db, cid, lambda s, d: intake.set_category(s, d, "cop")).step == "text"

    draft = draft_step(db, cid, lambda s, d: intake.set_text(s, d, f"  {COMPLAINT}\n"))
    assert (draft.step, draft.data["text"]) == ("location", COMPLAINT)

    with pytest.raises(Refused) as error:
        draft_step(db, cid, lambda s, d: intake.set_location(s, d, 91.0, 29.0))
    assert error.value.reason == "bad_location"
    # The location step takes photos too, before or after the location, up to 3.
    draft = draft_step(db, cid, using(intake.add_photo, "f1", "u1"))
    assert draft.step == "location" and len(draft.data["photos"]) == 1
    draft = draft_step(db, cid, lambda s, d: intake.set_location(s, d, 41.0255, 29.1020))
    assert (draft.step, draft.data["latitude"], draft.data["longitude"]) == (
        "location",
        41.0255,
        29.1020,
    )
    for n in (2, 3):
        draft = draft_step(db, cid, using(intake.add_photo, f"f{n}", f"u{n}"))
        assert draft.step == "location" and len(draft.data["photos"]) == n
    with pytest.raises(Refused) as error:
        draft_step(db, cid, lambda s, d: intake.add_photo(s, d, "f4", "u4"))
    assert error.value.reason == "too_many_photos"
    draft = draft_step(db, cid, lambda s, d: intake.skip(s, d))  # Continue
    assert draft.step == "phone"
    stored = stored_draft(db, cid)
    assert stored is not None and stored.step == "phone"
    assert [p["file_id"] for p in stored.data["photos"]] == ["f1", "f2", "f3"]

    for bad in ("12345", "abc", "+90 555 111 22 33 44 55 66"):
        with pytest.raises(Refused) as error:
            draft_step(db, cid, using(intake.set_phone, bad))
        assert error.value.reason == "bad_phone"
    draft = draft_step(db, cid, lambda s, d: intake.set_phone(s, d, " +90 (555) 111-22-33 "))
    assert (draft.step, draft.data["phone"]) == ("summary", "+905551112233")

    now = datetime(2026, 11, 24, 10, 0, tzinfo=IST)  # a Tuesday morning
    with transaction(db) as session:
        draft = loaded_draft(session, cid)
        submitted = intake.submit(session, citizen_of(session, cid), draft, calendar, now=now)
    assert submitted.department_code == "temizlik"

    with transaction(db) as session:
        assert session.get(ConversationState, cid) is None
        request = session.exec(select(Request)).one()
        assert request.id == submitted.request.id
        assert re.fullmatch(r"2026-\d{6}", request.number)
        assert (request.channel, request.type, request.category_code) == (
            "telegram",
            "sikayet",
            "cop",
        )
        assert (request.department_code, request.citizen_id, request.status) == (
            "temizlik",
            cid,
            "new",
        )
        assert request.text == COMPLAINT
        assert (request.latitude, request.longitude) == (41.0255, 29.1020)
        assert request.contact_phone == "+905551112233"
        assert request.created_at == now
        assert request.due_at == calendar.add_working_hours(now, 8)
        assert request.first_response_at is None and request.assignee_id is None
        photos = session.exec(
            select(Attachment)
            .where(Attachment.request_id == request.id)
            .order_by(col(Attachment.id))
        ).all()
        assert [(p.telegram_file_id, p.file_unique_id) for p in photos] == [
            ("f1", "u1"),
            ("f2", "u2"),
            ("f3", "u3"),
        ]
        events = session.exec(select(RequestEvent)).all()
        assert [(e.kind, e.actor, e.actor_telegram_id) for e in events] == [
            ("created", "citizen", 7001)
        ]
        assert events[0].data == {"department": "temizlik"}
        assert citizen_of(session, cid).phone == "+905551112233"


def test_phone_normalisation(db: Engine) -> None:
    cid = make_citizen(db, 7002)
    cases = {
        "+90 555 111 22 33": "+905551112233",
        "905551112233": "905551112233",  # a shared contact without the plus sign
        "0 (555) 111 22 33": "05551112233",
        "5551112233": "5551112233",  # 10 digits: the shortest accepted
        "123456789012345": "123456789012345",  # 15 digits: the longest accepted
    }
    for typed, expected in cases.items():
        with transaction(db) as session:
            draft = intake.start(session, citizen_of(session, cid))
            draft.step = "phone"
        draft = draft_step(db, cid, using(intake.set_phone, typed))
        assert (draft.step, draft.data["phone"]) == ("summary", expected)
    for bad in ("555 111 22 3", "1234567890123456", ""):
        with pytest.raises(Refused) as error:
            draft_step(db, cid, using(intake.set_phone, bad))
        assert error.value.reason == "bad_phone"


def test_address_and_skip_on_the_location_step(db: Engine) -> None:
    cid = make_citizen(db, 7003)
    with transaction(db) as session:
        draft = intake.start(session, citizen_of(session, cid))
        draft.step = "location"
    with pytest.raises(Refused) as error:
        draft_step(db, cid, lambda s, d: intake.set_address(s, d, "   "))
    assert error.value.reason == "empty"
    with pytest.raises(Refused) as error:
        draft_step(db, cid, lambda s, d: intake.set_address(s, d, "x" * 501))
    assert error.value.reason == "too_long"
    draft = draft_step(db, cid, lambda s, d: intake.set_address(s, d, " Atatürk Cd. No 5 "))
    assert (draft.step, draft.data["address"]) == ("location", "Atatürk Cd. No 5")
    assert "latitude" not in draft.data
    # A photo after the address, then a location: all kept, still on the step.
    draft = draft_step(db, cid, using(intake.add_photo, "f1", "u1"))
    draft = draft_step(db, cid, lambda s, d: intake.set_location(s, d, 41.0, 29.0))
    assert draft.step == "location"
    assert (draft.data["address"], draft.data["latitude"], len(draft.data["photos"])) == (
        "Atatürk Cd. No 5",
        41.0,
        1,
    )

    draft = draft_step(db, cid, lambda s, d: intake.skip(s, d))
    assert draft.step == "phone"
    draft = draft_step(db, cid, lambda s, d: intake.skip(s, d))
    assert draft.step == "summary" and "phone" not in draft.data
    # Only the location (with photos) and the phone may be skipped.
    for step in ("category", "text", "summary"):
        with transaction(db) as session:
            stored = session.get(ConversationState, cid)
            assert stored is not None
            stored.step = step
        with pytest.raises(Refused) as error:
            draft_step(db, cid, lambda s, d: intake.skip(s, d))
        assert error.value.reason == "not_optional"
        stored_after = stored_draft(db, cid)
        assert stored_after is not None and stored_after.step == step


# --- Back and Edit -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "previous"),
    [
        ("category", "category"),
        ("text", "category"),
        ("location", "text"),
        ("phone", "location"),
        ("summary", "phone"),
        # Drafts saved by an earlier version at steps that have since been merged.
        ("type", "category"),
        ("photos", "text"),
    ],
)
def test_back_goes_to_the_previous_step(db: Engine, current: str, previous: str) -> None:
    cid = make_citizen(db, 7010)
    with transaction(db) as session:
        draft = intake.start(session, citizen_of(session, cid))
        intake._save(session, draft, current, type="talep", editing=True)
    draft = draft_step(db, cid, lambda s, d: intake.go_back(s, d))
    assert draft.step == previous
    assert draft.data["editing"] is False and draft.data["type"] == "talep"


@pytest.mark.parametrize(
    ("current", "previous"),
    [
        ("channel", "channel"),
        ("category", "channel"),
        ("text", "category"),
        ("phone", "text"),
        ("summary", "phone"),
    ],
)
def test_back_in_record_mode(db: Engine, current: str, previous: str) -> None:
    cid = make_citizen(db, 7011)
    with transaction(db) as session:
        draft = intake.start_record(session, citizen_of(session, cid))
        draft.step = current
    draft = draft_step(db, cid, lambda s, d: intake.go_back(s, d))
    assert draft.step == previous and draft.data["mode"] == "record"


def test_back_from_the_consent_notice_does_not_skip_consent(db: Engine) -> None:
    """Back (the reply-keyboard button typed as text, or a forged f:back callback) while the
    KVKK notice is shown must not move the citizen past it without their consent."""
    cid = make_citizen(db, 7012, consent=False)
    with transaction(db) as session:
        assert intake.start(session, citizen_of(session, cid)).step == "kvkk"
    draft = draft_step(db, cid, lambda s, d: intake.go_back(s, d))
    with transaction(db) as session:
        assert citizen_of(session, cid).consent_at is None
    assert draft.step == "kvkk"


def walk_to_summary(db: Engine, citizen_id: int) -> None:
    with transaction(db) as session:
        draft = intake.start(session, citizen_of(session, citizen_id))
        intake.set_type(session, draft, "talep")
        intake.set_category(session, draft, "yol")
        intake.set_text(session, draft, "Kaldırımda büyük bir çukur var, yaşlılar düşüyor.")
        intake.set_address(session, draft, "Çiçek Sk. 3")
        intake.skip(session, draft)  # Continue, without photos
        intake.set_phone(session, draft, "05551112233")
        assert draft.step == "summary"


@pytest.mark.parametrize(
    ("step", "action", "key", "value"),
    [
        (
            "category",
            lambda s, d: intake.set_category(s, d, "aydinlatma"),
            "category",
            "aydinlatma",
        ),
        (
            "text",
            lambda s, d: intake.set_text(s, d, "Sokak lambası yanmıyor."),
            "text",
            "Sokak lambası yanmıyor.",
        ),
        (
            "location",
            lambda s, d: (intake.set_location(s, d, 40.9, 29.2), intake.skip(s, d)),
            "latitude",
            40.9,
        ),
        (
            "location",
            lambda s, d: (intake.set_address(s, d, "Gül Sk. 8"), intake.skip(s, d)),
            "address",
            "Gül Sk. 8",
        ),
        ("location", lambda s, d: intake.skip(s, d), "address", "Çiçek Sk. 3"),
        ("phone", lambda s, d: intake.set_phone(s, d, "+905559998877"), "phone", "+905559998877"),
    ],
)
def test_edit_from_the_summary_returns_to_the_summary(
    db: Engine,
    step: str,
    action: Callable[[Session, ConversationState], object],
    key: str,
    value: object,
) -> None:
    cid = make_citizen(db, 7013)
    walk_to_summary(db, cid)
    draft = draft_step(db, cid, lambda s, d: intake.go_to(s, d, step))
    assert draft.step == step and draft.data["editing"] is True
    draft = draft_step(db, cid, action)
    assert draft.step == "summary"
    assert draft.data[key] == value


def test_edit_photos_from_the_summary(db: Engine) -> None:
    cid = make_citizen(db, 7014)
    walk_to_summary(db, cid)
    # "photos" is what an Edit menu sent before the steps were merged asks for.
    for step in ("location", "photos"):
        draft = draft_step(db, cid, using(intake.go_to, step))
        assert draft.step == "location"
        draft = draft_step(db, cid, lambda s, d: intake.add_photo(s, d, "f1", "u1"))
        assert draft.step == "location"  # more photos, or the location, may follow
        draft = draft_step(db, cid, lambda s, d: intake.skip(s, d))
        assert draft.step == "summary"
    assert len(draft.data["photos"]) == 2


def test_type_changes_from_the_summary_stay_on_the_summary(db: Engine) -> None:
    cid = make_citizen(db, 7016)
    walk_to_summary(db, cid)
    draft = draft_step(db, cid, lambda s, d: intake.set_type(s, d, "tesekkur"))
    assert (draft.step, draft.data["type"]) == ("summary", "tesekkur")
    # Not on the other steps: the toggles are on the topic screen and the summary only.
    draft_step(db, cid, lambda s, d: intake.go_to(s, d, "text"))
    with pytest.raises(Refused) as error:
        draft_step(db, cid, lambda s, d: intake.set_type(s, d, "talep"))
    assert error.value.reason == "use_buttons"


@pytest.mark.parametrize(("old", "new"), [("type", "category"), ("photos", "location")])
def test_drafts_at_steps_of_an_earlier_version_continue(
    db: Engine, calendar: WorkingCalendar, old: str, new: str
) -> None:
    """Drafts stored before the type and the photos steps were merged away carry on at the
    step that took them over, and can still be filed."""
    cid = make_citizen(db, 7017)
    with transaction(db) as session:
        data = (
            {}
            if old == "type"
            else {
                "type": "talep",
                "category": "cop",
                "text": COMPLAINT,
                "photos": [{"file_id": "f1", "file_unique_id": "u1"}],
            }
        )
        session.add(ConversationState(citizen_id=cid, step=old, data=data))
    with transaction(db) as session:
        draft = intake.draft_of(session, citizen_of(session, cid))
        assert draft is not None and draft.step == new
        assert draft.data["type"] == ("sikayet" if old == "type" else "talep")
    stored = stored_draft(db, cid)
    assert stored is not None and stored.step == new  # the upgrade was saved
    with transaction(db) as session:
        draft = loaded_draft(session, cid)
        if old == "type":
            intake.set_category(session, draft, "cop")
            intake.set_text(session, draft, COMPLAINT)
        intake.add_photo(session, draft, "f2", "u2")
        intake.skip(session, draft)
        intake.skip(session, draft)
        assert draft.step == "summary"
        request = intake.submit(session, citizen_of(session, cid), draft, calendar).request
        photos = session.exec(select(Attachment).where(Attachment.request_id == request.id)).all()
        assert len(photos) == (1 if old == "type" else 2)


def test_go_to_an_unknown_step_is_refused(db: Engine) -> None:
    cid = make_citizen(db, 7015)
    walk_to_summary(db, cid)
    for step in ("kvkk", "channel", "nowhere"):
        with pytest.raises(Refused) as error:
            draft_step(db, cid, using(intake.go_to, step))
        assert error.value.reason == "unknown_step"
    stored = stored_draft(db, cid)
    assert stored is not None and stored.step == "summary"


# --- prefilled text and text validation ----------------------------------------------------


def test_start_with_prefilled_text_skips_the_text_step(db: Engine) -> None:
    cid = make_citizen(db, 7020)
    with transaction(db) as session:
        draft = intake.start(session, citizen_of(session, cid), f"  {COMPLAINT} ")
    assert draft.step == "category"
    assert draft.data["text"] == COMPLAINT
    assert draft.data["suggested"][0] == "cop"
    draft = draft_step(db, cid, lambda s, d: intake.set_category(s, d, "cop"))
    assert draft.step == "location"  # the text step is not asked again
    assert draft.data["text"] == COMPLAINT


def test_start_again_clears_the_previous_draft(db: Engine) -> None:
    cid = make_citizen(db, 7021)
    with transaction(db) as session:
        draft = intake.start(session, citizen_of(session, cid), COMPLAINT)
        intake.set_type(session, draft, "talep")
    with transaction(db) as session:
        draft = intake.start(session, citizen_of(session, cid))
    assert (draft.step, draft.data) == ("category", {"type": "sikayet"})
    stored = stored_draft(db, cid)
    assert stored is not None and stored.data == {"type": "sikayet"}


@pytest.mark.parametrize("prefilled", ["   ", "x" * 2001])
def test_unusable_prefilled_text_is_not_kept(db: Engine, prefilled: str) -> None:
    cid = make_citizen(db, 7022)
    with transaction(db) as session:
        draft = intake.start(session, citizen_of(session, cid), prefilled)
    assert draft.data == {"type": "sikayet"}
    draft = draft_step(db, cid, lambda s, d: intake.set_category(s, d, "cop"))
    assert draft.step == "text"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        (None, "empty"),
        ("   \n\t ", "empty"),
        ("x" * 2001, "too_long"),
    ],
)
def test_text_refused(db: Engine, text: str | None, reason: str) -> None:
    cid = make_citizen(db, 7023)
    with transaction(db) as session:
        draft = intake.start(session, citizen_of(session, cid))
        draft.step = "text"
    with pytest.raises(Refused) as error:
        draft_step(db, cid, lambda s, d: intake.set_text(s, d, text))
    assert error.value.reason == reason
    stored = stored_draft(db, cid)
    assert stored is not None and stored.step == "text" and "text" not in stored.data


@pytest.mark.parametrize("text", ["x" * 2000, "  " + "y" * 2000 + "\n", "a"])
def test_text_accepted_up_to_2000_characters(db: Engine, text: str) -> None:
    cid = make_citizen(db, 7024)
    with transaction(db) as session:
        draft = intake.start(session, citizen_of(session, cid))
        draft.step = "text"
    draft = draft_step(db, cid, lambda s, d: intake.set_text(s, d, text))
    assert (draft.step, draft.data["text"]) == ("location", text.strip())


# --- submit --------------------------------------------------------------------------------


def test_submitting_twice_files_once(db: Engine, calendar: WorkingCalendar) -> None:
    cid = make_citizen(db, 7030)
    walk_to_summary(db, cid)
    with transaction(db) as session:
        draft = loaded_draft(session, cid)
        intake.submit(session, citizen_of(session, cid), draft, calendar)
    with transaction(db) as session:
        assert intake.draft_of(session, citizen_of(session, cid)) is None
    # The second press finds no draft (the bot then answers "incomplete"): nothing more is
    # filed, and a fresh draft, started again, cannot be sent before it is complete.
    with pytest.raises(Refused) as error, transaction(db) as session:
        citizen = citizen_of(session, cid)
        again = intake.draft_of(session, citizen) or intake.start(session, citizen)
        intake.submit(session, citizen, again, calendar)
    assert error.value.reason == "incomplete"
    assert count_requests(db) == 1
    assert stored_draft(db, cid) is None  # the failed attempt was rolled back


def test_two_sends_racing_file_once(db: Engine, calendar: WorkingCalendar) -> None:
    """Two presses of Send that both read the draft before either commits: the docstring of
    `submit` promises one request, since the draft is deleted in the same transaction."""
    cid = make_citizen(db, 7031)
    walk_to_summary(db, cid)
    with transaction(db) as first, transaction(db) as second:
        draft_1, draft_2 = first.get(ConversationState, cid), second.get(ConversationState, cid)
        assert draft_1 is not None and draft_2 is not None
        intake.submit(first, citizen_of(first, cid), draft_1, calendar)
        first.commit()
        try:
            intake.submit(second, citizen_of(second, cid), draft_2, calendar)
            second.flush()
        except Exception:
            second.rollback()
    assert count_requests(db) == 1


@pytest.mark.parametrize("missing", ["step", "type", "category", "text"])
def test_submit_of_an_incomplete_draft(db: Engine, calendar: WorkingCalendar, missing: str) -> None:
    cid = make_citizen(db, 7032)
    walk_to_summary(db, cid)
    with pytest.raises(Refused) as error, transaction(db) as session:
        draft = loaded_draft(session, cid)
        if missing == "step":
            draft.step = "phone"
        else:
            draft.data = {k: v for k, v in draft.data.items() if k != missing}
        intake.submit(session, citizen_of(session, cid), draft, calendar)
    assert error.value.reason == "incomplete"
    assert count_requests(db) == 0
    stored = stored_draft(db, cid)
    assert stored is not None and stored.step == "summary"


# --- numbers -------------------------------------------------------------------------------


def test_numbers_are_formatted_increasing_and_unique(db: Engine, calendar: WorkingCalendar) -> None:
    now = datetime(2026, 3, 2, 9, 0, tzinfo=IST)
    cid = make_citizen(db, 7040)
    numbers = [
        file_request(db, calendar, cid, now=now + timedelta(minutes=i)).number for i in range(3)
    ]
    assert all(re.fullmatch(r"2026-\d{6}", n) for n in numbers)
    assert numbers == sorted(numbers) and len(set(numbers)) == 3

    # A transaction that allocates a number and then fails files nothing ...
    with pytest.raises(RuntimeError), transaction(db) as session:
        lost = numbering.allocate(session, 2026)[0]
        raise RuntimeError("the handler crashed")
    assert re.fullmatch(r"2026-\d{6}", lost)
    # ... and what is filed next still gets a number no request has.
    numbers.append(file_request(db, calendar, cid, now=now + timedelta(hours=1)).number)
    with transaction(db) as session:
        stored = list(session.exec(select(Request.number)).all())
    assert sorted(stored) == sorted(numbers) and len(set(stored)) == 4
    assert numbers[-1] > numbers[-2]


def test_allocate_several_numbers_at_once(db: Engine) -> None:
    with transaction(db) as session:
        first = numbering.allocate(session, 2030, 3)
        assert numbering.allocate(session, 2030, 0) == []
        second = numbering.allocate(session, 2030)
    assert first == ["2030-000001", "2030-000002", "2030-000003"]
    assert second == ["2030-000004"]


def test_the_number_year_is_the_local_year(db: Engine, calendar: WorkingCalendar) -> None:
    cid = make_citizen(db, 7041)
    # 21:30 UTC on 31 December is already 00:30 on 1 January in Istanbul.
    request = file_request(db, calendar, cid, now=datetime(2026, 12, 31, 21, 30, tzinfo=UTC))
    assert request.number.startswith("2027-")
    assert numbering.format_number(2027, 1) == "2027-000001"


# --- record mode (staff registering a phone call, CİMER, ...) ------------------------------


def test_record_mode_stores_the_channel_and_no_citizen(
    db: Engine, calendar: WorkingCalendar
) -> None:
    cid = make_citizen(db, 7050)
    with transaction(db) as session:
        draft = intake.start_record(session, citizen_of(session, cid))
    assert (draft.step, draft.data) == ("channel", {"mode": "record", "type": "sikayet"})
    for channel in ("telegram", "fax", ""):
        with pytest.raises(Refused) as error:
            draft_step(db, cid, using(intake.set_channel, channel))
        assert error.value.reason == "unknown_channel"
    assert draft_step(db, cid, lambda s, d: intake.set_channel(s, d, "cimer")).step == "category"
    assert draft_step(db, cid, lambda s, d: intake.set_type(s, d, "talep")).step == "category"
    assert draft_step(db, cid, lambda s, d: intake.set_category(s, d, "park")).step == "text"
    draft = draft_step(db, cid, lambda s, d: intake.set_text(s, d, "Parktaki salıncak kırık."))
    assert draft.step == "phone"  # no location or photo steps when recording
    draft = draft_step(db, cid, lambda s, d: intake.set_phone(s, d, "0555 222 33 44"))
    assert draft.step == "summary"
    with transaction(db) as session:
        draft = loaded_draft(session, cid)
        intake.submit(session, citizen_of(session, cid), draft, calendar)
    with transaction(db) as session:
        request = session.exec(select(Request)).one()
        assert (request.channel, request.citizen_id, request.department_code) == (
            "cimer",
            None,
            "park",
        )
        assert request.contact_phone == "05552223344"
        event = session.exec(select(RequestEvent)).one()
        assert (event.kind, event.actor, event.actor_telegram_id) == ("created", "staff", 7050)
        # The caller's phone is not the staff member's phone.
        assert citizen_of(session, cid).phone is None
        assert session.get(ConversationState, cid) is None


# --- the SLA clock at submission -----------------------------------------------------------


def test_due_time_over_a_weekend(db: Engine, calendar: WorkingCalendar) -> None:
    with transaction(db) as session:
        cop = session.get(Category, "cop")
        assert cop is not None and cop.sla_hours == 8
    cid = make_citizen(db, 7060)
    friday = datetime(2026, 11, 27, 16, 0, tzinfo=IST)
    assert friday.isoweekday() == 5
    request = file_request(db, calendar, cid, "cop", now=friday)
    # 8 working hours: Friday 16:00-17:30 gives 1.5 h (6.5 h left); Saturday and Sunday do
    # not count; Monday 08:30-12:30 gives 4 h (2.5 h left); lunch 12:30-13:30 does not
    # count; 13:30 + 2.5 h = 16:00 on Monday 30 November.
    expected = datetime(2026, 11, 30, 16, 0, tzinfo=IST)
    with transaction(db) as session:
        stored = session.get(Request, request.id)
        assert stored is not None
        assert stored.due_at == expected
        assert stored.due_at == datetime(2026, 11, 30, 13, 0, tzinfo=UTC)


def test_due_time_skips_a_public_holiday(db: Engine, calendar: WorkingCalendar) -> None:
    cid = make_citizen(db, 7061)
    wednesday = datetime(2026, 10, 28, 10, 0, tzinfo=IST)
    request = file_request(db, calendar, cid, "yol", now=wednesday)  # 16 working hours
    # Wednesday 10:00-12:30 gives 2.5 h (offices close at 13:00 on the eve of 29 Ekim);
    # Thursday 29 October, Republic Day, does not; Friday 30th gives 8 h (5.5 h left);
    # the weekend does not; Monday 2 November 08:30-12:30 gives 4 h (1.5 h left), and
    # 13:30 + 1.5 h = 15:00. Were the 29th a working day, it would be Friday 15:00.
    with transaction(db) as session:
        stored = session.get(Request, request.id)
        assert stored is not None
        assert stored.due_at == datetime(2026, 11, 2, 15, 0, tzinfo=IST)


def test_due_time_stops_at_13_on_the_arife(db: Engine, calendar: WorkingCalendar) -> None:
    cid = make_citizen(db, 7064)
    arife = datetime(2026, 3, 19, 12, 0, tzinfo=IST)  # eve of Ramazan Bayramı, a Thursday
    request = file_request(db, calendar, cid, "yol", now=arife)  # 16 h: two working days
    # 12:00-12:30 gives 0.5 h and the afternoon is off (law 2429); the bayram (Friday 20)
    # and the weekend do not count; Monday 23 gives 8 h (7.5 h left); Tuesday 24 gives 4 h
    # before lunch (3.5 h left), and 13:30 + 3.5 h = 17:00. With the afternoon counted,
    # it was Tuesday 12:00.
    with transaction(db) as session:
        stored = session.get(Request, request.id)
        assert stored is not None and stored.due_at is not None
        assert stored.due_at == datetime(2026, 3, 24, 17, 0, tzinfo=IST)
        # What the receipt and the staff card show.
        assert translator("tr").datetime(stored.due_at) == "24 Mart 2026 Salı 17:00"


def test_configured_closed_days_move_the_due_time(db: Engine) -> None:
    # Administrative leave on Monday 25 May 2026, before Kurban Bayramı (27-30 May).
    text = DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")
    assert "closed_days = []" in text
    leave = WorkingCalendar.from_config(
        parse_config(text.replace("closed_days = []", 'closed_days = ["2026-05-25"]'))
    )
    cid = make_citizen(db, 7065)
    friday = datetime(2026, 5, 22, 16, 0, tzinfo=IST)
    request = file_request(db, leave, cid, "yol", now=friday)  # 16 working hours
    # Friday 16:00-17:30 gives 1.5 h; Monday 25 is leave; the arife morning of Tuesday 26
    # gives 4 h; the bayram and the weekend do not count; Monday 1 June gives 8 h and
    # Tuesday 2 June 08:30-11:00 the last 2.5 h. Without the leave: Monday 1 June 11:00.
    with transaction(db) as session:
        stored = session.get(Request, request.id)
        assert stored is not None and stored.due_at is not None
        assert stored.due_at == datetime(2026, 6, 2, 11, 0, tzinfo=IST)
        assert translator("tr").datetime(stored.due_at) == "2 Haziran 2026 Salı 11:00"
        assert not workflow.is_overdue(stored, datetime(2026, 6, 1, 12, 0, tzinfo=IST))


def test_is_overdue_after_due_time_and_only_without_response(
    db: Engine,
    calendar: WorkingCalendar,
) -> None:
    cid = make_citizen(db, 7062)
    friday = datetime(2026, 11, 27, 16, 0, tzinfo=IST)
    request = file_request(db, calendar, cid, "cop", now=friday)
    with transaction(db) as session:
        stored = session.get(Request, request.id)
        assert stored is not None and stored.due_at is not None
        due = stored.due_at
        assert not workflow.is_overdue(stored, friday)
        assert not workflow.is_overdue(stored, due)
        assert workflow.is_overdue(stored, due + timedelta(seconds=1))

    # Assigning is not a response: still overdue.
    with transaction(db) as session:
        staff.upsert(session, 7063, "staff", "temizlik")
    assert request.id is not None
    with transaction(db) as session:
        workflow.staff_action(
            session,
            request.id,
            staff.active_member(session, 7063),
            "assign",
            now=due + timedelta(hours=1),
        )
    with transaction(db) as session:
        stored = session.get(Request, request.id)
        assert stored is not None
        assert workflow.is_overdue(stored, due + timedelta(hours=2))

    # A question counts as the first response: not overdue any more, however late.
    with transaction(db) as session:
        workflow.staff_action(
            session,
            request.id,
            staff.active_member(session, 7063),
            "ask",
            "Hangi sokak?",
            now=due + timedelta(hours=3),
        )
    with transaction(db) as session:
        stored = session.get(Request, request.id)
        assert stored is not None and stored.first_response_at is not None
        assert not workflow.is_overdue(stored, due + timedelta(days=30))
