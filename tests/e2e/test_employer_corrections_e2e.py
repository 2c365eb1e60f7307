"""Through the emulator: what a firm can put right (review of issue 17). A vacancy the
centre sent back is corrected and sent again as the same vacancy."""

from __future__ import annotations

from sqlmodel import select

from core import citizens, staff
from core.employment import codes, desk, firms, registry
from db.engine import transaction
from db.models import Employer, Vacancy
from db.types import utcnow
from tests.harness import Kent
from tests.journeys import unhurried


def test_a_vacancy_sent_back_is_corrected_and_sent_again(kent: Kent) -> None:
    unhurried(kent)
    ahmet = kent.citizen("Ahmet", last_name="Demir")
    ahmet.send("/start")
    with transaction(kent.engine) as session:
        owner = citizens.get_or_create(session, ahmet.id, "tr")
        centre = staff.upsert(session, 9101, "staff", codes.DEPARTMENT)
        firm = registry.register_employer(
            session,
            owner,
            name="Lezzet Lokantası",
            tax_number="4540536920",
            sector="",
            district="Ümraniye",
            contact_name="Ahmet Demir",
            contact_phone="02161112233",
            now=utcnow(),
        )
        registry.verify_employer(session, centre, firm, utcnow())
        assert firm.id is not None
        vacancy = firms.post_vacancy(
            session,
            owner,
            firm.id,
            title="Eleman",
            occupation="5131",
            positions=1,
            district="Ümraniye",
            work_time="full",
            requirements="",
            valid_until=None,
            now=utcnow(),
        )
        desk.return_vacancy(session, centre, vacancy, "unclear")
        vacancy_id = vacancy.id
    ahmet.send("/istihdam")
    ahmet.press("🏢 İşverenim")
    ahmet.press("Lezzet Lokantası")
    ahmet.press("📂 İlanlarım")
    ahmet.wait_message(contains="Eleman — 📝 Taslak")
    ahmet.press("Eleman")
    shown = ahmet.wait_message(contains="düzeltilmesi için geri gönderdi")
    assert "✏️ Düzelt ve yeniden gönder" in shown.flat_buttons
    ahmet.press("✏️ Düzelt ve yeniden gönder")
    ahmet.wait_message(contains="İlanınız")
    ahmet.press("✏️ Düzenle")
    ahmet.press("Pozisyon")
    ahmet.send("Garson")
    summary = ahmet.wait_message(contains="İlanınız")
    assert "Garson" in summary.text
    ahmet.press("📨 Yeniden onaya gönder")
    done = ahmet.wait_message(contains="yeniden gönderildi")
    assert "⏳ Merkezin onayını bekliyor" in done.text
    with transaction(kent.engine) as session:
        (stored,) = session.exec(select(Vacancy)).all()
        assert (stored.id, stored.title, stored.status) == (vacancy_id, "Garson", "pending")


def test_a_firm_turned_down_sees_why_and_sends_it_again(kent: Kent) -> None:
    unhurried(kent)
    ahmet = kent.citizen("Ahmet", last_name="Demir")
    ahmet.send("/start")
    with transaction(kent.engine) as session:
        owner = citizens.get_or_create(session, ahmet.id, "tr")
        centre = staff.upsert(session, 9101, "staff", codes.DEPARTMENT)
        firm = registry.register_employer(
            session,
            owner,
            name="Lezzet Lokantası",
            tax_number="4540536920",
            sector="",
            district="Ümraniye",
            contact_name="Ahmet Demir",
            contact_phone="02161112233",
            now=utcnow(),
        )
        desk.reject_employer(session, centre, firm, "unreachable", utcnow())
        firm_id = firm.id
    ahmet.send("/istihdam")
    ahmet.press("🏢 İşverenim")
    home = ahmet.wait_message(contains="Firmalarınız")
    assert "⛔ Reddedildi: Yetkili kişiye ulaşamadık." in home.text
    ahmet.press("Lezzet Lokantası")
    shown = ahmet.wait_message(contains="⛔ Reddedildi")
    assert "Doğrulama bekliyor" not in shown.text
    ahmet.press("✏️ Düzelt ve yeniden gönder")
    ahmet.wait_message(contains="Firmanız")
    ahmet.press("✏️ Düzenle")
    ahmet.press("Yetkili telefonu")
    ahmet.send("0532 123 45 67")
    ahmet.wait_message(contains="0532 123 45 67")
    ahmet.press("📨 Yeniden doğrulamaya gönder")
    ahmet.wait_message(contains="İstihdam Merkezine yeniden gönderildi")
    with transaction(kent.engine) as session:
        (stored,) = session.exec(select(Employer)).all()
        assert (stored.id, stored.contact_phone) == (firm_id, "0532 123 45 67")
        assert (stored.rejected_at, stored.rejection_reason) == (None, None)
