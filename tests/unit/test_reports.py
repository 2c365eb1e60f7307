"""The performance report in the seed's layout: xlsx read back with openpyxl, md and csv."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine

from common.config import Config
from core import reports
from db.engine import transaction
from db.models import CallCentreDay, CouncilEvent, Request, SatisfactionAnswer

IST = ZoneInfo("Europe/Istanbul")


def _small_2025(db: Engine) -> None:
    """Four requests, 100 calls of which 12 missed, 3 of 4 satisfied, one GA meeting."""
    start = datetime(2025, 3, 3, 10, tzinfo=IST)
    with transaction(db) as session:
        for number, channel, hours in (
            ("2025-000001", "phone", 24),
            ("2025-000002", "phone", 48),
            ("2025-000003", "phone", 60),
            ("2025-000004", "telegram", None),
        ):
            session.add(
                Request(
                    number=number,
                    channel=channel,
                    type="sikayet",
                    category_code="cop",
                    department_code="temizlik",
                    text="",
                    created_at=start,
                    first_response_at=start + timedelta(hours=hours) if hours else None,
                )
            )
        session.add(
            CallCentreDay(
                day=date(2025, 3, 3), total=100, information=50, application=38, missed=12
            )
        )
        for score in (5, 4, 4, 2):
            session.add(SatisfactionAnswer(score=score, answered_at=start))
        session.add(
            CouncilEvent(
                assembly_code="genel_kurul",
                title="Genel Kurul",
                starts_at=start,
                ends_at=start + timedelta(hours=3),
                capacity=400,
            )
        )


def _rows(sheet: Any) -> dict[str, tuple[Any, ...]]:
    """Label (column A) -> the row's cells, for every row with a label."""
    return {str(row[0].value): row for row in sheet.iter_rows() if row[0].value}


def test_xlsx_has_the_seed_layout_with_real_numbers(
    db: Engine, config: Config, tmp_path: Path
) -> None:
    _small_2025(db)
    with transaction(db) as session:
        report = reports.build_report(session, config, 2025, date(2025, 6, 30))
    path = tmp_path / "rapor.xlsx"
    reports.write_xlsx(report, path)
    sheet = load_workbook(path).active
    assert sheet is not None
    title = str(sheet["A1"].value)
    assert config.municipality.name in title and "2025" in title
    assert "30 Haziran 2025 tarihine kadar" in title
    assert sheet["A1"].font.bold
    rows = _rows(sheet)

    headings = [row for label, row in rows.items() if label.endswith("GÖSTERGELERİ")]
    assert [(h[0].value, h[2].value, h[3].value) for h in headings] == [
        ("PERFORMANS GÖSTERGELERİ", "GERÇEKLEŞEN", "HEDEFLENEN"),
        ("İZLEME GÖSTERGELERİ", "GERÇEKLEŞEN", "ÖNGÖRÜLEN"),
    ]
    assert all(cell.font.bold for cell in headings[0])
    below = sheet.cell(headings[0][0].row + 1, 3).value
    assert below == "2025 (30.06.2025 tarihine kadar)"
    assert sheet.cell(headings[0][0].row + 1, 4).value == "2025"

    def cells(label: str) -> tuple[Any, ...]:
        return rows[label][1:]

    unit, actual, target = cells("3. Kaçan çağrı oranı*")
    assert (unit.value, actual.value, target.value) == ("[%]", 0.12, pytest.approx(0.122))
    assert actual.number_format == target.number_format == "0.0%"
    unit, actual, target = cells("1. Halkla ilişkiler hizmetleri vatandaş memnuniyeti")
    assert (actual.value, target.value, actual.number_format) == (0.75, 0.95, "0.0%")
    unit, actual, target = cells("2. Halkla ilişkiler alanında hazırlanan yeni proje sayısı")
    assert (unit.value, actual.value, target.value) == ("[adet]", "-", 3)
    unit, actual, target = cells("4. Talep ve şikayet ile ilgili ortalama geri dönüş süresi")
    # (1 + 2 + 2,5 days) / 3 = 1,83: not whole, so shown with one decimal.
    assert (unit.value, actual.value, target.value) == ("[gün]", pytest.approx(11 / 6), 2)
    assert (actual.number_format, target.number_format) == ("0.0", "0")
    unit, actual, target = cells("6. Kent Konseyi toplam katılımcı sayısı")
    assert (unit.value, actual.value, target.value) == ("[kişi]", 0, 5200)

    unit, actual, target = cells("1. Toplam gelen talep ve şikayet sayısı**")
    assert (actual.value, target.value, actual.number_format) == (4, 114100, "#,##0")
    assert rows["1. Toplam gelen talep ve şikayet sayısı**"][0].font.bold
    assert cells("Çağrı merkezine gelen şikâyet talep sayısı")[1].value == 3
    assert cells("Çağrı merkezine gelen şikâyet talep sayısı")[2].value == 75000
    assert cells("Kent Bot (Telegram) müracaat sayısı")[1].value == 1
    assert cells("Kent Bot (Telegram) müracaat sayısı")[2].value == "-"
    assert cells("Sosyal Medya - Whatsapp müracaat sayısı***")[2].value == 5000
    assert cells('2. Çağrı merkezine gelen "toplam çağrı" sayısı')[1].value == 100
    assert [c.value for c in cells("Tamamlanan çağrı sayısı")[1:]] == [88, 215000]
    assert cells("3. Kent Konseyi toplantı/etkinlik sayısı")[1].value == 1
    assert cells("Kent Konseyi Genel Kurul toplantı sayısı")[2].value == 2
    assert cells("Engelliler meclisi üye sayısı")[2].value == 960
    assert sheet.column_dimensions["A"].width > 40


