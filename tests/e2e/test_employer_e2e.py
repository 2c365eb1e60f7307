"""Issue 17, employers, end to end: "🏢 İşverenim" in the employment menu, a firm
registered by chat (a wrong VKN check digit refused with the answer asked again and
nothing lost), no vacancy before the centre verifies the firm (staff verification is
simulated with core), a vacancy written (zero positions and a past date refused) and sent
for approval, and, once a seeker referred to it said they are interested, the candidate
as the firm sees them and the outcome it records: hired with a start date (Turkish), an
interview today and not hired with a reason, and closing the vacancy (English)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import col, select

from common.i18n import translator
from core import citizens, conversation, staff
from core.employment import codes, referrals, registry
from core.employment.registry import CV, Experience
from db.engine import transaction
from db.models import ConversationState, Employer, Referral, ReferralEvent, Vacancy
from db.types import utcnow
from emulator.client import SimUser
from flows.employment import employer_actions as j
from flows.employment.employer_state import FirmState
from tests.harness import Kent
from tests.journeys import unhurried

tr, en = translator("tr"), translator("en")
SEEKER = 880001
OTHER_SEEKER = 880002


def _day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def _register_firm(user: SimUser, *, name: str, vkn: str, labels: dict[str, str]) -> None:
    """From the employer home to a registered firm, as the tests' citizen types it."""
    user.press(labels["register"])
    user.wait_message(contains=labels["notice"])
    user.press(labels["continue"])
    user.wait_message(contains=labels["name"])
    user.send(name)
    user.wait_message(contains=labels["vkn"])
    user.send(vkn)
    user.wait_message(contains=labels["sector"])


def _verify(kent: Kent) -> int:
    """Staff verify the firm (their screens are another part): core, directly."""
    with transaction(kent.engine) as session:
        centre = staff.upsert(session, 9101, "staff", codes.DEPARTMENT)
        employer = session.exec(select(Employer)).one()
        registry.verify_employer(session, centre, employer, utcnow())
        assert employer.id is not None
        return employer.id


def _refer_interested(kent: Kent, language: str) -> None:
    """Staff approve the vacancy and refer two seekers; only the first says interested."""
    now = utcnow()
    with transaction(kent.engine) as session:
        centre = staff.upsert(session, 9101, "staff", codes.DEPARTMENT)
        vacancy = session.exec(select(Vacancy)).one()
        registry.approve_vacancy(session, centre, vacancy, now)
        for telegram_id, name in ((SEEKER, "Selin Kaya"), (OTHER_SEEKER, "Deniz Ak")):
            who = citizens.get_or_create(session, telegram_id, language)
            seeker = registry.save_cv(
                session,
                who,
                CV(
                    name=name,
                    birth_year=1994,
                    district="Ümraniye",
                    phone="+905321112233" if telegram_id == SEEKER else "+905339998877",
                    occupations=["5131"],
                    experience=[Experience("Garson", "Deniz Restoran", 3)],
                    availability="now",
                    work_time="full",
                ),
                now,
            )
            referral = referrals.refer(session, centre, vacancy, seeker, now, now.date())
            if telegram_id == SEEKER:
                referrals.seeker_change(session, who, referral, codes.INTERESTED, now)


TR = {
    "register": "➕ Firma kaydet",
    "notice": "Firmanızın verileri (KVKK)",
    "continue": "✅ Devam",
    "name": "Firmanın adı",
    "vkn": "vergi kimlik numarası (VKN",
    "sector": "Firmanın sektörü",
}
EN = {
    "register": "➕ Register a firm",
    "notice": "Your firm's data (KVKK)",
    "continue": "✅ Continue",
    "name": "The firm's name",
    "vkn": "tax number (VKN",
    "sector": "The firm's sector",
}


