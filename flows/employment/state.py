"""What the CV wizard collects: the citizen's conversation state (core.conversation)
under the one step EmploymentStep.CV, the field being asked in `field`."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import Field

from core import conversation


class EmploymentState(conversation.State):
    """The CV being written, saved at every answer (a restart loses nothing)."""

    # The field asked now (FIELDS), or "summary".
    field: str = "name"
    # Editing from the summary: an answer goes back to it.
    editing: bool = False
    name: str | None = None
    birth_year: int | None = None
    district: str | None = None
    neighbourhood: str | None = None
    phone: str | None = None
    education: str | None = None
    occupations: list[str] = Field(default_factory=list)
    # The last word typed at the occupations question, whose matches are shown.
    search: str | None = None
    experience: list[dict[str, Any]] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    licence: bool | None = None
    availability: str | None = None
    work_time: str | None = None


class EmploymentStep(StrEnum):
    CV = "e_cv"  # a CV question (EmploymentState.field) or its summary


SUMMARY = "summary"
FIELDS = (
    "name",
    "birth_year",
    "district",
    "neighbourhood",
    "phone",
    "education",
    "occupations",
    "experience",
    "languages",
    "licence",
    "availability",
    "work_time",
)
# Up to three occupations are asked for by chat (core allows five).
MAX_OCCUPATIONS = 3
