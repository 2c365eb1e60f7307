"""What PostgreSQL refuses never reaches a citizen as an error: a NUL character in a message
(the engine's side: unit/test_database_connections.py)."""

from __future__ import annotations

from sqlmodel import select

from db.engine import transaction
from db.models import Citizen
from tests.harness import Kent


def test_a_nul_character_in_a_message_gets_an_answer_not_an_error(kent: Kent) -> None:
    """PostgreSQL refuses NUL in text: the engine drops it (SQLite keeps it as it is)."""
    ayse = kent.citizen()
    ayse.send("/takip \x00\x01\x7f")
    ayse.wait_message(contains="numaralı bir talebiniz bulunmuyor")
    with transaction(kent.engine) as session:
        session.add(Citizen(telegram_id=5_550_001, first_name="Ay\x00şe"))
    with transaction(kent.engine) as session:
        stored = session.exec(select(Citizen).where(Citizen.first_name == "Ay\x00şe")).all()
        names = [c.first_name for c in stored]
    assert names == (["Ayşe"] if kent.engine.dialect.name == "postgresql" else ["Ay\x00şe"])
