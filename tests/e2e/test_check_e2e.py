"""`kentbot check` (bot/check.py) against the emulator: a good configuration passes, and a
broken one is reported one line per finding with a non-zero exit."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx

from bot.check import run_check
from common.config import Config, load_config
from emulator.client import EmulatorClient
from tests.harness import BOT_TOKEN
from tests.processes import KENTBOT, REPO, TOKEN, clean_env
from tests.wiring import with_staff_groups

WRONG_ID = -1009999999999


def check(config: Config, emu: EmulatorClient) -> tuple[int, list[str]]:
    lines: list[str] = []
    code = run_check(config, BOT_TOKEN, emu.api_url, out=lines.append)
    return code, lines


def line(lines: list[str], *parts: str) -> str:
    found = [entry for entry in lines if all(p in entry for p in parts)]
    assert len(found) == 1, f"no single line with {parts} in:\n" + "\n".join(lines)
    return found[0]


def test_a_good_configuration_passes(emu: EmulatorClient, config: Config) -> None:
    emu.create_user(first_name="Yönetici", id=config.bot.admins[0], started=True)
    groups = {d.code: emu.create_group(d.code).id for d in config.departments if d.chat_id}
    quiet = emu.create_group("Zabıta", bot_is_admin=False)  # a member in privacy mode
    groups["zabita"] = quiet.id
    supervisors = emu.create_group("Amirler")
    code, lines = check(with_staff_groups(config, groups, supervisors.id), emu)
    assert code == 0, "\n".join(lines)
    assert lines[-1] == "everything checked is in order"
    assert line(lines, "ok", "token", "@kentbot_test", "privacy is on")
    assert line(lines, "ok", "[[departments]] fen chat_id", "administrator")
    assert line(lines, "ok", "supervisors_chat_id and [digests] recipients", str(supervisors.id))
    assert line(lines, "note", "zabita chat_id", "replies to its own messages")
    assert line(lines, "ok", "[bot] admins", str(config.bot.admins[0]), "has started the bot")


def test_a_broken_configuration_is_reported_line_by_line(
    emu: EmulatorClient, config: Config
) -> None:
    emu.create_user(first_name="Yönetici", id=config.bot.admins[0])  # never opened the bot
    owner = emu.create_user(first_name="Can")
    left = emu.create_group("Fen İşleri", creator=owner, bot_in_group=False)
    park = emu.create_group("Park")
    wired = with_staff_groups(config, {"fen": left.id, "park": park.id, "temizlik": WRONG_ID}, 0)
    broken = wired.model_copy(
        update={
            "bot": wired.bot.model_copy(update={"supervisors_chat_id": None}),
            "digests": wired.digests.model_copy(update={"recipients": [owner.id]}),
        }
    )
    code, lines = check(broken, emu)
    assert code == 1
    assert line(lines, "error", "temizlik chat_id", str(WRONG_ID), "/kimlik")
    assert line(lines, "error", "fen chat_id", str(left.id), "does not show the bot")
    assert line(lines, "ok", "park chat_id")
    assert line(lines, "error", "no chat_id and there is no [bot] supervisors_chat_id")
    assert line(lines, "error", "[bot] admins", str(config.bot.admins[0]), "press Start")
    assert line(lines, "error", "[digests] recipients", str(owner.id))
    assert lines[-1] == "5 problem(s) found"


def test_a_group_that_restricted_the_bot_is_an_error_and_posting_there_fails(
    emu: EmulatorClient, config: Config
) -> None:
    emu.create_user(first_name="Yönetici", id=config.bot.admins[0], started=True)
    owner = emu.create_user(first_name="Can")
    muted = emu.create_group("Zabıta", creator=owner, bot_is_admin=False)
    muted.set_bot("restricted", by=owner)  # the group's administrators took its rights
    supervisors = emu.create_group("Amirler")

    code, lines = check(with_staff_groups(config, {"zabita": muted.id}, supervisors.id), emu)

    assert code == 1
    assert line(lines, "error", "zabita chat_id", str(muted.id), "may not post")
    assert lines[-1] == "1 problem(s) found"
    # What the check foresaw: Telegram refuses the bot's messages there.
    sent = httpx.post(
        f"{emu.api_url}{BOT_TOKEN}/sendMessage", json={"chat_id": muted.id, "text": "Deneme"}
    )
    assert sent.status_code == 400 and "not enough rights" in sent.json()["description"]


def test_the_command_line_exits_non_zero_on_a_wrong_token_or_group(
    emulator: EmulatorClient, tmp_path: Path
) -> None:
    """`kentbot check` as an operator runs it: config.toml's placeholders, one fixed."""
    text = (REPO / "config.toml").read_text(encoding="utf-8")
    config = load_config(REPO / "config.toml")
    supervisors = emulator.create_group("Amirler")
    emulator.create_user(first_name="Yönetici", id=config.bot.admins[0], started=True)
    path = tmp_path / "config.toml"
    path.write_text(
        text.replace(f"= {config.bot.supervisors_chat_id}", f"= {supervisors.id}"),
        encoding="utf-8",
    )

    def run(token: str) -> subprocess.CompletedProcess[str]:
        env = clean_env(KENTBOT_TOKEN=token, KENTBOT_API_URL=emulator.api_url)
        return subprocess.run(
            [KENTBOT, "check", "--config", str(path)],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    result = run(TOKEN)
    assert result.returncode == 1, result
    output = result.stdout.splitlines()
    assert line(output, "ok", "supervisors_chat_id", str(supervisors.id))
    assert line(output, "error", "[[departments]] fen chat_id", "-1001000000001")
    assert TOKEN not in result.stdout + result.stderr
    refused = run("999:WRONG")
    assert refused.returncode == 1
    assert "Telegram refuses the token" in refused.stdout
    assert "999:WRONG" not in refused.stdout + refused.stderr