def test_a_firm_registers_posts_a_vacancy_and_records_a_hire_in_turkish(kent: Kent) -> None:
    unhurried(kent)
    ahmet = kent.citizen("Ahmet", last_name="Demir")
    ahmet.send("/istihdam")
    menu = ahmet.wait_message(contains="İş ve kariyer")
    assert menu.flat_buttons == ["🔎 İş arıyorum", "🏢 İşverenim", "🎓 Eğitim ve iş fuarı"]
    ahmet.press("🏢 İşverenim")
    home = ahmet.wait_message(contains="İşverenler")
    assert home.flat_buttons == ["➕ Firma kaydet", "⬅️ Geri"]
    ahmet.press("➕ Firma kaydet")
    notice = ahmet.wait_message(contains="Firmanızın verileri (KVKK)")
    assert "yetkili kişisinin adını ve telefon numarasını" in notice.text
    ahmet.press("✅ Devam")
    ahmet.wait_message(contains="Firmanın adı")
    ahmet.send("Lezzet Lokantası")
    ahmet.wait_message(contains="vergi kimlik numarası (VKN")
    ahmet.send("4540536921")  # the last digit is wrong
    refused = ahmet.wait_message(contains="son hanesi diğer hanelerle uyuşmuyor")
    assert "Firmanın vergi kimlik numarası (VKN, 10 hane)" in refused.text  # asked again
    with transaction(kent.engine) as session:
        draft = session.exec(select(ConversationState)).one()
        assert draft.step == "e_firm"
        assert conversation.state_of(draft, FirmState).name == "Lezzet Lokantası"
    ahmet.send("454 053 6920")
    ahmet.wait_message(contains="Firmanın sektörü")
    ahmet.press("⏭ Atla")
    ahmet.wait_message(contains="Firmanın bulunduğu ilçe")
    ahmet.send("Ümraniye")
    ahmet.wait_message(contains="yetkili kişisinin adı ve soyadı")
    ahmet.send("Ahmet Demir")
    ahmet.wait_message(contains="Yetkili kişinin telefon numarası")
    ahmet.send("12")
    ahmet.wait_message(contains="telefon numarası doğru olamaz")
    ahmet.send("0216 111 22 33")
    summary = ahmet.wait_message(contains="Firmanız")
    for shown in ("Lezzet Lokantası", "4540536920", "Ümraniye", "Ahmet Demir", "0216 111 22 33"):
        assert shown in summary.text, shown
    ahmet.press("✅ Firmayı kaydet")
    ahmet.wait_message(contains="Lezzet Lokantası kaydedildi")
    with transaction(kent.engine) as session:
        firm = session.exec(select(Employer)).one()
        assert (firm.tax_number, firm.sector, firm.verified_at) == ("4540536920", None, None)
        assert (firm.contact_name, firm.district) == ("Ahmet Demir", "Ümraniye")
        assert session.exec(select(ConversationState)).all() == []
        firm_id = firm.id
    assert firm_id is not None

    # Not verified yet: no vacancy button, and a forged one is refused politely.
    ahmet.press("🏢 Firmalarım")
    ahmet.wait_message(contains="Lezzet Lokantası — ⏳ Doğrulama bekliyor")
    ahmet.press("Lezzet Lokantası")
    waiting = ahmet.wait_message(contains="firma doğrulandıktan sonra ilan verebilirsiniz")
    assert "📝 İş ilanı ver" not in waiting.flat_buttons
    ahmet.press_data(waiting.message_id, j.NewVacancy(firm_id).pack())
    alert = ahmet.last_alert()
    assert alert is not None and "henüz doğrulamadı" in (alert.text or "")
    _verify(kent)

    ahmet.press("⬅️ Geri")
    ahmet.wait_message(contains="Lezzet Lokantası — ✅ Doğrulandı")
    ahmet.press("Lezzet Lokantası")
    ahmet.wait_message(contains="✅ Doğrulandı")
    ahmet.press("📝 İş ilanı ver")
    ahmet.wait_message(contains="Pozisyon adı")
    ahmet.send("Garson")
    ahmet.wait_message(contains="Hangi meslek")
    ahmet.send("garson")
    ahmet.wait_message(contains="Birini seçin")
    ahmet.press("Garsonlar")
    ahmet.wait_message(contains="Kaç kişiye ihtiyacınız var")
    ahmet.send("0")
    refused = ahmet.wait_message(contains="1 ile 1000 arasında bir tam sayı")
    assert "Kaç kişiye ihtiyacınız var" in refused.text
    ahmet.send("iki")
    ahmet.wait_message(contains="1 ile 1000 arasında bir tam sayı")
    ahmet.send("2")
    ahmet.wait_message(contains="İşin yapılacağı ilçe")
    ahmet.send("Ümraniye")
    ahmet.wait_message(contains="Tam zamanlı mı")
    ahmet.press("Tam zamanlı")
    quota = ahmet.wait_message(contains="yasal engelli çalışan kontenjanı")
    assert quota.flat_buttons == ["Evet", "Hayır", "⬅️ Geri", "✖️ İptal"]
    ahmet.press("Hayır")
    ahmet.wait_message(contains="Adaylarda aradığınız nitelikler")
    ahmet.send("En az 1 yıl deneyim")
    ahmet.wait_message(contains="İlan hangi tarihe kadar açık kalsın")
    today = utcnow().date()
    ahmet.send(_day(today - timedelta(days=3)))
    ahmet.wait_message(contains="Bu tarih geçmiş")
    ahmet.send("31.31.2030")
    ahmet.wait_message(contains="31.12.2026 biçiminde")
    until = today + timedelta(days=45)
    ahmet.send(_day(until))
    summary = ahmet.wait_message(contains="İlanınız")
    for shown in ("Garson", "Garsonlar", "2", "Tam zamanlı", "En az 1 yıl deneyim"):
        assert shown in summary.text, shown
    assert "Engelli kontenjanı: Hayır" in summary.text
    assert "onaylanır" in summary.text
    ahmet.press("📨 Onaya gönder")
    ahmet.wait_message(contains="İlanınız İstihdam Merkezine gönderildi")
    with transaction(kent.engine) as session:
        vacancy = session.exec(select(Vacancy)).one()
        assert (vacancy.title, vacancy.occupation, vacancy.positions) == ("Garson", "5131", 2)
        assert vacancy.quota is False
        assert (vacancy.status, vacancy.valid_until, vacancy.work_time) == (
            "pending",
            until,
            "full",
        )
    ahmet.press("📂 İlanlarım")
    ahmet.wait_message(contains="Garson — ⏳ Merkezin onayını bekliyor")

    _refer_interested(kent, "tr")
    ahmet.press("Garson")
    listed = ahmet.wait_message(contains="Adaylar")
    assert "Selin Kaya — 🙋 İlgileniyor" in listed.text
    assert "Deniz Ak" not in listed.text  # referred, not (yet) interested: not shared
    ahmet.press("Selin Kaya — 🙋 İlgileniyor")
    card = ahmet.wait_message(contains="+905321112233")
    assert "Garsonlar" in card.text and "Garson, Deniz Restoran, 3 yıl" in card.text
    assert "1994" not in card.text  # the year of birth is not shared
    assert card.flat_buttons == ["🗣 Mülakat", "✅ İşe alındı", "✖️ İşe alınmadı", "⬅️ Geri"]
    ahmet.press("✅ İşe alındı")
    ahmet.wait_message(contains="Aday işe ne zaman başlıyor")
    ahmet.send("yarın değil")
    ahmet.wait_message(contains="31.12.2026 biçiminde")
    start = today + timedelta(days=10)
    ahmet.send(_day(start))
    done = ahmet.wait_message(contains="olarak kaydedildi")
    assert f"işe başlama tarihi {tr.date(start)} olarak kaydedildi" in done.text
    assert "✅ İşe alındı" in done.text and "işe başlama" in done.text
    assert done.flat_buttons == ["🏁 İşe başladı", "✖️ İşe alınmadı", "⬅️ Geri"]
    with transaction(kent.engine) as session:
        referral = session.exec(select(Referral).where(Referral.status == "job_found")).one()
        assert referral.start_date == start and referral.job_found_at is not None
        last = session.exec(select(ReferralEvent).order_by(col(ReferralEvent.id).desc())).first()
        assert last is not None
        assert (last.status, last.actor_kind) == ("job_found", "employer")
        assert session.exec(select(ConversationState)).all() == []


