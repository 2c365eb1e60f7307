"""The `kentbot` command's logs: one line per record (tracebacks included), its level and
logger name, the journal's priority prefix on demand, and no personal data from a failed
statement's parameters."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.logs import OneLineFormatter
from db.engine import transaction
from db.models import Citizen
from tests.processes import REPO, clean_env

SCRIPT = """
import logging
from bot.cli import setup_logging
setup_logging()
log = logging.getLogger("kentbot.test")
log.info("first line\\nsecond line")
try:
    raise ValueError("boom")
except ValueError:
    log.exception("it failed")
log.debug("not shown at INFO")
"""


def run(**env: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=REPO,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stderr.splitlines()


def test_each_record_is_one_line_with_its_level_and_logger() -> None:
    lines = run()
    assert len(lines) == 2, lines
    assert lines[0].endswith(" INFO kentbot.test: first line\\nsecond line"), lines
    assert " ERROR kentbot.test: it failed\\nTraceback (most recent call last):\\n" in lines[1]
    assert lines[1].endswith("ValueError: boom")


def test_the_journal_layout_leaves_the_time_to_journald_and_gives_the_priority() -> None:
    lines = run(KENTBOT_LOG_FORMAT="journal", KENTBOT_LOG_LEVEL="debug")
    assert lines[0] == "<6>INFO kentbot.test: first line\\nsecond line", lines
    assert lines[1].startswith("<3>ERROR kentbot.test: it failed\\nTraceback")
    assert lines[2] == "<7>DEBUG kentbot.test: not shown at INFO"


def test_an_unknown_layout_is_said_and_text_is_used() -> None:
    lines = run(KENTBOT_LOG_FORMAT="xml")
    assert "WARNING kentbot: KENTBOT_LOG_FORMAT='xml' is unknown" in lines[0], lines
    assert lines[1].endswith(" INFO kentbot.test: first line\\nsecond line")


def test_the_formatter_folds_carriage_returns_and_stacks() -> None:
    record = logging.LogRecord("kentbot", logging.WARNING, __file__, 1, "a\r\nb\rc", (), None)
    record.stack_info = "Stack (most recent call last):\n  here"
    text = OneLineFormatter("%(levelname)s %(name)s: %(message)s").format(record)
    assert text == "WARNING kentbot: a\\nb\\nc\\nStack (most recent call last):\\n  here"


def test_a_failed_statement_does_not_carry_what_it_wrote(db: Engine) -> None:
    with transaction(db) as session:
        session.add(Citizen(telegram_id=4242, language="tr"))
    with pytest.raises(IntegrityError) as failed, transaction(db) as session:
        session.add(Citizen(telegram_id=4242, language="tr", phone="+905551234567"))
    assert "+905551234567" not in str(failed.value)
    assert "parameters hidden" in str(failed.value)
