"""The messages of the employment centre's group that show a job seeker's data
(core.employment.group_messages): what erasing their data hands over to be taken out."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import select

from core.employment import group_messages, registry
from core.privacy import DESK_SCREEN, REFERRAL_REMINDER
from db.engine import transaction
from db.models import EmploymentDeskScreen
from tests.builders import citizen_of
from tests.employment_builders import NOW, logistics_firm, make_citizen_in, sample_cv

GROUP = -100500


def two_seekers(db: Engine) -> tuple[int, int]:
    with transaction(db) as session:
        ids = []
        for telegram_id, name in ((71, "Selin Kaya"), (72, "Veli Er")):
            who = citizen_of(session, make_citizen_in(session, telegram_id))
            seeker = registry.save_cv(session, who, sample_cv(name=name), NOW)
            assert seeker.id is not None
            ids.append(seeker.id)
    return ids[0], ids[1]


def shown_on(db: Engine, message_id: int) -> set[int]:
    with transaction(db) as session:
        rows = session.exec(
            select(EmploymentDeskScreen).where(EmploymentDeskScreen.message_id == message_id)
        ).all()
        return {row.seeker_id for row in rows if row.seeker_id is not None}


def test_a_desk_message_shows_only_whom_its_latest_screen_names(db: Engine) -> None:
    selin, veli = two_seekers(db)
    with transaction(db) as session:
        group_messages.showing(session, GROUP, 10, NOW, [selin, veli, selin])
    assert shown_on(db, 10) == {selin, veli}
    with transaction(db) as session:
        group_messages.showing(session, GROUP, 10, NOW, [veli])
    assert shown_on(db, 10) == {veli}
    with transaction(db) as session:
        group_messages.showing(session, GROUP, 10, NOW, [])
    assert shown_on(db, 10) == set()


def test_erasure_takes_a_desk_message_out_whole_and_each_message_once(db: Engine) -> None:
    selin, veli = two_seekers(db)
    now = NOW + timedelta(hours=1)
    with transaction(db) as session:
        # The candidate list names both; a reminder about Selin that staff then pressed on
        # is the desk's message too; an old list, sent three days ago, names Selin.
        group_messages.showing(session, GROUP, 10, NOW, [selin, veli])
        group_messages.remember(session, selin, GROUP, 11, REFERRAL_REMINDER, NOW)
        group_messages.showing(session, GROUP, 11, NOW, [selin])
        group_messages.showing(session, GROUP, 12, NOW - timedelta(days=3), [selin])
        group_messages.showing(session, GROUP, 13, NOW, [veli])
    with transaction(db) as session:
        copies = group_messages.take(session, [selin], now)
    assert [(c.message_id, c.purpose, c.deletable) for c in copies] == [
        (11, REFERRAL_REMINDER, True),
        (10, DESK_SCREEN, True),
        (12, DESK_SCREEN, False),  # past Telegram's 48 hours: it can only be blanked
    ]
    # The list that named both goes as a whole: nothing is left to take out for Veli.
    assert shown_on(db, 10) == set() and shown_on(db, 11) == set()
    with transaction(db) as session:
        assert [c.message_id for c in group_messages.take(session, [veli], now)] == [13]


def test_a_firms_page_goes_with_its_contact_persons_data(db: Engine) -> None:
    """The desk's page of a firm names its contact person: erasing their data takes the
    page out, and the firm's other desk pages name no one."""
    selin, _ = two_seekers(db)
    with transaction(db) as session:
        owner = citizen_of(session, make_citizen_in(session, 73))
        firm = logistics_firm(session, owner)
        assert firm.id is not None
        group_messages.showing(session, GROUP, 20, NOW, employer_ids=[firm.id])
        group_messages.showing(session, GROUP, 21, NOW, [selin])
    with transaction(db) as session:
        copies = group_messages.take(session, [], NOW, [firm.id])
    assert [(c.message_id, c.purpose) for c in copies] == [(20, DESK_SCREEN)]
    assert shown_on(db, 21) == {selin}
