"""Through the emulator, the staff desk reaches all its work (review of issue 17): the
vacancies to approve page on past the first ten, a published vacancy's referrals are
listed with where each stands and open its card, and staff close the vacancy (its
waiting referral ends and the seeker is told)."""

from __future__ import annotations

from sqlmodel import select

from core import citizens, staff
from core.employment import codes, referrals, registry
from core.employment.registry import seeker_of
from db.engine import transaction
from db.models import Employer, Referral, Vacancy
from db.types import utcnow
from tests.harness import Kent
from tests.journeys import firm_to_verify, saved_cv


def _vacancies(kent: Kent, employer_id: int, count: int) -> None:
    with transaction(kent.engine) as session:
        employer = session.get(Employer, employer_id)
        assert employer is not None
        for number in range(1, count + 1):
            vacancy = registry.create_vacancy(
                session,
                employer,
                title=f"İlan {number:02d}",
                occupation="8344",
                positions=1,
                district="Merkez",
                work_time="full",
                requirements="",
                valid_until=None,
                now=utcnow(),
            )
            registry.submit_vacancy(session, employer, vacancy)


def test_staff_page_the_desk_see_a_vacancys_referrals_and_close_it(kent: Kent) -> None:
    group = kent.groups["istihdam"]
    mehmet = kent.staff("istihdam")
    owner = kent.emu.create_user(first_name="Can", language_code="tr", started=True)
    selin = kent.emu.create_user(first_name="Selin", language_code="tr", started=True)
    employer_id = firm_to_verify(kent, owner, "tr")
    saved_cv(kent, selin, "tr", "Selin Kaya", "Merkez")
    with transaction(kent.engine) as session:
        employer = session.get(Employer, employer_id)
        assert employer is not None
        centre = staff.upsert(session, mehmet.id, "staff", codes.DEPARTMENT)
        registry.verify_employer(session, centre, employer, utcnow())
    _vacancies(kent, employer_id, 12)

    mehmet.send("/istihdam", chat=group)
    board = group.wait_message(contains="personel masası")
    assert "Onay bekleyen ilanlar: 12" in board.text
    mehmet.press("📝 Onay bekleyen ilanlar", chat=group, message_id=board.message_id)
    first = group.wait_message(contains="1–10 / 12")
    assert "İlan 10 — Ege Lojistik" in first.flat_buttons
    assert "İlan 11 — Ege Lojistik" not in first.flat_buttons
    mehmet.press("Sonraki ▶️", chat=group, message_id=board.message_id)
    rest = group.wait_message(contains="11–12 / 12")
    assert "İlan 12 — Ege Lojistik" in rest.flat_buttons
    mehmet.press("İlan 12 — Ege Lojistik", chat=group, message_id=board.message_id)
    mehmet.press("✅ Onayla", chat=group, message_id=board.message_id)
    group.wait_message(contains="“İlan 12” yayına alındı")

    with transaction(kent.engine) as session:
        vacancy = session.exec(select(Vacancy).where(Vacancy.title == "İlan 12")).one()
        seeker_citizen = citizens.get_or_create(session, selin.id, "tr")
        seeker = seeker_of(session, seeker_citizen)
        assert seeker is not None
        centre = staff.upsert(session, mehmet.id, "staff", codes.DEPARTMENT)
        now = utcnow()
        referral = referrals.refer(session, centre, vacancy, seeker, now, now.date())
        referrals.seeker_change(session, seeker_citizen, referral, codes.INTERESTED, utcnow())
        referral_id = referral.id

    mehmet.press("⬅️ Personel masası", chat=group, message_id=board.message_id)
    group.wait_message(contains="Yayındaki ilanlar: 1")
    mehmet.press("📢 Yayındaki ilanlar", chat=group, message_id=board.message_id)
    group.wait_message(predicate=lambda m: "İlan 12 — Ege Lojistik" in m.flat_buttons)
    mehmet.press("İlan 12 — Ege Lojistik", chat=group, message_id=board.message_id)
    shown = group.wait_message(predicate=lambda m: "📋 Yönlendirmeler" in m.flat_buttons)
    assert "🔒 İlanı kapat" in shown.flat_buttons
    mehmet.press("📋 Yönlendirmeler", chat=group, message_id=board.message_id)
    listed = group.wait_message(contains="Selin Kaya — İlgileniyor")
    assert "Selin Kaya — İlgileniyor" in listed.flat_buttons
    mehmet.press("Selin Kaya — İlgileniyor", chat=group, message_id=board.message_id)
    group.wait_message(contains=f"Yönlendirme {referral_id}")

    mehmet.send("/istihdam", chat=group)
    again = group.wait_message(contains="Yayındaki ilanlar: 1")
    mehmet.press("📢 Yayındaki ilanlar", chat=group, message_id=again.message_id)
    group.wait_message(predicate=lambda m: "İlan 12 — Ege Lojistik" in m.flat_buttons)
    mehmet.press("İlan 12 — Ege Lojistik", chat=group, message_id=again.message_id)
    group.wait_message(predicate=lambda m: "🔒 İlanı kapat" in m.flat_buttons)
    mehmet.press("🔒 İlanı kapat", chat=group, message_id=again.message_id)
    group.wait_message(contains="ilanı kapatılsın mı?")
    mehmet.press("🔒 Evet, kapat", chat=group, message_id=again.message_id)
    group.wait_message(contains="“İlan 12” ilanı kapatıldı.")
    selin.wait_message(contains="ilanı kapandı")
    with transaction(kent.engine) as session:
        assert session.exec(select(Vacancy).where(Vacancy.title == "İlan 12")).one().status == (
            "closed"
        )
        stored = session.get(Referral, referral_id)
        assert stored is not None and stored.status == codes.NOT_HIRED
