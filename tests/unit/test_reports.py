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
from db.models import (
    CallCentreDay,
    Citizen,
    CouncilEvent,
    Registration,
    Request,
    SatisfactionAnswer,
)
from tests.builders import id_of

IST = ZoneInfo("Europe/Istanbul")
# When the reports below are made: a Sunday afternoon in December 2026.
NOW = datetime(2026, 12, 6, 15, 40, tzinfo=IST)


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
        report = reports.build_report(session, config, 2025, date(2025, 6, 30), NOW)
    path = tmp_path / "rapor.xlsx"
    reports.write_xlsx(report, path)
    sheet = load_workbook(path).active
    assert sheet is not None
    title = str(sheet["A1"].value)
    assert config.municipality.name in title and "2025" in title
    assert "(1 Ocak – 30 Haziran 2025)" in title
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
    # The Turkish way, sign first: Excel and LibreOffice show %12,0 and %12,2.
    assert actual.number_format == target.number_format == "%0.0"
    unit, actual, target = cells("1. Halkla ilişkiler hizmetleri vatandaş memnuniyeti")
    assert (actual.value, target.value, actual.number_format) == (0.75, 0.95, "%0.0")
    unit, actual, target = cells("2. Halkla ilişkiler alanında hazırlanan yeni proje sayısı")
    assert (unit.value, actual.value, target.value) == ("[adet]", "-", 3)
    unit, actual, target = cells("4. Talep ve şikâyet ile ilgili ortalama geri dönüş süresi")
    # (1 + 2 + 2,5 days) / 3 = 1,83: not whole, so shown with one decimal.
    assert (unit.value, actual.value, target.value) == ("[gün]", pytest.approx(11 / 6), 2)
    assert (actual.number_format, target.number_format) == ("0.0", "0")
    unit, actual, target = cells("6. Kent Konseyi toplam katılımcı sayısı")
    assert (unit.value, actual.value, target.value) == ("[kişi]", 0, 5200)

    unit, actual, target = cells("1. Toplam gelen talep ve şikâyet sayısı**")
    assert (actual.value, target.value, actual.number_format) == (4, 114100, "#,##0")
    assert rows["1. Toplam gelen talep ve şikâyet sayısı**"][0].font.bold
    assert cells("Çağrı Merkezine gelen şikâyet-talep sayısı")[1].value == 3
    assert cells("Çağrı Merkezine gelen şikâyet-talep sayısı")[2].value == 75000
    assert cells("Kent Bot (Telegram) müracaatı sayısı")[1].value == 1
    assert cells("Kent Bot (Telegram) müracaatı sayısı")[2].value == "-"
    # The seed's "***29/05/2024 tarihinden itibaren" says nothing about 2025.
    assert cells("Sosyal Medya - WhatsApp müracaatı sayısı")[2].value == 5000
    assert cells('2. Çağrı Merkezine gelen "toplam çağrı" sayısı')[1].value == 100
    assert [c.value for c in cells("Tamamlanan çağrı sayısı")[1:]] == [88, 215000]
    assert cells("3. Kent Konseyi toplantı/etkinlik sayısı")[1].value == 1
    assert cells("Kent Konseyi Genel Kurul toplantı sayısı")[2].value == 2
    assert cells("Engelliler Meclisi üye sayısı")[2].value == 960
    # Entered by staff per month; nothing entered for 2025 yet, so only the forecasts.
    unit, actual, target = cells("5. (SOSYAL) - Taziye ziyareti için gidilen aile sayısı")
    assert (unit.value, actual.value, target.value) == ("[aile]", "-", 3500)
    unit, actual, target = cells("6. (SOSYAL) - Cenaze yemeği ikram edilen kişi sayısı")
    assert (unit.value, actual.value, target.value, target.number_format) == (
        "[kişi]",
        "-",
        300000,
        "#,##0",
    )
    assert sheet.column_dimensions["A"].width > 40


def test_markdown_and_csv_of_2023_use_turkish_numbers(seeded: Engine, config: Config) -> None:
    with transaction(seeded) as session:
        report = reports.build_report(session, config, 2023, None, NOW)
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
    assert "| **1. Toplam gelen talep ve şikâyet sayısı\\*\\*** | [adet] | 148.748 | - |" in (
        markdown
    )
    lines = list(csv.reader(io.StringIO(reports.write_csv(report)), delimiter=";"))
    by_label = {line[0]: line[1:] for line in lines if line}
    assert by_label["1. Toplam gelen talep ve şikâyet sayısı**"] == ["[adet]", "148.748", "-"]
    assert by_label["3. Kaçan çağrı oranı*"] == ["[%]", "%13,4", "-"]
    assert by_label["4. Talep ve şikâyet ile ilgili ortalama geri dönüş süresi"] == [
        "[gün]",
        "2",
        "-",
    ]
    assert by_label["Tamamlanan çağrı sayısı"] == ["[adet]", "178.351", "-"]
    # The figures staff entered month by month, summed over the year.
    assert by_label["2. Halkla ilişkiler alanında hazırlanan yeni proje sayısı"] == [
        "[adet]",
        "2",
        "-",
    ]
    assert by_label["5. (SOSYAL) - Taziye ziyareti için gidilen aile sayısı"] == [
        "[aile]",
        "2.910",
        "-",
    ]
    assert by_label["6. (SOSYAL) - Cenaze yemeği ikram edilen kişi sayısı"] == [
        "[kişi]",
        "229.480",
        "-",
    ]
    assert (
        "| **6. (SOSYAL) - Cenaze yemeği ikram edilen kişi sayısı** | [kişi] | 229.480 | - |"
        in markdown
    )
    assert by_label["PERFORMANS GÖSTERGELERİ"] == ["Birim", "GERÇEKLEŞEN", "HEDEFLENEN"]


