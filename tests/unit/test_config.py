"""config.toml: the checked-in example is valid, and mistakes name the key and line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from common.config import DEFAULT_CONFIG_PATH, ConfigError, file_url_for, load_config, parse_config

EXAMPLE = DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")


def test_example_config_describes_the_municipality() -> None:
    config = load_config()
    assert config.municipality.timezone == "Europe/Istanbul"
    codes = {d.code for d in config.departments}
    assert {
        "fen",
        "temizlik",
        "park",
        "zabita",
        "ulasim",
        "sosyal",
        "imar",
        "kent_konseyi",
        "istihdam",
    } <= codes
    assert all(c.department in codes for c in config.categories)
    assemblies = {a.code: a for a in config.assemblies}
    assert len(assemblies) == 6
    # The 2025 programme: 2 + 5 x 12 = 62 events, 400 + 5 x 960 = 5200 people.
    events = sum(a.targets[2025].events or 0 for a in assemblies.values())
    people = sum(
        (a.targets[2025].participants or 0) + (a.targets[2025].members or 0)
        for a in assemblies.values()
    )
    assert (events, people) == (62, 5200)
    assert config.targets[2025].council_events == 62
    assert config.targets[2025].missed_call_rate_percent == 12.2


def _line_of(text: str, needle: str, occurrence: int = 1) -> int:
    count = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            count += 1
            if count == occurrence:
                return number
    raise AssertionError(needle)


def test_wrong_value_names_key_and_line() -> None:
    broken = EXAMPLE.replace(
        'sla_hours = 8\nname = { tr = "Çöp', 'sla_hours = "soon"\nname = { tr = "Çöp'
    )
    with pytest.raises(ConfigError) as caught:
        parse_config(broken, source="config.toml")
    line = _line_of(broken, 'sla_hours = "soon"')
    assert f"config.toml:{line}: categories[2].sla_hours:" in str(caught.value)


def test_unknown_department_is_reported_on_its_line() -> None:
    broken = EXAMPLE.replace('department = "zabita"', 'department = "zabitaa"', 1)
    with pytest.raises(ConfigError) as caught:
        parse_config(broken)
    line = _line_of(broken, 'department = "zabitaa"')
    assert f"config.toml:{line}: categories[6].department: unknown department 'zabitaa'" in str(
        caught.value
    )


def test_unknown_key_and_bad_timezone_are_both_reported() -> None:
    broken = EXAMPLE.replace('timezone = "Europe/Istanbul"', 'timezone = "Europe/Ankara"')
    broken = broken.replace("retention_days = 730", "retention_days = 730\nretension = 1")
    with pytest.raises(ConfigError) as caught:
        parse_config(broken)
    message = str(caught.value)
    assert f":{_line_of(broken, 'Europe/Ankara')}: municipality.timezone" in message
    assert f":{_line_of(broken, 'retension')}: kvkk.retension: Extra inputs" in message


def test_type_errors_and_unknown_references_are_reported_in_one_run() -> None:
    # A wrong type used to hide every cross-table problem until it was fixed.
    broken = EXAMPLE.replace(
        'sla_hours = 8\nname = { tr = "Çöp', 'sla_hours = "soon"\nname = { tr = "Çöp'
    ).replace('department = "zabita"', 'department = "zabitaa"', 1)
    with pytest.raises(ConfigError) as caught:
        parse_config(broken, source="config.toml")
    sla_line = _line_of(broken, 'sla_hours = "soon"')
    department_line = _line_of(broken, 'department = "zabitaa"')
    assert str(caught.value).splitlines() == [
        "invalid configuration:",
        f"  config.toml:{sla_line}: categories[2].sla_hours: "
        "Input should be a valid integer, unable to parse string as an integer",
        f"  config.toml:{department_line}: categories[6].department: "
        "unknown department 'zabitaa'; known: fen, halkla_iliskiler, imar, istihdam, "
        "kent_konseyi, park, sosyal, temizlik, ulasim, zabita",
    ]


def test_duplicate_codes_are_checked_beside_type_errors() -> None:
    broken = EXAMPLE.replace('code = "temizlik"', 'code = "fen"', 1).replace(
        "retention_days = 730", "retention_days = 7"
    )
    with pytest.raises(ConfigError) as caught:
        parse_config(broken)
    message = str(caught.value)
    assert "kvkk.retention_days: Input should be greater than or equal to 30" in message
    assert "departments[1].code: duplicate code 'fen'" in message
    # The category of the renamed department is an unknown reference, on its own line.
    assert "unknown department 'temizlik'" in message


def test_no_department_list_is_one_problem_not_one_per_category() -> None:
    text = (
        'departments = "fen"\n'
        '[municipality]\nname = "X"\n'
        '[[categories]]\ncode = "a"\ndepartment = "fen"\nsla_hours = 8\nname = { tr = "A" }\n'
    )
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    assert str(caught.value).splitlines()[1:] == [
        "  config.toml:1: departments: Input should be a valid list"
    ]


def test_closed_days_are_dates_and_a_bad_one_is_named() -> None:
    listed = parse_config(
        EXAMPLE.replace("closed_days = []", 'closed_days = ["2026-05-25", 2026-05-29]')
    )
    assert listed.working_time.closed_days == [date(2026, 5, 25), date(2026, 5, 29)]
    broken = EXAMPLE.replace(
        "closed_days = []", 'closed_days = ["2026-05-25", "2026-02-30", "25.05.2026"]'
    )
    with pytest.raises(ConfigError) as caught:
        parse_config(broken)
    line = _line_of(broken, '"2026-02-30"')
    lines = str(caught.value).splitlines()[1:]
    assert lines == [
        f"  config.toml:{line}: working_time.closed_days[1]: Value error, '2026-02-30' is not "
        'a date; write days like "2026-05-25"',
        f"  config.toml:{line}: working_time.closed_days[2]: Value error, '25.05.2026' is not "
        'a date; write days like "2026-05-25"',
    ]


def test_toml_syntax_error_gives_line() -> None:
    with pytest.raises(ConfigError, match=r"line 2"):
        parse_config('[municipality]\nname = "x\n')


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read configuration file"):
        load_config(tmp_path / "nope.toml")


def test_file_url_follows_api_url() -> None:
    assert file_url_for("http://127.0.0.1:9000/bot") == "http://127.0.0.1:9000/file/bot"
    assert file_url_for("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
