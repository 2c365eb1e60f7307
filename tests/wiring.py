"""Pointing a configuration at emulated staff groups, for the tests and the benchmarks."""

from __future__ import annotations

from common.config import Config


def with_staff_groups(config: Config, chat_ids: dict[str, int], supervisors: int) -> Config:
    """The config with its placeholder group ids replaced by emulated groups: each
    department's by code (none where `chat_ids` has no entry), the supervisors' group, and
    the digests' recipients."""
    departments = [
        d.model_copy(update={"chat_id": chat_ids.get(d.code)}) for d in config.departments
    ]
    return config.model_copy(
        update={
            "departments": departments,
            "bot": config.bot.model_copy(update={"supervisors_chat_id": supervisors}),
            "digests": config.digests.model_copy(update={"recipients": [supervisors]}),
        }
    )
