"""A referral's rules after the review of the employment centre: staff never accept a
referral for a seeker through the ordinary outcomes, only through a confirmed action that
records how the seeker told them; the offer names exactly what the firm receives; the
follow-up sweeps leave the old portal's history alone and take a whole backlog at once;
a job found has a start date; a deleted CV ends its open referrals; a seeker is referred
to a vacancy once; and a vacancy's last day is the municipality's. Fixed clocks; SQLite
and PostgreSQL."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from common.config import Config
from common.i18n import translator
from core.employment import codes, desk, firms, followups, referrals, registry
from core.employment.personal_data import blank_cv
from core.refusals import Refused
from core.working_time import WorkingCalendar
from db.engine import transaction
from db.models import JobSeeker, Referral, Vacancy, VacancyAlert
from flows.employment import alerts as alert_flow
from flows.employment import referral_answers, referral_desk, staff, staff_common, vacancy_desk
from flows.employment import staff_actions as s
from tests.builders import citizen_of, id_of, make_citizen
from tests.employment_builders import (
    NOW,
    make_citizen_in,
    make_staff,
    outbox_messages,
    published_vacancy,
    referral_at_interview,
    sample_cv,
)

ISTANBUL = ZoneInfo("Europe/Istanbul")


def _referred(
    session: Session, telegram_id: int = 7201, tax_number: str = "4540536920"
) -> tuple[Referral, int, int]:
    """A seeker referred by staff's button to a published vacancy (the offer queued);
    returns the referral with the seeker's and the owner's citizen ids."""
    seeker_citizen = make_citizen_in(session, telegram_id)
    owner_id = make_citizen_in(session, telegram_id + 1)
    centre = make_staff(session, 9201, "staff", "istihdam")
    seeker = registry.save_cv(session, citizen_of(session, seeker_citizen), sample_cv(), NOW)
    vacancy = published_vacancy(
        session, citizen_of(session, owner_id), centre, tax_number=tax_number
    )
    referral_desk.refer(
        session, centre, translator("tr"), id_of(vacancy), id_of(seeker), NOW, NOW.date()
    )
    referral = session.exec(select(Referral).where(Referral.seeker_id == seeker.id)).one()
    return referral, seeker_citizen, owner_id


# --- 1. Staff accept for a seeker only through a confirmed, recorded action ----------------


def test_staff_cannot_set_interested_as_an_ordinary_outcome(db: Engine) -> None:
    with transaction(db) as session:
        referral, _, _ = _referred(session)
        centre = make_staff(session, 9201, "staff", "istihdam")
        with pytest.raises(Refused, match="not_allowed"):
            referrals.staff_change(session, centre, referral, codes.INTERESTED, NOW)
        t = translator("en")
        with pytest.raises(Refused, match="not_allowed"):
            referral_desk.outcome(
                session, centre, t, id_of(referral), codes.INTERESTED, NOW, ISTANBUL
            )
        assert referral.status == codes.REFERRED
        labels = [c.label for row in referral_desk.outcome_buttons(referral, t) for c in row]
        assert labels == ["☎️ They accepted (told us)", "Declined", "Cancelled"]
        assert outbox_messages(session)[1:] == []  # only the offer; the firm heard nothing


def test_an_acceptance_by_phone_is_confirmed_recorded_and_told_to_the_firm_as_the_seekers(
    db: Engine,
) -> None:
    with transaction(db) as session:
        referral, seeker_citizen, owner_id = _referred(session)
        second, other_citizen, _ = _referred(session, 7211, "1234567890")
        centre = make_staff(session, 9201, "staff", "istihdam")
        outsider = make_staff(session, 9202, "staff", "fen")
        t = translator("tr")
        # The confirmation step names the person and the job, and changes nothing.
        question = referral_desk.accept_question(session, centre, t, id_of(referral))
        assert "Ayşe Yılmaz" in question.text and "Lezzet Lokantası" in question.text
        assert [c.data for row in question.choices for c in row] == [
            s.AcceptedForSeeker(id_of(referral), "by_phone").pack(),
            s.AcceptedForSeeker(id_of(referral), "in_person").pack(),
            s.Card(id_of(referral)).pack(),
        ]
        assert referral.status == codes.REFERRED
        before = len(outbox_messages(session))
        for actor, how, reason in (
            (outsider, "by_phone", "not_allowed"),
            (None, "by_phone", "not_allowed"),
            (centre, "by_carrier_pigeon", "unknown_reason"),
        ):
            with pytest.raises(Refused, match=reason):
                referral_desk.accept_for_seeker(
                    session, actor, t, id_of(referral), how, NOW, ISTANBUL
                )
        assert referral.status == codes.REFERRED and len(outbox_messages(session)) == before
        screen = referral_desk.accept_for_seeker(
            session, centre, t, id_of(referral), "by_phone", NOW, ISTANBUL
        )
        assert "Kaydedildi: İlgileniyor" in screen.text
        assert "— İlgileniyor (telefonla kabul etti, personel kaydetti)" in screen.text
        last = referrals.history(session, referral)[-1]
        assert (last.from_status, last.status, last.actor_kind, last.actor_id, last.reason) == (
            codes.REFERRED,
            codes.INTERESTED,
            codes.STAFF,
            centre.id,
            "by_phone",
        )
        told, by_staff = outbox_messages(session)[-2:]
        assert by_staff.chat_id == 7202
        # The seeker hears what was recorded on their word, and what the firm received.
        assert told.chat_id == 7201
        assert "İstihdam Merkezi, Lezzet Lokantası firmasındaki" in told.text
        assert (
            staff_common.shared_with_firm(t) in told.text
            and "İstihdam Merkezine bildirin" in told.text
        )
        # Pressed again (a second member of staff, an old button): nothing more.
        with pytest.raises(Refused, match="wrong_status"):
            referral_desk.accept_for_seeker(
                session, centre, t, id_of(referral), "in_person", NOW, ISTANBUL
            )
        # The seeker's own button tells the firm the very same words.
        referral_answers.interested(
            session, citizen_of(session, other_citizen), t, id_of(second), True, NOW
        )
        by_seeker = outbox_messages(session)[-1]
        assert by_seeker.chat_id == 7212 and by_seeker.text == by_staff.text
        assert "Ayşe Yılmaz, telefon +905321112233" in by_staff.text
        assert session.get(Referral, id_of(referral)) is referral and seeker_citizen and owner_id


# --- 2. The offer names exactly what the firm receives ---------------------------------------


def test_the_offer_and_the_thanks_name_exactly_what_the_firm_receives(db: Engine) -> None:
    personal = {f.name for f in dataclasses.fields(firms.Candidate)} - {
        "referral_id",
        "status",
        "erased",
        "reason",
        "interview_at",
        "start_date",
    }
    assert set(firms.SHARED) == personal
    assert tuple(staff_common.SHARED) == firms.SHARED
    en = (
        "your name, your phone number, the occupations you are looking for, your work "
        "experience and the CV you sent as a PDF, if you sent one"
    )
    tr = (
        "adınız, telefon numaranız, aradığınız meslekler, iş deneyiminiz ve gönderdiyseniz "
        "PDF özgeçmişiniz"
    )
    assert staff_common.shared_with_firm(translator("en")) == en
    assert staff_common.shared_with_firm(translator("tr")) == tr
    with transaction(db) as session:
        referral, seeker_citizen, _ = _referred(session)
        citizen = citizen_of(session, seeker_citizen)
        [offer] = outbox_messages(session)  # in the seeker's Turkish
        assert offer.text.endswith(
            "İlgilenirseniz sizi mülakata çağırabilmesi için işverene şu bilgileriniz "
            f"iletilir: {tr}."
        )
        thanks = referral_answers.interested(
            session, citizen, translator("en"), id_of(referral), True, NOW
        )
        assert thanks.text == (
            "✅ Thank you! We passed these to Lezzet Lokantası for “Garson”: "
            f"{en}. They will contact you about an interview."
        )


# --- 3. The sweeps leave the portal's history alone and take the whole backlog -------------


def _imported(session: Session, seeker_id: int, **fields: object) -> Referral:
    referral = Referral(
        external_id=f"R-{seeker_id}-{len(fields)}-{fields.get('status')}",
        seeker_id=seeker_id,
        occupation="5131",
        referred_at=NOW - timedelta(days=400),
        updated_at=NOW - timedelta(days=400),
        **fields,  # type: ignore[arg-type]
    )
    session.add(referral)
    session.flush()
    return referral


def test_the_sweeps_never_touch_referrals_imported_from_the_old_portal(
    db: Engine, config: Config
) -> None:
    calendar = WorkingCalendar.from_config(config)
    with transaction(db) as session:
        old_seeker = JobSeeker(external_id="JS-9", registered_at=NOW - timedelta(days=500))
        session.add(old_seeker)
        session.flush()
        long_ago = NOW - timedelta(days=400)
        at_interview = _imported(
            session,
            id_of(old_seeker),
            status=codes.INTERVIEW,
            interview_at=long_ago,
            interview_asked_at=long_ago,
        )
        hired = _imported(
            session,
            id_of(old_seeker),
            status=codes.JOB_FOUND,
            job_found_at=long_ago,
            start_date=long_ago.date(),
            start_asked_at=long_ago,
        )
        waiting = _imported(session, id_of(old_seeker), status=codes.REFERRED)
        # Never asked, as imported rows are: the question sweeps would pick these up.
        never_asked = [
            _imported(session, id_of(old_seeker), status=codes.INTERVIEW, interview_at=long_ago),
            _imported(
                session,
                id_of(old_seeker),
                status=codes.JOB_FOUND,
                job_found_at=long_ago,
                start_date=long_ago.date(),
            ),
        ]
        # And one of the bot's own, at interview, so the sweeps have work to do.
        ours, _, _, _ = referral_at_interview(session)
        later = NOW + timedelta(days=30)
        assert followups.interview_questions(session, later) == [ours]
        assert followups.start_questions(session, later, later.date()) == []
        assert followups.reminders(session, calendar, later + timedelta(days=14), 3) == [
            (ours, followups.ASK_INTERVIEW)
        ]
        assert followups.expire(session, NOW + timedelta(days=120), 60) == [ours]
        for row in (at_interview, hired, waiting):
            session.refresh(row)
            assert row.interview_reminded_at is None and row.start_reminded_at is None
        assert (at_interview.status, hired.status, waiting.status) == (
            codes.INTERVIEW,
            codes.JOB_FOUND,
            codes.REFERRED,
        )
        assert referrals.history(session, waiting) == []
        for row in never_asked:
            session.refresh(row)
            assert row.interview_asked_at is None and row.start_asked_at is None


def test_a_sweep_takes_a_whole_backlog_batch_after_batch(
    db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(followups, "BATCH", 2)
    with transaction(db) as session:
        centre = make_staff(session, 9201, "staff", "istihdam")
        owner = citizen_of(session, make_citizen_in(session, 7230))
        vacancy = published_vacancy(session, owner, centre)
        made = []
        for number in range(5):
            citizen = citizen_of(session, make_citizen_in(session, 7231 + number))
            seeker = registry.save_cv(session, citizen, sample_cv(name=f"Kişi {number}"), NOW)
            made.append(referrals.refer(session, centre, vacancy, seeker, NOW, NOW.date()))
        stale = followups.expire(session, NOW + timedelta(days=61), 60)
        assert [r.id for r in stale] == [r.id for r in made]
        assert {r.status for r in made} == {codes.EXPIRED}


# --- 4. A job found has a start date, which staff pick ----------------------------------------


def test_a_job_found_needs_its_start_date_whoever_records_it(db: Engine) -> None:
    with transaction(db) as session:
        referral, _, _, centre = referral_at_interview(session)
        with pytest.raises(Refused, match="date_required"):
            referrals.staff_change(session, centre, referral, codes.JOB_FOUND, NOW)
        with pytest.raises(Refused, match="bad_date"):
            referrals.staff_change(
                session, centre, referral, codes.JOB_FOUND, NOW, start_date=date(2027, 6, 1)
            )
        assert referral.status == codes.INTERVIEW
        t = translator("en")
        # The button asks the date first, counted from the municipality's today: at
        # 22:30 UTC on 3 March it is already 4 March in Türkiye.
        late = datetime(2026, 3, 3, 22, 30, tzinfo=UTC)
        asked = referral_desk.outcome(
            session, centre, t, id_of(referral), codes.JOB_FOUND, late, ISTANBUL
        )
        assert referral.status == codes.INTERVIEW
        assert "When does the candidate of referral" in asked.text
        assert [c.data for row in asked.choices for c in row] == [
            s.JobFoundOn(id_of(referral), 0).pack(),
            s.JobFoundOn(id_of(referral), 7).pack(),
            s.JobFoundOn(id_of(referral), 14).pack(),
            s.Card(id_of(referral)).pack(),
        ]
        with pytest.raises(Refused, match="not_found"):
            referral_desk.job_found_on(session, centre, t, id_of(referral), 400, late, ISTANBUL)
        referral_desk.job_found_on(session, centre, t, id_of(referral), 7, late, ISTANBUL)
        assert (referral.status, referral.start_date) == (codes.JOB_FOUND, date(2026, 3, 11))
        # …so its start question is asked the day after.
        assert followups.start_questions(session, late, date(2026, 3, 11)) == []
        assert followups.start_questions(session, late, date(2026, 3, 12)) == [referral]


# --- 5. A deleted CV ends its open referrals -----------------------------------------------------


def test_deleting_a_cv_ends_its_open_referrals_and_keeps_the_milestones(db: Engine) -> None:
    with transaction(db) as session:
        centre = make_staff(session, 9201, "staff", "istihdam")
        citizen = citizen_of(session, make_citizen_in(session, 7240))
        seeker = registry.save_cv(session, citizen, sample_cv(), NOW)
        rows = []
        for number, title in enumerate(("Garson", "Komi", "Barmen", "Aşçı")):
            owner = citizen_of(session, make_citizen_in(session, 7241 + number))
            tax_number = ("4540536920", "1234567890", "9876543217", "9029589240")[number]
            vacancy = published_vacancy(session, owner, centre, title=title, tax_number=tax_number)
            rows.append(referrals.refer(session, centre, vacancy, seeker, NOW, NOW.date()))
        waiting, interested, interview, hired = rows
        for referral in (interested, interview, hired):
            referrals.seeker_change(session, citizen, referral, codes.INTERESTED, NOW)
        referrals.staff_change(session, centre, interview, codes.INTERVIEW, NOW)
        referrals.staff_change(
            session, centre, hired, codes.JOB_FOUND, NOW, start_date=date(2026, 3, 16)
        )
        blank_cv(session, seeker, NOW + timedelta(hours=1))
        assert (waiting.status, interested.status, interview.status, hired.status) == (
            codes.CANCELLED,
            codes.NOT_HIRED,
            codes.NOT_HIRED,
            codes.JOB_FOUND,
        )
        assert interested.reason == interview.reason == "candidate_declined"
        assert hired.job_found_at == NOW
        for referral in (waiting, interested, interview):
            last = referrals.history(session, referral)[-1]
            assert (last.actor_kind, last.at) == (codes.SYSTEM, NOW + timedelta(hours=1))
        # The old offer's buttons do nothing, and tell the firm nothing.
        sent = len(outbox_messages(session))
        with pytest.raises(Refused, match="not_found"):
            referral_answers.interested(
                session, citizen, translator("tr"), id_of(waiting), True, NOW
            )
        assert len(outbox_messages(session)) == sent


# --- 6. A seeker is referred to a vacancy once -----------------------------------------------


def test_a_seeker_who_declined_is_neither_ranked_nor_referred_again(db: Engine) -> None:
    with transaction(db) as session:
        referral, seeker_citizen, _ = _referred(session)
        centre = make_staff(session, 9201, "staff", "istihdam")
        citizen = citizen_of(session, seeker_citizen)
        referrals.seeker_change(session, citizen, referral, codes.DECLINED, NOW)
        vacancy = session.get(Vacancy, referral.vacancy_id)
        seeker = session.get(JobSeeker, referral.seeker_id)
        assert vacancy is not None and seeker is not None
        assert desk.candidates(session, centre, vacancy, NOW) == []
        with pytest.raises(Refused, match="already_referred"):
            referral_desk.refer(
                session, centre, translator("tr"), id_of(vacancy), id_of(seeker), NOW, NOW.date()
            )
        assert len(session.exec(select(Referral)).all()) == 1


# --- 7. A vacancy's last day is the municipality's --------------------------------------------


def test_a_vacancy_ends_with_its_last_day_in_turkiye_not_in_utc(db: Engine) -> None:
    # 1 April 2026, 22:30 UTC is 2 April, 01:30 in Türkiye: the vacancy valid until
    # 1 April has run out.
    late = datetime(2026, 4, 1, 22, 30, tzinfo=UTC)
    today = late.astimezone(ISTANBUL).date()
    seeker_id = make_citizen(db, 7260)
    with transaction(db) as session:
        centre = make_staff(session, 9201, "staff", "istihdam")
        owner = citizen_of(session, make_citizen_in(session, 7261))
        seeker = registry.save_cv(session, citizen_of(session, seeker_id), sample_cv(), NOW)
        vacancy = published_vacancy(session, owner, centre, valid_until=date(2026, 4, 1))
        t = translator("en")
        assert desk.vacancies(session, centre, "published", late.date()) != []  # UTC's day
        assert desk.vacancies(session, centre, "published", today) == []
        assert (
            "Published vacancies: 0" in staff.desk_screen(session, centre, t, late, ISTANBUL).text
        )
        assert (
            vacancy_desk.published(session, centre, t, late, ISTANBUL).text
            == "No vacancy is published."
        )
        with pytest.raises(Refused, match="vacancy_expired"):
            referral_desk.refer(session, centre, t, id_of(vacancy), id_of(seeker), late, today)
        # Its alert, still waiting, is dropped rather than sent.
        alert = session.exec(select(VacancyAlert)).one()
        assert alert.status == "new"
        assert alert_flow.queue_instant(session, late, today) == 0
        session.refresh(alert)
        assert alert.status == "dropped"
        assert [m for m in outbox_messages(session) if m.chat_id == 7260] == []
