"""Issue 2 end to end: /start, /yardim, /dil, unknown input and errors, through the emulator."""

from __future__ import annotations

from sqlmodel import select
from telegram import Update
from telegram.ext import CommandHandler, ContextTypes

from db.engine import transaction
from db.models import Citizen
from tests.harness import Kent


def test_start_greets_by_name_in_turkish_with_the_main_menu(kent: Kent) -> None:
    ayse = kent.citizen("Ayşe", "tr")
    ayse.send("/start")
    reply = ayse.wait_message(contains="Merhaba Ayşe!")
    assert "Örnek İlçe Belediyesi" in reply.text
    assert reply.flat_buttons == [
        "📝 Talep / şikâyet bildir",
        "📋 Taleplerim",
        "🏛 Kent Konseyi",
        "📅 Etkinlikler",
        "💼 İş ve kariyer",
        "🌐 Dil / Language",
        "❓ Yardım",
    ]


def test_telegram_language_is_used_when_we_have_it(kent: Kent) -> None:
    john = kent.citizen("John", "en", last_name=None)
    john.send("/start")
    assert "📋 My requests" in john.wait_message(contains="Hello John!").flat_buttons
    hans = kent.citizen("Hans", "de", last_name=None)
    hans.send("/start")
    hans.wait_message(contains="Merhaba Hans!")  # no German catalog: Turkish


def test_dil_switches_language_and_remembers_it(kent: Kent) -> None:
    ayse = kent.citizen("Ayşe", "tr")
    ayse.send("/dil")
    ayse.wait_message(contains="Lütfen dilinizi seçin")
    ayse.press("🇬🇧 English")
    ayse.wait_message(contains="Language set to English.")
    ayse.send("/start")
    ayse.wait_message(contains="Hello Ayşe!")
    with transaction(kent.engine) as session:
        stored = session.exec(select(Citizen).where(Citizen.telegram_id == ayse.id)).one()
        assert stored.language == "en"
    ayse.send("/dil tr")
    ayse.wait_message(contains="Dil Türkçe olarak ayarlandı.")


def test_help_in_both_spellings(kent: Kent) -> None:
    ayse = kent.citizen()
    ayse.send("/yardim")
    assert "/talep" in ayse.wait_message(contains="Neler yapabilirim?").text
    ayse.send("/help")
    ayse.wait_message(contains="Neler yapabilirim?")


def test_unknown_input_never_meets_silence(kent: Kent) -> None:
    ayse = kent.citizen()
    ayse.send_sticker()
    assert "/yardim" in ayse.wait_message(contains="anlayamadım").text
    ayse.send("/bilinmeyenkomut")
    ayse.wait_message(contains="anlayamadım")
    ayse.send("merhaba")
    ayse.wait_message(contains="anlayamadım")


def test_commands_are_registered_in_each_language(kent: Kent) -> None:
    kent.emu.wait_idle()
    turkish = {c["command"]: c["description"] for c in kent.emu.commands(language_code="tr")}
    english = {c["command"]: c["description"] for c in kent.emu.commands(language_code="en")}
    default = {c["command"]: c["description"] for c in kent.emu.commands()}
    assert turkish["talep"] == "Talep veya şikâyet bildir"
    assert english["talep"] == "File a request or complaint"
    assert default == turkish
    assert set(turkish) >= {"start", "talep", "taleplerim", "iptal", "yardim", "dil"}


def test_a_failing_handler_is_logged_and_the_citizen_gets_an_apology(kent: Kent) -> None:
    async def broken(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        raise RuntimeError("boom")

    kent.app.add_handler(CommandHandler("bozuk", broken), group=-4)
    ayse = kent.citizen()
    ayse.send("/bozuk")
    ayse.wait_message(contains="Üzgünüz, bizden kaynaklanan bir sorun oluştu")
    errors = kent.app.bot_data["deps"].errors
    assert [str(e) for e in errors] == ["boom"]
    errors.clear()