def test_an_employer_records_an_interview_and_a_refusal_and_closes_in_english(
    kent: Kent,
) -> None:
    unhurried(kent)
    sam = kent.citizen("Sam", language_code="en", last_name="Lee")
    sam.send("/start")
    sam.press("💼 Jobs and careers")
    sam.press("🏢 I am an employer")
    sam.wait_message(contains="Employers")
    _register_firm(sam, name="Blue Cafe", vkn="1234567890", labels=EN)
    sam.send("Cafe")
    sam.wait_message(contains="The district the firm is in")
    sam.send("Kadıköy")
    sam.wait_message(contains="contact person")
    sam.send("Sam Lee")
    sam.wait_message(contains="phone number")
    sam.send("0532 123 45 67")
    sam.wait_message(contains="Your firm")
    # Edit from the summary: one field asked again, then the summary.
    sam.press("✏️ Edit")
    sam.press("Sector")
    sam.wait_message(contains="The firm's sector")
    sam.send("Food and drink")
    assert "Food and drink" in sam.wait_message(contains="Your firm").text
    sam.press("✅ Register the firm")
    sam.wait_message(contains="Blue Cafe is registered")
    _verify(kent)
    sam.press("🏢 My firms")
    sam.press("Blue Cafe")
    sam.press("📝 Post a vacancy")
    sam.wait_message(contains="The job title")
    sam.send("Waiter")
    sam.wait_message(contains="Which occupation")
    sam.send("waiter")
    sam.wait_message(contains="Pick one")
    sam.press("Waiters")
    sam.wait_message(contains="How many people")
    sam.send("1")
    sam.wait_message(contains="The district where the work is")
    sam.send("Kadıköy")
    sam.wait_message(contains="Full time or part time")
    sam.press("Part time")
    sam.wait_message(contains="legal quota for disabled employees")
    sam.press("Yes")
    sam.press("⏭ Skip")
    sam.wait_message(contains="Until when is the vacancy open")
    sam.press("In 3 months")
    summary = sam.wait_message(contains="Your vacancy")
    assert "Part time" in summary.text and "staff approve every vacancy" in summary.text
    assert "Disability quota: Yes" in summary.text
    sam.press("📨 Send for approval")
    sam.wait_message(contains="Your vacancy was sent")
    with transaction(kent.engine) as session:
        vacancy = session.exec(select(Vacancy)).one()
        assert vacancy.status == "pending" and vacancy.valid_until is not None
        assert vacancy.valid_until > utcnow().date() + timedelta(days=80)
        assert vacancy.quota is True
    _refer_interested(kent, "en")
    sam.press("📂 My vacancies")
    sam.press("Waiter")
    sam.wait_message(contains="Candidates")
    sam.press("Selin Kaya — 🙋 Interested")
    sam.wait_message(contains="+905321112233")
    sam.press("🗣 Interview")
    sam.wait_message(contains="When is the interview")
    # Recorded after the fact, without a year: the day just passed, not next year's.
    held = utcnow().astimezone(kent.config.tz).date() - timedelta(days=2)
    sam.send(f"{held.day}.{held.month} 14:30")
    interview = sam.wait_message(contains="Interview recorded for")
    assert f"Interview recorded for {en.date(held)} 14:30." in interview.text
    assert "🗣 Interview" in interview.text
    sam.press("✖️ Not hired")
    reasons = sam.wait_message(contains="Why was the candidate not hired")
    assert reasons.flat_buttons[:5] == [
        "Did not come",
        "Skills did not fit",
        "The candidate declined",
        "The position was filled",
        "Another reason",
    ]
    sam.press("The position was filled")
    refused = sam.wait_message(contains="Recorded")
    assert "The position was filled" in refused.text and refused.flat_buttons == ["⬅️ Back"]
    with transaction(kent.engine) as session:
        referral = session.exec(select(Referral).where(Referral.status == "not_hired")).one()
        assert referral.reason == "position_filled" and referral.interview_at is not None
    sam.press("⬅️ Back", message_id=refused.message_id)  # not the wizard's older Back
    sam.press("🔒 Close the vacancy")
    sam.wait_message(contains="Close the vacancy “Waiter”?")
    sam.press("🔒 Yes, close it")
    sam.wait_message(contains="The vacancy is closed")
    with transaction(kent.engine) as session:
        assert session.exec(select(Vacancy)).one().status == "closed"


