"""What the employer's wizards collect, in the citizen's conversation state
(core.conversation), saved at every answer: a firm being registered (EmployerStep.FIRM),
a vacancy being written (VACANCY), and the date of an outcome being recorded (OUTCOME).
The field being asked is in `field` ("summary" at the end)."""

from __future__ import annotations

from enum import StrEnum

from core import conversation


class EmployerStep(StrEnum):
    FIRM = "e_firm"  # a firm's question (FirmState.field) or its summary
    VACANCY = "e_vac"  # a vacancy's question (VacancyState.field) or its summary
    OUTCOME = "e_out"  # the date of an interview or of a start, for a candidate


SUMMARY = "summary"


class FirmState(conversation.State):
    # The firm staff turned down, being corrected (None: a new firm).
    employer_id: int | None = None
    field: str = "name"
    editing: bool = False
    name: str | None = None
    tax_number: str | None = None
    sector: str | None = None
    district: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None


FIRM_FIELDS = ("name", "tax_number", "sector", "district", "contact_name", "contact_phone")
FIRM_OPTIONAL = frozenset({"sector"})


class VacancyState(conversation.State):
    employer_id: int
    # The vacancy staff sent back, being corrected (None: a new vacancy).
    vacancy_id: int | None = None
    field: str = "title"
    editing: bool = False
    title: str | None = None
    occupation: str | None = None
    # The last word typed at the occupation question, whose matches are shown.
    search: str | None = None
    positions: int | None = None
    district: str | None = None
    work_time: str | None = None
    # A position under the legal quota for disabled employees (engelli kontenjanı).
    quota: bool | None = None
    requirements: str | None = None
    valid_until: str | None = None  # ISO date


VACANCY_FIELDS = (
    "title",
    "occupation",
    "positions",
    "district",
    "work_time",
    "quota",
    "requirements",
    "valid_until",
)
VACANCY_OPTIONAL = frozenset({"requirements"})


class OutcomeState(conversation.State):
    """A candidate's interview (interview) or hiring (job_found), waiting for its date."""

    referral_id: int
    to: str
