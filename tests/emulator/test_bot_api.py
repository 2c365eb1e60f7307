"""The Bot API side, exercised with python-telegram-bot's real Bot."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    MessageEntity,
    ReplyKeyboardMarkup,
)
from telegram.error import BadRequest, Forbidden

from emulator.client import EmulatorClient, SimUser
from emulator.media import tiny_png
from tests.emulator.helpers import TOKEN, with_bot


def test_get_me(emu: EmulatorClient) -> None:
    me = with_bot(emu, lambda bot: bot.get_me())
    assert me.id == 123456 and me.is_bot and me.username == "kentbot_test"


def test_unknown_token_and_method(emu: EmulatorClient) -> None:
    r = httpx.get(f"{emu.api_url}999:NOPE/getMe")
    assert r.status_code == 401
    assert r.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    r = httpx.post(f"{emu.api_url}{TOKEN}/sendDice", json={"chat_id": 1})
    assert r.status_code == 404 and r.json()["description"] == "Not Found"
    # method names are case-insensitive, JSON bodies and query strings both work
    assert httpx.get(f"{emu.api_url}{TOKEN}/GETME").json()["ok"]


def test_get_updates_command_entity_and_offset(emu: EmulatorClient, ayse: SimUser) -> None:
    ayse.send("/start kampanya")

    async def go(bot: Bot) -> None:
        updates = await bot.get_updates(timeout=1)
        assert len(updates) == 1
        msg = updates[0].message
        assert msg is not None and msg.text == "/start kampanya"
        assert msg.from_user is not None and msg.from_user.first_name == "Ayşe"
        assert msg.from_user.language_code == "tr"
        assert msg.chat.type == "private" and msg.chat.id == ayse.id
        entity = msg.entities[0]
        assert (entity.type, entity.offset, entity.length) == (MessageEntity.BOT_COMMAND, 0, 6)
        # same updates again until confirmed with offset
        again = await bot.get_updates(timeout=0)
        assert [u.update_id for u in again] == [updates[0].update_id]
        assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=0) == ()

    with_bot(emu, go)
    assert emu.pending_updates() == 0


def test_long_poll_wakes_on_user_message(emu: EmulatorClient, ayse: SimUser) -> None:
    timer = threading.Timer(0.3, lambda: ayse.send("merhaba"))
    timer.start()
    started = time.monotonic()
    updates = with_bot(emu, lambda bot: bot.get_updates(timeout=5))
    assert 0.2 < time.monotonic() - started < 3
    assert updates[0].message is not None and updates[0].message.text == "merhaba"


def test_bot_cannot_write_first(emu: EmulatorClient) -> None:
    stranger = emu.create_user(first_name="Mehmet")
    with pytest.raises(Forbidden, match=r"(?i)can't initiate"):
        with_bot(emu, lambda bot: bot.send_message(stranger.id, "hi"))
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        with_bot(emu, lambda bot: bot.send_message(424242, "hi"))


def test_blocked_user(emu: EmulatorClient, ayse: SimUser) -> None:
    ayse.send("/start")
    ayse.block()
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        with_bot(emu, lambda bot: bot.send_message(ayse.id, "hi"))
    updates = with_bot(emu, lambda bot: bot.get_updates())
    assert updates[-1].my_chat_member is not None
    assert updates[-1].my_chat_member.new_chat_member.status == "kicked"


def test_inline_keyboard_press_and_alert(emu: EmulatorClient, ayse: SimUser) -> None:
    ayse.send("/start")
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Şikayet", callback_data="menu:complaint"),
                InlineKeyboardButton("Talep", callback_data="menu:request"),
            ]
        ]
    )
    with_bot(
        emu, lambda bot: bot.send_message(ayse.id, "Ne yapmak istersiniz?", reply_markup=keyboard)
    )
    menu = ayse.wait_message(contains="Ne yapmak")
    assert menu.buttons == [["Şikayet", "Talep"]]
    ayse.press("Şikayet")

    async def answer(bot: Bot) -> None:
        updates = await bot.get_updates(offset=-1)
        query = updates[-1].callback_query
        assert query is not None and query.data == "menu:complaint"
        assert query.message is not None and query.message.message_id == menu.message_id
        assert query.from_user.id == ayse.id
        await query.answer("Lütfen önce konum paylaşın", show_alert=True)
        with pytest.raises(BadRequest, match=r"(?i)query is too old"):
            await query.answer("twice")

    with_bot(emu, answer)
    alert = ayse.last_alert(timeout=2)
    assert alert is not None and alert.show_alert
    assert alert.text == "Lütfen önce konum paylaşın"


def test_a_press_can_be_answered_only_for_a_while(emu: EmulatorClient, ayse: SimUser) -> None:
    """As on Telegram: an answer that comes too late is refused, and no alert is shown."""
    ayse.send("/start")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Evet", callback_data="yes")]])
    with_bot(
        emu, lambda bot: bot.send_message(ayse.id, "Onaylıyor musunuz?", reply_markup=keyboard)
    )
    ayse.wait_message(contains="Onaylıyor")
    emu.set_answer_window(0.2)
    ayse.press("Evet")
    time.sleep(0.3)

    async def answer_late(bot: Bot) -> None:
        query = (await bot.get_updates(offset=-1))[-1].callback_query
        assert query is not None
        with pytest.raises(BadRequest, match=r"(?i)query is too old"):
            await query.answer("Geç kaldı", show_alert=True)

    with_bot(emu, answer_late)
    assert ayse.last_alert(timeout=0.5) is None


def test_press_requires_existing_button(emu: EmulatorClient, ayse: SimUser) -> None:
    from emulator.client import EmulatorError

    ayse.send("/start")
    with pytest.raises(EmulatorError, match=r"(?i)no message with button"):
        ayse.press("Yok", timeout=0.3)


def test_edit_message_and_not_modified(emu: EmulatorClient, ayse: SimUser) -> None:
    ayse.send("/start")
    kb = InlineKeyboardMarkup([[InlineKeyboardButton("Onayla", callback_data="ok")]])

    async def go(bot: Bot) -> None:
        sent = await bot.send_message(ayse.id, "Taslak", reply_markup=kb)
        edited = await bot.edit_message_text(
            "Gönderildi", ayse.id, sent.message_id, reply_markup=kb
        )
        assert isinstance(edited, Message) and edited.edit_date is not None
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await bot.edit_message_text("Gönderildi", ayse.id, sent.message_id, reply_markup=kb)
        # leaving out reply_markup removes the keyboard, as on Telegram
        await bot.edit_message_text("Gönderildi", ayse.id, sent.message_id)
        with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
            await bot.edit_message_text("x", ayse.id, 9999)
        await bot.delete_message(ayse.id, sent.message_id)
        with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
            await bot.delete_message(ayse.id, sent.message_id)

    with_bot(emu, go)
    first = ayse.wait_message(contains="Taslak")
    second = ayse.wait_message(contains="Gönderildi")
    assert second.edited and second.message_id == first.message_id
    assert second.buttons == [["Onayla"]]
    assert ayse.wait_message(contains="Gönderildi").buttons == []
    assert ayse.transcript() == []


def test_text_errors(emu: EmulatorClient, ayse: SimUser) -> None:
    ayse.send("/start")
    too_long_data = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="ş" * 33)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        with_bot(emu, lambda bot: bot.send_message(ayse.id, "hi", reply_markup=too_long_data))
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        with_bot(emu, lambda bot: bot.send_message(ayse.id, "   "))
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        with_bot(emu, lambda bot: bot.send_message(ayse.id, "a" * 4097))
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        with_bot(emu, lambda bot: bot.send_message(ayse.id, "a < b <i>", parse_mode="HTML"))
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        with_bot(emu, lambda bot: bot.send_photo(ayse.id, tiny_png(), caption="c" * 1025))
    assert ayse.transcript() == []


def test_reply_keyboard(emu: EmulatorClient, ayse: SimUser) -> None:
    ayse.send("/start")
    kb = ReplyKeyboardMarkup([[KeyboardButton("Konum gönder", request_location=True)], ["İptal"]])
    with_bot(emu, lambda bot: bot.send_message(ayse.id, "Konumunuz?", reply_markup=kb))
    assert ayse.wait_message(contains="Konumunuz").buttons == [["Konum gönder"], ["İptal"]]
    ayse.press("İptal")  # a reply-keyboard button sends its text
    updates = with_bot(emu, lambda bot: bot.get_updates())
    assert updates[-1].message is not None and updates[-1].message.text == "İptal"


def test_send_photo_get_file_download(emu: EmulatorClient, ayse: SimUser) -> None:
    ayse.send("/start")
    png = tiny_png(6, 3)

    async def go(bot: Bot) -> bytes:
        msg = await bot.send_photo(ayse.id, png, caption="<i>Fotoğraf</i>", parse_mode="HTML")
        assert len(msg.photo) == 2 and msg.photo[-1].width == 6
        assert msg.caption == "Fotoğraf"
        again = await bot.send_photo(ayse.id, msg.photo[-1].file_id)  # re-send by file_id
        assert again.photo[-1].file_id == msg.photo[-1].file_id
        file = await bot.get_file(msg.photo[-1].file_id)
        return bytes(await file.download_as_bytearray())

    assert with_bot(emu, go) == png
    assert ayse.wait_message(contains="Fotoğraf").photo is not None


def test_user_photo_document_location_contact(emu: EmulatorClient, ayse: SimUser) -> None:
    jpeg_like = b"\xff\xd8not-really-a-jpeg"
    ayse.send_photo(jpeg_like, caption="çukur")
    ayse.send_document(b"%PDF-1.4", file_name="dilekce.pdf")
    loc = ayse.share_location(41.02, 29.1, live_period=600)
    ayse.move_location(loc["message_id"], 41.03, 29.2)
    ayse.share_contact("+905551112233")
    ayse.share_venue(41.0, 29.0, "Belediye", "Merkez Mah.")

    async def go(bot: Bot) -> None:
        updates = await bot.get_updates()
        photo_msg = updates[0].message
        assert photo_msg is not None and photo_msg.caption == "çukur"
        file = await bot.get_file(photo_msg.photo[-1].file_id)
        assert bytes(await file.download_as_bytearray()) == jpeg_like
        doc = updates[1].message
        assert doc is not None and doc.document is not None
        assert doc.document.file_name == "dilekce.pdf"
        loc_msg = updates[2].message
        assert loc_msg is not None and loc_msg.location is not None
        assert loc_msg.location.latitude == 41.02
        assert loc_msg.location.api_kwargs == {} and loc_msg.to_dict()["location"]["live_period"]
        moved = updates[3].edited_message
        assert moved is not None and moved.location is not None
        assert moved.location.longitude == 29.2
        contact = updates[4].message
        assert contact is not None and contact.contact is not None
        assert contact.contact.phone_number == "+905551112233"
        assert contact.contact.user_id == ayse.id
        venue = updates[5].message
        assert venue is not None and venue.venue is not None and venue.venue.title == "Belediye"

    with_bot(emu, go)


def test_bot_location_document_media_group(emu: EmulatorClient, ayse: SimUser) -> None:
    from telegram import InputMediaPhoto

    ayse.send("/start")

    async def go(bot: Bot) -> None:
        await bot.send_location(ayse.id, 41.0, 29.0)
        await bot.send_document(ayse.id, b"a,b\n1,2\n", filename="rapor.csv", caption="Rapor")
        album = await bot.send_media_group(
            ayse.id, [InputMediaPhoto(tiny_png(), caption="1"), InputMediaPhoto(tiny_png())]
        )
        assert len(album) == 2 and album[0].media_group_id == album[1].media_group_id
        await bot.send_chat_action(ayse.id, "typing")
        copied = await bot.copy_message(ayse.id, ayse.id, album[0].message_id)
        assert copied.message_id > album[1].message_id

    with_bot(emu, go)
    assert ayse.wait_message().location == {"latitude": 41.0, "longitude": 29.0}
    doc = ayse.wait_message(contains="Rapor").document
    assert doc is not None and doc["file_name"] == "rapor.csv"


def test_commands_per_language_and_scope(emu: EmulatorClient, ayse: SimUser) -> None:
    async def go(bot: Bot) -> None:
        await bot.set_my_commands([BotCommand("start", "Başla"), BotCommand("yardim", "Yardım")])
        await bot.set_my_commands([BotCommand("start", "Start")], language_code="en")
        await bot.set_my_commands(
            [BotCommand("panel", "Panel")], scope=BotCommandScopeChat(ayse.id)
        )
        en = await bot.get_my_commands(language_code="en")
        assert [c.description for c in en] == ["Start"]
        await bot.delete_my_commands(language_code="en")
        assert await bot.get_my_commands(language_code="en") == ()

    with_bot(emu, go)
    assert [c["command"] for c in emu.commands()] == ["start", "yardim"]
    assert emu.commands(language_code="en") == []
    assert emu.commands(scope={"type": "chat", "chat_id": ayse.id})[0]["command"] == "panel"


def test_get_chat_and_member(emu: EmulatorClient, ayse: SimUser) -> None:
    group = emu.create_group("Fen İşleri", members=[ayse])

    async def go(bot: Bot) -> None:
        chat = await bot.get_chat(group.id)
        assert chat.title == "Fen İşleri" and chat.type == "supergroup"
        me = await bot.get_chat_member(group.id, 123456)
        assert me.status == "administrator"
        member = await bot.get_chat_member(group.id, ayse.id)
        assert member.status == "member"
        assert await bot.set_chat_menu_button()
        info = await bot.get_webhook_info()
        assert info.url == ""

    with_bot(emu, go)
