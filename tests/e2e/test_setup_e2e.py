"""Wiring the bot to Telegram without guessing ids (handlers/setup.py), and its silence in
groups it does not serve (handlers/guard.py), through the emulator."""

from __future__ import annotations

from emulator.client import SimUser
from tests.harness import Kent


def configured_admin(kent: Kent) -> SimUser:
    return kent.emu.create_user(
        first_name="Yönetici", id=kent.config.bot.admins[0], language_code="tr", started=True
    )


def test_added_by_an_admin_the_bot_tells_the_group_its_id_and_where_it_goes(kent: Kent) -> None:
    admin = configured_admin(kent)
    group = kent.emu.create_group("Fen İşleri yeni grup", members=[admin], bot_in_group=False)
    group.set_bot("member", by=admin)
    hello = group.wait_message(contains="Bu grup")
    assert "Fen İşleri yeni grup" in hello.text
    assert f"chat_id = {group.id}" in hello.text
    assert f"supervisors_chat_id = {group.id}" in hello.text
    assert "kentbot check" in hello.text
    # Made an administrator afterwards, or removed: nothing more to say.
    group.set_bot("administrator", by=admin)
    group.expect_no_message(within=1.0)


def test_a_groups_own_telegram_administrator_may_ask_for_its_id(kent: Kent) -> None:
    """The first setup, before config.toml names any admin: Telegram alone suffices."""
    founder = kent.emu.create_user(first_name="Zeynep", started=True)
    helper = kent.emu.create_user(first_name="Elif", started=True)
    member = kent.emu.create_user(first_name="Ali", started=True)
    group = kent.emu.create_group(
        "Zabıta ekibi", members=[member], admins=[helper], creator=founder, bot_in_group=False
    )
    group.set_bot("member", by=founder)
    assert f"chat_id = {group.id}" in group.wait_message(contains="Bu grup").text
    helper.send("/kimlik", chat=group)
    assert str(group.id) in group.wait_message(contains="Kimliği").text
    member.send("/kimlik", chat=group)  # a plain member: no answer
    group.expect_no_message(within=1.0)


def test_strangers_get_nothing_in_a_group_the_bot_does_not_serve(kent: Kent) -> None:
    stranger = kent.emu.create_user(first_name="Ali", started=True)
    other = kent.emu.create_user(first_name="Veli", started=True)
    group = kent.emu.create_group("Mahalle Sohbet", members=[stranger, other], bot_in_group=False)
    group.set_bot("member", by=stranger)  # a plain member may add bots in many groups
    for text in ("/start", "/personel ekle 1 admin", "/dil", "/talep", "/kimlik", "/yardim"):
        stranger.send(text, chat=group)
    other.send("/kimlik@kentbot_test", chat=group)
    stranger.send("Sokak lambası yanmıyor", chat=group)
    group.expect_no_message(within=1.5)
    stranger.expect_no_message(within=0.2)  # nor in private
    # Citizens' texts never reach it either: a request filed meanwhile goes to its department.
    ayse = kent.citizen()
    ayse.send("/start")
    ayse.wait_message(contains="Merhaba")
    group.expect_no_message(within=0.5)


def test_kimlik_in_private_gives_the_persons_own_id(kent: Kent) -> None:
    ayse = kent.citizen()
    ayse.send("/kimlik")
    answer = ayse.wait_message(contains="Telegram kimliğiniz")
    assert f"admins = [{ayse.id}]" in answer.text
    john = kent.citizen("John", language_code="en", last_name="Smith")
    john.send("/id")
    assert str(john.id) in john.wait_message(contains="Your Telegram id").text


def test_kimlik_in_a_configured_group_says_what_config_names_it(kent: Kent) -> None:
    admin = configured_admin(kent)
    fen = kent.groups["fen"]
    fen.add_member(admin)
    admin.send("/kimlik", chat=fen)
    answer = fen.wait_message(contains="Kimliği")
    assert "Fen İşleri Müdürlüğü" in answer.text and "zaten" in answer.text
    kent.supervisors.add_member(admin)
    admin.send("/kimlik", chat=kent.supervisors)
    assert "amirlerin grubu" in kent.supervisors.wait_message(contains="zaten").text
    # Ordinary staff in their own group get no answer (and no refusal either).
    colleague = kent.staff("fen", first_name="Deniz")
    colleague.send("/kimlik", chat=fen)
    fen.expect_no_message(within=1.0)
