"""Issue 17, job seekers (first part) end to end: /istihdam, the employment KVKK notice,
the CV written question by question (a typo'd occupation, a refused birth year with the
draft kept, a draft that survives leaving the conversation), "My CV", pause and delete."""

from __future__ import annotations

from sqlmodel import select

from core import conversation
from core.employment import registry
from db.engine import transaction
from db.models import ConversationState, JobSeeker
from emulator.client import SimUser
from flows.employment.state import EmploymentState
from tests.harness import Kent
from tests.journeys import minutes_pass


def draft_of(kent: Kent, user: SimUser) -> EmploymentState:
    with transaction(kent.engine) as session:
        found = session.exec(select(ConversationState)).all()
        assert len(found) == 1, found
        return conversation.state_of(found[0], EmploymentState)


def test_a_citizen_registers_a_cv_in_turkish(kent: Kent) -> None:
    selin = kent.citizen("Selin", last_name="Kaya")
    selin.send("/istihdam")
    menu = selin.wait_message(contains="İş ve kariyer")
    assert menu.flat_buttons == [
        "🔎 İş arıyorum",
        "🏢 İşverenim",
        "🎓 Eğitim ve iş fuarı",
    ]  # no CV yet
    selin.press("🔎 İş arıyorum")
    notice = selin.wait_message(contains="İstihdam Merkezi Kişisel Verilerin Korunması")
    assert "yalnızca size önerilen ve sizin kabul ettiğiniz" in notice.text
    selin.press("✅ Kabul ediyorum")
    selin.wait_message(contains="Adınız ve soyadınız")
    selin.send("Selin Kaya")
    selin.wait_message(contains="Doğum yılınız")
    selin.send("1890")
    selin.wait_message(contains="Bu doğum yılı doğru olamaz")
    selin.send("2030")
    refused = selin.wait_message(contains="Bu doğum yılı doğru olamaz")
    assert "Doğum yılınız" in refused.text  # the same question again
    assert draft_of(kent, selin).name == "Selin Kaya"  # nothing entered is lost
    selin.send("1994")
    selin.wait_message(contains="Oturduğunuz ilçe")

    # The draft is a database row: leaving for the main menu and coming back resumes it.
    selin.send("/start")
    selin.wait_message()
    selin.send("/is")
    selin.wait_message(contains="İş ve kariyer")
    selin.press("🔎 İş arıyorum")
    selin.wait_message(contains="Oturduğunuz ilçe")
    selin.send("Merkez")
    selin.wait_message(contains="Mahalleniz")
    selin.send("Cumhuriyet Mahallesi")
    selin.wait_message(contains="telefon numarası")
    selin.share_contact("+905321112233")  # the shared contact's number is taken
    selin.wait_message(contains="Bitirdiğiniz en yüksek okul")
    selin.press("Meslek lisesi")
    selin.wait_message(contains="Nasıl bir iş arıyorsunuz")
    selin.send("forklft")
    found = selin.wait_message(contains="Birini seçin")
    assert "Forklift operatörleri" in found.flat_buttons
    selin.press("Forklift operatörleri")
    selin.wait_message(contains="✅ Forklift operatörleri")
    selin.press("✅ Bitti")
    selin.wait_message(contains="İş deneyiminiz")
    selin.send("Forklift operatörü, Ege Lojistik, 3")
    selin.wait_message(contains="✅ Forklift operatörü, Ege Lojistik")
    selin.press("✅ Bitti")
    selin.wait_message(contains="Bildiğiniz yabancı diller")
    selin.send("İngilizce")
    selin.wait_message(contains="Hangi sınıf sürücü belgeleriniz var")
    minutes_pass(kent)
    selin.press("B (otomobil)")
    selin.wait_message(predicate=lambda m: "✅ B (otomobil)" in m.flat_buttons)
    selin.press("✅ Bitti")
    selin.wait_message(contains="Ne zaman işe başlayabilirsiniz")
    selin.press("Hemen")
    selin.wait_message(contains="Tam zamanlı mı")
    selin.press("Tam zamanlı")
    selin.wait_message(contains="PDF olarak hazır bir özgeçmişiniz")
    selin.press("⏭ Atla")
    selin.wait_message(contains="Engellilik durumu (isteğe bağlı)")
    selin.press("⏭ Atla")
    summary = selin.wait_message(contains="Özgeçmişiniz")
    for shown in ("Selin Kaya", "1994", "Cumhuriyet Mahallesi", "+905321112233", "3 yıl"):
        assert shown in summary.text, shown
    selin.press("✅ Kaydet")
    selin.wait_message(contains="Özgeçmişiniz kaydedildi")
    with transaction(kent.engine) as session:
        cv = session.exec(select(JobSeeker)).one()
        assert (cv.name, cv.birth_year, cv.education) == ("Selin Kaya", 1994, "vocational")
        assert registry.occupations_of(session, cv) == ["8344"]
        assert cv.experience == [
            {"title": "Forklift operatörü", "employer": "Ege Lojistik", "years": 3.0}
        ]
        assert (cv.availability, cv.work_time, cv.paused) == ("now", "full", False)
        assert session.exec(select(ConversationState)).all() == []

    # My CV: view, pause and resume, delete.
    selin.send("/istihdam")
    menu = selin.wait_message(contains="İş ve kariyer")
    assert menu.flat_buttons == [
        "🔎 İş arıyorum",
        "📄 Özgeçmişim",
        "🏢 İşverenim",
        "🎓 Eğitim ve iş fuarı",
    ]
    selin.press("📄 Özgeçmişim")
    selin.wait_message(contains="Forklift operatörleri")
    selin.press("⏸ Şimdilik iş aramıyorum")
    selin.wait_message(contains="Durduruldu")
    with transaction(kent.engine) as session:
        assert session.exec(select(JobSeeker)).one().paused
    selin.press("▶️ Tekrar arıyorum")
    selin.wait_message(contains="Etkin")
    selin.press("🗑 Özgeçmişimi sil")
    selin.wait_message(contains="Özgeçmişiniz silinsin mi")
    selin.press("🗑 Evet, sil")
    selin.wait_message(contains="Özgeçmişiniz silindi")
    with transaction(kent.engine) as session:
        erased = session.exec(select(JobSeeker)).one()
        assert erased.name is None and erased.phone is None and erased.erased_at is not None


