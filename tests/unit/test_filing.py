"""One rule files every request (core.filing): the chat's Send and a form's fields give the
same number sequence, department, due time and created event; Open311's keys and what it
shows the public of a request (core.api_keys, core.public_requests)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from core import api_keys, intake, public_requests, request_privacy
from core.filing import Filing, file_request, filed_already
from core.refusals import Refused
from core.working_time import WorkingCalendar
from db.engine import transaction
from db.models import ApiKey, ConversationState, Request, RequestEvent
from tests.builders import citizen_of, make_citizen
from tests.builders import file_request as file_by_chat

# A Tuesday morning in Istanbul: 09:00 local, working time runs from there.
TUESDAY = datetime(2026, 3, 3, 6, 0, tzinfo=UTC)


def _count(db: Engine) -> int:
    with transaction(db) as session:
        return session.exec(select(func.count()).select_from(Request)).one()


def test_a_form_files_as_the_chat_does(db: Engine, calendar: WorkingCalendar) -> None:
    """Numbered in the same sequence, routed to the topic's department, due after the
    topic's working hours, with a `created` event: whichever door it came through."""
    chat = file_by_chat(db, calendar, make_citizen(db, 101), category="cop", now=TUESDAY)
    with transaction(db) as session:
        posted, event = file_request(
            session,
            calendar,
            Filing(
                channel="web",
                type="sikayet",
                category_code="cop",
                text="  Konteyner taştı.  ",
                latitude=41.02551,
                longitude=29.10209,
                phone="+90 555 111 22 33",
                publish=True,
                origin={"api_key": "fixmystreet"},
            ),
            now=TUESDAY,
        )
    assert chat.number == "2026-000001" and posted.number == "2026-000002"
    assert (posted.department_code, chat.department_code) == ("temizlik", "temizlik")
    assert posted.due_at == chat.due_at == calendar.add_working_hours(TUESDAY, 8)
    assert posted.channel == "web" and chat.channel == "telegram"
    assert posted.text == "Konteyner taştı." and posted.contact_phone == "+905551112233"
    assert posted.citizen_id is None and posted.publish_consent and not chat.publish_consent
    assert (event.kind, event.actor) == ("created", "citizen")
    assert event.data == {"department": "temizlik", "api_key": "fixmystreet"}
    with transaction(db) as session:
        stored = session.exec(
            select(RequestEvent).where(RequestEvent.request_id == posted.id)
        ).one()
        assert stored.kind == "created"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"channel": "fax"}, "unknown_channel"),
        ({"type": "dilekce"}, "unknown_type"),
        ({"category_code": "yok_boyle"}, "unknown_category"),
        ({"text": "   "}, "empty"),
        ({"text": "x" * 5000}, "too_long"),
        ({"latitude": 200.0, "longitude": 29.0}, "bad_location"),
        ({"latitude": 41.0}, "bad_location"),
        ({"phone": "12"}, "bad_phone"),
        ({"address": "a" * 501}, "too_long"),
    ],
)
def test_every_field_is_checked_and_nothing_is_stored_when_one_does_not_fit(
    db: Engine, calendar: WorkingCalendar, change: dict[str, object], reason: str
) -> None:
    fields: dict[str, object] = {
        "channel": "web",
        "type": "sikayet",
        "category_code": "yol",
        "text": "Çukur var.",
    }
    with pytest.raises(Refused) as refused, transaction(db) as session:
        file_request(session, calendar, Filing(**{**fields, **change}))  # type: ignore[arg-type]
    assert refused.value.reason == reason
    assert _count(db) == 0


def test_a_refused_send_leaves_the_draft_to_correct(db: Engine, calendar: WorkingCalendar) -> None:
    """A staff record whose channel went missing is refused before its draft is claimed:
    the draft stays at its summary (nothing typed is lost) and nothing is filed."""
    staff_id = make_citizen(db, 202)
    with transaction(db) as session:
        draft = intake.start_record(session, citizen_of(session, staff_id))
        intake.set_channel(session, draft, "phone")
        intake.set_category(session, draft, "yol")
        intake.set_text(session, draft, "Çukur var.")
        intake.skip(session, draft)
        assert draft.step == "summary"
        intake.record(draft, channel="fax")
        session.add(draft)
    # As the Send button's handler does: the refusal is shown, and the transaction commits.
    with transaction(db) as session:
        summary = intake.draft_of(session, citizen_of(session, staff_id))
        assert summary is not None
        with pytest.raises(Refused, match="unknown_channel"):
            intake.submit(session, citizen_of(session, staff_id), summary, calendar)
    with transaction(db) as session:
        kept = session.get(ConversationState, staff_id)
        assert kept is not None and kept.step == "summary"
        assert intake.state_of(kept).text == "Çukur var."
    assert _count(db) == 0


# --- API keys --------------------------------------------------------------------------------


