"""A department's group id wrong in config.toml (issue 16): the citizen sees only their
receipt, the failure is recorded with the group and the department, the supervisors are
told once however many requests wait, and once the config is fixed and the bot restarted
the SLA sweep posts the waiting cards."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import select

from common.config import Config
from db.engine import transaction
from db.models import FailedDelivery
from db.types import utcnow
from emulator.client import EmulatorClient, SimGroup
from emulator.server import RunningEmulator
from handlers.sla_jobs import sla_watch
from tests.harness import Kent
from tests.journeys import card_of, file_complaint, freeze, number_in, stored
from tests.wiring import with_staff_groups

WRONG_ID = -1009999999999  # no such group: Telegram answers "chat not found"


TOKEN = f"{uuid.uuid4().int % 10**9}:TEST"


def start_on(
    server: RunningEmulator, emu: EmulatorClient, db: Engine, config: Config, supervisors: SimGroup
) -> Kent:
    """The bot on the emulator as it is (not reset: a restart), with `config` as given."""
    from bot.app import build_application
    from bot.runner import BotThread
    from core.reference_data import sync_reference_data

    with transaction(db) as session:
        sync_reference_data(session, config)
    app = build_application(config, db, TOKEN, server.api_url, collect_errors=True)
    thread = BotThread(app).start()
    return Kent(emu, db, config, {}, supervisors, app=app, thread=thread)


def stop(kent: Kent) -> None:
    """Stops the bot (the emulator goes on) and fails on any handler error meanwhile."""
    kent.thread.stop()
    errors = kent.app.bot_data["deps"].errors
    assert not errors, f"handler errors: {errors!r}"


def test_a_wrong_group_id_is_never_the_citizens_problem(
    emulator_server: RunningEmulator, db: Engine, config: Config
) -> None:
    emu = EmulatorClient(emulator_server.base_url)
    emu.reset()
    emu.create_bot(token=TOKEN, username="kentbot_test", first_name="Kent Bot")
    temizlik = emu.create_group("Temizlik İşleri — personel")
    supervisors = emu.create_group("Amirler")
    good = with_staff_groups(config, {"temizlik": temizlik.id}, supervisors.id)
    wrong = with_staff_groups(config, {"temizlik": WRONG_ID}, supervisors.id)

    kent = start_on(emulator_server, emu, db, wrong, supervisors)
    try:
        ayse = kent.citizen()
        first = number_in(file_complaint(kent, ayse, photo=False, location=False))
        told = supervisors.wait_message(contains="Temizlik İşleri Müdürlüğü")
        assert str(WRONG_ID) in told.text and "Chat not found" in told.text
        assert "/kimlik" in told.text

        ali = kent.citizen("Ali")
        second = number_in(file_complaint(kent, ali, photo=True, location=True))
        supervisors.expect_no_message(within=1.5)  # told once, not once per request
        for citizen in (ayse, ali):
            assert not [m for m in citizen.transcript() if "Üzgünüz" in m.text]
        kent.emu.wait_idle()  # the second card's failure is recorded in the background
        with transaction(db) as session:
            failures = session.exec(select(FailedDelivery)).all()
        assert [f.chat_id for f in failures] == [WRONG_ID, WRONG_ID]
        assert all("department temizlik" in f.error for f in failures)
        assert {first, second} == {f.error.split("request ")[1].split(":")[0] for f in failures}
    finally:
        stop(kent)

    # The id corrected in config.toml, the bot restarted: the sweep posts both cards.
    kent = start_on(emulator_server, emu, db, good, supervisors)
    try:
        freeze(kent, utcnow() + timedelta(minutes=11))
        kent.run_job(sla_watch)
        temizlik.wait_message(contains=first)
        temizlik.wait_message(contains=second)
        supervisors.expect_no_message(within=0.5)
    finally:
        stop(kent)
        emu.close()


def test_a_bot_removed_from_its_group_waits_and_posts_once_added_back(kent: Kent) -> None:
    """No restart needed: the sweep tries again and the group takes the card."""
    from emulator.client import SimUser

    group = kent.groups["temizlik"]
    owner: SimUser = kent.staff("temizlik", role="supervisor", first_name="Zeynep")
    group.set_bot("left", by=owner)
    ayse = kent.citizen()
    number = number_in(file_complaint(kent, ayse, photo=False, location=False))
    told = kent.supervisors.wait_message(contains="Temizlik İşleri Müdürlüğü")
    assert "not a member" in told.text
    kent.emu.wait_idle()  # the failed post is over (a card on its way is not posted twice)
    group.set_bot("administrator", by=owner)
    freeze(kent, utcnow() + timedelta(minutes=11))
    kent.run_job(sla_watch)
    group.wait_message(contains=number)
    # Removed again later: told again, since the group took a card in between.
    group.set_bot("left", by=owner)
    number_in(file_complaint(kent, kent.citizen("Ali"), photo=False, location=False))
    kent.supervisors.wait_message(contains="Temizlik İşleri Müdürlüğü")


def test_when_the_supervisors_group_is_the_one_unreachable_the_admins_are_told(
    emulator_server: RunningEmulator, db: Engine, config: Config
) -> None:
    emu = EmulatorClient(emulator_server.base_url)
    emu.reset()
    emu.create_bot(token=TOKEN, username="kentbot_test", first_name="Kent Bot")
    admin = emu.create_user(first_name="Yönetici", id=config.bot.admins[0], started=True)
    # No department has a group of its own: every card goes to the supervisors' group.
    wired = with_staff_groups(config, {}, WRONG_ID)
    kent = start_on(emulator_server, emu, db, wired, emu.create_group("Başka bir grup"))
    try:
        ayse = kent.citizen()
        file_complaint(kent, ayse, photo=False, location=False)
        told = admin.wait_message(contains="amirler grubuna")
        assert f"supervisors_chat_id = {WRONG_ID}" in told.text
        assert not [m for m in ayse.transcript() if "Üzgünüz" in m.text]
    finally:
        stop(kent)
        emu.close()


def test_not_solved_tells_the_citizen_only_what_really_happened(kent: Kent) -> None:
    """'❌ Sorunum çözülmedi' while the department's group cannot be reached: the citizen
    is not told the department knows; the supervisors are, and the card is posted again
    (showing the request reopened) once the group takes the bot back."""
    from emulator.client import SimUser

    group = kent.groups["temizlik"]
    owner: SimUser = kent.staff("temizlik", role="supervisor", first_name="Zeynep")
    ayse = kent.citizen()
    number = number_in(file_complaint(kent, ayse, photo=False, location=False))
    card = card_of(kent, group, number)
    owner.press("✅ Çözüldü", chat=group, message_id=card.message_id)
    survey = ayse.wait_message(contains="ne kadar memnun kaldınız")
    kent.emu.wait_idle()
    group.set_bot("left", by=owner)

    ayse.press("❌ Sorunum çözülmedi", message_id=survey.message_id)
    answer = ayse.wait_message(contains="yeniden açıldı")
    assert "en kısa sürede" in answer.text and "bildirildi" not in answer.text
    kent.supervisors.wait_message(contains="Temizlik İşleri Müdürlüğü")
    assert stored(kent, number).status == "reopened"
    assert stored(kent, number).card_message_id is None  # for the sweep to post again

    kent.emu.wait_idle()
    group.set_bot("administrator", by=owner)
    freeze(kent, utcnow() + timedelta(minutes=11))
    kent.run_job(sla_watch)
    again = group.wait_message(contains=number, predicate=lambda m: not m.edited)
    assert "Yeniden açıldı" in again.text and "✅ Çözüldü" in again.flat_buttons


def test_not_solved_with_the_group_there_tells_the_department(kent: Kent) -> None:
    group = kent.groups["temizlik"]
    mehmet = kent.staff("temizlik")
    ayse = kent.citizen()
    number = number_in(file_complaint(kent, ayse, photo=False, location=False))
    card = card_of(kent, group, number)
    mehmet.press("✅ Çözüldü", chat=group, message_id=card.message_id)
    survey = ayse.wait_message(contains="ne kadar memnun kaldınız")
    ayse.press("❌ Sorunum çözülmedi", message_id=survey.message_id)
    assert "ilgili birime bildirildi" in ayse.wait_message(contains="yeniden açıldı").text
    notice = group.wait_message(contains="çözülmediğini söylüyor")
    assert notice.reply_to_message_id == card.message_id


def test_not_solved_after_the_card_was_deleted_posts_a_new_card(kent: Kent) -> None:
    """The group is there but someone deleted the request's card: the department gets a
    new card showing the request reopened, and the citizen is truly told it knows."""
    group = kent.groups["temizlik"]
    mehmet = kent.staff("temizlik")
    boss = kent.emu.create_user(first_name="Zeynep", language_code="tr")
    group.add_member(boss, admin=True)
    ayse = kent.citizen()
    number = number_in(file_complaint(kent, ayse, photo=False, location=False))
    card = card_of(kent, group, number)
    mehmet.press("✅ Çözüldü", chat=group, message_id=card.message_id)
    survey = ayse.wait_message(contains="ne kadar memnun kaldınız")
    kent.emu.wait_idle()
    boss.delete(card.message_id, chat=group)

    ayse.press("❌ Sorunum çözülmedi", message_id=survey.message_id)
    assert "ilgili birime bildirildi" in ayse.wait_message(contains="yeniden açıldı").text
    new_card = group.wait_message(contains=number, predicate=lambda m: not m.edited)
    assert new_card.message_id != card.message_id
    assert "Yeniden açıldı" in new_card.text and "✅ Çözüldü" in new_card.flat_buttons
    assert stored(kent, number).card_message_id == new_card.message_id
    assert stored(kent, number).status == "reopened"
