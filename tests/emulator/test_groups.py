"""Staff groups: replies to cards, commands with @botname, privacy mode, forged callbacks."""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from emulator.client import EmulatorClient, SimUser
from tests.emulator.helpers import with_bot


def test_staff_reply_to_card_in_group(emu: EmulatorClient) -> None:
    staff1 = emu.create_user(first_name="Can", username="can_fen")
    staff2 = emu.create_user(first_name="Elif")
    group = emu.create_group("Fen İşleri", members=[staff1, staff2])
    claim = InlineKeyboardMarkup([[InlineKeyboardButton("Üstlen", callback_data="claim:42")]])
    with_bot(emu, lambda bot: bot.send_message(group.id, "Talep #42: çukur", reply_markup=claim))
    card = group.wait_message(contains="Talep #42")
    staff1.send("Ekip yola çıktı", chat=group, reply_to=card.message_id)
    staff2.press("Üstlen", chat=group, message_id=card.message_id)
    staff1.send("/durum@kentbot_test", chat=group)

    async def go(bot: Bot) -> None:
        updates = await bot.get_updates()
        reply = updates[0].message
        assert reply is not None and reply.chat.id == group.id
        assert reply.reply_to_message is not None
        assert reply.reply_to_message.message_id == card.message_id
        assert reply.reply_to_message.text == "Talep #42: çukur"
        assert reply.reply_to_message.from_user is not None
        assert reply.reply_to_message.from_user.is_bot
        query = updates[1].callback_query
        assert query is not None and query.data == "claim:42"
        assert query.from_user.first_name == "Elif"
        command = updates[2].message
        assert command is not None and command.entities[0].length == len("/durum@kentbot_test")
        await bot.send_message(group.id, "Üstlenildi", reply_to_message_id=card.message_id)

    with_bot(emu, go)
    answer = group.wait_message(contains="Üstlenildi")
    assert answer.reply_to_message_id == card.message_id


def test_privacy_mode_when_bot_is_not_admin(emu: EmulatorClient) -> None:
    staff = emu.create_user(first_name="Can")
    group = emu.create_group("Zabıta", members=[staff], bot_is_admin=False)
    with_bot(emu, lambda bot: bot.send_message(group.id, "kart"))
    card = group.wait_message(contains="kart")
    staff.send("sohbet", chat=group)  # not for the bot: it never sees this
    staff.send("cevap", chat=group, reply_to=card.message_id)
    updates = with_bot(emu, lambda bot: bot.get_updates())
    assert [u.message.text for u in updates if u.message] == ["cevap"]


def test_forged_callback_data(emu: EmulatorClient, ayse: SimUser) -> None:
    ayse.send("/start")
    with_bot(emu, lambda bot: bot.send_message(ayse.id, "Menü"))
    menu = ayse.wait_message(contains="Menü")
    ayse.press_data(menu.message_id, "admin:delete_all")
    ayse.press_data(9999, "x")  # even a message that does not exist
    updates = with_bot(emu, lambda bot: bot.get_updates())
    queries = [u.callback_query for u in updates if u.callback_query]
    assert [q.data for q in queries] == ["admin:delete_all", "x"]


def test_raw_update_is_delivered_as_is(emu: EmulatorClient, ayse: SimUser) -> None:
    raw = {
        "update_id": 777,
        "message": {
            "message_id": 5,
            "date": 0,
            "chat": {"id": ayse.id, "type": "private"},
            "text": "ham",
        },
    }
    emu.enqueue_update(raw)
    updates = with_bot(emu, lambda bot: bot.get_updates())
    assert updates[0].update_id == 777 and updates[0].message is not None
    assert updates[0].message.text == "ham"


def test_add_and_remove_member(emu: EmulatorClient, ayse: SimUser) -> None:
    from emulator.client import EmulatorError

    group = emu.create_group("Park Bahçeler")
    with pytest.raises(EmulatorError, match="not a member"):
        ayse.send("selam", chat=group)
    group.add_member(ayse)
    ayse.send("selam", chat=group)
    group.remove_member(ayse)
    with pytest.raises(EmulatorError, match="not a member"):
        ayse.send("selam", chat=group)