def test_keys_are_kept_as_hashes_and_stop_when_revoked(db: Engine) -> None:
    with transaction(db) as session:
        _row, key = api_keys.create(session, "fixmystreet", "whatsapp", rate_per_minute=5)
    assert len(key) >= 43  # 32 random bytes, URL-safe
    with transaction(db) as session:
        stored = session.exec(select(ApiKey)).one()
        assert stored.key_hash == api_keys.hash_of(key) and key not in stored.key_hash
        assert stored.last_used_at is None
    with transaction(db) as session:
        found = api_keys.authenticate(session, key)
        assert found is not None and (found.name, found.channel) == ("fixmystreet", "whatsapp")
        assert api_keys.authenticate(session, key + "x") is None
        assert api_keys.authenticate(session, "") is None
    with transaction(db) as session:
        assert session.exec(select(ApiKey)).one().last_used_at is not None
        assert api_keys.revoke(session, "fixmystreet")
        assert not api_keys.revoke(session, "fixmystreet")  # already revoked
    with transaction(db) as session:
        assert api_keys.authenticate(session, key) is None
        # The name stays taken: the requests it posted still say which application it was.
        with pytest.raises(Refused, match="name_taken"):
            api_keys.create(session, "fixmystreet")


@pytest.mark.parametrize(
    ("name", "channel", "rate", "reason"),
    [
        ("Fix My Street", "web", 60, "bad_name"),
        ("fms", "telegram", 60, "unknown_channel"),
        ("fms", "fax", 60, "unknown_channel"),
        ("fms", "web", 0, "bad_rate"),
    ],
)
def test_a_key_is_refused_what_it_may_not_be(
    db: Engine, name: str, channel: str, rate: int, reason: str
) -> None:
    with pytest.raises(Refused) as refused, transaction(db) as session:
        api_keys.create(session, name, channel, rate)
    assert refused.value.reason == reason


def test_each_key_has_its_own_minute() -> None:
    now = [1000.0]
    limiter = api_keys.RateLimiter(clock=lambda: now[0])
    assert [limiter.wait("a", 3) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.wait("a", 3) == pytest.approx(60.0)
    assert limiter.wait("b", 3) == 0.0  # another key is not held up by the first
    now[0] += 30
    assert limiter.wait("a", 3) == pytest.approx(30.0)
    now[0] += 30.001
    assert limiter.wait("a", 3) == 0.0  # the oldest post of the minute has aged out


# --- What the public sees --------------------------------------------------------------------


def test_the_public_sees_a_coarse_place_and_the_text_only_with_consent(
    db: Engine, calendar: WorkingCalendar
) -> None:
    with transaction(db) as session:
        kept, _ = file_request(
            session,
            calendar,
            Filing("web", "sikayet", "yol", "Çukur.", 41.025512, 29.102094, "Ev adresim 5"),
        )
        shown, _ = file_request(
            session, calendar, Filing("web", "sikayet", "yol", "Lamba yanmıyor.", publish=True)
        )
    with transaction(db) as session:
        first, second = public_requests.by_numbers(session, [shown.number, kept.number])
    assert second.number == kept.number and second.description is None
    assert (second.latitude, second.longitude) == (41.026, 29.102)
    assert first.description == "Lamba yanmıyor." and first.open
    assert "Ev adresim" not in repr(second)


def test_an_erased_request_publishes_nothing(db: Engine, calendar: WorkingCalendar) -> None:
    citizen_id = make_citizen(db, 303)
    with transaction(db) as session:
        citizen = citizen_of(session, citizen_id)
        filed, _ = file_request(
            session,
            calendar,
            Filing("telegram", "sikayet", "yol", "Kapımın önü.", 41.0, 29.0, publish=True),
            citizen=citizen,
        )
    with transaction(db) as session:
        request_privacy.erase(session, citizen_of(session, citizen_id), datetime.now(UTC))
    with transaction(db) as session:
        (seen,) = public_requests.by_numbers(session, [filed.number])
        assert seen.description is None and seen.latitude is None
        assert not session.get(Request, filed.id).publish_consent  # type: ignore[union-attr]


def test_search_keeps_to_its_period_topics_and_state(db: Engine, calendar: WorkingCalendar) -> None:
    with transaction(db) as session:
        for days, code in ((1, "yol"), (2, "cop"), (100, "yol")):
            file_request(
                session,
                calendar,
                Filing("web", "sikayet", code, "Metin."),
                now=TUESDAY - timedelta(days=days),
            )
    with transaction(db) as session:
        start, end = TUESDAY - public_requests.MAX_SPAN, TUESDAY
        assert len(public_requests.search(session, start, end)) == 2
        assert [r.category_code for r in public_requests.search(session, start, end, ["yol"])] == [
            "yol"
        ]
        assert public_requests.search(session, start, end, open_=False) == []
        assert len(public_requests.search(session, start, end, limit=1)) == 1


def test_a_retry_that_comes_while_the_first_post_is_being_filed_finds_it(
    pg: Engine, calendar: WorkingCalendar
) -> None:
    """On PostgreSQL two posts run at once: the retry waits for the first one's
    transaction, then gets its request back instead of filing a second."""
    post = Filing(
        channel="web", type="sikayet", category_code="yol", text="Çukur var.", address="Okul yolu"
    )
    found: list[str | None] = []
    with transaction(pg) as session:
        assert filed_already(session, post) is None
        first, _ = file_request(session, calendar, post)
        number = first.number

        def retry() -> None:
            with transaction(pg) as other:
                twin = filed_already(other, post)
                found.append(twin.number if twin is not None else None)

        waiting = threading.Thread(target=retry)
        waiting.start()
        waiting.join(timeout=1)
        assert waiting.is_alive()  # held until the first post's transaction ends
    waiting.join(timeout=10)
    assert found == [number]
    assert _count(pg) == 1
