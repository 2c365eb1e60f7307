"""An update's transactions share one connection, and each still commits on its own."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import select

from db.engine import one_connection, transaction
from db.models import Citizen


def _names(db: Engine) -> list[str | None]:
    with transaction(db) as session:
        return [c.first_name for c in session.exec(select(Citizen).order_by(Citizen.id))]


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
