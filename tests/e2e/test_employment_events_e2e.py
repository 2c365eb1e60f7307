"""Issue 17, trainings and the job fair end to end: the employment centre's staff create a
training with the council's event questions (/egitim_ekle), a citizen finds it in the
employment menu and registers through the council's screens (KVKK, QR ticket, calendar
file), staff check people in with /yoklama, and a fair's firms and hires are recorded
with /fuar_firma; in Turkish and in English."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import select

from core import staff
from db.engine import transaction
from db.models import CouncilEvent, Employer, JobFairFirm, Registration
from db.types import utcnow
from emulator.client import SimUser
from tests.harness import Kent


def create_training(
    kent: Kent, member: SimUser, kind: str, title: str, capacity: int, *, english: bool = False
) -> int:
    """Staff open /egitim_ekle, pick the kind and answer the council's questions."""
    start = (utcnow() + timedelta(days=7)).astimezone(kent.config.tz)
    words = (
        {
            "ask": "What are you organising?",
            "title": "The event's title",
            "description": "A short description",
            "starts": "When does it start?",
            "ends": "When does it end?",
            "place": "Where is it held?",
            "seats": "How many seats?",
            "deadline": "Registration deadline",
            "summary": "New event",
            "create": "✅ Create",
            "created": r"Event created \(number (\d+)\)",
        }
        if english
        else {
            "ask": "Ne düzenliyorsunuz?",
            "title": "Etkinliğin başlığı",
            "description": "Kısa bir açıklama",
            "starts": "Ne zaman başlıyor?",
            "ends": "Ne zaman bitiyor?",
            "place": "Nerede yapılacak?",
            "seats": "Kaç kişilik kontenjan?",
            "deadline": "Son kayıt zamanı",
            "summary": "Yeni etkinlik",
            "create": "✅ Oluştur",
            "created": r"(\d+) numaralı etkinlik oluşturuldu",
        }
    )
    member.send("/egitim_ekle")
    member.wait_message(contains=words["ask"])
    member.press(kind)
    member.wait_message(contains=words["title"])
    member.send(title)
    member.wait_message(contains=words["description"])
    member.send("-")
    member.wait_message(contains=words["starts"])
    member.send(start.strftime("%d.%m.%Y 10:00"))
    member.wait_message(contains=words["ends"])
    member.send(start.strftime("%d.%m.%Y 13:00"))
    member.wait_message(contains=words["place"])
    member.send("İstihdam Merkezi Eğitim Salonu")
    member.wait_message(contains=words["seats"])
    member.send(str(capacity))
    member.wait_message(contains=words["deadline"])
    member.send("-")
    # No assembly, no members-only question: the summary names the kind.
    summary = member.wait_message(contains=words["summary"])
    assert kind in summary.text and "🏛" not in summary.text
    member.press(words["create"])
    created = member.wait_message(predicate=lambda m: re.search(words["created"], m.text or ""))
    match = re.search(words["created"], created.text)
    assert match
    return int(match.group(1))


def test_staff_create_a_training_and_a_citizen_registers_from_the_employment_menu(
    kent: Kent,
) -> None:
    member = kent.staff("istihdam", first_name="Derya")
    coordinator = kent.staff("kent_konseyi", role="coordinator", first_name="Selin")
    # The council's coordinators do not run the employment centre's events.
    coordinator.send("/egitim_ekle")
    coordinator.wait_message(contains="Bu işlemi yalnızca İstihdam Merkezi personeli yapabilir")

    event_id = create_training(kent, member, "🎓 Kariyer eğitimi", "CV hazırlama atölyesi", 1)
    with transaction(kent.engine) as session:
        event = session.get(CouncilEvent, event_id)
        assert event is not None
        assert (event.kind, event.assembly_code, event.capacity) == ("career_training", None, 1)

    ayse = kent.citizen("Ayşe")
    # Not among the City Council's events…
    ayse.send("/etkinlikler")
    assert "CV hazırlama atölyesi" not in ayse.wait_message(contains="etkinlik").text
    # …but in the employment menu.
    ayse.send("/istihdam")
    ayse.wait_message(contains="İş ve kariyer")
    ayse.press("🎓 Eğitim ve iş fuarı")
    listing = ayse.wait_message(contains="Eğitimler ve istihdam fuarı")
    assert "CV hazırlama atölyesi" in listing.text and "Kariyer eğitimi" in listing.text
    assert "boş yer: 1" in listing.text
    ayse.press(next(b for b in listing.flat_buttons if b.startswith("CV hazırlama")))
    screen = ayse.wait_message(contains="Boş yer: 1 / 1")
    assert "Kariyer eğitimi" in screen.text
    ayse.press("✅ Kayıt ol")
    ayse.wait_message(contains="Kişisel Verilerin Korunması")
    ayse.press("✅ Kabul ediyorum")
    qr = ayse.wait_message(predicate=lambda m: m.photo is not None)
    code = re.search(r"Giriş kodunuz: ([A-Z0-9]{6})", qr.text)
    assert code and "CV hazırlama atölyesi" in qr.text, qr.text
    ics = ayse.wait_message(predicate=lambda m: m.document is not None)
    assert ics.document is not None and ics.document["file_name"] == f"etkinlik-{event_id}.ics"

    # Full: the next one waits, as at a council event.
    zeynep = kent.citizen("Zeynep", last_name="Kara")
    zeynep.send(f"/start ev_{event_id}")
    zeynep.wait_message(contains="CV hazırlama atölyesi")
    zeynep.press("⏳ Bekleme listesine gir")
    zeynep.press("✅ Kabul ediyorum")
    zeynep.wait_message(contains="bekleme listesinde 1. sıradasınız")

    # At the door: the centre's staff check in; the council's coordinator may not.
    coordinator.send(f"/yoklama {event_id} {code.group(1)}")
    coordinator.wait_message(contains="Bu işlemi yalnızca İstihdam Merkezi personeli yapabilir")
    coordinator.send(f"/etkinlik_iptal {event_id}")
    coordinator.wait_message(contains="Bu işlemi yalnızca İstihdam Merkezi personeli yapabilir")
    member.send(f"/yoklama {event_id} {code.group(1)}")
    member.wait_message(contains="Giriş yapıldı: Ayşe")
    with transaction(kent.engine) as session:
        statuses = sorted(r.status for r in session.exec(select(Registration)).all())
        assert statuses == ["attended", "waitlisted"]


