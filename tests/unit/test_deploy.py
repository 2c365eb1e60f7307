"""What deploy/ and the Dockerfile promise: the systemd unit restarts the bot as its own
user with its secrets from a file and runs a real `kentbot` subcommand; compose starts it
on its PostgreSQL service once that is healthy. Checked as text everywhere, with
`systemd-analyze verify` and an image build where this machine has them."""

from __future__ import annotations

import configparser
import json
import re
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from bot.cli import build_parser
from tests.processes import KENTBOT, REPO

UNIT = REPO / "deploy" / "kentbot.service"
COMPOSE = REPO / "deploy" / "compose.yaml"
DOCKERFILE = REPO / "Dockerfile"
OPERATIONS = REPO / "docs" / "operations.md"


def subcommands() -> set[str]:
    parser = build_parser()
    (choices,) = [a.choices for a in parser._actions if a.dest == "command"]
    assert isinstance(choices, dict)
    return set(choices)


def kentbot_commands(command: str) -> list[list[str]]:
    """Each `kentbot ...` invocation in a shell command line."""
    words = shlex.split(command)
    found = []
    for i, word in enumerate(words):
        if Path(word).name == "kentbot":
            found.append(words[i + 1 :])
    return found


def assert_real(invocation: list[str]) -> None:
    """The words after `kentbot` (up to a shell's &&) are a command it accepts."""
    args = invocation[: invocation.index("&&")] if "&&" in invocation else invocation
    assert args and args[0] in subcommands(), invocation
    build_parser().parse_args(args)  # exits, failing the test, if they are not


def unit() -> configparser.ConfigParser:
    # systemd units repeat some keys (SystemCallFilter=); the last one is enough here.
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(UNIT.read_text())
    return parser


def test_the_unit_restarts_the_bot_as_its_own_user_with_secrets_from_a_file() -> None:
    service = unit()["Service"]
    assert service["Restart"] == "always"
    assert service["User"] == "kentbot" and service["Group"] == "kentbot"
    assert service["EnvironmentFile"] == "/etc/kentbot/kentbot.env"
    assert service["WorkingDirectory"] == "/opt/kentbot"
    (invocation,) = kentbot_commands(service["ExecStart"])
    assert invocation == ["run"]
    assert_real(invocation)
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "CapabilityBoundingSet": "",
    }.items():
        assert service[key] == value, key
    assert "KENTBOT_LOG_FORMAT=journal" in UNIT.read_text()
    assert unit()["Install"]["WantedBy"] == "multi-user.target"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_analyze_verifies_the_unit(tmp_path: Path) -> None:
    """verify checks that ExecStart's program exists: the copy points at this checkout's."""
    copy = tmp_path / "kentbot.service"
    copy.write_text(UNIT.read_text().replace("/opt/kentbot/.venv/bin/kentbot", KENTBOT))
    done = subprocess.run(
        ["systemd-analyze", "verify", str(copy)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )
    # Other units of this machine may draw warnings of their own; ours must draw none.
    ours = [line for line in done.stderr.splitlines() if "kentbot" in line]
    assert done.returncode == 0 and not ours, done.stderr


def compose() -> dict[str, Any]:
    yaml = pytest.importorskip("yaml")
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def test_compose_runs_the_bot_on_its_healthy_postgresql_service() -> None:
    services = compose()["services"]
    db, bot = services["db"], services["bot"]
    assert db["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db["volumes"])
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert bot["restart"] in ("always", "unless-stopped")
    environment = bot["environment"]
    url = make_url(re.sub(r"\$\{[^}]*\}", "secret", environment["KENTBOT_DATABASE_URL"]))
    assert url.get_backend_name() == "postgresql"
    assert (url.host, url.database, url.username) == (
        "db",
        db["environment"]["POSTGRES_DB"],
        db["environment"]["POSTGRES_USER"],
    )
    assert "KENTBOT_TOKEN" in environment
    assert bot["command"][:2] == ["sh", "-c"]
    invocations = kentbot_commands(bot["command"][2])
    assert [i[0] for i in invocations] == ["db", "run"]  # migrations first
    for invocation in invocations:
        assert_real(invocation)
    (check,) = kentbot_commands(shlex.join(bot["healthcheck"]["test"][1:]))
    assert check == ["status", "--this-host"]
    assert_real(check)
    assert bot["build"]["context"] == ".." and (COMPOSE.parent / "..").resolve() == REPO


def test_the_dockerfile_runs_real_subcommands() -> None:
    text = DOCKERFILE.read_text()
    assert text.startswith("#") and "FROM python:3.11" in text
    (cmd,) = re.findall(r"^CMD (\[.*\])$", text, re.MULTILINE)
    (healthcheck,) = re.findall(r"^\s+CMD (\[.*\])$", text, re.MULTILINE)
    for line in (cmd, healthcheck):
        (invocation,) = kentbot_commands(shlex.join(json.loads(line)))
        assert_real(invocation)
    assert "USER kentbot" in text


def _container_tool() -> tuple[str | None, str]:
    for tool in ("docker", "podman"):
        if shutil.which(tool) is None:
            continue
        info = subprocess.run([tool, "info"], capture_output=True, text=True, timeout=30)
        if info.returncode == 0:
            return tool, ""
        return None, f"{tool} is installed but its daemon does not answer"
    return None, "neither docker nor podman is installed"


def test_the_image_builds() -> None:
    tool, why = _container_tool()
    if tool is None:
        pytest.skip(why)
    done = subprocess.run(
        [tool, "build", "-t", "kentbot:test", "."],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    ran = subprocess.run(
        [tool, "run", "--rm", "kentbot:test", "kentbot", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert ran.returncode == 0 and "status" in ran.stdout, ran


def test_every_setting_the_deployment_files_name_is_one_the_code_reads() -> None:
    code = "".join(
        path.read_text() for folder in ("bot", "common") for path in (REPO / folder).glob("*.py")
    )
    for file in (UNIT, COMPOSE, DOCKERFILE, REPO / "deploy" / "kentbot.env.example", OPERATIONS):
        for name in set(re.findall(r"KENTBOT_[A-Z_]+", file.read_text())):
            assert f'"{name}"' in code, f"{file.name} names {name}, which no code reads"


def test_the_license_file_matches_pyproject() -> None:
    license_field = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["license"]
    assert license_field == {"text": "MIT"}
    assert (REPO / "LICENSE").read_text().startswith("MIT License\n")
