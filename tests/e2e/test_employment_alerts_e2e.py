"""Issue 17, vacancy alerts end to end: a vacancy approved by the centre (core) reaches the
seeker whose CV it suits through the outbox, with its buttons, and not the others; 🔕
Stop alerts stops them and says how to turn them back on; "My CV" → 🔔 Job alerts turns
them on again; a daily seeker gets one summary. In Turkish and English."""

from __future__ import annotations

from datetime import date

from sqlmodel import col, select

from core import staff
from core.employment import alerts, registry
from core.employment.registry import CV
from db.engine import transaction
from db.models import Announcement, Citizen, Employer, JobSeeker, Vacancy
from db.types import utcnow
from emulator.client import SimUser
from handlers.employment_alerts import send_daily, send_instant
from tests.harness import Kent


def seeker(
    kent: Kent,
    name: str,
    occupation: str,
    district: str,
    language: str = "tr",
) -> SimUser:
    """Someone who opened the bot before and wrote a CV."""
    user = kent.emu.create_user(first_name=name, language_code=language, started=True)
    with transaction(kent.engine) as session:
        citizen = Citizen(
            telegram_id=user.id, first_name=name, language=language, consent_at=utcnow()
        )
        session.add(citizen)
        session.flush()
        registry.save_cv(
            session,
            citizen,
            CV(name=f"{name} Kaya", birth_year=1992, district=district, occupations=[occupation]),
            utcnow(),
        )
    return user


def approve(kent: Kent, title: str, occupation: str = "5131", district: str = "Ümraniye") -> None:
    """A verified firm's vacancy, approved by the centre's staff in core (their screens are
    another part of issue 17)."""
    with transaction(kent.engine) as session:
        centre = staff.upsert(session, 990001, "staff", "istihdam")
        employer = session.exec(select(Employer)).first()
        if employer is None:
            employer = Employer(name="Deniz Restoran", district="Ümraniye", registered_at=utcnow())
            employer.verified_at, employer.verified_by = utcnow(), centre.id
            session.add(employer)
            session.flush()
        vacancy = registry.create_vacancy(
            session,
            employer,
            title=title,
            occupation=occupation,
            positions=2,
            district=district,
            work_time="full",
            requirements="",
            valid_until=date(2099, 6, 30),
            now=utcnow(),
        )
        registry.submit_vacancy(session, employer, vacancy)
        registry.approve_vacancy(session, centre, vacancy, utcnow())


def preference(kent: Kent, user: SimUser) -> str:
    with transaction(kent.engine) as session:
        return session.exec(
            select(JobSeeker.alerts)
            .join(Citizen, col(Citizen.id) == col(JobSeeker.citizen_id))
            .where(Citizen.telegram_id == user.id)
        ).one()


def test_the_matching_seeker_is_told_stops_and_turns_alerts_on_again_in_turkish(
    kent: Kent,
) -> None:
    ayse = seeker(kent, "Ayşe", "5131", "Ümraniye")
    elsewhere = seeker(kent, "Mehmet", "5131", "Kadıköy")
    bricklayer = seeker(kent, "Can", "7112", "Ümraniye")
    approve(kent, "Garson")
    kent.run_job(send_instant)
    got = ayse.wait_message(contains="Size uygun yeni bir iş ilanı", timeout=10)
    assert got.text is not None
    assert "Garson — Deniz Restoran" in got.text
    assert "📍 Ümraniye · Tam zamanlı · 2 kişi alınacak" in got.text
    assert "⏳ Son başvuru tarihi: 30 Haziran 2099" in got.text
    assert got.flat_buttons == ["🗓 Bunun yerine günlük özet", "🔕 Bildirimleri durdur"]
    elsewhere.expect_no_message(within=0.5)
    bricklayer.expect_no_message(within=0.5)
    with transaction(kent.engine) as session:  # it went through the announcement outbox
        assert session.exec(select(Announcement.kind)).all() == ["job_alert"]

    ayse.press("🔕 Bildirimleri durdur")
    stopped = ayse.wait_message(contains="İş ilanı bildirimleri kapatıldı")
    assert "/istihdam → 📄 Özgeçmişim → 🔔 İş ilanı bildirimleri" in (stopped.text or "")
    assert preference(kent, ayse) == alerts.OFF
    assert "Garson — Deniz Restoran" in (got.text or "")  # the alert itself stays

    approve(kent, "Komi")
    kent.run_job(send_instant)
    kent.emu.wait_idle(timeout=10, quiet=0.5)
    assert not [m for m in ayse.transcript() if "Komi" in (m.text or "")]

    # On again from My CV.
    ayse.send("/istihdam")
    ayse.press("📄 Özgeçmişim")
    ayse.press("🔔 İş ilanı bildirimleri")
    screen = ayse.wait_message(contains="Şu an: 🔕 Kapalı")
    assert screen.flat_buttons == [
        "⚡ Her ilan anında",
        "🗓 Günde bir özet",
        "✓ 🔕 Kapalı",
        "⬅️ Geri",
    ]
    ayse.press("⚡ Her ilan anında")
    saved = ayse.wait_message(contains="✅ Kaydedildi.")
    assert "✓ ⚡ Her ilan anında" in saved.flat_buttons
    assert preference(kent, ayse) == alerts.INSTANT
    approve(kent, "Servis elemanı")
    kent.run_job(send_instant)
    ayse.wait_message(contains="Servis elemanı", timeout=10)


def test_a_seeker_switches_to_the_daily_summary_in_english(kent: Kent) -> None:
    sam = seeker(kent, "Sam", "5131", "Ümraniye", language="en")
    approve(kent, "Waiter")
    kent.run_job(send_instant)
    alert = sam.wait_message(contains="A new vacancy for you", timeout=10)
    assert "📍 Ümraniye · Full time · 2 positions" in (alert.text or "")
    assert "⏳ Open until 30 June 2099" in (alert.text or "")
    sam.press("🗓 Daily summary instead")
    sam.wait_message(contains="one summary a day")
    assert preference(kent, sam) == alerts.DAILY

    approve(kent, "Head waiter")
    approve(kent, "Night waiter", district="Kadıköy")  # another district: not his
    kent.run_job(send_instant)
    kent.emu.wait_idle(timeout=10, quiet=0.5)
    assert not [m for m in sam.transcript() if "Head waiter" in (m.text or "")]
    kent.run_job(send_daily)
    summary = sam.wait_message(contains="New vacancies for you: 1", timeout=10)
    assert "1. Head waiter — Deniz Restoran" in (summary.text or "")
    assert "Night waiter" not in (summary.text or "")
    assert summary.flat_buttons == ["⚡ Each one at once instead", "🔕 Stop alerts"]
    kent.run_job(send_daily)  # nothing new: no second summary
    kent.emu.wait_idle(timeout=10, quiet=0.5)
    assert len([m for m in sam.transcript() if "New vacancies" in (m.text or "")]) == 1
    sam.press("🔕 Stop alerts")
    sam.wait_message(contains="Job alerts are off")
    assert preference(kent, sam) == alerts.OFF
    with transaction(kent.engine) as session:
        assert len(session.exec(select(Vacancy)).all()) == 3
