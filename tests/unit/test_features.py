"""The feature list (handlers/features.py): every feature declares in one place what it adds,
and the command list, the main menu, the step router, the schedule and KVKK follow it. The
developer guide's example feature (tests/example/) runs through the emulator in
e2e/test_features_e2e.py; here, the guide shows it as it is tested."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import Table
from sqlmodel import SQLModel

from bot.app import build_application
from bot.commands import commands_for
from common.config import Config
from core import intake, privacy
from db.models import Citizen
from handlers.feature import Feature, Steps, menu_rows, personal_data_of, problems
from handlers.features import FEATURES
from tests.example import collection_days

REPO = Path(__file__).resolve().parents[2]


def test_the_feature_list_has_no_problems() -> None:
    assert problems(FEATURES) == []


def test_personal_data_without_an_erase_hook_is_a_problem_and_the_bot_refuses_to_start(
    config: Config, tmp_path: Path
) -> None:
    leaky = Feature(
        "leaky",
        personal_data=(
            privacy.PersonalData(tables=(Citizen,), export=lambda session, citizen: {}, erase=None),
        ),
    )
    assert problems((*FEATURES, leaky)) == ["leaky: personal data in Citizen has no erase hook"]
    from db.engine import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'k.sqlite'}")
    with pytest.raises(ValueError, match="leaky: personal data in Citizen has no erase hook"):
        build_application(
            config, engine, "1:T", "http://127.0.0.1:9/bot", features=(*FEATURES, leaky)
        )
    engine.dispose()


def test_two_features_claiming_one_command_or_step_is_a_problem() -> None:
    clash = Feature(
        "clash",
        commands=FEATURES[1].commands[:1],
        steps=Steps(collection_days.on_area, names=frozenset(("note",))),
    )
    found = problems((*FEATURES, clash))
    assert "command 'talep' is claimed by requests and clash" in found
    assert "step 'note' is claimed by my_requests and clash" in found


def _tied_to_a_citizen() -> set[str]:
    """Tables whose rows name a person: a foreign key (through any chain) to citizen, or
    the chat a message went to (a private chat's id is the person's Telegram id)."""
    tables: dict[str, Table] = dict(SQLModel.metadata.tables)
    tied = {"citizen"}
    while True:
        more = {
            name
            for name, table in tables.items()
            if name not in tied and any(fk.column.table.name in tied for fk in table.foreign_keys)
        }
        if not more:
            break
        tied |= more
    # A department's chat is its staff group, not a person.
    tied |= {name for name, table in tables.items() if "chat_id" in table.c} - {"department"}
    return tied


def test_every_table_tied_to_a_citizen_is_exported_and_erased_by_some_feature() -> None:
    declared = {table.__tablename__ for table in privacy.OWN_TABLES}
    for part in personal_data_of(FEATURES):
        assert part.erase is not None
        declared |= {table.__tablename__ for table in part.tables}
    assert _tied_to_a_citizen() - declared == set()
    # The check sees the tables it should (it would pass vacuously on an empty model).
    assert {"request", "membership", "registration", "outbox_message"} <= _tied_to_a_citizen()


def test_each_step_has_exactly_one_owner() -> None:
    council_steps = {"c_birth", "c_child_name", "c_child_birth", "c_checkin", "c_event"}
    for step in {*intake.FLOW_STEPS, "note", "reply", "survey_comment", *council_steps}:
        owners = [f.name for f in FEATURES if f.steps is not None and f.steps.owns(step)]
        assert len(owners) == 1, (step, owners)


def test_the_command_menu_and_the_main_menu_come_from_the_features() -> None:
    assert [(c.command, c.description) for c in commands_for("tr", FEATURES)] == [
        ("start", "Ana menü"),
        ("talep", "Talep veya şikâyet bildir"),
        ("taleplerim", "Taleplerimi takip et"),
        ("meclis", "Kent Konseyi meclisleri"),
        ("etkinlikler", "Yaklaşan Kent Konseyi etkinlikleri"),
        ("istihdam", "İş ve kariyer: İstihdam Merkezi için özgeçmişiniz"),
        ("iptal", "Yaptığım işlemi bırak"),
        ("verilerim", "Hakkımda tutulan veriler"),
        ("yardim", "Bot neler yapabilir"),
        ("dil", "Dili değiştir"),
    ]
    assert [[b.data for b in row] for row in menu_rows(FEATURES)] == [
        ["menu:request"],
        ["menu:mine"],
        ["menu:council", "menu:events"],
        ["menu:employment"],
        ["menu:language", "menu:help"],
    ]


# --- The developer guide's example feature ------------------------------------------------


def test_the_developer_guide_shows_the_example_feature_as_it_is_tested() -> None:
    readme = (REPO / "docs" / "developer-guide.md").read_text()
    shown = re.search(r"<!-- example-feature -->\n```python\n(.*?)```", readme, re.S)
    assert shown is not None, "the guide's example feature is marked <!-- example-feature -->"
    code = (REPO / "tests/example/collection_days.py").read_text()
    assert shown.group(1) in code and len(shown.group(1)) > 1500


def test_two_features_with_one_name_is_a_problem() -> None:
    twin = Feature(FEATURES[0].name)
    assert f"two features are named {FEATURES[0].name!r}" in problems((*FEATURES, twin))
