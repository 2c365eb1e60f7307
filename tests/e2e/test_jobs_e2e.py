"""Issue 5's jobs with a frozen clock: each fires once at the right moment, never twice."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlmodel import select

from db.engine import transaction
from db.models import Registration, Request, SatisfactionAnswer
from db.types import utcnow
from handlers.council_jobs import event_reminder_sweep, no_show_sweep
from handlers.delivery import post_card
from handlers.sla_jobs import sla_watch
from handlers.survey import survey_sweep
from tests.harness import Kent
from tests.journeys import (
    card_of,
    create_event,
    file_complaint,
    freeze,
    number_in,
    register,
    stored,
    thaw,
)


def test_sla_reminder_at_80_percent_and_one_escalation(kent: Kent) -> None:
    ayse = kent.citizen()
    number = number_in(file_complaint(kent, ayse, photo=False, location=False))
    group = kent.groups["temizlik"]
    card = card_of(kent, group, number)
    request = stored(kent, number)
    calendar = kent.app.bot_data["deps"].calendar
    assert request.due_at is not None

    freeze(kent, calendar.add_working_hours(request.created_at, 8 * 0.7))
    kent.run_job(sla_watch)
    group.expect_no_message(within=0.3)  # 70 %: too early

    freeze(kent, calendar.add_working_hours(request.created_at, 8 * 0.85))
    kent.run_job(sla_watch)
    group.wait_message(contains=f"{number} numaralı talep, yanıt süresinin %80'ini doldurdu")
    kent.run_job(sla_watch)
    group.expect_no_message(within=0.3)  # once only

    freeze(kent, request.due_at + timedelta(minutes=5))
    kent.run_job(sla_watch)
    group.wait_message(contains="SÜRESİ GEÇTİ", predicate=lambda m: m.message_id == card.message_id)
    escalation = kent.supervisors.wait_message(contains="Süresi geçen")
    assert number in escalation.text
    kent.run_job(sla_watch)
    kent.supervisors.expect_no_message(within=0.3)
    group.expect_no_message(within=0.3)


def test_the_80_percent_reminder_reaches_the_group_when_the_assignee_never_started_the_bot(
    kent: Kent,
) -> None:
    """Telegram refuses a private message to someone who never pressed Start: the reminder
    then goes to the department's group instead of being lost. One who did gets it in
    private, and the group does not."""
    group = kent.groups["temizlik"]
    calendar = kent.app.bot_data["deps"].calendar
    for started in (False, True):
        thaw(kent)  # filed now, not when the first request's reminder was due
        mehmet = kent.staff("temizlik", first_name="Mehmet" if not started else "Ahmet")
        if started:
            mehmet.send("/start")
            mehmet.wait_message(contains="Merhaba")
        number = number_in(
            file_complaint(kent, kent.citizen(), photo=False, location=False, first_time=True)
        )
        card = card_of(kent, group, number)
        mehmet.press("🙋 Üstlen", chat=group, message_id=card.message_id)
        group.wait_message(contains="🙋 Mehmet" if not started else "🙋 Ahmet")
        request = stored(kent, number)
        freeze(kent, calendar.add_working_hours(request.created_at, 8 * 0.85))
        kent.run_job(sla_watch)
        reminder = f"{number} numaralı talep, yanıt süresinin %80'ini doldurdu"
        if started:
            mehmet.wait_message(contains=reminder)
            group.expect_no_message(within=0.3)
        else:
            group.wait_message(contains=reminder)


def test_a_card_still_on_its_way_is_not_posted_again_by_the_sweep(kent: Kent) -> None:
    ayse = kent.citizen()
    number = number_in(file_complaint(kent, ayse, photo=False, location=False))
    group = kent.groups["temizlik"]
    card_of(kent, group, number)  # the first post is done, its id stored
    request = stored(kent, number)
    request_id = request.id
    assert request_id is not None
    with transaction(kent.engine) as session:  # as if the card had never been posted
        row = session.get(Request, request_id)
        assert row is not None
        row.card_chat_id = row.card_message_id = None
        session.add(row)
    deps = kent.app.bot_data["deps"]
    freeze(kent, request.created_at + timedelta(minutes=11))

    async def post_and_sweep() -> None:
        # The sweep runs while the first post waits for Telegram.
        await asyncio.gather(
            post_card(kent.app.bot, kent.engine, deps.config, request_id),
            sla_watch(kent.app.context_types.context(kent.app)),
        )

    kent.thread.run(post_and_sweep())
    again = group.wait_message(contains=number)
    group.expect_no_message(within=0.5)
    assert stored(kent, number).card_message_id == again.message_id


def test_survey_once_reminder_once_and_not_solved_reopens(kent: Kent) -> None:
    ayse = kent.citizen()
    mehmet = kent.staff("temizlik")
    group = kent.groups["temizlik"]
    first = number_in(file_complaint(kent, ayse, photo=False, location=False))
    card = card_of(kent, group, first)
    mehmet.press("✅ Çözüldü", chat=group, message_id=card.message_id)
    ayse.wait_message(contains=f"{first} numaralı talebiniz çözüldü")
    survey = ayse.wait_message(contains=f"{first} numaralı talebinizle ilgili yapılan işlemlerden")
    assert "5 ⭐" in survey.flat_buttons
    ayse.press("5 ⭐", message_id=survey.message_id)
    ayse.wait_message(contains="Yanıtınız için teşekkür ederiz")
    ayse.send("Çok hızlıydınız, teşekkürler.")
    ayse.wait_message(contains="yorumunuz kaydedildi")
    ayse.press_data(
        survey.message_id, survey.raw["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    )
    again = ayse.last_alert()
    assert again is not None and "zaten yanıtladınız" in (again.text or "")
    with transaction(kent.engine) as session:
        answer = session.exec(select(SatisfactionAnswer)).one()
        assert (answer.score, answer.comment) == (5, "Çok hızlıydınız, teşekkürler.")

    # A second request: its survey goes unanswered, is asked again once after 3 days.
    second = number_in(file_complaint(kent, ayse, photo=False, location=False, first_time=False))
    card2 = group.wait_message(contains=second)
    mehmet.press("✅ Çözüldü", chat=group, message_id=card2.message_id)
    ayse.wait_message(contains=f"{second} numaralı talebinizle ilgili yapılan işlemlerden")
    resolved_at = stored(kent, second).resolved_at
    assert resolved_at is not None
    freeze(kent, utcnow() + timedelta(days=1))
    kent.run_job(survey_sweep)
    ayse.expect_no_message(within=0.3)
    freeze(kent, utcnow() + timedelta(days=3, hours=1))
    kent.run_job(survey_sweep)
    reminder = ayse.wait_message(contains="Hatırlatma")
    assert second in reminder.text
    freeze(kent, utcnow() + timedelta(days=10))
    kent.run_job(survey_sweep)
    ayse.expect_no_message(within=0.3)  # never more

    ayse.press("❌ Sorunum çözülmedi", message_id=reminder.message_id)
    ayse.wait_message(contains="yeniden açıldı")
    # The card gets its buttons back: staff can act again.
    reopened_card = group.wait_message(
        contains="Yeniden açıldı", predicate=lambda m: m.message_id == card2.message_id
    )
    assert "✅ Çözüldü" in reopened_card.flat_buttons
    group.wait_message(contains=f"{second} numaralı talebin çözülmediğini söylüyor")
    assert stored(kent, second).status == "reopened"


def test_the_rating_reads_in_turkish_in_the_citizens_history(kent: Kent) -> None:
    """Issue 16: the request's history showed the survey's answer as "rated", in English,
    in a Turkish chat."""
    ayse = kent.citizen()
    mehmet = kent.staff("temizlik")
    group = kent.groups["temizlik"]
    number = number_in(file_complaint(kent, ayse, photo=False, location=False))
    mehmet.press("✅ Çözüldü", chat=group, message_id=card_of(kent, group, number).message_id)
    survey = ayse.wait_message(contains=f"{number} numaralı talebinizle ilgili yapılan işlemlerden")
    ayse.press("4 ⭐", message_id=survey.message_id)
    ayse.wait_message(contains="Yanıtınız için teşekkür ederiz")

    ayse.send("/taleplerim")
    ayse.wait_message(contains="Talepleriniz")
    ayse.press(number)
    history = ayse.wait_message(contains="Geçmiş").text.split("Geçmiş", 1)[1]
    assert history.rstrip().endswith("— vatandaş tarafından puanlandı"), history
    assert "rated" not in history


def test_the_sla_clock_stops_at_13_on_the_arife(kent: Kent) -> None:
    """Issue 16: on the eve of a bayram public offices close at 13:00 (law 2429). Filed on
    Thursday 19 March 2026 at 12:00, the eve of Ramazan Bayramı, a park request's 16
    working hours get half an hour that day (lunch from 12:30, then closed), none over
    the bayram and the weekend, 8 on Monday and the rest on Tuesday: due Tuesday 24 March
    at 17:00, as tests/unit/test_working_time.py has it. Counting the eve's afternoon, it
    was Tuesday 12:00."""
    freeze(kent, datetime(2026, 3, 19, 12, 0, tzinfo=kent.config.tz))
    ayse = kent.citizen()
    ayse.send("/talep")
    ayse.press("✅ Kabul ediyorum")
    ayse.press("Park, yeşil alan ve oyun grubu")
    ayse.wait_message(contains="Lütfen konuyu bir mesajla anlatın")
    ayse.send("Parktaki salıncak kırık.")
    ayse.wait_message(contains="Nerede?")
    ayse.send("✅ Devam")
    ayse.wait_message(contains="Gerekirse personelimiz sizi arayabilir mi?")
    ayse.send("⏭ Atla")
    ayse.press("📨 Gönder")
    receipt = ayse.wait_message(contains="Talebiniz alındı")
    assert "En geç 24 Mart 2026 Salı 17:00 tarihine kadar yanıt verilecektir." in receipt.text
    card = kent.groups["park"].wait_message(contains=number_in(receipt))
    assert "⏰ Son tarih: 24 Mart 2026 Salı 17:00" in card.text
    assert "🕒 Geliş: 19 Mar 2026 12:00" in card.text


def test_event_reminders_24h_and_2h_once_then_no_shows(kent: Kent) -> None:
    coordinator = kent.staff("kent_konseyi", role="coordinator", first_name="Selin")
    event_id = create_event(kent, coordinator, "Kadınlar Meclisi", "Kadın sağlığı semineri", 5)
    ayse = kent.citizen()
    register(ayse, event_id)
    ayse.wait_message(predicate=lambda m: m.photo is not None)
    ayse.wait_message(predicate=lambda m: m.document is not None)
    with transaction(kent.engine) as session:
        registration = session.exec(select(Registration)).one()
        from db.models import CouncilEvent

        event = session.get(CouncilEvent, event_id)
        assert event is not None
        starts, ends, code = event.starts_at, event.ends_at, registration.code

    freeze(kent, starts - timedelta(hours=30))
    kent.run_job(event_reminder_sweep)
    ayse.expect_no_message(within=0.3)
    freeze(kent, starts - timedelta(hours=23))
    kent.run_job(event_reminder_sweep)
    tomorrow = ayse.wait_message(contains="Yarın: Kadın sağlığı semineri")
    assert code in tomorrow.text
    kent.run_job(event_reminder_sweep)
    ayse.expect_no_message(within=0.3)
    freeze(kent, starts - timedelta(minutes=90))
    kent.run_job(event_reminder_sweep)
    ayse.wait_message(contains="İki saat sonra: Kadın sağlığı semineri")
    kent.run_job(event_reminder_sweep)
    ayse.expect_no_message(within=0.3)

    freeze(kent, ends + timedelta(minutes=1))
    kent.run_job(no_show_sweep)
    kent.run_job(no_show_sweep)
    with transaction(kent.engine) as session:
        assert session.exec(select(Registration)).one().status == "no_show"
        assert session.exec(select(Request)).all() == []


def test_a_card_that_never_reached_the_group_is_posted_by_the_sweep(kent: Kent) -> None:
    from sqlmodel import select as sql_select

    from core import citizens, intake
    from db.models import Citizen

    calendar = kent.app.bot_data["deps"].calendar
    with transaction(kent.engine) as session:  # filed, then the bot died before the card
        person = citizens.get_or_create(session, 555, "tr")
        person.consent_at = utcnow()
        draft = intake.start(session, person)
        intake.set_type(session, draft, "talep")
        intake.set_category(session, draft, "park")
        intake.set_text(session, draft, "Parktaki çeşme bozuk.")
        draft.step = "summary"
        number = intake.submit(session, person, draft, calendar).request.number
        assert session.exec(sql_select(Citizen)).first() is not None
    group = kent.groups["park"]
    freeze(kent, utcnow() + timedelta(minutes=11))
    kent.run_job(sla_watch)
    card = card_of(kent, group, number)
    assert "Parktaki çeşme bozuk." in card.text
    kent.run_job(sla_watch)
    group.expect_no_message(within=0.4)  # posted once