def test_adding_the_bot_to_a_group_sends_my_chat_member(emu: EmulatorClient) -> None:
    owner = emu.create_user(first_name="Can", started=True)
    group = emu.create_group("Fen İşleri", creator=owner, bot_in_group=False)
    owner.send("before the bot", chat=group)
    group.set_bot("member", by=owner)
    owner.send("/kimlik", chat=group)
    group.set_bot("administrator", by=owner)
    group.set_bot("left", by=owner)

    async def go(bot: Bot) -> None:
        updates = await bot.get_updates()
        joined = updates[0].my_chat_member
        assert joined is not None and joined.chat.id == group.id
        assert joined.from_user.id == owner.id
        assert (joined.old_chat_member.status, joined.new_chat_member.status) == (
            "left",
            "member",
        )
        service = updates[1].message
        assert service is not None and service.new_chat_members[0].id == 123456
        assert updates[2].message is not None and updates[2].message.text == "/kimlik"
        promoted = updates[3].my_chat_member
        assert promoted is not None and promoted.new_chat_member.status == "administrator"
        left = updates[4].my_chat_member
        assert left is not None and left.new_chat_member.status == "left"
        assert updates[5].message is not None and updates[5].message.left_chat_member
        assert len(updates) == 6  # nothing said before the bot was there

    with_bot(emu, go)


def test_a_group_without_the_bot_cannot_be_seen_or_written_to(emu: EmulatorClient) -> None:
    from telegram.error import BadRequest, Forbidden

    owner = emu.create_user(first_name="Can")
    group = emu.create_group("Zabıta", creator=owner, bot_in_group=False)

    async def go(bot: Bot) -> None:
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.get_chat(group.id)
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.get_chat_member(group.id, 123456)
        with pytest.raises(Forbidden, match="not a member of the supergroup chat"):
            await bot.send_message(group.id, "kart")
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(-1009999, "kart")

    with_bot(emu, go)


def test_group_administrators_and_people_who_never_started_the_bot(emu: EmulatorClient) -> None:
    from telegram.error import BadRequest

    owner = emu.create_user(first_name="Can")
    helper = emu.create_user(first_name="Elif")
    member = emu.create_user(first_name="Deniz")
    stranger = emu.create_user(first_name="Ali")
    group = emu.create_group("Park", members=[member], admins=[helper], creator=owner)
    member.send("/start")  # only Deniz ever opened the bot

    async def go(bot: Bot) -> None:
        assert (await bot.get_chat_member(group.id, owner.id)).status == "creator"
        assert (await bot.get_chat_member(group.id, helper.id)).status == "administrator"
        assert (await bot.get_chat_member(group.id, member.id)).status == "member"
        assert (await bot.get_chat_member(group.id, stranger.id)).status == "left"
        assert (await bot.get_chat(member.id)).type == "private"
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.get_chat(stranger.id)

    with_bot(emu, go)


def test_a_group_admin_deletes_the_bots_message_and_the_bot_finds_it_gone(
    emu: EmulatorClient,
) -> None:
    from telegram.error import BadRequest

    from emulator.client import EmulatorError

    admin = emu.create_user(first_name="Can")
    member = emu.create_user(first_name="Deniz")
    group = emu.create_group("Park", members=[member])
    group.add_member(admin, admin=True)

    async def post(bot: Bot) -> int:
        return (await bot.send_message(group.id, "🆕 kart")).message_id

    card = with_bot(emu, post)
    with pytest.raises(EmulatorError, match="may not delete"):
        member.delete(card, chat=group)
    admin.delete(card, chat=group)
    assert group.transcript() == []

    async def edit(bot: Bot) -> None:
        with pytest.raises(BadRequest, match="not found"):
            await bot.edit_message_text("📌 kart", chat_id=group.id, message_id=card)

    with_bot(emu, edit)