def test_markdown_and_csv_of_2023_use_turkish_numbers(seeded: Engine, config: Config) -> None:
    with transaction(seeded) as session:
        report = reports.build_report(session, config, 2023, None)
    markdown = reports.write_markdown(report)
    for text in (
        "148.748",
        "%13,4",
        "206.041",
        "178.351",
        "65.701",
        "%90,0",
        "PERFORMANS GÖSTERGELERİ",
        "İZLEME GÖSTERGELERİ",
        "GERÇEKLEŞEN 2023",
        "HEDEFLENEN 2023",
        "ÖNGÖRÜLEN 2023",
        "Kaçan çağrı oranı",
    ):
        assert text in markdown, text
    assert "| **1. Toplam gelen talep ve şikayet sayısı\\*\\*** | [adet] | 148.748 | - |" in (
        markdown
    )
    lines = list(csv.reader(io.StringIO(reports.write_csv(report)), delimiter=";"))
    by_label = {line[0]: line[1:] for line in lines if line}
    assert by_label["1. Toplam gelen talep ve şikayet sayısı**"] == ["[adet]", "148.748", "-"]
    assert by_label["3. Kaçan çağrı oranı*"] == ["[%]", "%13,4", "-"]
    assert by_label["4. Talep ve şikayet ile ilgili ortalama geri dönüş süresi"] == [
        "[gün]",
        "2",
        "-",
    ]
    assert by_label["Tamamlanan çağrı sayısı"] == ["[adet]", "178.351", "-"]
    assert by_label["PERFORMANS GÖSTERGELERİ"] == ["Birim", "GERÇEKLEŞEN", "HEDEFLENEN"]


def test_first_half_of_2024_matches_the_seed_column(seeded: Engine, config: Config) -> None:
    with transaction(seeded) as session:
        report = reports.build_report(session, config, 2024, date(2024, 6, 30))
    lines = {
        line[0]: line[1:]
        for line in csv.reader(io.StringIO(reports.write_csv(report)), delimiter=";")
        if line
    }
    assert lines["1. Toplam gelen talep ve şikayet sayısı**"][1] == "57.092"
    assert lines["3. Kaçan çağrı oranı*"][1] == "%14,7"
    assert lines["1. Halkla ilişkiler hizmetleri vatandaş memnuniyeti"][1] == "%95,0"
    assert lines["Sosyal Medya - Whatsapp müracaat sayısı***"][1] == "760"
    assert "30 Haziran 2024 tarihine kadar" in report.title


def test_until_before_the_year_is_refused(db: Engine, config: Config) -> None:
    with transaction(db) as session, pytest.raises(ValueError):
        reports.build_report(session, config, 2025, date(2024, 12, 31))


def test_values_are_formatted_the_turkish_way() -> None:
    assert reports.format_value("count", 148748) == "148.748"
    assert reports.format_value("percent", 27690 / 206041) == "%13,4"
    assert reports.format_value("days", 2.0) == "2"
    assert reports.format_value("days", 2.26) == "2,3"
    # Half up, as Excel shows the same cell: 1131 / 1200 = 0,9425.
    assert reports.format_value("percent", 1131 / 1200) == "%94,3"
    assert reports.format_value("days", 2.25) == "2,3"
    assert reports.format_value("count", None) == "-"
