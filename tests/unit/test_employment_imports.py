"""The employment portal's history (kentbot import jobseekers|employers|referrals): a header
row, `,` or `;`, UTF-8 with or without a BOM; all or nothing with every row error
reported; importing again adds nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from common.config import Config
from core.employment import indicators
from core.employment.imports import import_employers, import_jobseekers, import_referrals
from core.imports import ImportFailed
from core.periods import period
from db.models import Employer, JobSeeker, JobSeekerOccupation, Referral, ReferralEvent

SEEKERS = """external_id;registered_at;birth_year;district;occupation
JS-1;2024-01-10 09:00;1990;Ümraniye;5131
JS-2;2024-02-11;1985;Kadıköy;
JS-3;2024-03-12T10:00:00+03:00;;Ümraniye;7231
"""
EMPLOYERS = """external_id,registered_at,tax_number,name,district
F-1,2024-01-05,4540536920,"Lezzet Lokantası, Ltd.",Ümraniye
F-2,2023-06-01,,Eski Kayıt Tekstil,Ümraniye
"""
REFERRALS = """external_id,referred_at,jobseeker_id,employer_id,occupation,outcome,outcome_at
R-1,2024-02-01 10:00,JS-1,F-1,5131,started,2024-02-20 09:00
R-2,2024-02-02 10:00,JS-1,F-2,5131,not_hired,2024-02-10
R-3,2024-03-01 10:00,JS-2,,,referred,
R-4,2024-03-15 10:00,JS-3,F-1,7231,job_found,2024-04-01 09:00
R-5,2024-03-16 10:00,JS-3,F-2,7231,interview,2024-03-20 09:00
"""


def _file(tmp_path: Path, name: str, text: str, bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    return path


def _count(db: Engine, model: type) -> int:
    with Session(db) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def _load_all(db: Engine, config: Config, tmp_path: Path) -> None:
    assert import_jobseekers(db, config, _file(tmp_path, "js.csv", SEEKERS, bom=True)).added == 3
    assert import_employers(db, config, _file(tmp_path, "emp.csv", EMPLOYERS)).added == 2
    report = import_referrals(db, config, _file(tmp_path, "ref.csv", REFERRALS))
    assert (report.rows, report.added, report.skipped_existing) == (5, 5, 0)


def test_the_three_files_load_and_a_second_import_adds_nothing(
    db: Engine, config: Config, tmp_path: Path
) -> None:
    _load_all(db, config, tmp_path)
    with Session(db) as session:
        seekers = session.exec(select(JobSeeker).order_by(col(JobSeeker.external_id))).all()
        assert [(s.external_id, s.birth_year, s.district, s.citizen_id) for s in seekers] == [
            ("JS-1", 1990, "Ümraniye", None),
            ("JS-2", 1985, "Kadıköy", None),
            ("JS-3", None, "Ümraniye", None),
        ]
        # Local time without an offset: 09:00 in Istanbul is 06:00 UTC.
        assert seekers[0].registered_at == datetime(2024, 1, 10, 6, tzinfo=UTC)
        codes = session.exec(
            select(JobSeekerOccupation.code).order_by(col(JobSeekerOccupation.code))
        )
        assert list(codes) == ["5131", "7231"]
        firms = session.exec(select(Employer).order_by(col(Employer.external_id))).all()
        assert [(f.name, f.tax_number) for f in firms] == [
            ("Lezzet Lokantası, Ltd.", "4540536920"),
            ("Eski Kayıt Tekstil", None),
        ]
        started = session.exec(select(Referral).where(Referral.external_id == "R-1")).one()
        assert started.status == "started"
        assert started.job_found_at == started.started_at == datetime(2024, 2, 20, 6, tzinfo=UTC)
        assert (
            session.exec(select(Referral).where(Referral.external_id == "R-3")).one().employer_id
            is None
        )
        assert _count(db, ReferralEvent) == 5
        figures = indicators.compute(
            session, config, period("half", datetime(2024, 3, 1).date(), config.tz)
        )
    assert (figures.referrals, figures.people_job_found, figures.people_started) == (5, 2, 1)
    assert (figures.new_cvs, figures.registered_firms, figures.new_firms) == (3, 2, 1)

    again = import_jobseekers(db, config, _file(tmp_path, "js2.csv", SEEKERS))
    assert (again.added, again.skipped_existing) == (0, 3)
    assert import_employers(db, config, _file(tmp_path, "emp2.csv", EMPLOYERS)).added == 0
    assert import_referrals(db, config, _file(tmp_path, "ref2.csv", REFERRALS)).added == 0
    assert (_count(db, JobSeeker), _count(db, Employer), _count(db, Referral)) == (3, 2, 5)
    assert _count(db, JobSeekerOccupation) == 2


def test_a_file_with_errors_stores_nothing_and_reports_every_row(
    db: Engine, config: Config, tmp_path: Path
) -> None:
    bad = """external_id,registered_at,birth_year,district,occupation
