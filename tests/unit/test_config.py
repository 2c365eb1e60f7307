"""config.toml: the checked-in example is valid, and mistakes name the key and line."""

from __future__ import annotations

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


def test_toml_syntax_error_gives_line() -> None:
    with pytest.raises(ConfigError, match=r"line 2"):
        parse_config('[municipality]\nname = "x\n')


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read configuration file"):
        load_config(tmp_path / "nope.toml")


def test_file_url_follows_api_url() -> None:
    assert file_url_for("http://127.0.0.1:9000/bot") == "http://127.0.0.1:9000/file/bot"
    assert file_url_for("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
