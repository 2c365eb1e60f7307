"""KVKK through the emulator: /verilerim sends the citizen's data as a file, /verilerimi_sil
erases it after a confirmation, the retention job erases old closed requests, and the logs
never hold what citizens wrote, their phone numbers or their locations.

The prompts are asserted on stable parts (file name, callback data, database state), since
their Turkish translations are added separately."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import timedelta
from typing import Any, cast

import pytest
from sqlalchemy import func
from sqlmodel import col, select
from telegram import Bot
from telegram.error import BadRequest

from core import privacy
from core.workflow import PHOTO_CARD, RECEIPT
from db.engine import transaction
from db.models import Attachment, Citizen, MessageLink, Request, RequestEvent
from emulator.client import BotMessage, SimGroup, SimUser
from flows.privacy import Erase, Keep
from handlers.delivery import clear_after_erasure, placeholder_png
from handlers.privacy import retention_job
from tests.harness import Kent
from tests.journeys import card_of, file_complaint, freeze, number_in, stored

COMPLAINT = "Sokağımızdaki çöpler üç gündür toplanmadı, konteyner taştı."
PHONE = "+905551112233"

ERASE, KEEP = Erase().pack(), Keep().pack()


def has_button(data: str) -> Any:
    return lambda m: any(b.get("callback_data") == data for row in m.inline_keyboard for b in row)


def download(kent: Kent, document: dict[str, Any]) -> bytes:
    """getFile, then the file URL, as the bot's own clients would."""
    token = kent.app.bot.token
    info = kent.emu.http.post(f"/bot{token}/getFile", json={"file_id": document["file_id"]})
    assert info.json()["ok"], info.text
    path = info.json()["result"]["file_path"]
    response = kent.emu.http.get(f"/file/bot{token}/{path}")
    assert response.status_code == 200
    return response.content


def ask_export(kent: Kent, citizen: SimUser) -> BotMessage:
    citizen.send("/verilerim")
    return citizen.wait_message(predicate=lambda m: m.document is not None)


def test_citizen_gets_their_data_then_erases_it(kent: Kent) -> None:
    ayse = kent.citizen("Ayşe", "tr")
    number = number_in(file_complaint(kent, ayse, text=COMPLAINT))
    group = kent.groups["temizlik"]
    card = card_of(kent, group, number)
    assert PHONE in card.text

    sent = ask_export(kent, ayse)
    assert sent.document is not None and sent.document["file_name"] == "verilerim.json"
    data = json.loads(download(kent, sent.document))
    assert data["profile"]["telegram_id"] == ayse.id
    assert data["profile"]["phone"] == PHONE and data["profile"]["first_name"] == "Ayşe"
    [request] = data["requests"]
    assert request["number"] == number and request["text"] == COMPLAINT
    assert request["contact_phone"] == PHONE
    assert (request["latitude"], request["longitude"]) == (41.0255, 29.1020)
    assert len(request["attachments"]) == 1 and request["attachments"][0]["telegram_file_id"]

    ayse.send("/verilerimi_sil")
    prompt = ayse.wait_message(predicate=has_button(ERASE))
    assert has_button(KEEP)(prompt)
    with transaction(kent.engine) as session:
        assert privacy.citizen_of(session, ayse.id) is not None  # asking erased nothing
    ayse.press_data(prompt.message_id, ERASE)
    ayse.wait_message(
        predicate=lambda m: (
            m.message_id == prompt.message_id and m.edited and m.inline_keyboard == []
        )
    )

    # The staff card no longer shows the text or the phone: the card was the photo's
    # caption, so it comes again as a text (see test_erasure_takes_the_photo_card_out...).
    refreshed = group.wait_message(predicate=lambda m: privacy.ERASED in m.text)
    assert refreshed.photo is None and refreshed.message_id != card.message_id
    assert PHONE not in refreshed.text and "çöpler" not in refreshed.text

    request_row = stored(kent, number)
    assert request_row.text == privacy.ERASED
    assert (request_row.contact_phone, request_row.latitude, request_row.longitude) == (
        None,
        None,
        None,
    )
    assert (request_row.channel, request_row.type, request_row.category_code) == (
        "telegram",
        "sikayet",
        "cop",
    )
    with transaction(kent.engine) as session:
        # The request still counts, as someone's: the citizen row stays, anonymous.
        assert (
            session.exec(
                select(func.count()).select_from(Request).where(Request.number == number)
            ).one()
            == 1
        )
        owner = session.get(Citizen, request_row.citizen_id)
        assert owner is not None and owner.deleted_at is not None
        assert (owner.first_name, owner.last_name, owner.phone, owner.telegram_id) == (
            None,
            None,
            None,
            None,
        )
        files = session.exec(
            select(Attachment).where(Attachment.request_id == request_row.id)
        ).all()
        assert [f.telegram_file_id for f in files] == [None]
        events = session.exec(
            select(RequestEvent).where(RequestEvent.request_id == request_row.id)
        ).all()
        assert [e.kind for e in events] == ["created"]

    # Asked again, there is nothing left to send.
    ayse.send("/verilerim")
    reply = ayse.wait_message()
    assert reply.document is None
    with transaction(kent.engine) as session:
        assert privacy.citizen_of(session, ayse.id) is None  # asking created nobody