JS-1,2024-01-10,1890,Ümraniye,5131
JS-2,yesterday,1990,Ümraniye,garson
JS-1,2024-01-10,1990,Ümraniye,5131
,2024-01-10,1990,Ümraniye,5131
JS-5,2024-01-10,1990,Ümraniye,5131
"""
    with pytest.raises(ImportFailed) as failed:
        import_jobseekers(db, config, _file(tmp_path, "bad.csv", bad))
    assert [(e.row, e.column) for e in failed.value.errors] == [
        (2, "birth_year"),
        (3, "registered_at"),
        (3, "occupation"),
        (4, "external_id"),
        (5, "external_id"),
    ]
    assert "already on row 2" in failed.value.errors[3].message
    assert _count(db, JobSeeker) == 0

    firms = (
        "external_id;registered_at;tax_number;name;district\n"
        "F-1;2024-01-05;4540536921;X;Ü\nF-2;2024-01-05;;;Ü\n"
    )
    with pytest.raises(ImportFailed) as failed:
        import_employers(db, config, _file(tmp_path, "firms.csv", firms))
    assert [(e.row, e.column) for e in failed.value.errors] == [(2, "tax_number"), (3, "name")]
    assert _count(db, Employer) == 0


def test_referrals_name_stored_seekers_and_employers_and_valid_outcomes(
    db: Engine, config: Config, tmp_path: Path
) -> None:
    import_jobseekers(db, config, _file(tmp_path, "js.csv", SEEKERS))
    import_employers(db, config, _file(tmp_path, "emp.csv", EMPLOYERS))
    bad = """external_id,referred_at,jobseeker_id,employer_id,occupation,outcome,outcome_at
R-1,2024-02-01,JS-9,F-1,5131,started,2024-02-20
R-2,2024-02-01,JS-1,F-9,5131,hired,2024-02-20
R-3,2024-02-01,JS-1,F-1,5131,job_found,
R-4,2024-02-01,JS-1,F-1,5131,interview,2024-01-20
R-5,2024-02-01,JS-1,F-1,5131,referred,
"""
    with pytest.raises(ImportFailed) as failed:
        import_referrals(db, config, _file(tmp_path, "ref.csv", bad))
    assert [(e.row, e.column) for e in failed.value.errors] == [
        (3, "outcome"),
        (4, "outcome_at"),
        (5, "outcome_at"),
    ]
    # Only once every row reads well are the ids looked up: the unknown ones are next.
    fixed = bad.replace("hired", "started").replace("job_found,\n", "job_found,2024-02-20\n")
    fixed = fixed.replace("interview,2024-01-20", "interview,2024-02-20")
    with pytest.raises(ImportFailed) as failed:
        import_referrals(db, config, _file(tmp_path, "ref2.csv", fixed))
    assert [(e.row, e.column) for e in failed.value.errors] == [
        (2, "jobseeker_id"),
        (3, "employer_id"),
    ]
    assert _count(db, Referral) == 0


def test_a_file_without_a_header_row_is_refused(db: Engine, config: Config, tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as failed:
        import_jobseekers(
            db, config, _file(tmp_path, "nohead.csv", "JS-1,2024-01-10,1990,Ümraniye,5131\n")
        )
    assert "the first row must be the column names" in str(failed.value)
