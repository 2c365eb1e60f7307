"""What the council's typed answers are collected in: the citizen's conversation state
(core.conversation) under the council's step names, and the new event's fields in the
order they are asked."""

from __future__ import annotations

from enum import StrEnum

from core import conversation


class CouncilState(conversation.State):
    """What the council's steps have collected (stored as JSON in the citizen's
    conversation state)."""

    assembly: str | None = None
    # The new event's kind (core.council.COUNCIL when None; the employment centre's
    # trainings and job fairs go through the same questions, without an assembly).
    kind: str | None = None
    # A child's first and last name, while their date of birth is asked.
    child: str | None = None
    # The event whose registrants are checked in at the door.
    event: int | None = None
    # A new event, one field after another (EVENT_FIELDS; times in ISO 8601).
    field: str | None = None
    title: str | None = None
    description: str | None = None
    starts_at: str | None = None
    ends_at: str | None = None
    place: str | None = None
    capacity: int | None = None
    deadline: str | None = None
    members_only: bool | None = None


class CouncilStep(StrEnum):
    """The council's conversation steps: what a citizen's next typed message answers."""

    BIRTH = "c_birth"  # their date of birth, for an assembly with an age rule
    CHILD_NAME = "c_child_name"  # a guardian registers a child: the name
    CHILD_BIRTH = "c_child_birth"  # then the child's date of birth
    CHECKIN = "c_checkin"  # a coordinator at the door: registrants' codes
    EVENT = "c_event"  # a coordinator creating an event: its next field


EVENT_FIELDS = (
    "title",
    "description",
    "starts_at",
    "ends_at",
    "place",
    "capacity",
    "deadline",
    "members_only",
)
