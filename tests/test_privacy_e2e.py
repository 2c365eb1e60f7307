"""KVKK through the emulator: /verilerim sends the citizen's data as a file, /verilerimi_sil
erases it after a confirmation, the retention job erases old closed requests, and the logs
never hold what citizens wrote, their phone numbers or their locations.

The prompts are asserted on stable parts (file name, callback data, database state), since
their Turkish translations are added separately."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import select
from telegram.ext import BaseHandler, CommandHandler

from bot.emulator.client import BotMessage, SimUser
from core import privacy
from db.engine import transaction
from db.models import Attachment, Citizen, Request, RequestEvent
from handlers import privacy as privacy_handlers
from handlers.privacy import retention_job
from tests.conftest import Kent
from tests.test_jobs_e2e import freeze
from tests.test_requests_e2e import file_complaint, number_in, stored

COMPLAINT = "Sokağımızdaki çöpler üç gündür toplanmadı, konteyner taştı."
PHONE = "+905551112233"


class _Collected:
    """Stands in for the Application to collect what privacy.register adds."""

    def __init__(self) -> None:
        self.handlers: list[BaseHandler[Any, Any, Any]] = []

    def add_handler(self, handler: BaseHandler[Any, Any, Any], group: int = 0) -> None:
        self.handlers.append(handler)


def with_privacy(kent: Kent) -> Kent:
    """Until bot/app.py registers handlers.privacy, put its handlers first in group 0 (the
    catch-all fallbacks are already there and would otherwise take /verilerim)."""
    group = kent.app.handlers.setdefault(0, [])
    registered = any(isinstance(h, CommandHandler) and "verilerim" in h.commands for h in group)
    if not registered:
        collected = _Collected()
        privacy_handlers.register(collected)  # type: ignore[arg-type]
        group[0:0] = collected.handlers
    return kent


def has_button(data: str) -> Any:
    return lambda m: any(b.get("callback_data") == data for row in m.inline_keyboard
                         for b in row)


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
    with_privacy(kent)
    ayse = kent.citizen("Ayşe", "tr")
    number = number_in(file_complaint(kent, ayse, text=COMPLAINT))
    group = kent.groups["temizlik"]
    card = group.wait_message(contains=number)
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
    prompt = ayse.wait_message(predicate=has_button(privacy_handlers.ERASE))
    assert has_button(privacy_handlers.KEEP)(prompt)
    with transaction(kent.engine) as session:
        assert privacy.citizen_of(session, ayse.id) is not None  # asking erased nothing
    ayse.press_data(prompt.message_id, privacy_handlers.ERASE)
    ayse.wait_message(predicate=lambda m: m.message_id == prompt.message_id and m.edited
                      and m.inline_keyboard == [])

    # The staff card no longer shows the text or the phone.
    refreshed = group.wait_message(predicate=lambda m: m.message_id == card.message_id
                                   and privacy.ERASED in m.text)
    assert PHONE not in refreshed.text and "çöpler" not in refreshed.text

    request_row = stored(kent, number)
    assert request_row.text == privacy.ERASED
    assert (request_row.contact_phone, request_row.latitude, request_row.longitude) == (
        None, None, None)
    assert (request_row.channel, request_row.type, request_row.category_code) == (
        "telegram", "sikayet", "cop")
    with transaction(kent.engine) as session:
        # The request still counts, as someone's: the citizen row stays, anonymous.
        assert session.exec(select(func.count()).select_from(Request)
                            .where(Request.number == number)).one() == 1
        owner = session.get(Citizen, request_row.citizen_id)
        assert owner is not None and owner.deleted_at is not None
        assert (owner.first_name, owner.last_name, owner.phone, owner.telegram_id) == (
            None, None, None, None)
        files = session.exec(select(Attachment)
                             .where(Attachment.request_id == request_row.id)).all()
        assert [f.telegram_file_id for f in files] == [None]
        events = session.exec(select(RequestEvent)
                              .where(RequestEvent.request_id == request_row.id)).all()
        assert [e.kind for e in events] == ["created"]

    # Asked again, there is nothing left to send.
    ayse.send("/verilerim")
    reply = ayse.wait_message()
    assert reply.document is None
    with transaction(kent.engine) as session:
        assert privacy.citizen_of(session, ayse.id) is None  # asking created nobody


def test_keeping_the_data_erases_nothing(kent: Kent) -> None:
    with_privacy(kent)
    ayse = kent.citizen("Ayşe", "tr")
    number = number_in(file_complaint(kent, ayse, text=COMPLAINT, photo=False))
    ayse.send("/verilerimi_sil")
    prompt = ayse.wait_message(predicate=has_button(privacy_handlers.KEEP))
    ayse.press_data(prompt.message_id, "kvkk:junk")  # forged: ignored, nothing breaks
    ayse.press_data(prompt.message_id, privacy_handlers.KEEP)
    ayse.wait_message(predicate=lambda m: m.message_id == prompt.message_id and m.edited)
    assert stored(kent, number).text == COMPLAINT
    assert stored(kent, number).contact_phone == PHONE


def test_erasing_from_a_forged_button_still_answers(kent: Kent) -> None:
    """Callback data pressed on a message that cannot be edited (here the citizen's own):
    the outcome comes as a new message, and no handler error is raised."""
    with_privacy(kent)
    ayse = kent.citizen("Ayşe", "tr")
    number = number_in(file_complaint(kent, ayse, text=COMPLAINT, photo=False))
    own = ayse.send("merhaba")
    ayse.press_data(int(own["message_id"]), privacy_handlers.ERASE)
    kent.emu.wait_idle()
    assert stored(kent, number).text == privacy.ERASED


def test_privacy_commands_do_nothing_in_groups(kent: Kent) -> None:
    with_privacy(kent)
    mehmet = kent.staff("temizlik")
    group = kent.groups["temizlik"]
    mehmet.send("/verilerim", chat=group)
    mehmet.send("/verilerimi_sil", chat=group)
    kent.emu.wait_idle()
    assert not [m for m in group.transcript() if m.document is not None or m.inline_keyboard]


def test_retention_job_erases_requests_closed_long_ago(kent: Kent) -> None:
    with_privacy(kent)
    ayse = kent.citizen("Ayşe", "tr")
    mehmet = kent.staff("temizlik")
    group = kent.groups["temizlik"]
    number = number_in(file_complaint(kent, ayse, text=COMPLAINT))
    card = group.wait_message(contains=number)
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
    kent.run_job(retention_job)
    erased = stored(kent, number)
    assert (erased.text, erased.contact_phone, erased.latitude) == (privacy.ERASED, None, None)
    assert erased.status == "resolved" and erased.resolved_at == resolved_at
    with transaction(kent.engine) as session:
        # The citizen still uses the bot: only the old request's data went.
        person = privacy.citizen_of(session, ayse.id)
        assert person is not None and person.phone == PHONE and person.deleted_at is None


# --- logs ---------------------------------------------------------------------------------

SECRETS = [COMPLAINT, "çöpler üç gündür", PHONE, "555 111 22 33", "5551112233", "41.0255",
           "29.102"]


def _leaks(caplog: pytest.LogCaptureFixture, prefixes: tuple[str, ...]) -> list[str]:
    found = []
    for record in caplog.records:
        if not record.name.startswith(prefixes):
            continue
        rendered = record.getMessage() + (
            logging.Formatter().formatException(record.exc_info) if record.exc_info else "")
        found += [f"{record.name}: {secret!r} in {rendered[:300]!r}"
                  for secret in SECRETS if secret in rendered]
    return found


def _complaint_flow_logged(kent: Kent, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with_privacy(kent)
    ayse = kent.citizen("Ayşe", "tr")
    mehmet = kent.staff("temizlik")
    group = kent.groups["temizlik"]
    number = number_in(file_complaint(kent, ayse, text=COMPLAINT))
    card = group.wait_message(contains=number)
    mehmet.press("✅ Çözüldü", chat=group, message_id=card.message_id)
    ayse.wait_message(contains=f"{number} numaralı talebiniz çözüldü")
    ask_export(kent, ayse)
    ayse.send("/verilerimi_sil")
    prompt = ayse.wait_message(predicate=has_button(privacy_handlers.ERASE))
    ayse.press_data(prompt.message_id, privacy_handlers.ERASE)
    group.wait_message(predicate=lambda m: m.message_id == card.message_id
                       and privacy.ERASED in m.text)
    kent.emu.wait_idle()
    assert any(r.name.startswith("kentbot") for r in caplog.records)  # logs were captured


def test_our_logs_never_hold_texts_phones_or_locations(
        kent: Kent, caplog: pytest.LogCaptureFixture) -> None:
    _complaint_flow_logged(kent, caplog)
    assert _leaks(caplog, ("kentbot", "httpx", "httpcore")) == []


def test_library_debug_logs_never_hold_texts_phones_or_locations(
        kent: Kent, caplog: pytest.LogCaptureFixture) -> None:
    _complaint_flow_logged(kent, caplog)
    assert _leaks(caplog, ("telegram",)) == []
