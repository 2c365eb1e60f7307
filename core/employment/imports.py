"""The employment portal's history from CSV files: job seekers, employers, referrals.

Like core/imports.py's request import (whose reading it shares): a header row is
required, fields are separated by `,` or `;`, the file is UTF-8 with or without a byte
order mark; every row is checked first and a single bad row stores nothing (every
problem is reported with its row and column); a row whose `external_id` is already
stored adds nothing, so importing a file again is harmless. Times are ISO 8601, in the
municipality's local time when they carry no offset.

- jobseekers: external_id, registered_at, birth_year, district, occupation (an ISCO-08
  4-digit code, may be empty); birth_year may be empty;
- employers: external_id, registered_at, tax_number (may be empty for old records,
  otherwise a valid VKN), name, district;
- referrals: external_id, referred_at, jobseeker_id, employer_id, occupation, outcome,
  outcome_at. The ids are the other files' external ids (stored already, or in an
  earlier import); employer_id may be empty (a referral to an İŞKUR posting). outcome is
  referred, interview, job_found, started, not_hired, declined or cancelled; outcome_at
  is required unless the outcome is referred. A `started` row also counts as a job found
  at the same time (the portal recorded only the last milestone).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from common.config import Config
from core.employment import codes, validation
from core.imports import ImportFailed, ImportReport, RowError, _chunks, _read_rows, _time
from core.refusals import Refused
from db.engine import transaction
from db.models import Employer, JobSeeker, JobSeekerOccupation, Referral, ReferralEvent
from db.types import utcnow

JOBSEEKER_COLUMNS = ("external_id", "registered_at", "birth_year", "district", "occupation")
EMPLOYER_COLUMNS = ("external_id", "registered_at", "tax_number", "name", "district")
REFERRAL_COLUMNS = (
    "external_id",
    "referred_at",
    "jobseeker_id",
    "employer_id",
    "occupation",
    "outcome",
    "outcome_at",
)
OUTCOMES = (
    codes.REFERRED,
    codes.INTERVIEW,
    codes.JOB_FOUND,
    codes.STARTED,
    codes.NOT_HIRED,
    codes.DECLINED,
    codes.CANCELLED,
)
MAX_ID = 64

_SEEKER: Table = SQLModel.metadata.tables[str(JobSeeker.__tablename__)]
_OCCUPATION: Table = SQLModel.metadata.tables[str(JobSeekerOccupation.__tablename__)]
_EMPLOYER: Table = SQLModel.metadata.tables[str(Employer.__tablename__)]
_REFERRAL: Table = SQLModel.metadata.tables[str(Referral.__tablename__)]
_EVENT: Table = SQLModel.metadata.tables[str(ReferralEvent.__tablename__)]


@dataclass
class _Row:
    row: int
    external_id: str
    values: dict[str, Any]


def _external_id(row: int, value: str, seen: dict[str, int], errors: list[RowError]) -> str:
    value = value.strip()
    if not value:
        errors.append(RowError(row, "external_id", "is empty"))
    elif len(value) > MAX_ID:
        errors.append(RowError(row, "external_id", f"is longer than {MAX_ID} characters"))
    elif value in seen:
        errors.append(RowError(row, "external_id", f"{value} is already on row {seen[value]}"))
    else:
        seen[value] = row
    return value


def _short(row: int, column: str, value: str, limit: int, errors: list[RowError]) -> str | None:
    value = " ".join(value.split())
    if len(value) > limit or "\x00" in value:
        errors.append(RowError(row, column, f"is longer than {limit} characters"))
    return value or None


def _occupation(row: int, value: str, errors: list[RowError]) -> str | None:
    value = value.strip()
    if value and not codes.OCCUPATION.match(value):
        errors.append(RowError(row, "occupation", f"{value!r} is not an ISCO-08 code of 4 digits"))
    return value or None


def _read(
    path: Path,
    columns: tuple[str, ...],
    parse: Callable[[int, list[str], dict[str, int], list[RowError]], dict[str, Any] | None],
) -> tuple[int, list[_Row]]:
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    rows: list[_Row] = []
    read = 0
    for row, values in _read_rows(path, columns, errors):
        read += 1
        count = len(errors)
        external_id = _external_id(row, values[0], seen, errors)
        parsed = parse(row, values, seen, errors)
        if parsed is not None and len(errors) == count:
            rows.append(_Row(row, external_id, parsed))
    if errors:
        raise ImportFailed(errors)
    return read, rows


def _stored(session: Session, table: Table, external_ids: Sequence[str]) -> dict[str, int]:
    """external_id -> id of the rows already stored among these."""
    found: dict[str, int] = {}
    for chunk in _chunks(list(external_ids), 1000):
        rows = session.execute(
            select(table.c.external_id, table.c.id).where(table.c.external_id.in_(chunk))
        )
        found.update((str(external_id), int(row_id)) for external_id, row_id in rows)
    return found


def import_jobseekers(engine: Engine, config: Config, path: Path) -> ImportReport:
    """Job seekers (CVs) of the portal; all or nothing, ImportFailed lists every error."""
    tz, now = config.tz, utcnow()

    def parse(
        row: int, values: list[str], seen: dict[str, int], errors: list[RowError]
    ) -> dict[str, Any] | None:
        _, registered_raw, year_raw, district, occupation = values
        registered = _time(row, "registered_at", registered_raw, tz, now, errors, required=True)
        year: int | None = None
        if year_raw.strip() and registered is not None:
            try:
                year = validation.birth_year(year_raw, registered.astimezone(tz).year)
            except Refused:
                errors.append(
                    RowError(row, "birth_year", f"{year_raw.strip()!r} is not a working-age year")
                )
        return {
            "registered_at": registered,
            "birth_year": year,
            "district": _short(row, "district", district, 64, errors),
            "occupation": _occupation(row, occupation, errors),
        }

    read, rows = _read(path, JOBSEEKER_COLUMNS, parse)
    with transaction(engine) as session:
        stored = _stored(session, _SEEKER, [item.external_id for item in rows])
        new = [item for item in rows if item.external_id not in stored]
        for chunk in _chunks(new):
            session.execute(
                insert(_SEEKER),
                [
                    {
                        "external_id": item.external_id,
                        "registered_at": item.values["registered_at"],
                        "birth_year": item.values["birth_year"],
                        "district": item.values["district"],
                        "experience": [],
                        "languages": [],
                        "paused": False,
                    }
                    for item in chunk
                ],
            )
        with_code = [item for item in new if item.values["occupation"]]
        ids = _stored(session, _SEEKER, [item.external_id for item in with_code])
        for chunk in _chunks(with_code):
            session.execute(
                insert(_OCCUPATION),
                [
                    {"seeker_id": ids[item.external_id], "code": item.values["occupation"]}
                    for item in chunk
                ],
            )
    return ImportReport(rows=read, added=len(new), skipped_existing=len(rows) - len(new))


def import_employers(engine: Engine, config: Config, path: Path) -> ImportReport:
    """Employers (firms) of the portal; all or nothing, ImportFailed lists every error.
    Imported firms count as verified on their registration: the portal's staff checked
    them."""
    tz, now = config.tz, utcnow()

    def parse(
        row: int, values: list[str], seen: dict[str, int], errors: list[RowError]
    ) -> dict[str, Any] | None:
        _, registered_raw, tax_raw, name, district = values
        registered = _time(row, "registered_at", registered_raw, tz, now, errors, required=True)
        tax_number: str | None = None
        if tax_raw.strip():
            try:
                tax_number = validation.tax_number(tax_raw)
            except Refused:
                errors.append(
                    RowError(row, "tax_number", f"{tax_raw.strip()!r} is not a valid VKN")
                )
        firm = _short(row, "name", name, 200, errors)
        if firm is None:
            errors.append(RowError(row, "name", "is empty"))
        return {
            "registered_at": registered,
            "tax_number": tax_number,
            "name": firm,
            "district": _short(row, "district", district, 64, errors),
        }

    read, rows = _read(path, EMPLOYER_COLUMNS, parse)
    with transaction(engine) as session:
        stored = _stored(session, _EMPLOYER, [item.external_id for item in rows])
        new = [item for item in rows if item.external_id not in stored]
        for chunk in _chunks(new):
            session.execute(
                insert(_EMPLOYER),
                [
                    {
                        "external_id": item.external_id,
                        **item.values,
                        "verified_at": item.values["registered_at"],
                    }
                    for item in chunk
                ],
            )
    return ImportReport(rows=read, added=len(new), skipped_existing=len(rows) - len(new))


def _milestones(outcome: str, referred: datetime, at: datetime | None) -> dict[str, Any]:
    when = at or referred
    values: dict[str, Any] = {
        "status": outcome,
        "referred_at": referred,
        "interview_at": None,
        "job_found_at": None,
        "started_at": None,
        "closed_at": None,
        "updated_at": when,
    }
    if outcome == codes.INTERVIEW:
        values["interview_at"] = when
    elif outcome == codes.JOB_FOUND:
        values["job_found_at"] = when
    elif outcome == codes.STARTED:
        values["job_found_at"] = values["started_at"] = when
    if outcome in codes.CLOSED_STATUSES:
        values["closed_at"] = when
    return values


def import_referrals(engine: Engine, config: Config, path: Path) -> ImportReport:
    """Referrals of the portal; all or nothing, ImportFailed lists every error. The job
    seekers and employers they name must be imported (or registered) first."""
    tz, now = config.tz, utcnow()

    def parse(
        row: int, values: list[str], seen: dict[str, int], errors: list[RowError]
    ) -> dict[str, Any] | None:
        _, referred_raw, seeker_raw, employer_raw, occupation, outcome, outcome_raw = values
        referred = _time(row, "referred_at", referred_raw, tz, now, errors, required=True)
        outcome = outcome.strip().lower()
        if outcome not in OUTCOMES:
            shown = repr(outcome) if outcome else "(empty)"
            errors.append(
                RowError(row, "outcome", f"unknown outcome {shown}; known: {', '.join(OUTCOMES)}")
            )
        outcome_at = _time(
            row, "outcome_at", outcome_raw, tz, now, errors, required=outcome != codes.REFERRED
        )
        if referred is not None and outcome_at is not None and outcome_at < referred:
            errors.append(RowError(row, "outcome_at", "is before referred_at"))
        seeker = seeker_raw.strip()
        if not seeker:
            errors.append(RowError(row, "jobseeker_id", "is empty"))
        return {
            "referred_at": referred,
            "seeker": seeker,
            "employer": employer_raw.strip() or None,
            "occupation": _occupation(row, occupation, errors),
            "outcome": outcome,
            "outcome_at": outcome_at,
        }

    read, rows = _read(path, REFERRAL_COLUMNS, parse)
    with transaction(engine) as session:
        seekers = _stored(session, _SEEKER, sorted({item.values["seeker"] for item in rows}))
        employers = _stored(
            session,
            _EMPLOYER,
            sorted({item.values["employer"] for item in rows if item.values["employer"]}),
        )
        errors: list[RowError] = []
        for item in rows:
            if item.values["seeker"] not in seekers:
                errors.append(
                    RowError(
                        item.row,
                        "jobseeker_id",
                        f"no job seeker {item.values['seeker']!r}; import the job seekers first",
                    )
                )
            employer = item.values["employer"]
            if employer is not None and employer not in employers:
                errors.append(
                    RowError(
                        item.row,
                        "employer_id",
                        f"no employer {employer!r}; import the employers first",
                    )
                )
        if errors:
            raise ImportFailed(errors)
        stored = _stored(session, _REFERRAL, [item.external_id for item in rows])
        new = [item for item in rows if item.external_id not in stored]
        for chunk in _chunks(new):
            session.execute(
                insert(_REFERRAL),
                [
                    {
                        "external_id": item.external_id,
                        "vacancy_id": None,
                        "employer_id": employers.get(item.values["employer"] or ""),
                        "seeker_id": seekers[item.values["seeker"]],
                        "occupation": item.values["occupation"],
                        "reason": None,
                        "start_date": None,
                        **_milestones(
                            item.values["outcome"],
                            item.values["referred_at"],
                            item.values["outcome_at"],
                        ),
                    }
                    for item in chunk
                ],
            )
        ids = _stored(session, _REFERRAL, [item.external_id for item in new])
        for chunk in _chunks(new):
            session.execute(
                insert(_EVENT),
                [
                    {
                        "referral_id": ids[item.external_id],
                        "at": item.values["outcome_at"] or item.values["referred_at"],
                        "from_status": None,
                        "status": item.values["outcome"],
                        "actor_kind": codes.SYSTEM,
                        "actor_id": None,
                        "reason": None,
                    }
                    for item in chunk
                ],
            )
    return ImportReport(rows=read, added=len(new), skipped_existing=len(rows) - len(new))
