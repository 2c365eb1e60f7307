"""An update's transactions share one connection, and each still commits on its own."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from core import citizens, intake
from db.engine import autocommit, one_connection, transaction, untouched
from db.models import Citizen, ConversationState, ProcessedUpdate
from db.types import utcnow
from tests.databases import statements


def _names(db: Engine) -> list[str | None]:
    with transaction(db) as session:
        return [c.first_name for c in session.exec(select(Citizen).order_by(col(Citizen.id)))]


def test_transactions_in_one_update_share_a_connection_and_commit_each(db: Engine) -> None:
    with one_connection(db):
        with transaction(db) as first:
            first.add(Citizen(telegram_id=1, first_name="Ayşe"))
            first_connection = first.connection().connection.dbapi_connection
        # Committed already: another connection sees it while the update goes on.
        with db.connect() as other:
            assert other.exec_driver_sql("SELECT count(*) FROM citizen").scalar() == 1
        with transaction(db) as second:
            assert second.connection().connection.dbapi_connection is first_connection
            second.add(Citizen(telegram_id=2, first_name="Mehmet"))
            # A transaction opened inside another cannot share it: it gets its own.
            with transaction(db) as nested:
                assert nested.connection().connection.dbapi_connection is not first_connection
                nested.add(Citizen(telegram_id=3, first_name="Zeynep"))
        try:
            with transaction(db) as failing:
                failing.add(Citizen(telegram_id=4, first_name="Lost"))
                failing.flush()
                raise RuntimeError("handler failed")
        except RuntimeError:
            pass
        # The failed transaction was rolled back, and the connection is usable again.
        with transaction(db) as after:
            after.add(Citizen(telegram_id=5, first_name="Ali"))
    assert _names(db) == ["Ayşe", "Zeynep", "Mehmet", "Ali"]


def test_an_update_reads_its_citizen_and_draft_once(db: Engine) -> None:
    with transaction(db) as session:
        citizen = Citizen(telegram_id=77, first_name="Ayşe")
        session.add(citizen)
        session.flush()
        assert citizen.id is not None
        session.add(ConversationState(citizen_id=citizen.id, step="text", data={"type": "sikayet"}))
        session.add(ProcessedUpdate(update_id=5, processed_at=utcnow()))
        citizen_id = citizen.id
    with one_connection(db), statements(db) as sql:
        with autocommit(db) as session:
            citizens.get_or_create(session, 77, None)
            assert sql == ["SELECT"]  # the citizen with their draft, in one query
        with transaction(db) as session:
            again = citizens.get_or_create(session, 77, None)
            draft = intake.draft_of(session, again)
            assert draft is not None and draft.step == "text"
            assert sql == ["SELECT"]
            intake.set_text(session, draft, "Kaldırım kırık, yayalar yola iniyor.")
            processed = session.get(ProcessedUpdate, 5)
        assert [s for s in sql if s != "SELECT"] == ["UPDATE"]
        with transaction(db) as session:
            # Any other row is read afresh, as it would be in a new session.
            assert session.get(ProcessedUpdate, 5) is not processed
            draft = intake.draft_of(session, citizens.get_or_create(session, 77, None))
            assert draft is not None and draft.step == "location"
        try:
            with transaction(db) as session:
                draft = intake.draft_of(session, citizens.get_or_create(session, 77, None))
                assert draft is not None
                draft.step = "phone"
                session.add(draft)
                session.flush()
                raise RuntimeError("handler failed")
        except RuntimeError:
            pass
        reads = sql.count("SELECT")
        with transaction(db) as session:
            # Rolled back: the draft is read again, at the step it kept.
            draft = intake.draft_of(session, citizens.get_or_create(session, 77, None))
            assert draft is not None and draft.step == "location"
        assert sql.count("SELECT") == reads + 1
    with transaction(db) as session:
        stored = session.get(ConversationState, citizen_id)
        assert stored is not None and stored.step == "location"
        assert stored.data["text"] == "Kaldırım kırık, yayalar yola iniyor."


def test_what_an_update_found_missing_is_not_asked_for_again(db: Engine) -> None:
    """A first message: no citizen yet, then no draft. Found missing once, they are not
    looked for again, until the update adds them or a rollback forgets what it knew."""
    with one_connection(db), statements(db) as sql:
        with autocommit(db) as session:
            assert citizens.find(session, 88) is None
        with transaction(db) as session:
            assert citizens.find(session, 88) is None
            citizen = citizens.get_or_create(session, 88, "tr")
            assert intake.draft_of(session, citizen) is None
            assert sql == ["SELECT", "INSERT", "SELECT"]  # looked for, created, loaded
            started = intake.start(session, citizen)  # added: no longer missing
        assert sql[3:] == ["INSERT"]
        with transaction(db) as session:
            citizen = citizens.get_or_create(session, 88, "tr")
            assert intake.draft_of(session, citizen) is started and started.step == "kvkk"
        assert len(sql) == 4
        try:
            with transaction(db) as session:
                assert citizens.find(session, 89) is None
                raise RuntimeError("handler failed")
        except RuntimeError:
            pass
        with autocommit(db) as session:
            assert citizens.find(session, 89) is None
        assert sql[4:] == ["SELECT", "SELECT"]  # the rollback forgot that 89 was missing


def test_an_update_knows_whether_its_unit_of_work_has_gone_to_the_database(db: Engine) -> None:
    """What lets a handler wait for Telegram inside a unit of work (handlers/filing/steps.py)."""
    with one_connection(db):
        with transaction(db) as session:
            assert untouched(session)
            assert citizens.find(session, 404) is None
            assert not untouched(session)
        with transaction(db) as session:
            assert untouched(session)  # a new unit of work
    with transaction(db) as session:
        assert not untouched(session)  # outside an update nothing is known: no