def test_a_citizen_registers_a_cv_in_english(kent: Kent) -> None:
    sam = kent.citizen("Sam", language_code="en", last_name="Lee")
    sam.send("/start")
    sam.press("💼 Jobs and careers")
    sam.wait_message(contains="Jobs and careers")
    sam.press("🔎 I am looking for a job")
    sam.wait_message(contains="employment centre (KVKK)")
    sam.press("✅ I accept")
    sam.wait_message(contains="Your first and last name")
    sam.send("Sam Lee")
    sam.wait_message(contains="Your year of birth")
    sam.send("1990")
    sam.wait_message(contains="The district you live in")
    sam.send("Merkez")
    sam.wait_message(contains="Your neighbourhood")
    sam.press("⏭ Skip")
    sam.wait_message(contains="phone number")
    sam.send("0532 123 45 67")
    sam.wait_message(contains="highest completed education")
    sam.press("Bachelor's degree")
    sam.wait_message(contains="What work are you looking for")
    sam.send("waiter")
    sam.wait_message(contains="Pick one")
    sam.press("Waiters")
    sam.wait_message(contains="✅ Waiters")
    sam.press("✅ Done")
    sam.wait_message(contains="Your experience")
    sam.press("⏭ Skip")
    sam.wait_message(contains="Foreign languages")
    sam.press("⏭ Skip")
    sam.wait_message(contains="Which driving licence classes")
    sam.press("🚫 None")
    sam.wait_message(contains="When can you start")
    sam.press("Within a month")
    sam.wait_message(contains="Full time or part time")
    sam.press("Either")
    sam.wait_message(contains="Do you have a CV as a PDF file")
    sam.press("⏭ Skip")
    sam.wait_message(contains="Disability status (optional)")
    sam.press("⏭ Skip")
    sam.wait_message(contains="Your CV")
    sam.press("✅ Save")
    sam.wait_message(contains="Your CV is saved")
    with transaction(kent.engine) as session:
        cv = session.exec(select(JobSeeker)).one()
        assert (cv.name, cv.work_time, cv.driving_licence) == ("Sam Lee", "any", None)
        assert registry.occupations_of(session, cv) == ["5131"]
    # My CV → Edit: one field asked again, then the summary, then saved.
    sam.send("/istihdam")
    sam.press("📄 My CV")
    sam.wait_message(contains="Waiters")
    sam.press("✏️ Edit")
    sam.wait_message(contains="What would you like to change")
    sam.press("District")
    sam.wait_message(contains="The district you live in")
    sam.send("Yenişehir")
    assert "Yenişehir" in sam.wait_message(contains="Your CV").text
    sam.press("✅ Save")
    sam.wait_message(contains="Your CV is saved")
    with transaction(kent.engine) as session:
        assert session.exec(select(JobSeeker)).one().district == "Yenişehir"


def test_iptal_and_cancel_leave_the_cv_unwritten(kent: Kent) -> None:
    ali = kent.citizen("Ali", last_name="Er")
    ali.send("/istihdam")
    ali.press("🔎 İş arıyorum")
    ali.press("✅ Kabul ediyorum")
    ali.wait_message(contains="Adınız ve soyadınız")
    ali.send("Ali Er")
    ali.wait_message(contains="Doğum yılınız")
    ali.send("/iptal")
    ali.wait_message(contains="İptal edildi. Hiçbir şey değişmedi.")
    # Starting again asks from the notice on: nothing of the dropped draft is kept.
    ali.send("/istihdam")
    ali.press("🔎 İş arıyorum")
    ali.wait_message(contains="İstihdam Merkezi Kişisel Verilerin Korunması")
    ali.press("✅ Kabul ediyorum")
    ali.wait_message(contains="Adınız ve soyadınız")
    ali.press("✖️ İptal")
    menu = ali.wait_message(contains="İptal edildi")
    assert menu.flat_buttons == ["🔎 İş arıyorum", "🏢 İşverenim", "🎓 Eğitim ve iş fuarı"]
    with transaction(kent.engine) as session:
        assert session.exec(select(JobSeeker)).all() == []
        assert session.exec(select(ConversationState)).all() == []
