"""How the `kentbot` command logs: one line per record, with its level and logger name, on
stderr, where systemd's journal or Docker's log driver collect it (or a file that
logrotate turns over, see docs/operations.md).

Every record is one line, so a collector never splits one event into several nor merges
two: line breaks inside a message or a traceback (kept with its record, from exc_info) are
written as the two characters `\\n`. `sed 's/\\\\n/\\n/g'` shows a traceback as usual.

$KENTBOT_LOG_FORMAT chooses the layout:

* `text` (the default): `2026-12-06 16:00:00,123 INFO kentbot.leadership: leading (...)`
* `journal`: `<6>INFO kentbot.leadership: leading (...)`: no time (the journal stamps
  each line itself) and the syslog priority in front, which journald reads from a
  service's output (SyslogLevelPrefix=, on by default), so `journalctl -p warning` works.

$KENTBOT_LOG_LEVEL sets the level (`DEBUG`, `INFO`, `WARNING`; default `INFO`). Whatever
the level, the libraries that would log message texts or the token are held back (below,
and bot.app.quiet_library_logs).
"""

from __future__ import annotations

import logging
import os

FORMAT_ENV = "KENTBOT_LOG_FORMAT"
LEVEL_ENV = "KENTBOT_LOG_LEVEL"
LAYOUTS = {
    "text": "%(asctime)s %(levelname)s %(name)s: %(message)s",
    "journal": "<%(priority)d>%(levelname)s %(name)s: %(message)s",
}
# syslog priorities (sd-daemon.h) by logging level
PRIORITIES = {
    logging.DEBUG: 7,
    logging.INFO: 6,
    logging.WARNING: 4,
    logging.ERROR: 3,
    logging.CRITICAL: 2,
}


class OneLineFormatter(logging.Formatter):
    """A record, its traceback and stack included, on a single line."""

    def format(self, record: logging.LogRecord) -> str:
        record.priority = PRIORITIES.get(record.levelno, 6 if record.levelno < 30 else 3)
        text = super().format(record)
        return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def setup(stream: object = None) -> None:
    """Configure the root logger for a `kentbot` process; as logging.basicConfig, nothing
    changes if it has handlers already (a test's log capture, say)."""
    root = logging.getLogger()
    name = os.environ.get(FORMAT_ENV, "text").strip().lower() or "text"
    level = os.environ.get(LEVEL_ENV, "INFO").strip().upper() or "INFO"
    if not root.handlers:
        handler = logging.StreamHandler(stream)  # type: ignore[call-overload]
        handler.setFormatter(OneLineFormatter(LAYOUTS.get(name, LAYOUTS["text"])))
        root.addHandler(handler)
        try:
            root.setLevel(level)
        except ValueError:
            root.setLevel(logging.INFO)
            logging.getLogger("kentbot").warning("%s=%r is no level; using INFO", LEVEL_ENV, level)
        if name not in LAYOUTS:
            logging.getLogger("kentbot").warning(
                "%s=%r is unknown (%s); using text", FORMAT_ENV, name, ", ".join(LAYOUTS)
            )
    # httpx logs every URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
