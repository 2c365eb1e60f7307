"""Where a request goes: its category's department, and that department's staff group."""

from __future__ import annotations

from sqlmodel import Session

from common.config import Config
from db import reference
from db.models import Department


def staff_chat(session: Session, config: Config, department_code: str) -> int | None:
    """The department's group, or the supervisors' group when it has none."""
    department = reference.get(session, Department, department_code)
    if department is not None and department.chat_id:
        return department.chat_id
    return config.bot.supervisors_chat_id


def served_chats(config: Config) -> frozenset[int]:
    """The groups the bot works in: every department's group, the supervisors' group and
    the digests' group recipients. In any other group it answers only setup commands."""
    chats = {d.chat_id for d in config.departments if d.chat_id is not None}
    if config.bot.supervisors_chat_id is not None:
        chats.add(config.bot.supervisors_chat_id)
    chats.update(chat for chat in config.digests.recipients if chat < 0)
    return frozenset(chats)