def test_keeping_the_data_erases_nothing(kent: Kent) -> None:
    ayse = kent.citizen("Ayşe", "tr")
    number = number_in(file_complaint(kent, ayse, text=COMPLAINT, photo=False))
    ayse.send("/verilerimi_sil")
    prompt = ayse.wait_message(predicate=has_button(KEEP))
    ayse.press_data(prompt.message_id, "kvkk:junk")  # forged: ignored, nothing breaks
    ayse.press_data(prompt.message_id, KEEP)
    ayse.wait_message(predicate=lambda m: m.message_id == prompt.message_id and m.edited)
    assert stored(kent, number).text == COMPLAINT
    assert stored(kent, number).contact_phone == PHONE


def test_erasing_from_a_forged_button_still_answers(kent: Kent) -> None:
    """Callback data pressed on a message that cannot be edited (here the citizen's own):
    the outcome comes as a new message, and no handler error is raised."""
    ayse = kent.citizen("Ayşe", "tr")
    number = number_in(file_complaint(kent, ayse, text=COMPLAINT, photo=False))
    own = ayse.send("merhaba")
    ayse.press_data(int(own["message_id"]), ERASE)
    # Said after the erasure is committed (waiting for the bot to fall quiet was not
    # enough under load: the erasure itself can take longer than the quiet spell).
    ayse.wait_message(contains="Kişisel verileriniz silindi")
    assert stored(kent, number).text == privacy.ERASED


def test_privacy_commands_do_nothing_in_groups(kent: Kent) -> None:
    mehmet = kent.staff("temizlik")
    group = kent.groups["temizlik"]
    mehmet.send("/verilerim", chat=group)
    mehmet.send("/verilerimi_sil", chat=group)
    kent.emu.wait_idle()
    assert not [m for m in group.transcript() if m.document is not None or m.inline_keyboard]


def test_retention_job_erases_requests_closed_long_ago(kent: Kent) -> None:
    ayse = kent.citizen("Ayşe", "tr")
    mehmet = kent.staff("temizlik")
    group = kent.groups["temizlik"]
    number = number_in(file_complaint(kent, ayse, text=COMPLAINT))
    card = card_of(kent, group, number)
    mehmet.press("✅ Çözüldü", chat=group, message_id=card.message_id)
    ayse.wait_message(contains=f"{number} numaralı talebiniz çözüldü")
    resolved_at = stored(kent, number).resolved_at
    assert resolved_at is not None
    days = kent.config.kvkk.retention_days

    freeze(kent, resolved_at + timedelta(days=days - 1))
    kent.run_job(retention_job)
    assert stored(kent, number).text == COMPLAINT

    freeze(kent, resolved_at + timedelta(days=days, minutes=1))
    kent.run_job(retention_job)
    kent.emu.wait_idle()
    after_first = kent.emu.last_seq()
    kent.run_job(retention_job)
    erased = stored(kent, number)
    assert (erased.text, erased.contact_phone, erased.latitude) == (privacy.ERASED, None, None)
    assert erased.status == "resolved" and erased.resolved_at == resolved_at
    # The card, on the photo and long past Telegram's 48 hours for deleting, now shows the
    # placeholder with the blank card; the second run found nothing more to change.
    [shown] = [m for m in group.transcript() if m.message_id == card.message_id]
    assert shown.photo is not None and shown_bytes(kent, shown) == placeholder_png()
    assert privacy.ERASED in shown.text and PHONE not in shown.text and shown.buttons == []
    assert not kent.emu.events(group.id, kinds="delete")
    kent.emu.wait_idle()
    assert kent.emu.events(group.id, after=after_first) == []
    with transaction(kent.engine) as session:
        # The citizen still uses the bot: only the old request's data went.
        person = privacy.citizen_of(session, ayse.id)
        assert person is not None and person.phone == PHONE and person.deleted_at is None


