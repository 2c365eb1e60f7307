"""What the CV wizard collects: the citizen's conversation state (core.conversation)
under the one step EmploymentStep.CV, the field being asked in `field`."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import Field, model_validator

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
    # The driving licence classes held (core.employment.codes), [] for none; None while
    # not answered.
    licences: list[str] | None = None
    availability: str | None = None
    work_time: str | None = None
    # An existing CV sent as a PDF (optional): the channel's file id, its name and size.
    cv_file_id: str | None = None
    cv_file_name: str | None = None
    cv_file_size: int | None = None
    # Disability status (special-category data): asked only once its own explicit
    # consent was given, at this time; None when not consented (or withdrawn).
    disability_consent_at: datetime | None = None
    disability: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _yes_no_licence(cls, data: Any) -> Any:
        """A draft stored before licence classes said only `licence: true/false`: "no"
        reads as no licence; "yes" asks which classes (back to the summary after, when
        the draft was there), so no draft written before fails to load."""
        if not isinstance(data, dict) or "licence" not in data:
            return data
        data = dict(data)
        had = data.pop("licence")
        if "licences" in data or had is None:
            return data
        if not had:
            data["licences"] = []
            return data
        field = data.get("field", "name")
        if field == SUMMARY:
            data.update(field="licence", editing=True)
        elif field in FIELDS and FIELDS.index(field) > FIELDS.index("licence"):
            data["field"] = "licence"
        return data


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
    "cv_file",
    "disability",
)
# Up to three occupations are asked for by chat (core allows five).
MAX_OCCUPATIONS = 3
