"""Where a request goes: its category's department, and that department's staff group."""

from __future__ import annotations

from sqlmodel import Session

from common.config import Config
from db import reference
from db.models import Department


def department_chat(session: Session, department_code: str) -> int | None:
    """The department's own group, if config.toml gives it one."""
    department = reference.get(session, Department, department_code)
    return department.chat_id if department is not None and department.chat_id else None


def staff_chat(session: Session, config: Config, department_code: str) -> int | None:
    """The department's group, or the supervisors' group when it has none."""
    return department_chat(session, department_code) or config.bot.supervisors_chat_id


def configured_groups(config: Config) -> dict[int, list[str]]:
    """Each group config.toml names, with the keys that name it (one group may be
    several): every department's group, the supervisors' group, the digests' groups."""
    roles: dict[int, list[str]] = {}
    for department in config.departments:
        if department.chat_id is not None:
            roles.setdefault(department.chat_id, []).append(
                f"[[departments]] {department.code} chat_id"
            )
    if config.bot.supervisors_chat_id is not None:
        roles.setdefault(config.bot.supervisors_chat_id, []).append("[bot] supervisors_chat_id")
    for chat_id in config.digests.recipients:
        if chat_id < 0:
            roles.setdefault(chat_id, []).append("[digests] recipients")
    return roles


def served_chats(config: Config) -> frozenset[int]:
    """The groups the bot works in: those config.toml names. In any other group it
    answers only setup commands."""
    return frozenset(configured_groups(config))