def test_first_half_of_2024_matches_the_seed_column(seeded: Engine, config: Config) -> None:
    with transaction(seeded) as session:
        report = reports.build_report(session, config, 2024, date(2024, 6, 30), NOW)
    lines = {
        line[0]: line[1:]
        for line in csv.reader(io.StringIO(reports.write_csv(report)), delimiter=";")
        if line
    }
    assert lines["1. Toplam gelen talep ve şikâyet sayısı**"][1] == "57.092"
    assert lines["3. Kaçan çağrı oranı*"][1] == "%14,7"
    assert lines["1. Halkla ilişkiler hizmetleri vatandaş memnuniyeti"][1] == "%95,0"
    assert lines["Sosyal Medya - WhatsApp müracaatı sayısı***"][1] == "760"
    assert lines["2. Halkla ilişkiler alanında hazırlanan yeni proje sayısı"][1] == "1"
    assert lines["5. (SOSYAL) - Taziye ziyareti için gidilen aile sayısı"][1] == "1.554"
    assert lines["6. (SOSYAL) - Cenaze yemeği ikram edilen kişi sayısı"][1] == "126.510"
    assert "(1 Ocak – 30 Haziran 2024)" in report.title
    assert "***29/05/2024 tarihinden itibaren" in report.footnotes


def test_until_before_the_year_is_refused(db: Engine, config: Config) -> None:
    with transaction(db) as session, pytest.raises(ValueError):
        reports.build_report(session, config, 2025, date(2024, 12, 31), NOW)


def test_values_are_formatted_the_turkish_way() -> None:
    assert reports.format_value("count", 148748) == "148.748"
    assert reports.format_value("percent", 27690 / 206041) == "%13,4"
    assert reports.format_value("days", 2.0) == "2"
    assert reports.format_value("days", 2.26) == "2,3"
    # Half up, as Excel shows the same cell: 1131 / 1200 = 0,9425.
    assert reports.format_value("percent", 1131 / 1200) == "%94,3"
    assert reports.format_value("days", 2.25) == "2,3"
    assert reports.format_value("count", None) == "-"


# --- issue 16: what the report counts and how it reads ---------------------------------------


def _event(
    session: Any, assembly: str, starts_at: datetime, *, hours: int = 2, cancelled: bool = False
) -> CouncilEvent:
    event = CouncilEvent(
        assembly_code=assembly,
        title="Toplantı",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        capacity=50,
        cancelled_at=starts_at - timedelta(days=1) if cancelled else None,
    )
    session.add(event)
    session.flush()
    return event


def _csv_rows(report: reports.Report) -> dict[str, list[str]]:
    lines = csv.reader(io.StringIO(reports.write_csv(report)), delimiter=";")
    return {line[0]: line[1:] for line in lines if line}


def test_an_event_counts_as_held_only_once_it_is_over(db: Engine, config: Config) -> None:
    with transaction(db) as session:
        _event(session, "kadin", datetime(2026, 3, 7, 14, tzinfo=IST))  # held
        _event(session, "genclik", datetime(2026, 12, 6, 10, tzinfo=IST))  # 10-12 today: held
        _event(session, "genclik", datetime(2026, 12, 6, 15, tzinfo=IST))  # still going on
        _event(session, "kadin", datetime(2026, 12, 12, 14, tzinfo=IST))  # next week
        _event(session, "genel_kurul", datetime(2026, 11, 20, 14, tzinfo=IST), cancelled=True)
    with transaction(db) as session:
        # `kentbot report --year 2026` and `/rapor` (this year, to today) alike.
        whole_year = reports.build_report(session, config, 2026, None, NOW)
        to_today = reports.build_report(session, config, 2026, date(2026, 12, 6), NOW)
    for report in (whole_year, to_today):
        rows = _csv_rows(report)
        assert rows["5. Kent Konseyi toplam etkinlik sayısı"][1] == "2"
        assert rows["Kadınlar Meclisi etkinlik sayısı"][1] == "1"
        assert rows["Gençlik Meclisi etkinlik sayısı"][1] == "1"
        assert rows["Kent Konseyi Genel Kurul toplantı sayısı"][1] == "0"
        assert report.title.endswith("2026 Yılı Performans Göstergeleri (1 Ocak – 6 Aralık 2026)")
        assert rows["İZLEME GÖSTERGELERİ"][:2] == ["Birim", "GERÇEKLEŞEN"]
    assert whole_year.period == to_today.period
    # A year that has not started has nothing to report.
    with transaction(db) as session, pytest.raises(ValueError, match="not started"):
        reports.build_report(session, config, 2027, None, NOW)


