"""The employment centre's trainings and job fairs (`v:`), typed (flows.actions): the
citizens' list, the kind a staff member picks before the council's event questions, and a
firm picked among the matches when recording a fair's hires. Registering, the waiting
list, the check-in code and withdrawing are the council's own actions (c:e, c:r, c:w);
roles are checked on the server (core), never trusted from the data."""

from __future__ import annotations

from dataclasses import dataclass

from flows.actions import Action


@dataclass(frozen=True)
class EmploymentEvents(Action, prefix="v:l"):
    """🎓 Trainings and job fair: the upcoming ones."""


@dataclass(frozen=True)
class NewEmploymentEvent(Action, prefix="v:n"):
    """Staff: the kind of the new event (core.employment.events.KINDS); the council's
    event questions follow."""

    kind: str


@dataclass(frozen=True)
class FairFirm(Action, prefix="v:f"):
    """Staff: this firm took part in the fair and hired `hired` people there."""

    event_id: int
    employer_id: int
    hired: int
