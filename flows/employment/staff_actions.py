"""The employment centre's staff desk (`es:`) and the answers citizens give to a referral
(`er:`), typed (flows.actions). The data only names what was pressed; who may press it is
checked by core on every press (core.employment.registry.authorize for staff, the
referral's own seeker or firm for the answers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from flows.actions import Action

# --- Staff -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Desk(Action, prefix="es:d"):
    """🗂 The staff desk: what waits, by kind."""


@dataclass(frozen=True)
class Firms(Action, prefix="es:f"):
    """Firms waiting for verification."""


@dataclass(frozen=True)
class Firm(Action, prefix="es:fi"):
    employer_id: int


@dataclass(frozen=True)
class Verify(Action, prefix="es:fv"):
    employer_id: int


@dataclass(frozen=True)
class RejectFirm(Action, prefix="es:fr"):
    """The reasons to pick from."""

    employer_id: int


@dataclass(frozen=True)
class RejectFirmWith(Action, prefix="es:frr"):
    employer_id: int
    reason: str


@dataclass(frozen=True)
class Pending(Action, prefix="es:p"):
    """Vacancies waiting for approval."""


@dataclass(frozen=True)
class PendingVacancy(Action, prefix="es:pv"):
    vacancy_id: int


@dataclass(frozen=True)
class Approve(Action, prefix="es:pa"):
    vacancy_id: int


@dataclass(frozen=True)
class SendBack(Action, prefix="es:pb"):
    """The reasons to pick from."""

    vacancy_id: int


@dataclass(frozen=True)
class SendBackWith(Action, prefix="es:pbr"):
    vacancy_id: int
    reason: str


@dataclass(frozen=True)
class Published(Action, prefix="es:v"):
    """Published vacancies, each to its candidates."""


@dataclass(frozen=True)
class PendingPage(Action, prefix="es:pp"):
    """Vacancies waiting for approval, from the `offset`-th on (Next ▶️, ◀️ Previous)."""

    offset: int


@dataclass(frozen=True)
class PublishedPage(Action, prefix="es:vp"):
    """Published vacancies, from the `offset`-th on."""

    offset: int


@dataclass(frozen=True)
class Candidates(Action, prefix="es:c"):
    vacancy_id: int


@dataclass(frozen=True)
class Referrals(Action, prefix="es:vr"):
    """📋 A published vacancy's referrals, from the `offset`-th on, each to its card."""

    vacancy_id: int
    offset: int


@dataclass(frozen=True)
class CloseVacancy(Action, prefix="es:vc"):
    """🔒 Asks to confirm closing a vacancy."""

    vacancy_id: int


@dataclass(frozen=True)
class CloseVacancyConfirmed(Action, prefix="es:vcy"):
    vacancy_id: int


@dataclass(frozen=True)
class Refer(Action, prefix="es:r"):
    vacancy_id: int
    seeker_id: int


@dataclass(frozen=True)
class Card(Action, prefix="es:rc"):
    """A referral's card with the outcomes staff may set."""

    referral_id: int


@dataclass(frozen=True)
class Outcome(Action, prefix="es:o"):
    """Staff set a referral's status themselves (core.employment.referrals.staff_change)."""

    referral_id: int
    to: str


@dataclass(frozen=True)
class NotHired(Action, prefix="es:nh"):
    """The reasons to pick from."""

    referral_id: int


@dataclass(frozen=True)
class NotHiredWith(Action, prefix="es:nhr"):
    referral_id: int
    reason: str


@dataclass(frozen=True)
class JobFoundOn(Action, prefix="es:jf"):
    """Job found, starting `days` after today (flows.employment.referral_desk.START_IN)."""

    referral_id: int
    days: int


@dataclass(frozen=True)
class AcceptForSeeker(Action, prefix="es:ac"):
    """The seeker accepted by phone or in person: asks staff to confirm."""

    referral_id: int


@dataclass(frozen=True)
class AcceptedForSeeker(Action, prefix="es:acw"):
    """Confirmed: record the seeker's acceptance (`how`: referrals.ACCEPTED_BY)."""

    referral_id: int
    how: str


# --- Citizens' answers -------------------------------------------------------------------

Answer = Literal["y", "n"]


@dataclass(frozen=True)
class Interested(Action, prefix="er:i"):
    """The seeker, to a referral: interested (y) or not (n)."""

    referral_id: int
    answer: Answer


@dataclass(frozen=True)
class InterviewHeld(Action, prefix="er:h"):
    """The seeker: did the interview happen?"""

    referral_id: int
    answer: Answer


@dataclass(frozen=True)
class SeekerStarted(Action, prefix="er:s"):
    """The seeker: did you start work?"""

    referral_id: int
    answer: Answer


@dataclass(frozen=True)
class EmployerStarted(Action, prefix="er:e"):
    """The firm: did they start work?"""

    referral_id: int
    answer: Answer


@dataclass(frozen=True)
class CVFile(Action, prefix="es:cv"):
    """📎 The PDF a candidate sent with their CV, sent into the chat."""

    seeker_id: int