def test_another_citizen_cannot_open_a_firm_or_record_an_outcome(kent: Kent) -> None:
    """Ids in forged buttons are checked against who presses them."""
    unhurried(kent)
    owner = kent.citizen("Ahmet", last_name="Demir")
    owner.send("/istihdam")
    owner.press("🏢 İşverenim")
    owner.wait_message(contains="İşverenler")
    _register_firm(owner, name="Lezzet Lokantası", vkn="4540536920", labels=TR)
    owner.press("⏭ Atla")
    owner.wait_message(contains="Firmanın bulunduğu ilçe")
    owner.send("Ümraniye")
    owner.wait_message(contains="yetkili kişisinin adı ve soyadı")
    owner.send("Ahmet Demir")
    owner.wait_message(contains="Yetkili kişinin telefon numarası")
    owner.send("0216 111 22 33")
    owner.press("✅ Firmayı kaydet")
    owner.wait_message(contains="kaydedildi")
    firm_id = _verify(kent)
    with transaction(kent.engine) as session:
        firm = session.get(Employer, firm_id)
        assert firm is not None
        vacancy = registry.create_vacancy(
            session,
            firm,
            title="Garson",
            occupation="5131",
            positions=1,
            district="Ümraniye",
            work_time="full",
            requirements="",
            valid_until=None,
            now=utcnow(),
        )
        registry.submit_vacancy(session, firm, vacancy)
    _refer_interested(kent, "tr")
    with transaction(kent.engine) as session:
        vacancy_id = session.exec(select(Vacancy.id)).one()
        referral_id = session.exec(
            select(Referral.id).where(Referral.status == codes.INTERESTED)
        ).one()
    assert vacancy_id is not None and referral_id is not None

    intruder = kent.citizen("Veli", last_name="Can")
    intruder.send("/istihdam")
    menu = intruder.wait_message(contains="İş ve kariyer")
    for data in (
        j.Firm(firm_id).pack(),
        j.Vacancy(vacancy_id).pack(),
        j.Candidate(referral_id).pack(),
        j.Outcome(referral_id, "job_found").pack(),
        j.Reason(referral_id, "skills").pack(),
        j.CloseConfirmed(vacancy_id).pack(),
    ):
        intruder.press_data(menu.message_id, data)
        alert = intruder.last_alert()
        assert alert is not None and "yalnızca firmayı kaydeden kişi" in (alert.text or ""), data
    # Registering the same firm again is refused at the tax number, the name kept.
    intruder.press("🏢 İşverenim")
    intruder.wait_message(contains="İşverenler")
    _register_firm(intruder, name="Lezzet", vkn="4540536920", labels={**TR, "sector": "zaten var"})
    with transaction(kent.engine) as session:
        assert len(session.exec(select(Employer)).all()) == 1
        assert session.get(Vacancy, vacancy_id).status == "published"  # type: ignore[union-attr]
        assert session.get(Referral, referral_id).status == codes.INTERESTED  # type: ignore[union-attr]