# --- the citizen's photos in the staff groups -----------------------------------------------


def file_with_photos(kent: Kent, citizen: SimUser, photos: int, first_time: bool = True) -> str:
    """file_complaint's flow with several photos; returns the request's number.

    `first_time`: the citizen still sees the KVKK notice."""
    citizen.send("/talep")
    if first_time:
        citizen.wait_message(contains="Kişisel Verilerin Korunması")
        citizen.press("✅ Kabul ediyorum")
    citizen.press("Çöp toplama")
    citizen.wait_message(contains="Lütfen konuyu bir mesajla anlatın")
    citizen.send(COMPLAINT)
    citizen.wait_message(contains="Nerede?")
    for _ in range(photos):
        citizen.send_photo()
    citizen.send("✅ Devam")
    citizen.wait_message(contains="Gerekirse personelimiz sizi arayabilir mi?")
    citizen.share_contact("+90 555 111 22 33")
    citizen.press("📨 Gönder")
    return number_in(citizen.wait_message(contains="Talebiniz alındı"))


def erase_by_button(citizen: SimUser) -> None:
    citizen.send("/verilerimi_sil")
    prompt = citizen.wait_message(predicate=has_button(ERASE))
    citizen.press_data(prompt.message_id, ERASE)


def shown_bytes(kent: Kent, message: BotMessage) -> bytes:
    assert message.photo is not None
    return kent.emu.download(message.photo[-1]["file_id"], token=kent.app.bot.token)


def links_of(kent: Kent, number: str) -> list[tuple[int, str]]:
    request_id = stored(kent, number).id
    with transaction(kent.engine) as session:
        return [
            (link.message_id, link.purpose)
            for link in session.exec(
                select(MessageLink)
                .where(MessageLink.request_id == request_id)
                .order_by(col(MessageLink.id))
            ).all()
        ]


def deleted_in(kent: Kent, group: SimGroup) -> set[int]:
    return {e["message_id"] for e in kent.emu.events(group.id, kinds="delete")}


def test_erasure_takes_the_photo_card_out_and_posts_the_card_again(kent: Kent) -> None:
    ayse = kent.citizen("Ayşe", "tr")
    mehmet = kent.staff("temizlik")
    group = kent.groups["temizlik"]
    receipt = file_complaint(kent, ayse, text=COMPLAINT)
    number = number_in(receipt)
    card = card_of(kent, group, number)
    assert card.photo is not None  # one photo: the card is its caption
    # The receipt's link names the summary it replaced (where Send was pressed).
    (summary, purpose), *cards = links_of(kent, number)
    assert purpose == RECEIPT and summary < receipt.message_id
    assert cards == [(card.message_id, PHOTO_CARD)]

    erase_by_button(ayse)
    again = group.wait_message(predicate=lambda m: number in m.text and not m.edited)
    kent.emu.wait_idle()
    assert deleted_in(kent, group) == {card.message_id}
    assert [m.message_id for m in group.transcript()] == [again.message_id]
    assert again.photo is None and privacy.ERASED in again.text and PHONE not in again.text
    assert "🙋 Üstlen" in again.flat_buttons
    # Later changes edit the new card: it is the request's card now, as a text.
    assert links_of(kent, number) == [(again.message_id, "card")]
    assert (stored(kent, number).card_chat_id, stored(kent, number).card_message_id) == (
        group.id,
        again.message_id,
    )

    # Staff can still close the request from it.
    mehmet.press("✅ Çözüldü", chat=group, message_id=again.message_id)
    closed = group.wait_message(
        contains="Durum: Çözüldü", predicate=lambda m: m.message_id == again.message_id
    )
    assert closed.flat_buttons == [] and privacy.ERASED in closed.text
    assert stored(kent, number).status == "resolved"