def test_check_ins_give_attendance_and_no_show_rates(db: Engine, config: Config) -> None:
    with transaction(db) as session:
        people = [Citizen(telegram_id=8000 + n) for n in range(4)]
        session.add_all(people)
        session.flush()
        held = _event(session, "kadin", datetime(2026, 10, 3, 14, tzinfo=IST))
        coming = _event(session, "kadin", datetime(2026, 12, 20, 14, tzinfo=IST))
        assembly = _event(session, "genel_kurul", datetime(2026, 6, 1, 10, tzinfo=IST))
        registrations = (
            # Kadınlar Meclisi: 3 seats, 2 came, 1 never checked in (before the sweep too);
            # the waiting list and a withdrawal had no seat.
            (held, people[0], "attended"),
            (held, people[1], "attended"),
            (held, people[2], "registered"),
            (held, people[3], "waitlisted"),
            (coming, people[0], "registered"),  # next month: not held, not counted
            # General Assembly: 2 seats, 1 came, 1 marked no-show; 1 withdrew.
            (assembly, people[0], "attended"),
            (assembly, people[1], "no_show"),
            (assembly, people[2], "cancelled"),
        )
        for seq, (event, person, status) in enumerate(registrations, start=1):
            session.add(
                Registration(
                    event_id=id_of(event),
                    citizen_id=id_of(person),
                    status=status,
                    seq=seq,
                    code=f"R{seq}",
                )
            )
    with transaction(db) as session:
        report = reports.build_report(session, config, 2026, None, NOW)
    rows = _csv_rows(report)
    monitoring = next(s for s in report.sections if "KATILIM" in s.title)
    assert "performans programının göstergesi değildir" in monitoring.title
    assert rows[monitoring.title] == ["Birim", "GERÇEKLEŞEN", ""]
    assert rows["1. Gerçekleşen Kent Konseyi etkinliklerine kayıtlı kişi sayısı"][:2] == [
        "[kişi]",
        "5",
    ]
    assert rows["2. Kapıda girişi yapılan kişi sayısı"][1] == "3"
    assert rows["3. Katılım oranı (girişi yapılan / kayıtlı)"] == ["[%]", "%60,0", "-"]
    assert rows["Kadınlar Meclisi katılım oranı"][1] == "%66,7"
    assert rows["Kent Konseyi Genel Kurulu katılım oranı"][1] == "%50,0"
    assert rows["Gençlik Meclisi katılım oranı"][1] == "-"  # no event, no rate
    assert rows["4. Kayıtlı olup gelmeyenlerin oranı"][1] == "%40,0"
    assert rows["Kadınlar Meclisi kayıtlı olup gelmeyenlerin oranı"][1] == "%33,3"
    # The programme's participants are unchanged: the General Assembly's attendances
    # plus the other assemblies' members.
    assert rows["Kent Konseyi Genel Kurul katılımcı sayısı"][1] == "1"


def test_report_texts_read_as_a_turkish_civil_servant_writes_them(
    db: Engine, config: Config, tmp_path: Path
) -> None:
    _small_2025(db)
    with transaction(db) as session:
        report = reports.build_report(session, config, 2025, None, NOW)
    markdown = reports.write_markdown(report)
    assert "şikayet" not in markdown and "Toplam gelen talep ve şikâyet sayısı" in markdown
    assert "Engelliler meclisi" not in markdown and "Engelliler Meclisi üye sayısı" in markdown
    assert "Oluşturulma: 6 Aralık 2026 15:40" in markdown
    assert "(1 Ocak – 31 Aralık 2025)" in markdown
    # 29/05/2024 is before 2025: the seed's footnote has nothing to say here.
    assert "29/05/2024" not in markdown and "WhatsApp müracaatı sayısı |" in markdown
    # The report says where each figure comes from, the ones staff enter included.
    assert "(kentbot import calls)" in markdown
    assert "henüz kaydedilmiyor" not in markdown
    assert "personel masasında (/masa/rakamlar) her ay için girdiği" in markdown
    rows = _csv_rows(report)
    people = [label for label in rows if "katılımcı" in label or "üye sayısı" in label]
    assert len(people) == 8 and all(rows[label][0] == "[kişi]" for label in people), people
    assert rows["Oluşturulma: 6 Aralık 2026 15:40"] == []

    path = tmp_path / "rapor.xlsx"
    reports.write_xlsx(report, path)
    sheet = load_workbook(path).active
    assert sheet is not None
    assert sheet["A2"].value == "Oluşturulma: 6 Aralık 2026 15:40"
    notes = [str(row[0].value) for row in sheet.iter_rows() if row[0].font.italic]
    assert not any("29/05/2024" in note for note in notes)
    rate = _rows(sheet)["3. Kaçan çağrı oranı*"]
    assert (rate[2].value, rate[2].number_format) == (0.12, "%0.0")
