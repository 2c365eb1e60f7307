"""Issue 5's digests and reports through the emulator: once per day, the weekly chart,
/ozet and /rapor for staff only."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from openpyxl import load_workbook
from sqlmodel import select

from common.i18n import translator
from db.engine import transaction
from db.models import Citizen, CouncilEvent, Registration, Request
from db.types import utcnow
from handlers.digests import daily_digest, nightly_snapshots, weekly_digest
from tests.builders import id_of
from tests.harness import Kent
from tests.journeys import at_local, file_complaint, number_in


def test_daily_digest_once_per_day_with_department_lines(kent: Kent) -> None:
    ayse = kent.citizen()
    file_complaint(kent, ayse, photo=False, location=False)
    # As if filed at 10:00 today: filed after 17:30 (or before 08:30), its 8 working hours
    # would run out before tomorrow 08:30 and it would count as overdue as well.
    with transaction(kent.engine) as session:
        request = session.exec(select(Request)).one()
        request.created_at = at_local(kent, 0, 10, 0)
        request.due_at = kent.app.bot_data["deps"].calendar.add_working_hours(request.created_at, 8)
        session.add(request)
    kent.app.bot_data["deps"].clock = lambda: at_local(kent, 1, 8, 30)
    kent.run_job(daily_digest)
    digest = kent.supervisors.wait_message(contains="Günlük özet")
    assert "Temizlik İşleri Müdürlüğü: 1 / 1 / 0 / 0" in digest.text
    assert "Bu yıl şimdiye kadar" in digest.text
    # The employment centre's group gets its own: its figures and what waits on its desk.
    centre = kent.groups["istihdam"].wait_message(contains="İstihdam Merkezi · günlük özet")
    assert "Doğrulanacak firma: 0 · onay bekleyen ilan: 0" in centre.text
    assert "Temizlik" not in centre.text  # not the other departments' lines
    kent.run_job(daily_digest)
    kent.supervisors.expect_no_message(within=0.4)  # a second run, a restart: nothing
    kent.groups["istihdam"].expect_no_message(within=0.2)

    # In a year with targets in config.toml, progress is shown against them.
    kent.app.bot_data["deps"].clock = lambda: datetime(2025, 6, 2, 8, 30, tzinfo=kent.config.tz)
    kent.run_job(daily_digest)
    progress = kent.supervisors.wait_message(contains="Günlük özet")
    assert "Kent Konseyi etkinlikleri: 0 (hedef 62)" in progress.text
    assert "Kent Konseyi katılımcıları: 0 (hedef 5.200)" in progress.text


def test_weekly_digest_carries_a_chart(kent: Kent) -> None:
    kent.app.bot_data["deps"].clock = lambda: at_local(kent, 7, 8, 45)
    kent.run_job(weekly_digest)
    kent.supervisors.wait_message(contains="Haftalık özet")
    chart = kent.supervisors.wait_message(predicate=lambda m: m.photo is not None)
    assert chart.photo
    kent.run_job(nightly_snapshots)  # the nightly snapshot job runs without error


def test_summary_and_report_commands_are_for_staff(kent: Kent) -> None:
    ayse = kent.citizen()
    number = number_in(file_complaint(kent, ayse, photo=False, location=False))
    ayse.send("/ozet")
    ayse.wait_message(contains="Bu komut belediye personeli içindir")
    ayse.send("/rapor")
    ayse.wait_message(contains="Bu komut belediye personeli içindir")
    mehmet = kent.staff("temizlik")
    mehmet.send("/ozet")
    summary = mehmet.wait_message(contains="Bugünün özeti")
    assert "Alınan talepler: 1" in summary.text
    mehmet.send("/rapor")
    report = mehmet.wait_message(predicate=lambda m: m.document is not None)
    year = utcnow().astimezone(kent.config.tz).year
    assert report.document is not None
    assert report.document["file_name"] == f"performans-{year}.xlsx"
    # The caption says which period the figures cover: this year, up to today.
    today = utcnow().astimezone(kent.config.tz).date()
    period = translator("tr").interval(today.replace(month=1, day=1), today)
    assert report.caption == f"📈 Performans göstergeleri, {period}"
    mehmet.send(f"/rapor {year + 1}")
    mehmet.wait_message(contains=f"{year + 1} yılı henüz başlamadı; raporlanacak bir şey yok.")
    content = kent.emu.download(report.document["file_id"])
    book = load_workbook(io.BytesIO(content))
    cells = [str(c.value) for row in book.active.iter_rows() for c in row if c.value]
    assert "PERFORMANS GÖSTERGELERİ" in cells and "GERÇEKLEŞEN" in cells
    assert number  # the request above is one of the year's requests

    # Percentages the Turkish way, sign first (%95,0), kept as numbers: 2025 has targets.
    mehmet.send("/rapor 2025")
    past = mehmet.wait_message(
        predicate=lambda m: (
            m.document is not None and m.document["file_name"] == "performans-2025.xlsx"
        )
    )
    assert past.document is not None
    sheet = load_workbook(io.BytesIO(kent.emu.download(past.document["file_id"]))).active
    assert sheet is not None
    satisfaction = next(
        row
        for row in sheet.iter_rows()
        if row[0].value == "1. Halkla ilişkiler hizmetleri vatandaş memnuniyeti"
    )
    unit, target = satisfaction[1], satisfaction[3]
    assert (unit.value, target.value, target.number_format) == ("[%]", 0.95, "%0.0")


def test_digest_shows_council_check_ins_as_monitoring(kent: Kent) -> None:
    tz = kent.config.tz
    with transaction(kent.engine) as session:
        people = [Citizen(telegram_id=9100 + n) for n in range(3)]
        session.add_all(people)
        held, coming = (
            CouncilEvent(
                assembly_code="kadin",
                title="Kadın sağlığı semineri",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                capacity=40,
            )
            for start in (
                datetime(2025, 5, 20, 14, tzinfo=tz),
                datetime(2025, 6, 10, 14, tzinfo=tz),
            )
        )
        session.add_all([held, coming])
        session.flush()
        for seq, (event, person, status) in enumerate(
            (
                (held, people[0], "attended"),
                (held, people[1], "attended"),
                (held, people[2], "no_show"),
                (coming, people[0], "registered"),  # next week: not held yet
            ),
            start=1,
        ):
            session.add(
                Registration(
                    event_id=id_of(event),
                    citizen_id=id_of(person),
                    status=status,
                    seq=seq,
                    code=f"D{seq}",
                )
            )
    kent.app.bot_data["deps"].clock = lambda: datetime(2025, 6, 2, 8, 30, tzinfo=tz)
    kent.run_job(daily_digest)
    digest = kent.supervisors.wait_message(contains="Günlük özet")
    assert "Kent Konseyi etkinlikleri: 1 (hedef 62)" in digest.text  # next week's is not held
    assert (
        "Bu yıl Kent Konseyi katılımı · izleme amaçlıdır, performans programının göstergesi "
        "değildir" in digest.text
    )
    assert (
        "• Kadınlar Meclisi: kayıtlı 3 kişiden 2 kişi geldi; katılım oranı %66,7, "
        "gelmeme oranı %33,3" in digest.text
    )