def test_erasure_deletes_every_photo_under_a_text_card(kent: Kent) -> None:
    ayse = kent.citizen("Ayşe", "tr")
    group = kent.groups["temizlik"]
    number = file_with_photos(kent, ayse, 2)
    card = card_of(kent, group, number)
    assert card.photo is None and "Aşağıda 2 fotoğraf var" in card.text
    first = group.wait_message(predicate=lambda m: m.photo is not None)
    second = group.wait_message(predicate=lambda m: m.photo is not None)
    assert first.reply_to_message_id == second.reply_to_message_id == card.message_id
    kent.emu.wait_idle()  # the links are written once the photos are sent
    receipt = ayse.transcript()[-1]
    (summary, purpose), *cards = links_of(kent, number)
    assert purpose == RECEIPT and summary < receipt.message_id
    assert cards == [
        (card.message_id, "card"),
        (first.message_id, "photo"),
        (second.message_id, "photo"),
    ]

    erase_by_button(ayse)
    group.wait_message(
        predicate=lambda m: m.message_id == card.message_id and privacy.ERASED in m.text
    )
    kent.emu.wait_idle()
    assert deleted_in(kent, group) == {first.message_id, second.message_id}
    [left] = group.transcript()
    assert left.message_id == card.message_id and PHONE not in left.text
    assert "fotoğraf" not in left.text and "🙋 Üstlen" in left.flat_buttons
    assert links_of(kent, number) == [(card.message_id, "card")]


def test_erasure_also_deletes_a_photo_card_retired_by_a_redirection(kent: Kent) -> None:
    ayse = kent.citizen("Ayşe", "tr")
    mehmet = kent.staff("temizlik")
    group, supervisors = kent.groups["temizlik"], kent.supervisors
    number = number_in(file_complaint(kent, ayse, text=COMPLAINT))
    old_card = card_of(kent, group, number)
    mehmet.press("↪️ Yönlendir", chat=group, message_id=old_card.message_id)
    group.wait_message(predicate=lambda m: "İmar ve Şehircilik Müdürlüğü" in m.flat_buttons)
    mehmet.press("İmar ve Şehircilik Müdürlüğü", chat=group, message_id=old_card.message_id)
    new_card = supervisors.wait_message(contains=number)
    assert old_card.photo is not None and new_card.photo is not None
    kent.emu.wait_idle()

    erase_by_button(ayse)
    again = supervisors.wait_message(predicate=lambda m: number in m.text and not m.edited)
    kent.emu.wait_idle()
    # The retired card goes from the old group; its redirection note stays.
    assert deleted_in(kent, group) == {old_card.message_id}
    assert [m.photo for m in group.transcript()] == [None]
    assert deleted_in(kent, supervisors) == {new_card.message_id}
    assert [m.message_id for m in supervisors.transcript()] == [again.message_id]
    assert again.photo is None and privacy.ERASED in again.text
    assert links_of(kent, number) == [(again.message_id, "card")]


