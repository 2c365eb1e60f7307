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
