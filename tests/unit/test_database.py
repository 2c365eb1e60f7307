"""The schema: migrations on both databases, reference data from config, UTC times."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Mapping
from contextlib import closing
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import select

from common.config import Config
from core import citizens
from db.engine import transaction
from db.migrate import MIGRATIONS, downgrade, head_revision, upgrade
from db.models import Category, Citizen, ConversationState, Department, StaffMember

REPO = Path(__file__).resolve().parents[2]


def test_migrations_create_and_drop_every_table(engine: Engine) -> None:
    upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert {
        "citizen",
        "request",
        "request_event",
        "department",
        "category",
        "staff_member",
        "call_centre_day",
        "assembly",
        "membership",
        "council_event",
        "registration",
        "satisfaction_answer",
        "attachment",
        "job_seeker",
        "job_seeker_occupation",
        "employer",
        "vacancy",
        "referral",
        "referral_event",
    } <= tables
    indexed = {tuple(ix["column_names"]) for ix in inspect(engine).get_indexes("referral")}
    # Goal 4.3.1's distinct-people counts read these.
    assert {("job_found_at", "seeker_id"), ("started_at", "seeker_id")} <= indexed
    downgrade(engine, "0012")
    assert "referral" not in inspect(engine).get_table_names()
    upgrade(engine)
    indexed = {tuple(ix["column_names"]) for ix in inspect(engine).get_indexes("request")}
    # The indicators' two request aggregates read only these (covering) indexes.
    assert ("channel", "created_at", "type") in indexed
    assert ("created_at", "first_response_at") in indexed
    downgrade(engine, "0007")
    indexed = {tuple(ix["column_names"]) for ix in inspect(engine).get_indexes("request")}
    assert ("channel", "created_at") in indexed and ("channel", "created_at", "type") not in indexed
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)  # and back up again


def test_a_citizen_in_the_middle_of_a_flow_goes_on_after_the_upgrade_that_renames_drafts(
    engine: Engine,
) -> None:
    """0010 renames request_draft to conversation_state: the rows, and so every citizen's
    step, stay; downgrading gives the old table back with them."""
    upgrade(engine, "0009")
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO citizen (telegram_id, language, created_at) VALUES (5150, 'tr', :t)"),
            {"t": datetime(2026, 12, 1, 9, 0)},
        )
        connection.execute(
            text(
                "INSERT INTO request_draft (citizen_id, step, data, updated_at) "
                "SELECT id, 'text', '{\"type\": \"sikayet\"}', :t FROM citizen"
            ),
            {"t": datetime(2026, 12, 1, 9, 0)},
        )
    upgrade(engine)
    assert "request_draft" not in inspect(engine).get_table_names()
    with transaction(engine) as session:
        state = session.exec(select(ConversationState)).one()
        assert (state.step, state.data) == ("text", {"type": "sikayet"})
    indexed = {ix["name"] for ix in inspect(engine).get_indexes("conversation_state")}
    assert "ix_conversation_state_updated_at" in indexed
    downgrade(engine, "0009")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT step FROM request_draft")).scalar_one() == "text"


def test_reference_data_comes_from_config(db: Engine, config: Config) -> None:
    with transaction(db) as session:
        departments = session.exec(select(Department)).all()
        assert {d.code for d in departments} == {d.code for d in config.departments}
        cop = session.get(Category, "cop")
        assert cop is not None and cop.department_code == "temizlik" and "çöp" in cop.keywords
        admins = session.exec(select(StaffMember).where(StaffMember.role == "admin")).all()
        assert [a.telegram_id for a in admins] == config.bot.admins


def test_times_are_stored_in_utc_and_read_back_aware(db: Engine) -> None:
    istanbul = timezone(timedelta(hours=3))
    with transaction(db) as session:
        citizen = citizens.get_or_create(session, 42, "tr")
        citizen.consent_at = datetime(2026, 11, 24, 17, 0, tzinfo=istanbul)
    with transaction(db) as session:
        stored = session.exec(select(Citizen).where(Citizen.telegram_id == 42)).one()
        assert stored.consent_at == datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
        assert stored.consent_at.tzinfo is not None


def test_language_choice_is_remembered(db: Engine) -> None:
    with transaction(db) as session:
        assert citizens.language_of(session, 7, "en") == "en"
        citizens.set_language(session, 7, "tr", "en")
    with transaction(db) as session:
        assert citizens.language_of(session, 7, "en") == "tr"


def test_the_head_read_from_the_files_is_alembics() -> None:
    from alembic.script import ScriptDirectory

    assert head_revision() == ScriptDirectory(str(MIGRATIONS)).get_current_head()


def test_a_database_at_the_head_is_opened_without_loading_alembic(tmp_path: Path) -> None:
    """A restart finds the schema current and never imports Alembic (about 11 MB of the
    bot's resident memory); a database behind the head is upgraded as before."""
    url = f"sqlite:///{tmp_path / 'kentbot.sqlite'}"
    probe = (
        "import sys; from db.engine import make_engine; from db.migrate import upgrade; "
        f"upgrade(make_engine({url!r})); print('alembic' in sys.modules)"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO
        ).stdout.strip()
        for _ in range(2)
    ]
    assert runs == ["True", "False"]  # created with Alembic, then opened without it


def _text(found: object) -> str:
    # A partial index's condition is an SQL text object: compared by what it says.
    return json.dumps(found, default=str, sort_keys=True)


def _check(constraint: Mapping[str, Any]) -> tuple[str, str]:
    # PostgreSQL words a constraint it has read back from a dump with other casts
    # ('a'::character varying::text for ARRAY['a'::character varying]::text[]).
    return constraint["name"], re.sub(r"::[a-z ]+(\[\])?|[()\s]", "", constraint["sqltext"])


def _shape(engine: Engine) -> dict[str, object]:
    """Every table's columns, keys, indexes and constraints, and its rows' count."""
    inspector = inspect(engine)
    shape: dict[str, object] = {}
    with engine.connect() as connection:
        for table in sorted(inspector.get_table_names()):
            shape[table] = (
                [
                    (c["name"], str(c["type"]), c["nullable"], c.get("default"))
                    for c in inspector.get_columns(table)
                ],
                inspector.get_pk_constraint(table),
                sorted(map(_text, inspector.get_foreign_keys(table))),
                sorted(map(_text, inspector.get_indexes(table))),
                sorted(map(_text, inspector.get_unique_constraints(table))),
                sorted(_check(c) for c in inspector.get_check_constraints(table)),
                connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one(),
            )
    return shape


def test_the_database_tests_start_from_is_the_migrated_one(
    db: Engine, config: Config, tmp_path: Path
) -> None:
    """`db` is a copy of a database migrated once per run (tests/templates.py): the same
    tables, columns, keys, indexes, constraints and reference rows as a database migrated
    now, at the head, and its ids go on from where migrating leaves them."""
    from bot.app import prepare_database
    from tests.databases import postgres_engine, sqlite_engines

    fresh = sqlite_engines(tmp_path / "fresh") if db.dialect.name == "sqlite" else postgres_engine()
    with closing(fresh):  # a PostgreSQL schema is dropped even when the test fails
        for migrated in fresh:
            prepare_database(migrated, config)
            assert _shape(db) == _shape(migrated)
            migrated.dispose()
    with db.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version"))
        assert version.scalar_one() == head_revision()
    with transaction(db) as session:
        assert citizens.get_or_create(session, 4242, "tr").id == 1
        assert [d.code for d in session.exec(select(Department)).all()] == [
            d.code for d in config.departments
        ]
