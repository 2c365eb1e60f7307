"""The employer's actions (`j:`), typed (flows.actions): a firm's home, its registration
and vacancy wizards, its vacancies and the candidates referred to them. Ids in them are
only where to look: core.employment.firms checks that the presser registered the firm."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from flows.actions import Action


@dataclass(frozen=True)
class Home(Action, prefix="j:h"):
    """🏢 I am an employer: the citizen's firms."""


@dataclass(frozen=True)
class Register(Action, prefix="j:r"):
    """Register a firm: the notice about the contact person's data first."""


@dataclass(frozen=True)
class Consented(Action, prefix="j:kv"):
    """The notice read: the firm's first question."""


@dataclass(frozen=True)
class Back(Action, prefix="j:b"):
    """The question before this one (or the summary, when editing)."""


@dataclass(frozen=True)
class Cancel(Action, prefix="j:x"):
    """Stop the wizard: nothing is stored."""


@dataclass(frozen=True)
class Skip(Action, prefix="j:k"):
    """An optional question left out."""


@dataclass(frozen=True)
class Pick(Action, prefix="j:p"):
    """A button answer (full or part time; yes or no to the disability quota)."""

    value: str


@dataclass(frozen=True)
class Occupation(Action, prefix="j:o"):
    """The vacancy's occupation, picked among the matches."""

    code: str


@dataclass(frozen=True)
class Until(Action, prefix="j:u"):
    """Valid for this many months from today."""

    months: Literal[1, 2, 3, 6]


@dataclass(frozen=True)
class Summary(Action, prefix="j:sm"):
    pass


@dataclass(frozen=True)
class EditMenu(Action, prefix="j:em"):
    pass


@dataclass(frozen=True)
class Edit(Action, prefix="j:e"):
    field: str


@dataclass(frozen=True)
class Save(Action, prefix="j:sv"):
    """Register the firm, or send the vacancy for approval."""


@dataclass(frozen=True)
class Firm(Action, prefix="j:f"):
    employer_id: int


@dataclass(frozen=True)
class NewVacancy(Action, prefix="j:nv"):
    employer_id: int


@dataclass(frozen=True)
class Vacancies(Action, prefix="j:vs"):
    employer_id: int


@dataclass(frozen=True)
class Vacancy(Action, prefix="j:v"):
    vacancy_id: int


@dataclass(frozen=True)
class Candidate(Action, prefix="j:c"):
    referral_id: int


@dataclass(frozen=True)
class Outcome(Action, prefix="j:oc"):
    """Record an outcome: interview and hired ask the date, not hired asks the reason."""

    referral_id: int
    to: Literal["interview", "job_found", "started", "not_hired"]


@dataclass(frozen=True)
class Reason(Action, prefix="j:nr"):
    """Not hired, for this reason (core.employment.codes.NOT_HIRED_REASONS)."""

    referral_id: int
    reason: str


@dataclass(frozen=True)
class Undecided(Action, prefix="j:ud"):
    """Asked after the interview how it went: not decided yet (nothing is recorded)."""

    referral_id: int


@dataclass(frozen=True)
class Day(Action, prefix="j:d"):
    """The outcome's date: today (0) or tomorrow (1)."""

    offset: Literal[0, 1]


@dataclass(frozen=True)
class Close(Action, prefix="j:cl"):
    """Asks to confirm closing the vacancy."""

    vacancy_id: int


@dataclass(frozen=True)
class CloseConfirmed(Action, prefix="j:cly"):
    vacancy_id: int


@dataclass(frozen=True)
class CVFile(Action, prefix="j:cv"):
    """📎 The PDF a candidate who accepted the referral sent with their CV."""

    referral_id: int


@dataclass(frozen=True)
class CorrectVacancy(Action, prefix="j:cr"):
    """✏️ A vacancy staff sent back, into the vacancy wizard to correct and send again."""

    vacancy_id: int


@dataclass(frozen=True)
class CorrectFirm(Action, prefix="j:cf"):
    """✏️ A firm staff turned down, into the firm wizard to correct and send again."""

    employer_id: int
