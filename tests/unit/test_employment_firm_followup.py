"""The firm's question after an interview (core.employment.followups.
firm_interview_questions, flows.employment.referral_answers.ask_interview_firm): a day after the
interview the firm's registering citizen is asked, once, how it went, through the outbox
with buttons; hired asks the start date and not hired the reason, as the firm's own
outcome buttons do; not yet decided records nothing. A fixed clock; SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from common.i18n import translator
from core.employment import codes, followups
from core.refusals import Refused
from core.working_time import WorkingCalendar
from db.engine import transaction
from db.models import Citizen, Referral
from flows.employment import employer_actions as j
from flows.employment import employer_vacancies, referral_answers
from tests.builders import id_of
from tests.employment_builders import (
    NOW,
    make_citizen_in,
    outbox_messages,
    referral_at_interview,
    set_citizen_language,
)


def _asked(session: Session) -> tuple[Referral, int]:
    """A referral at interview (held at NOW), its firm asked a day later; the owner's id."""
    referral, _, owner, _ = referral_at_interview(session)
    assert followups.firm_interview_questions(session, NOW + timedelta(hours=23)) == []
    asked_at = NOW + timedelta(days=1)
    assert followups.firm_interview_questions(session, asked_at) == [referral]
    assert referral.interview_firm_asked_at == asked_at
    # Asked once: the next sweeps find nothing, and the seeker's question is apart.
    assert followups.firm_interview_questions(session, asked_at + timedelta(days=3)) == []
    assert followups.interview_questions(session, asked_at) == [referral]
    referral_answers.ask_interview_firm(session, referral, asked_at)
    return referral, id_of(owner)


def test_the_firm_is_asked_once_a_day_after_the_interview_with_three_buttons(
    db: Engine,
) -> None:
    with transaction(db) as session:
        referral, owner_id = _asked(session)
        [question] = outbox_messages(session)
        number = id_of(referral)
        assert (question.chat_id, question.text) == (
            7111,
            "💼 “Garson” iş ilanınız için Ayşe Yılmaz ile yaptığınız mülakat nasıl geçti?",
        )
        assert question.buttons == [
            [["✅ İşe alındı", j.Outcome(number, "job_found").pack()]],
            [["✖️ İşe alınmadı", j.Outcome(number, "not_hired").pack()]],
            [["⏳ Henüz karar vermedik", j.Undecided(number).pack()]],
        ]
        # In the firm owner's language.
        set_citizen_language(session, owner_id, "en")
        referral_answers.ask_interview_firm(session, referral, NOW + timedelta(days=1))
        english = outbox_messages(session)[-1]
        assert english.text == (
            "💼 How did the interview with Ayşe Yılmaz for your vacancy “Garson” go?"
        )
        assert [row[0][0] for row in english.buttons or []] == [
            "✅ Hired",
            "✖️ Not hired",
            "⏳ Not yet decided",
        ]


def test_hired_asks_the_start_date_and_ends_the_staff_reminder(
    db: Engine,
    calendar: WorkingCalendar,
) -> None:
    with transaction(db) as session:
        referral, owner_id = _asked(session)
        owner = session.get(Citizen, owner_id)
        assert owner is not None
        t, now = translator("tr"), NOW + timedelta(days=1, hours=2)
        asked = employer_vacancies.outcome(
            session, owner, t, id_of(referral), "job_found", now, calendar.tz
        )
        assert "Aday işe ne zaman başlıyor?" in asked.text
        done = employer_vacancies.day(session, owner, t, 1, now, calendar.tz)
        assert referral.status == codes.JOB_FOUND
        assert referral.start_date is not None
        assert done.text.startswith(
            f"✅ İşe alındı; işe başlama tarihi {t.date(referral.start_date)} olarak kaydedildi."
        )
        assert referral.start_date == (now + timedelta(days=1)).astimezone(calendar.tz).date()
        # The seeker never answered, but the firm settled it: no reminder to staff.
        later = NOW + timedelta(days=10)
        assert followups.reminders(session, calendar, later, 3) == []


def test_not_hired_asks_the_reason_and_not_yet_decided_records_nothing(
    db: Engine,
    calendar: WorkingCalendar,
) -> None:
    with transaction(db) as session:
        referral, owner_id = _asked(session)
        owner = session.get(Citizen, owner_id)
        assert owner is not None
        t, now = translator("tr"), NOW + timedelta(days=1, hours=2)
        waiting = employer_vacancies.undecided(session, owner, t, id_of(referral), calendar.tz)
        assert "Karar verdiğinizde sonucu buradan" in waiting.text
        assert referral.status == codes.INTERVIEW
        # Someone else's press changes nothing.
        stranger = session.get(Citizen, make_citizen_in(session, 7199))
        assert stranger is not None
        with pytest.raises(Refused, match="not_allowed"):
            employer_vacancies.undecided(session, stranger, t, id_of(referral), calendar.tz)
        # Still undecided after three working days, and the seeker silent: staff are
        # reminded as before.
        monday = NOW + timedelta(days=6)
        assert followups.reminders(session, calendar, monday, 3) == [(referral, "interview")]
        reasons = employer_vacancies.outcome(
            session, owner, t, id_of(referral), "not_hired", now, calendar.tz
        )
        assert reasons.text == "✖️ Aday neden işe alınmadı?"
        employer_vacancies.reason(session, owner, t, id_of(referral), "skills", now, calendar.tz)
        assert (referral.status, referral.reason) == (codes.NOT_HIRED, "skills")