def test_staff_record_a_fairs_firms_and_hires_by_chat(kent: Kent) -> None:
    member = kent.staff("istihdam", first_name="Derya")
    fair_id = create_training(kent, member, "🤝 İstihdam fuarı", "Bahar İstihdam Fuarı", 300)
    with transaction(kent.engine) as session:
        for name, vkn in (
            ("Deniz Restoran", "4540536920"),
            ("Deniz Lojistik", "1234567890"),
            ("Ada Tekstil", "9876543217"),
        ):
            session.add(Employer(name=name, tax_number=vkn, registered_at=utcnow()))
    member.send(f"/fuar_firma {fair_id} 9876543217 4")
    recorded = member.wait_message(contains="Kaydedildi")
    assert "Ada Tekstil" in recorded.text and "4 kişi" in recorded.text
    # A name matching two firms asks which one; the number hired rides along.
    member.send(f"/fuar_firma {fair_id} deniz 12")
    question = member.wait_message(contains="işe alan firma hangisi")
    assert question.flat_buttons == ["Deniz Lojistik", "Deniz Restoran"]
    member.press("Deniz Restoran")
    total = member.wait_message(contains="şu ana kadar")
    assert "2 firma" in total.text and "16 kişi" in total.text
    # Bad input: a polite answer, nothing recorded.
    member.send(f"/fuar_firma {fair_id} 1234567891 3")
    member.wait_message(contains="vergi kimlik numarası (VKN) geçerli değil")
    member.send(f"/fuar_firma {fair_id} Ada 12345678")
    member.wait_message(contains="0 ile 10.000 arasında bir tam sayı")
    member.send(f"/fuar_firma {fair_id} Ada")
    member.wait_message(contains="Kullanım: /fuar_firma")
    with transaction(kent.engine) as session:
        rows = session.exec(select(JobFairFirm)).all()
        assert sorted(r.hired for r in rows) == [4, 12]


def test_in_english_staff_create_a_vocational_training_and_a_citizen_registers(
    kent: Kent,
) -> None:
    member = kent.emu.create_user(first_name="Deniz", last_name="Ak", language_code="en")
    with transaction(kent.engine) as session:
        staff.upsert(session, member.id, "staff", "istihdam", name="Deniz Ak")
    event_id = create_training(
        kent, member, "🛠 Vocational training", "Forklift course", 5, english=True
    )
    # ✅ Create pressed again (a stale button): nothing more is created, politely.
    last = member.transcript()[-1]
    member.press_data(last.message_id, "c:ec")
    alert = member.last_alert()
    assert alert is not None and "Not found" in (alert.text or "")
    with transaction(kent.engine) as session:
        assert len(session.exec(select(CouncilEvent)).all()) == 1
    sam = kent.citizen("Sam", language_code="en", last_name="Lee")
    sam.send("/start")
    sam.press("💼 Jobs and careers")
    sam.wait_message(contains="Jobs and careers")
    sam.press("🎓 Trainings and job fair")
    listing = sam.wait_message(contains="Trainings and job fair")
    assert "Forklift course" in listing.text and "Vocational training" in listing.text
    sam.press(next(b for b in listing.flat_buttons if b.startswith("Forklift course")))
    sam.wait_message(contains="Seats left: 5 of 5")
    sam.press("✅ Register")
    sam.wait_message(contains="Personal data notice")
    sam.press("✅ I accept")
    qr = sam.wait_message(predicate=lambda m: m.photo is not None)
    assert re.search(r"Your check-in code: [A-Z0-9]{6}", qr.text), qr.text
    sam.wait_message(predicate=lambda m: m.document is not None)
    # Back from the event goes to the trainings, not to the council's events.
    sam.send(f"/start ev_{event_id}")
    event = sam.wait_message(contains="You are registered")
    sam.press("⬅️ All events", message_id=event.message_id)
    sam.wait_message(contains="Trainings and job fair")
