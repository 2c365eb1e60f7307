"""Button presses that come late: too old for Telegram to take their answer (the bot was
restarting, or the press was redelivered after a crash), or pressed again because the
first one's outcome never showed."""

from __future__ import annotations

from typing import Any

from sqlmodel import func, select

from db.engine import transaction
from db.models import Request
from tests.harness import Kent
from tests.journeys import card_of, file_complaint, number_in, to_the_summary


def test_presses_too_old_to_answer_still_do_what_was_asked(kent: Kent) -> None:
    """Telegram refuses every answer here; the citizen files and the staff member takes
    the request on all the same, and no handler fails (the fixture checks)."""
    kent.emu.set_answer_window(0)
    ayse = kent.citizen()
    receipt = file_complaint(kent, ayse)
    number = number_in(receipt)
    assert "Takip numarası" in receipt.text

    mehmet = kent.staff("temizlik")
    group = kent.groups["temizlik"]
    card = card_of(kent, group, number)
    mehmet.press("🙋 Üstlen", chat=group, message_id=card.message_id)
    ayse.wait_message(contains=f"{number} numaralı talebiniz")
    with transaction(kent.engine) as session:
        request = session.exec(select(Request).where(Request.number == number)).one()
        assert request.status == "assigned"
    assert kent.emu.events(kinds="callback_answer") == []


def test_send_pressed_again_after_a_lost_receipt_shows_that_receipt(
    kent: Kent, monkeypatch: Any
) -> None:
    """The request was stored but its receipt never replaced the summary (Telegram
    unreachable here; a crash does the same, and Telegram then redelivers the press).
    The department has its card all the same, and pressing Send again shows the receipt
    of that request instead of asking to start again, which would file it twice."""
    from telegram.error import NetworkError

    ayse = kent.citizen()
    bot_type = type(kent.app.bot)
    send = bot_type.send_message

    async def unreachable(self: Any, chat_id: int, text: str, *args: Any, **kwargs: Any) -> Any:
        if "Talebiniz alındı" in text:
            raise NetworkError("Telegram unreachable")
        return await send(self, chat_id, text, *args, **kwargs)

    monkeypatch.setattr(bot_type, "send_message", unreachable)
    summary = to_the_summary(ayse, "Parktaki bank kırık.")
    ayse.press("📨 Gönder")
    ayse.wait_message(contains="Üzgünüz")  # the usual apology
    errors = kent.app.bot_data["deps"].errors
    assert [str(e) for e in errors] == ["Telegram unreachable"]
    errors.clear()
    monkeypatch.undo()
    with transaction(kent.engine) as session:
        (number,) = session.exec(select(Request.number)).all()
    card_of(kent, kent.groups["temizlik"], number)
    # Unsure, she writes; the bot offers to file that text, which makes it a new draft.
    ayse.send("Şikayetim gönderildi mi acaba?")
    ayse.wait_message(contains="talep veya şikâyet olarak")

    ayse.press("📨 Gönder", message_id=summary.message_id)
    receipt = ayse.wait_message(contains="Talebiniz alındı")
    # The receipt takes the summary's place.
    assert receipt.message_id > summary.message_id
    kent.emu.wait_idle()  # the summary is deleted right after the receipt is sent
    assert summary.message_id not in [m.message_id for m in ayse.transcript()]
    assert number_in(receipt) == number
    with transaction(kent.engine) as session:
        assert session.exec(select(func.count()).select_from(Request)).one() == 1


def test_send_on_someone_elses_filed_summary_shows_nothing_of_it(kent: Kent) -> None:
    """Only the chat the summary is in leads to its receipt: another citizen pressing
    Send with the same message id in their own chat gets the usual 'form closed'."""
    ayse, zeynep = kent.citizen(), kent.citizen(first_name="Zeynep")
    receipt = file_complaint(kent, ayse)
    zeynep.send("/start")
    zeynep.wait_message()
    zeynep.press_data(receipt.message_id, "f:send")
    alert = zeynep.last_alert()
    assert alert is not None and "Lütfen /talep ile yeniden başlayın" in (alert.text or "")
    assert all(number_in(receipt) not in m.text for m in zeynep.transcript())
    with transaction(kent.engine) as session:
        assert session.exec(select(func.count()).select_from(Request)).one() == 1


def test_a_refusal_too_late_to_show_as_an_alert_comes_as_a_message(kent: Kent) -> None:
    """A button of a form she cancelled, pressed when Telegram no longer takes answers:
    the 'form closed' alert comes as a message instead of being lost."""
    ayse = kent.citizen()
    ayse.send("/talep")
    notice = ayse.wait_message(contains="Kişisel Verilerin Korunması")
    ayse.send("/iptal")
    ayse.wait_message(contains="İptal edildi")
    kent.emu.set_answer_window(0)
    ayse.press("✅ Kabul ediyorum", message_id=notice.message_id)
    ayse.wait_message(contains="Bu form kapandı. Lütfen /talep ile yeniden başlayın.")