class RefusingDeletes:
    """The bot as Telegram treats it 48 hours after sending: every delete is refused."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.refused: list[int] = []

    async def delete_message(self, chat_id: int, message_id: int, **_: Any) -> bool:
        self.refused.append(message_id)
        raise BadRequest("Message can't be deleted for everyone")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.bot, name)


def test_photos_that_can_no_longer_be_deleted_are_replaced(
    kent: Kent, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram refuses to delete (our clock thought the messages recent enough): each
    photo becomes the placeholder; the photo card keeps its blank card and its buttons. A
    message that can be neither deleted nor edited is logged and the others are done."""
    ayse = kent.citizen("Ayşe", "tr")
    group = kent.groups["temizlik"]
    single = number_in(file_complaint(kent, ayse, text=COMPLAINT))
    card = card_of(kent, group, single)
    several = file_with_photos(kent, ayse, 2, first_time=False)
    text_card = card_of(kent, group, several)
    photos = [group.wait_message(predicate=lambda m: m.photo is not None) for _ in range(2)]
    kent.emu.wait_idle()
    with transaction(kent.engine) as session:
        citizen = privacy.citizen_of(session, ayse.id)
        assert citizen is not None
        erased = privacy.erase(
            session,
            citizen,
            kent.app.bot_data["deps"].personal_data,
            kent.app.bot_data["deps"].clock(),
        )
    assert [(p.message_id, p.current_card, p.deletable) for p in erased.photos] == [
        (card.message_id, True, True),
        (photos[0].message_id, False, True),
        (photos[1].message_id, False, True),
    ]
    gone = privacy.GroupPhoto(
        request_id=erased.photos[0].request_id,
        chat_id=group.id,
        message_id=9999,
        purpose="photo",
        current_card=False,
        deletable=True,
    )
    bot = RefusingDeletes(kent.app.bot)
    caplog.set_level(logging.INFO, logger="kentbot")
    kent.thread.run(
        clear_after_erasure(
            cast(Bot, bot), kent.engine, kent.config, replace(erased, photos=[gone, *erased.photos])
        )
    )

    assert bot.refused == [9999, card.message_id, photos[0].message_id, photos[1].message_id]
    assert not deleted_in(kent, group)
    shown = {m.message_id: m for m in group.transcript()}
    assert set(shown) == {
        card.message_id,
        text_card.message_id,
        photos[0].message_id,
        photos[1].message_id,
    }
    on_card = shown[card.message_id]
    assert on_card.edited and shown_bytes(kent, on_card) == placeholder_png()
    assert privacy.ERASED in on_card.text and PHONE not in on_card.text
    assert "🙋 Üstlen" in on_card.flat_buttons
    for photo in photos:
        replaced = shown[photo.message_id]
        assert replaced.edited and shown_bytes(kent, replaced) == placeholder_png()
        assert replaced.caption is None and replaced.reply_to_message_id == text_card.message_id
    assert privacy.ERASED in shown[text_card.message_id].text
    # Still the request's card, on its photo: later edits go to its caption.
    assert links_of(kent, single) == [(card.message_id, PHOTO_CARD)]
    assert links_of(kent, several) == [(text_card.message_id, "card")]
    assert any(
        "9999" in r.getMessage() and "left in its staff group" in r.getMessage()
        for r in caplog.records
    )


# --- logs ---------------------------------------------------------------------------------

SECRETS = [COMPLAINT, "çöpler üç gündür", PHONE, "555 111 22 33", "5551112233", "41.0255", "29.102"]


def _leaks(
    caplog: pytest.LogCaptureFixture, prefixes: tuple[str, ...], secrets: tuple[str, ...] = ()
) -> list[str]:
    found = []
    for record in caplog.records:
        if not record.name.startswith(prefixes):
            continue
        rendered = record.getMessage() + (
            logging.Formatter().formatException(record.exc_info) if record.exc_info else ""
        )
        found += [
            f"{record.name}: {secret!r} in {rendered[:300]!r}"
            for secret in (*SECRETS, *secrets)
            if secret in rendered
        ]
    return found


def _complaint_flow_logged(kent: Kent, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    ayse = kent.citizen("Ayşe", "tr")
    mehmet = kent.staff("temizlik")
    group = kent.groups["temizlik"]
    number = number_in(file_complaint(kent, ayse, text=COMPLAINT))
    card = card_of(kent, group, number)
    mehmet.press("✅ Çözüldü", chat=group, message_id=card.message_id)
    ayse.wait_message(contains=f"{number} numaralı talebiniz çözüldü")
    ask_export(kent, ayse)
    ayse.send("/verilerimi_sil")
    prompt = ayse.wait_message(predicate=has_button(ERASE))
    ayse.press_data(prompt.message_id, ERASE)
    # The photo card is deleted and posted again, blank.
    group.wait_message(predicate=lambda m: privacy.ERASED in m.text)
    kent.emu.wait_idle()
    assert deleted_in(kent, group) == {card.message_id}
    assert any(r.name.startswith("kentbot") for r in caplog.records)  # logs were captured


def test_our_logs_never_hold_texts_phones_or_locations(
    kent: Kent, caplog: pytest.LogCaptureFixture
) -> None:
    _complaint_flow_logged(kent, caplog)
    # The HTTP clients' logs would show the token in URLs too.
    assert (
        _leaks(caplog, ("kentbot", "aiohttp", "httpx", "httpcore"), secrets=(kent.app.bot.token,))
        == []
    )


def test_library_debug_logs_never_hold_texts_phones_or_locations(
    kent: Kent, caplog: pytest.LogCaptureFixture
) -> None:
    _complaint_flow_logged(kent, caplog)
    assert _leaks(caplog, ("telegram",)) == []
