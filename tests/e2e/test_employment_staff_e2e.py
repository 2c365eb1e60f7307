"""Issue 17, the employment centre's staff end to end: /istihdam in the centre's group
opens the desk; staff verify a firm and approve its vacancy (firm and vacancy made with
core: the employer's own screens are another feature), see the ranked candidates and
refer one; the seeker gets the job through the outbox and answers with its buttons; the
follow-up sweep asks after the interview and, unanswered, reminds the group once, where
staff set the outcome. A citizen pressing a staff button is refused politely."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from core import citizens
from core.employment import codes, referrals, registry
from db.engine import transaction
from db.models import Employer, JobSeeker, Referral, Vacancy
from db.types import utcnow
from handlers.employment_alerts import send_instant
from handlers.employment_staff import referral_followups
from tests.harness import Kent
from tests.journeys import firm_to_verify, freeze, saved_cv


def _submitted(kent: Kent, employer_id: int) -> int:
    with transaction(kent.engine) as session:
        employer = session.get(Employer, employer_id)
        assert employer is not None
        vacancy = registry.create_vacancy(
            session,
            employer,
            title="Forklift operatörü",
            occupation="8344",
            positions=2,
            district="Merkez",
            work_time="full",
            requirements="Forklift belgesi",
            valid_until=None,
            now=utcnow(),
        )
        registry.submit_vacancy(session, employer, vacancy)
        assert vacancy.id is not None
        return vacancy.id


def test_staff_verify_approve_and_refer_and_the_sweep_follows_up_in_turkish(kent: Kent) -> None:
    group = kent.groups["istihdam"]
    mehmet = kent.staff("istihdam")
    owner = kent.emu.create_user(first_name="Can", language_code="tr", started=True)
    selin = kent.emu.create_user(first_name="Selin", language_code="tr", started=True)
    other = kent.emu.create_user(first_name="Veli", language_code="tr", started=True)
    employer_id = firm_to_verify(kent, owner, "tr")
    saved_cv(kent, selin, "tr", "Selin Kaya", "Merkez")
    # Selin's CV came with a PDF (e2e/test_employment_cv_e2e.py sends one by the wizard).
    pdf = selin.send_document(b"%PDF-1.4 Selin", file_name="Selin_Kaya_CV.pdf")
    with transaction(kent.engine) as session:
        seeker = session.exec(select(JobSeeker).where(JobSeeker.name == "Selin Kaya")).one()
        seeker.cv_file_id, seeker.cv_file_name = pdf["document"]["file_id"], "Selin_Kaya_CV.pdf"
        session.add(seeker)
    saved_cv(kent, other, "tr", "Veli Er", "Yenişehir")

    # A citizen in the group is refused, both the command and an old staff button.
    ayse = kent.citizen("Ayşe")
    group.add_member(ayse)
    ayse.send("/istihdam", chat=group)
    group.wait_message(contains="yalnızca İstihdam Merkezi personeli")

    mehmet.send("/istihdam", chat=group)
    board = group.wait_message(contains="personel masası")
    assert "Doğrulanacak firmalar: 1" in board.text
    ayse.press("🏢 Doğrulanacak firmalar", chat=group, message_id=board.message_id)
    alert = ayse.last_alert(chat=group)
    assert alert is not None and "yalnızca İstihdam Merkezi personeli" in (alert.text or "")

    mehmet.press("🏢 Doğrulanacak firmalar", chat=group, message_id=board.message_id)
    group.wait_message(predicate=lambda m: "Ege Lojistik" in m.flat_buttons)
    mehmet.press("Ege Lojistik", chat=group, message_id=board.message_id)
    card = group.wait_message(contains="Vergi kimlik numarası: 1234567890")
    assert card.flat_buttons[:2] == ["✅ Doğrula", "⛔ Reddet"]
    mehmet.press("✅ Doğrula", chat=group, message_id=board.message_id)
    group.wait_message(contains="✅ Ege Lojistik doğrulandı.")
    owner.wait_message(contains="İstihdam Merkezi Ege Lojistik firmanızı doğruladı")

    vacancy_id = _submitted(kent, employer_id)
    mehmet.press("⬅️ Personel masası", chat=group, message_id=board.message_id)
    group.wait_message(contains="Onay bekleyen ilanlar: 1")
    mehmet.press("📝 Onay bekleyen ilanlar", chat=group, message_id=board.message_id)
    group.wait_message(predicate=lambda m: "Forklift operatörü — Ege Lojistik" in m.flat_buttons)
    mehmet.press("Forklift operatörü — Ege Lojistik", chat=group, message_id=board.message_id)
    group.wait_message(contains="Aranan nitelikler: Forklift belgesi")
    mehmet.press("✅ Onayla", chat=group, message_id=board.message_id)
    group.wait_message(contains="“Forklift operatörü” yayına alındı")
    owner.wait_message(contains="“Forklift operatörü” ilanınız onaylandı ve yayına alındı")
    with transaction(kent.engine) as session:
        vacancy = session.get(Vacancy, vacancy_id)
        assert vacancy is not None and vacancy.status == "published"
    # Selin's vacancy alert, sent now rather than whenever the 5-second job comes round,
    # so that it cannot fall into the "asked once" check below.
    kent.run_job(send_instant)
    selin.wait_message(contains="Size uygun yeni bir iş ilanı")

    # The candidates, best first, with the ranking's reasons in words.
    mehmet.press("⬅️ Personel masası", chat=group, message_id=board.message_id)
    group.wait_message(contains="Yayındaki ilanlar: 1")
    mehmet.press("📢 Yayındaki ilanlar", chat=group, message_id=board.message_id)
    group.wait_message(contains="adaylarını görmek için")
    mehmet.press("Forklift operatörü — Ege Lojistik", chat=group, message_id=board.message_id)
    ranked = group.wait_message(contains="1. Selin Kaya")
    assert "aynı meslek (Forklift operatörleri) · Merkez ilçesinde oturuyor" in ranked.text
    assert "2. Veli Er" in ranked.text
    assert ranked.text.index("Selin Kaya") < ranked.text.index("Veli Er")
    # The PDF she sent comes into the group for staff; a citizen's press is refused.
    assert "📎 Özgeçmiş (PDF): Selin Kaya" in ranked.flat_buttons
    ayse.press("📎 Özgeçmiş (PDF): Selin Kaya", chat=group, message_id=board.message_id)
    alert = ayse.last_alert(chat=group)
    assert alert is not None and "yalnızca İstihdam Merkezi personeli" in (alert.text or "")
    mehmet.press("📎 Özgeçmiş (PDF): Selin Kaya", chat=group, message_id=board.message_id)
    sent = group.wait_message(predicate=lambda m: m.document is not None)
    assert sent.document is not None and sent.caption == "Selin_Kaya_CV.pdf"
    assert (sent.document["file_name"], sent.document["file_size"]) == (
        "Selin_Kaya_CV.pdf",
        pdf["document"]["file_size"],
    )
    mehmet.press("📨 Yönlendir: Selin Kaya", chat=group, message_id=board.message_id)
    group.wait_message(contains="Selin Kaya yönlendirildi")

    offer = selin.wait_message(contains="İstihdam Merkezi size bir iş öneriyor")
    for part in ("Forklift operatörü", "Firma: Ege Lojistik", "İlçe: Merkez", "Tam zamanlı"):
        assert part in offer.text
    assert offer.flat_buttons == ["✅ İlgileniyorum", "✖️ İlgilenmiyorum"]
    # The offer names exactly what the firm will receive (firms.SHARED).
    assert (
        "işverene şu bilgileriniz iletilir: adınız, telefon numaranız, aradığınız meslekler, "
        "iş deneyiminiz ve gönderdiyseniz PDF özgeçmişiniz."
    ) in offer.text
    selin.press("✅ İlgileniyorum", message_id=offer.message_id)
    thanks = selin.wait_message(contains="Ege Lojistik firmasına ilettik")
    assert "adınız, telefon numaranız, aradığınız meslekler" in thanks.text
    owner.wait_message(contains="Selin Kaya, telefon +905321112233")

    # The firm records the interview (its own screens are another feature's): two days ago.
    with transaction(kent.engine) as session:
        referral = session.exec(select(Referral)).one()
        owner_citizen = citizens.get_or_create(session, owner.id, "tr")
        referrals.employer_change(
            session, owner_citizen, referral, codes.INTERVIEW, utcnow() - timedelta(days=2)
        )
        referral_id = referral.id
    kent.run_job(referral_followups)
    asked = selin.wait_message(contains="Ege Lojistik firmasındaki “Forklift operatörü”")
    assert asked.flat_buttons == ["Evet", "Hayır"]
    # The firm is asked too, how it went; it has not decided yet, so nothing changes.
    how = owner.wait_message(contains="Selin Kaya ile yaptığınız mülakat nasıl geçti?")
    assert "“Forklift operatörü” iş ilanınız için" in how.text
    assert how.flat_buttons == ["✅ İşe alındı", "✖️ İşe alınmadı", "⏳ Henüz karar vermedik"]
    owner.press("⏳ Henüz karar vermedik", message_id=how.message_id)
    card = owner.wait_message(contains="Karar verdiğinizde sonucu buradan")
    assert "Selin Kaya" in card.text and "✅ İşe alındı" in card.flat_buttons
    kent.run_job(referral_followups)
    selin.expect_no_message(within=0.5)  # asked once
    owner.expect_no_message(within=0.5)

    # Nobody answers: two weeks on, the group is reminded once, with the outcome buttons.
    freeze(kent, utcnow() + timedelta(days=14))
    kent.run_job(referral_followups)
    reminder = group.wait_message(contains="yanıt gelmedi")
    assert f"Yönlendirme {referral_id}" in reminder.text
    assert "Aday: Selin Kaya, +905321112233" in reminder.text
    assert reminder.flat_buttons == ["İş bulundu", "Vazgeçti", "İptal edildi", "İşe alınmadı"]
    kent.run_job(referral_followups)
    group.expect_no_message(within=0.5)
    mehmet.press("İş bulundu", chat=group, message_id=reminder.message_id)
    # A job found takes its start date, so the start question is asked after it.
    when = group.wait_message(contains="işe ne zaman başlıyor")
    assert [label.split(" (")[0] for label in when.flat_buttons] == [
        "Bugün",
        "1 hafta sonra",
        "2 hafta sonra",
        "⬅️ Geri",
    ]
    mehmet.press(when.flat_buttons[1], chat=group, message_id=reminder.message_id)
    group.wait_message(contains="Kaydedildi: İş bulundu")
    with transaction(kent.engine) as session:
        stored = session.get(Referral, referral_id)
        assert stored is not None and stored.status == codes.JOB_FOUND
        assert stored.job_found_at is not None
        found_on = stored.job_found_at.astimezone(kent.config.tz).date()
        assert stored.start_date == found_on + timedelta(days=7)
        # Every change with its actor (the interview was dated back, so not in order).
        assert {(e.status, e.actor_kind) for e in referrals.history(session, stored)} == {
            ("referred", "staff"),
            ("interested", "seeker"),
            ("interview", "employer"),
            ("job_found", "staff"),
        }


def test_a_referral_reaches_an_english_speaking_seeker_who_declines(kent: Kent) -> None:
    group = kent.groups["istihdam"]
    mehmet = kent.staff("istihdam")
    owner = kent.emu.create_user(first_name="Sam", language_code="en", started=True)
    lee = kent.emu.create_user(first_name="Lee", language_code="en", started=True)
    employer_id = firm_to_verify(kent, owner, "en", name="Harbour Logistics")
    saved_cv(kent, lee, "en", "Lee Park", "Merkez")

    # In private chat, staff find the desk in the employment menu.
    mehmet.send("/istihdam")
    menu = mehmet.wait_message(contains="İş ve kariyer")
    assert "🗂 Personel masası" in menu.flat_buttons
    mehmet.press("🗂 Personel masası")
    mehmet.wait_message(contains="Doğrulanacak firmalar: 1")
    mehmet.press("🏢 Doğrulanacak firmalar")
    mehmet.wait_message(predicate=lambda m: "Harbour Logistics" in m.flat_buttons)
    mehmet.press("Harbour Logistics")
    mehmet.wait_message(contains="Vergi kimlik numarası")
    mehmet.press("✅ Doğrula")
    mehmet.wait_message(contains="Harbour Logistics doğrulandı")
    owner.wait_message(
        contains="The employment centre verified your firm Harbour Logistics. You can now post"
    )
    vacancy_id = _submitted(kent, employer_id)
    mehmet.press("⬅️ Personel masası")
    mehmet.press("📝 Onay bekleyen ilanlar")
    mehmet.wait_message(
        predicate=lambda m: "Forklift operatörü — Harbour Logistics" in m.flat_buttons
    )
    mehmet.press("Forklift operatörü — Harbour Logistics")
    mehmet.wait_message(contains="Aranan nitelikler")
    mehmet.press("✅ Onayla")
    mehmet.wait_message(contains="yayına alındı")
    owner.wait_message(contains="Your vacancy “Forklift operatörü” is approved and published")
    mehmet.press("⬅️ Personel masası")
    mehmet.press("📢 Yayındaki ilanlar")
    mehmet.wait_message(contains="adaylarını görmek için")
    mehmet.press("Forklift operatörü — Harbour Logistics")
    mehmet.wait_message(contains="1. Lee Park")
    mehmet.press("📨 Yönlendir: Lee Park")
    mehmet.wait_message(contains="Lee Park yönlendirildi")

    offer = lee.wait_message(contains="The employment centre suggests a job for you")
    assert "Firm: Harbour Logistics" in offer.text and "Working time: Full time" in offer.text
    assert offer.flat_buttons == ["✅ Interested", "✖️ Not interested"]
    lee.press("✖️ Not interested", message_id=offer.message_id)
    lee.wait_message(contains="we will not pass this job on")
    owner.expect_no_message(within=0.5)  # nothing of Lee reaches the firm
    with transaction(kent.engine) as session:
        referral = session.exec(select(Referral)).one()
        assert referral.status == codes.DECLINED
        assert session.get(Vacancy, vacancy_id) is not None
        assert session.exec(select(JobSeeker)).one().name == "Lee Park"
    group.expect_no_message(within=0.2)


def test_staff_record_a_seekers_acceptance_by_phone_only_after_confirming(kent: Kent) -> None:
    group = kent.groups["istihdam"]
    mehmet = kent.staff("istihdam")
    owner = kent.emu.create_user(first_name="Can", language_code="tr", started=True)
    selin = kent.emu.create_user(first_name="Selin", language_code="tr", started=True)
    employer_id = firm_to_verify(kent, owner, "tr")
    saved_cv(kent, selin, "tr", "Selin Kaya", "Merkez")
    mehmet.send("/istihdam", chat=group)
    board = group.wait_message(contains="personel masası")
    for press, shown in (
        ("🏢 Doğrulanacak firmalar", "Ege Lojistik"),
        ("Ege Lojistik", "✅ Doğrula"),
    ):
        mehmet.press(press, chat=group, message_id=board.message_id)
        group.wait_message(predicate=lambda m, shown=shown: shown in m.flat_buttons)
    mehmet.press("✅ Doğrula", chat=group, message_id=board.message_id)
    group.wait_message(contains="doğrulandı")
    _submitted(kent, employer_id)
    mehmet.press("⬅️ Personel masası", chat=group, message_id=board.message_id)
    mehmet.press("📝 Onay bekleyen ilanlar", chat=group, message_id=board.message_id)
    group.wait_message(predicate=lambda m: "Forklift operatörü — Ege Lojistik" in m.flat_buttons)
    mehmet.press("Forklift operatörü — Ege Lojistik", chat=group, message_id=board.message_id)
    mehmet.press("✅ Onayla", chat=group, message_id=board.message_id)
    group.wait_message(contains="yayına alındı")
    owner.wait_message(contains="ilanınız onaylandı ve yayına alındı")
    mehmet.press("⬅️ Personel masası", chat=group, message_id=board.message_id)
    mehmet.press("📢 Yayındaki ilanlar", chat=group, message_id=board.message_id)
    group.wait_message(contains="adaylarını görmek için")
    mehmet.press("Forklift operatörü — Ege Lojistik", chat=group, message_id=board.message_id)
    group.wait_message(contains="1. Selin Kaya")
    mehmet.press("📨 Yönlendir: Selin Kaya", chat=group, message_id=board.message_id)
    referred = group.wait_message(contains="Selin Kaya yönlendirildi")
    # Referred, she is no longer a candidate; her referral's card is one press away.
    assert "Selin Kaya" not in referred.text.split("yönlendirildi", 1)[1]
    with transaction(kent.engine) as session:
        referral_id = session.exec(select(Referral)).one().id
    opened = f"📇 {referral_id} numaralı yönlendirmeyi aç"
    assert referred.flat_buttons[0] == opened
    mehmet.press(opened, chat=group, message_id=board.message_id)
    card = group.wait_message(contains="Durum: Yönlendirildi")
    # "Interested" is not an ordinary outcome staff may set; acceptance has its own button.
    assert card.flat_buttons == ["☎️ Kabul ettiğini bize bildirdi", "Vazgeçti", "İptal edildi"]
    mehmet.press("☎️ Kabul ettiğini bize bildirdi", chat=group, message_id=board.message_id)
    question = group.wait_message(contains="size kendisi bildirdi mi?")
    assert question.flat_buttons == [
        "📞 Evet, telefonla kabul etti",
        "🤝 Evet, yüz yüze kabul etti",
        "⬅️ Geri",
    ]
    owner.expect_no_message(within=0.3)  # nothing reaches the firm before staff confirm
    mehmet.press("📞 Evet, telefonla kabul etti", chat=group, message_id=board.message_id)
    group.wait_message(contains="Kaydedildi: İlgileniyor")
    # The firm hears exactly what the seeker's own button tells it.
    told = owner.wait_message(contains="Selin Kaya, telefon +905321112233")
    assert "“Forklift operatörü” ilanınızla ilgileniyor" in told.text
    with transaction(kent.engine) as session:
        stored = session.get(Referral, referral_id)
        assert stored is not None and stored.status == codes.INTERESTED
        last = referrals.history(session, stored)[-1]
        assert (last.status, last.actor_kind, last.reason) == ("interested", "staff", "by_phone")
        assert last.actor_id is not None
