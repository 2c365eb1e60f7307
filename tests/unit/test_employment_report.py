"""Goal 4.3.1 in the performance report: the seed's two tables, read back from the xlsx
and the CSV, give the seed's 2023 figures from the components that
tests/builders.py loads (load_employment_seed)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine

from bot.app import prepare_database
from common.config import Config
from core import reports
from db.engine import transaction
from tests.builders import IST, load_employment_seed
from tests.databases import postgres_engine, sqlite_engine

NOW = datetime(2026, 12, 6, 15, 40, tzinfo=IST)
GOAL = reports.EMPLOYMENT_GOAL


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def employment_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, config: Config
) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = sqlite_engine(tmp_path_factory.mktemp("employment-report"))
        prepare_database(engine, config)
        load_employment_seed(engine)
        yield engine
        engine.dispose()
        return
    for engine in postgres_engine():
        prepare_database(engine, config)
        load_employment_seed(engine)
        yield engine


def _report(engine: Engine, config: Config, year: int) -> reports.Report:
    with transaction(engine) as session:
        return reports.build_report(session, config, year, None, NOW)


def _csv(report: reports.Report) -> list[list[str]]:
    return list(csv.reader(io.StringIO(reports.write_csv(report)), delimiter=";"))


def test_xlsx_of_2023_has_the_seeds_employment_figures_as_numbers(
    employment_db: Engine, config: Config, tmp_path: Path
) -> None:
    path = tmp_path / "rapor.xlsx"
    reports.write_xlsx(_report(employment_db, config, 2023), path)
    sheet = load_workbook(path).active
    assert sheet is not None
    lines = [row for row in sheet.iter_rows() if row[0].value]
    goal = next(n for n, row in enumerate(lines) if row[0].value == GOAL)
    assert lines[goal][0].font.bold
    # After the goal: its performance table, then its monitoring table, as in the seed.
    below = lines[goal + 1 :]
    assert [row[0].value for row in below if str(row[0].value).endswith("GÖSTERGELERİ")] == [
        "PERFORMANS GÖSTERGELERİ",
        "İZLEME GÖSTERGELERİ",
    ]
    rows: dict[str, tuple[Any, ...]] = {str(row[0].value): row[1:4] for row in below}

    def cells(label: str) -> tuple[Any, ...]:
        unit, actual, target = rows[label]
        return unit.value, actual.value, target.value

    unit, rate, _ = cells("1. İşe başlayanların oranı ³")
    assert (unit, rate) == ("[%]", pytest.approx(467 / 6062))
    assert rows["1. İşe başlayanların oranı ³"][1].number_format == "%0.0"
    assert cells("2. İstihdam Merkezi aracılığıyla işe başlayan kişi sayısı") == (
        "[kişi]",
        467,
        "-",
    )
    assert cells("3. İş bulunan kişi sayısı ²") == ("[kişi]", 6062, "-")
    assert cells("4. İşe yönlendirme sayısı ¹") == ("[adet]", 30079, "-")
    assert rows["4. İşe yönlendirme sayısı ¹"][1].number_format == "#,##0"
    # Trainings are events of the bot: the components hold one a month, as the seed says.
    assert cells("5. Kariyer ve meslek eğitimlerinin sayısı ⁴") == ("[adet]", 12, "-")
    assert cells("1. İstihdam Merkezine kayıtlı toplam CV sayısı") == ("[kişi]", 25502, "-")
    assert cells("2. İstihdam Merkezine yeni kayıt CV sayısı") == ("[kişi]", 3538, "-")
    assert cells("3. İstihdam Merkezine kayıtlı toplam firma sayısı") == ("[adet]", 1009, "-")
    assert cells("4. İstihdam Merkezine yeni kayıt firma sayısı") == ("[adet]", 209, "-")
    assert cells("6. İstihdam fuarına katılan firma sayısı ⁴")[1] == 0
    notes = [str(row[0].value) for row in lines if str(row[0].value).startswith("⁴")]
    assert notes and "personelin kaydettiği katılan firmalar" in notes[0]


def test_csv_of_2023_writes_them_the_turkish_way(employment_db: Engine, config: Config) -> None:
    lines = _csv(_report(employment_db, config, 2023))
    goal = lines.index([GOAL])
    by_label = {line[0]: line[1:] for line in lines[goal:] if line}
    assert by_label["1. İşe başlayanların oranı ³"] == ["[%]", "%7,7", "-"]
    assert by_label["3. İş bulunan kişi sayısı ²"] == ["[kişi]", "6.062", "-"]
    assert by_label["4. İşe yönlendirme sayısı ¹"] == ["[adet]", "30.079", "-"]
    assert by_label["1. İstihdam Merkezine kayıtlı toplam CV sayısı"] == ["[kişi]", "25.502", "-"]
    assert by_label["2. İstihdam Merkezine yeni kayıt CV sayısı"] == ["[kişi]", "3.538", "-"]
    assert by_label["3. İstihdam Merkezine kayıtlı toplam firma sayısı"] == ["[adet]", "1.009", "-"]
    assert by_label["5. Kariyer ve meslek eğitimlerinin sayısı"] == ["[adet]", "12", "-"]
    assert any("Kent Bot'tan önceki dönemler" in line[0] for line in lines if line)


def test_2025_carries_the_configured_targets_and_the_markdown_has_the_goal(
    employment_db: Engine, config: Config
) -> None:
    report = _report(employment_db, config, 2025)
    lines = _csv(report)
    by_label = {line[0]: line[1:] for line in lines[lines.index([GOAL]) :] if line}
    # Nothing recorded in 2025 in these components; the CVs registered before stay counted.
    assert by_label["1. İşe başlayanların oranı ³"] == ["[%]", "-", "%10,7"]
    assert by_label["3. İş bulunan kişi sayısı ²"] == ["[kişi]", "0", "7.000"]
    assert by_label["5. Kariyer ve meslek eğitimlerinin sayısı ⁴"] == ["[adet]", "0", "12"]
    assert by_label["1. İstihdam Merkezine kayıtlı toplam CV sayısı"] == [
        "[kişi]",
        "27.306",
        "31.306",
    ]
    assert by_label["7. İstihdam fuarında iş bulunan kişi sayısı ⁴"] == ["[kişi]", "0", "300"]
    markdown = reports.write_markdown(report)
    assert f"**{GOAL}**" in markdown
    assert "| **4. İşe yönlendirme sayısı ¹** | [adet] | 0 | 35.000 |" in markdown
