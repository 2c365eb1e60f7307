"""Issue 17's promise in the employment KVKK notice, end to end: a seeker whose CV has been
idle for a year is asked once whether it should stay; "Keep my CV" keeps it, "Delete"
erases it; in the seeker's language."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from core import citizens
from core.employment import registry
from core.employment.registry import CV
from db.engine import transaction
from db.models import JobSeeker
from db.types import utcnow
from emulator.client import SimUser
from handlers.employment import renewal_job
from tests.harness import Kent


def idle_cv(kent: Kent, user: SimUser, days: int) -> None:
    """The user has talked to the bot (Telegram lets a bot write only to them), and their
    CV was last touched `days` ago."""
    user.send("/start")
    user.wait_message()
    with transaction(kent.engine) as session:
        citizen = citizens.get_or_create(session, user.id, user.language_code)
        registry.save_cv(
            session,
            citizen,
            CV(name="Selin Kaya", birth_year=1994, district="Merkez", occupations=["5131"]),
            utcnow() - timedelta(days=days),
        )


def seeker(kent: Kent) -> JobSeeker:
    with transaction(kent.engine) as session:
        return session.exec(select(JobSeeker)).one()


def test_an_idle_seeker_keeps_the_cv_in_turkish(kent: Kent) -> None:
    selin = kent.citizen("Selin", last_name="Kaya")
    idle_cv(kent, selin, 400)
    kent.run_job(renewal_job)
    question = selin.wait_message(contains="Hâlâ iş arıyor musunuz?")
    assert "tarihinde silinecek" in question.text
    assert question.flat_buttons == [
        "✅ Özgeçmişim kalsın",
        "⏸ Şimdilik iş aramıyorum",
        "🗑 Özgeçmişimi sil",
    ]
    kent.run_job(renewal_job)
    selin.expect_no_message(within=0.4)  # asked once
    selin.press("✅ Özgeçmişim kalsın")
    kept = selin.wait_message(contains="Teşekkür ederiz, özgeçmişiniz saklanmaya devam edecek.")
    assert "Özgeçmişim" in kept.text
    active = seeker(kent).last_active_at
    assert active is not None and utcnow() - active < timedelta(minutes=5)


def test_an_idle_seeker_deletes_the_cv_in_english(kent: Kent) -> None:
    john = kent.citizen("John", language_code="en", last_name="Smith")
    idle_cv(kent, john, 400)
    kent.run_job(renewal_job)
    john.wait_message(contains="Are you still looking for a job?")
    john.press("🗑 Delete my CV")
    john.wait_message(contains="Delete your CV?")
    john.press("🗑 Yes, delete")
    john.wait_message(contains="Your CV has been deleted.")
    assert seeker(kent).name is None
