"""The employment centre's staff desk and a referral's follow-ups (issue 17): only the
centre's staff (and supervisors, admins) use the desk, a firm turned down and a vacancy
sent back are told why, the messages staff actions cause are queued in the outbox in the
citizen's language (a referral with its two buttons), and the follow-up sweep asks each
question once, reminds staff once after three working days and expires referrals that
stopped moving. Fixed clocks; SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from common.i18n import translator
from core import outbox, privacy
from core.employment import codes, desk, followups, referrals, registry
from core.refusals import Refused
from core.working_time import WorkingCalendar
from db.engine import transaction
from db.models import Referral, Vacancy
from flows.employment import referral_answers, referral_desk, staff, staff_common, vacancy_desk
from flows.employment import staff_actions as s
from handlers.feature import personal_data_of
from handlers.features import FEATURES
from tests.builders import citizen_of, id_of, make_citizen
from tests.employment_builders import (
    NOW,
    forklift_vacancy,
    logistics_firm,
    make_citizen_in,
    make_staff,
    outbox_messages,
    published_vacancy,
    referral_at_interview,
    sample_cv,
    set_citizen_language,
)

ISTANBUL = ZoneInfo("Europe/Istanbul")


# --- Who may use the desk ------------------------------------------------------------------


def test_only_the_centres_staff_supervisors_and_admins_use_the_desk(db: Engine) -> None:
    owner_id = make_citizen(db, 7101)
    with transaction(db) as session:
        owner = citizen_of(session, owner_id)
        centre = make_staff(session, 9101, "staff", "istihdam")
        other = make_staff(session, 9102, "staff", "fen")
        supervisor = make_staff(session, 9103, "supervisor", None)
        employer = logistics_firm(session, owner)
        t = translator("tr")
        for outsider in (other, None):
            assert not desk.is_staff(outsider)
            for attempt in (
                lambda m: desk.firms_to_verify(session, m),
                lambda m: desk.vacancies(session, m, "pending", NOW.date()),
                lambda m: desk.reject_employer(session, m, employer, "other", NOW),
                lambda m: staff.desk_screen(session, m, t, NOW, ISTANBUL),
                lambda m: staff.firm(session, m, t, id_of(employer)),
                lambda m: staff.verify(session, m, t, id_of(employer), NOW),
            ):
                with pytest.raises(Refused, match="not_allowed"):
                    attempt(outsider)
        assert employer.verified_at is None and employer.rejected_at is None
        assert outbox_messages(session) == []  # a refused press tells nobody anything
        assert desk.is_staff(centre) and desk.is_staff(supervisor)
        assert [e.id for e in desk.firms_to_verify(session, supervisor)] == [employer.id]
        # The refusal a citizen sees for an old staff button, in their language.
        assert staff_common.refusal(t, "not_allowed") == (
            "⛔ Bu işlemi yalnızca İstihdam Merkezi personeli yapabilir."
        )
        assert staff_common.refusal(translator("en"), "not_allowed") == (
            "⛔ Only the employment centre's staff can do this."
        )


def test_a_firm_turned_down_and_a_vacancy_sent_back_leave_the_queues_with_a_reason(
    db: Engine,
) -> None:
    owner_id, second_id = make_citizen(db, 7102), make_citizen(db, 7103)
    with transaction(db) as session:
        owner, second = citizen_of(session, owner_id), citizen_of(session, second_id)
        set_citizen_language(session, second_id, "en")
        centre = make_staff(session, 9101, "staff", "istihdam")
        doubtful = logistics_firm(session, owner)
        employer = logistics_firm(session, second, tax_number="9876543217")
        t = translator("tr")
        with pytest.raises(Refused, match="unknown_reason"):
            desk.reject_employer(session, centre, doubtful, "dislike", NOW)
        staff.reject(session, centre, t, id_of(doubtful), "tax_number", NOW)
        assert (doubtful.rejected_at, doubtful.rejection_reason) == (NOW, "tax_number")
        # /verilerim tells the firm's citizen that, and why.
        [mine] = privacy.export(session, owner, personal_data_of(FEATURES), NOW)["employment"][
            "firms"
        ]
        assert (mine["rejected_at"], mine["rejection_reason"]) == (NOW.isoformat(), "tax_number")
        with pytest.raises(Refused, match="already_rejected"):
            desk.reject_employer(session, centre, doubtful, "other", NOW)
        screen = staff.verify(session, centre, t, id_of(employer), NOW)
        assert "Ege Lojistik doğrulandı" in screen.text
        assert desk.firms_to_verify(session, centre) == []
        vacancy = forklift_vacancy(session, employer)
        assert [v.id for v, _ in desk.vacancies(session, centre, "pending", NOW.date())] == [
            vacancy.id
        ]
        vacancy_desk.send_back(session, centre, t, id_of(vacancy), "not_allowed", NOW, ISTANBUL)
        assert vacancy.status == "draft"
        assert desk.vacancies(session, centre, "pending", NOW.date()) == []
        with pytest.raises(Refused, match="wrong_status"):
            desk.return_vacancy(session, centre, vacancy, "other")
        registry.submit_vacancy(session, employer, vacancy)
        vacancy_desk.approve(session, centre, t, id_of(vacancy), NOW, ISTANBUL)
        assert vacancy.status == "published"
        texts = [(m.chat_id, m.text) for m in outbox_messages(session)]
    # Each firm's citizen is told, in their own language, with the reason.
    assert texts[0][0] == 7102 and "Ege Lojistik firmanızı doğrulayamadı" in texts[0][1]
    assert "Vergi kimlik numarası firmayla uyuşmuyor." in texts[0][1]
    assert texts[1] == (
        7103,
        "✅ The employment centre verified your firm Ege Lojistik. You can now post "
        "vacancies with /istihdam.",
    )
    assert "sent your vacancy “Forklift operatörü” back" in texts[2][1]
    assert "such as age, gender or marital status" in texts[2][1]
    assert "“Forklift operatörü” is approved and published" in texts[3][1]


def test_a_referral_reaches_the_seeker_with_two_buttons_and_interest_reaches_thelogistics_firm(
    db: Engine,
) -> None:
    seeker_id, owner_id = make_citizen(db, 7104), make_citizen(db, 7105)
    with transaction(db) as session:
        citizen, owner = citizen_of(session, seeker_id), citizen_of(session, owner_id)
        set_citizen_language(session, seeker_id, "en")
        centre = make_staff(session, 9101, "staff", "istihdam")
        seeker = registry.save_cv(session, citizen, sample_cv(), NOW)
        vacancy = published_vacancy(session, owner, centre)
        t = translator("tr")
        shown = referral_desk.candidates(session, centre, t, id_of(vacancy), NOW)
        assert "1. <b>Ayşe Yılmaz</b> — 100 puan" in shown.text
        assert (
            "aynı meslek (Garsonlar) · Ümraniye ilçesinde oturuyor · hemen başlayabilir · "
            "çalışma şekli uygun · bugün etkin"
        ) in shown.text
        later = referral_desk.candidates(
            session, centre, t, id_of(vacancy), NOW + timedelta(days=3)
        )
        assert "en son 3 gün önce etkin" in later.text
        screen = referral_desk.refer(
            session, centre, t, id_of(vacancy), id_of(seeker), NOW, NOW.date()
        )
        assert "Ayşe Yılmaz yönlendirildi" in screen.text
        assert "Ayşe Yılmaz" not in "".join(c.label for row in screen.choices for c in row)
        referral = session.exec(select(Referral)).one()
        [offer] = outbox_messages(session)
        assert offer.chat_id == 7104
        assert offer.text.startswith("💼 The employment centre suggests a job for you:")
        for shown_part in ("Garson", "Firm: Lezzet Lokantası", "District: Ümraniye", "Full time"):
            assert shown_part in offer.text
        assert offer.buttons == [
            [
                ["✅ Interested", s.Interested(id_of(referral), "y").pack()],
                ["✖️ Not interested", s.Interested(id_of(referral), "n").pack()],
            ]
        ]
        # Only the seeker answers; the firm's citizen cannot.
        with pytest.raises(Refused, match="not_allowed"):
            referral_answers.interested(session, owner, t, id_of(referral), True, NOW)
        answer = referral_answers.interested(session, citizen, t, id_of(referral), True, NOW)
        assert referral.status == codes.INTERESTED
        assert "Lezzet Lokantası" in answer.text
        told = outbox_messages(session)[-1]
        assert told.chat_id == 7105 and told.buttons is None
        assert "Ayşe Yılmaz, telefon +905321112233" in told.text
        # A second press of the same answer (two taps, two devices) changes nothing.
        with pytest.raises(Refused, match="wrong_status"):
            referral_answers.interested(session, citizen, t, id_of(referral), True, NOW)


# --- The follow-up sweep ---------------------------------------------------------------------


def test_the_interview_question_is_asked_once_a_day_after_and_staff_reminded_once(
    db: Engine, calendar: WorkingCalendar
) -> None:
    # NOW is Tuesday 3 March 2026, 12:00 in Turkey.
    with transaction(db) as session:
        referral, citizen, _, _ = referral_at_interview(session)
        assert followups.interview_questions(session, NOW + timedelta(hours=23)) == []
        asked_at = NOW + timedelta(days=1)  # Wednesday
        assert followups.interview_questions(session, asked_at) == [referral]
        assert followups.interview_questions(session, asked_at + timedelta(hours=1)) == []
        assert referral.interview_asked_at == asked_at
        set_citizen_language(session, id_of(citizen), "en")
        referral_answers.ask_interview(session, referral, asked_at)
        [question] = outbox_messages(session)
        assert (question.chat_id, question.text) == (
            7110,
            "💼 Did your interview for “Garson” at Lezzet Lokantası happen?",
        )
        assert question.buttons == [
            [
                ["Yes", s.InterviewHeld(id_of(referral), "y").pack()],
                ["No", s.InterviewHeld(id_of(referral), "n").pack()],
            ]
        ]
        # Thursday, Friday: 2 working days; the weekend does not count; Monday is the 3rd.
        friday = asked_at + timedelta(days=2, hours=8)
        assert followups.working_days_since(calendar, asked_at, friday) == 2
        assert followups.reminders(session, calendar, friday, 3) == []
        monday = asked_at + timedelta(days=5)
        assert followups.working_days_since(calendar, asked_at, monday) == 3
        assert followups.reminders(session, calendar, monday, 3) == [(referral, "interview")]
        assert followups.reminders(session, calendar, monday + timedelta(days=1), 3) == []
        # A reminder that could not be sent is tried again by the next sweep.
        followups.forget_reminder(session, id_of(referral), "interview")
        assert followups.reminders(session, calendar, monday, 3) == [(referral, "interview")]
        # The seeker's answer comes late: recorded once.
        followups.answer_interview(session, citizen, referral, True, monday)
        assert (referral.interview_answered_at, referral.interview_held) == (monday, True)
        with pytest.raises(Refused, match="already_answered"):
            followups.answer_interview(session, citizen, referral, False, monday)
        # /verilerim shows the question and the answer.
        parts = personal_data_of(FEATURES)
        [mine] = privacy.export(session, citizen, parts, monday)["employment"]["referrals"]
        assert (mine["interview_asked_at"], mine["interview_held"]) == (asked_at.isoformat(), True)


def test_an_interview_that_did_not_happen_goes_to_staff_at_the_next_sweep(
    db: Engine, calendar: WorkingCalendar
) -> None:
    with transaction(db) as session:
        referral, citizen, owner, _ = referral_at_interview(session)
        asked_at = NOW + timedelta(days=1)
        followups.interview_questions(session, asked_at)
        with pytest.raises(Refused, match="not_allowed"):
            followups.answer_interview(session, owner, referral, False, asked_at)
        followups.answer_interview(session, citizen, referral, False, asked_at)
        assert followups.reminders(session, calendar, asked_at, 3) == [(referral, "interview")]
        screen = referral_desk.reminder(
            session, referral, "interview", translator("tr"), calendar.tz
        )
        assert "mülakatın yapılmadığını" in screen.text
        assert "Ayşe Yılmaz, +905321112233" in screen.text
        labels = [c.label for row in screen.choices for c in row]
        assert labels == ["İş bulundu", "Vazgeçti", "İptal edildi", "İşe alınmadı"]


def test_the_start_question_goes_to_both_and_the_first_answer_settles_it(
    db: Engine, calendar: WorkingCalendar
) -> None:
    with transaction(db) as session:
        referral, citizen, owner, _ = referral_at_interview(session)
        referrals.employer_change(
            session, owner, referral, codes.JOB_FOUND, NOW, start_date=date(2026, 3, 9)
        )
        assert followups.start_questions(session, NOW, date(2026, 3, 9)) == []
        asked_at = NOW + timedelta(days=7)
        assert followups.start_questions(session, asked_at, date(2026, 3, 10)) == [referral]
        referral_answers.ask_start(session, referral, asked_at)
        assert followups.start_questions(session, asked_at, date(2026, 3, 11)) == []
        asked = {m.chat_id: m for m in outbox_messages(session)}
        assert asked[7110].text == (
            "💼 Lezzet Lokantası firmasında “Garson” olarak işe başladınız mı?"
        )
        assert asked[7111].buttons is not None
        assert asked[7111].buttons[0][0][1] == s.EmployerStarted(id_of(referral), "y").pack()
        followups.answer_start_as_employer(session, owner, referral, False, asked_at)
        assert (referral.status, referral.reason) == (codes.NOT_HIRED, "did_not_come")
        with pytest.raises(Refused, match="wrong_status"):
            followups.answer_start_as_seeker(session, citizen, referral, True, asked_at)
        # Settled: no reminder comes for it.
        later = asked_at + timedelta(days=14)
        assert followups.reminders(session, calendar, later, 3) == []


def test_an_unanswered_start_question_reminds_staff_who_set_the_outcome(
    db: Engine, calendar: WorkingCalendar
) -> None:
    with transaction(db) as session:
        referral, _, owner, centre = referral_at_interview(session)
        referrals.employer_change(
            session, owner, referral, codes.JOB_FOUND, NOW, start_date=date(2026, 3, 4)
        )
        asked_at = NOW + timedelta(days=2)  # Thursday
        followups.start_questions(session, asked_at, date(2026, 3, 5))
        monday = asked_at + timedelta(days=4)
        assert followups.reminders(session, calendar, monday, 3) == []  # Fri, Mon: 2
        tuesday = monday + timedelta(days=1)
        assert followups.reminders(session, calendar, tuesday, 3) == [(referral, "start")]
        other = make_staff(session, 9102, "staff", "fen")
        t = translator("tr")
        with pytest.raises(Refused, match="not_allowed"):
            referral_desk.outcome(
                session, other, t, id_of(referral), codes.STARTED, tuesday, calendar.tz
            )
        reasons = referral_desk.not_hired_reasons(session, centre, t, id_of(referral))
        assert [c.label for row in reasons.choices for c in row] == [
            "Gelmedi",
            "Nitelikleri uymadı",
            "Aday vazgeçti",
            "Pozisyon doldu",
            "Başka bir neden",
            "⬅️ Geri",
        ]
        back = referral_desk.card(session, centre, t, id_of(referral), calendar.tz)
        assert "Durum: İş bulundu" in back.text
        screen = referral_desk.outcome(
            session, centre, t, id_of(referral), codes.STARTED, tuesday, calendar.tz
        )

        assert referral.status == codes.STARTED and screen.choices == ()
        assert referrals.history(session, referral)[-1].actor_kind == codes.STAFF


def test_referrals_with_no_change_for_sixty_days_expire_but_not_a_job_found(db: Engine) -> None:
    with transaction(db) as session:
        referral, _, _, centre = referral_at_interview(session)
        citizen = citizen_of(session, make_citizen_in(session, 7112))
        seeker = registry.save_cv(session, citizen, sample_cv(name="Veli Can"), NOW)
        vacancy = session.get(Vacancy, referral.vacancy_id)
        assert vacancy is not None
        found = referrals.refer(session, centre, vacancy, seeker, NOW, NOW.date())
        referrals.seeker_change(session, citizen, found, codes.INTERESTED, NOW)
        referrals.staff_change(
            session, centre, found, codes.JOB_FOUND, NOW, start_date=date(2026, 3, 9)
        )
        assert followups.expire(session, NOW + timedelta(days=59), 60) == []
        assert followups.expire(session, NOW + timedelta(days=61), 60) == [referral]
        assert referral.status == codes.EXPIRED and found.status == codes.JOB_FOUND
        last = referrals.history(session, referral)[-1]
        assert (last.actor_kind, last.actor_id, last.at) == (
            codes.SYSTEM,
            None,
            NOW + timedelta(days=61),
        )
        assert followups.expire(session, NOW + timedelta(days=90), 60) == []


def test_a_queued_message_keeps_its_buttons_until_the_worker_claims_it(db: Engine) -> None:
    rows = [[("✅ Interested", "er:i:1:y"), ("✖️ Not interested", "er:i:1:n")]]
    with transaction(db) as session:
        outbox.enqueue(
            session, {7120: "offer", 7121: "plain"}, kind="referral", now=NOW, buttons={7120: rows}
        )
    with transaction(db) as session:
        claimed = {due.chat_id: due for due in outbox.claim(session, NOW, 10)}
    assert claimed[7120].buttons == [[list(pair) for pair in row] for row in rows]
    assert claimed[7121].buttons is None


def test_staff_hear_when_a_referred_seeker_cannot_be_reached(db: Engine) -> None:
    seeker_id, owner_id = make_citizen(db, 7130), make_citizen(db, 7131)
    with transaction(db) as session:
        citizen, owner = citizen_of(session, seeker_id), citizen_of(session, owner_id)
        centre = make_staff(session, 9101, "staff", "istihdam")
        seeker = registry.save_cv(session, citizen, sample_cv(), NOW)
        vacancy = published_vacancy(session, owner, centre)
        citizen.blocked_at = NOW  # they blocked the bot
        session.add(citizen)
        screen = referral_desk.refer(
            session, centre, translator("tr"), id_of(vacancy), id_of(seeker), NOW, NOW.date()
        )
        assert "Telegram'dan ulaşılamıyor; lütfen kendisini telefonla arayıp" in screen.text
        assert session.exec(select(Referral)).one().status == codes.REFERRED
        assert outbox_messages(session) == []
