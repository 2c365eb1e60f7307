"""What people do with the bot, through the emulator, as the end-to-end tests share it: a
citizen files a complaint (or goes as far as its summary, or its text step), staff find its
card in their group, a coordinator creates an event and a citizen registers for it; and the
clock the bot's jobs read, frozen at a moment."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta

from sqlmodel import select

from db.engine import transaction
from db.models import Citizen, Membership, Request
from db.types import utcnow
from emulator.client import BotMessage, SimGroup, SimUser
from tests.harness import Kent

# --- A citizen files a request ---------------------------------------------------------------


def file_complaint(
    kent: Kent,
    citizen: SimUser,
    text: str = "Sokağımızdaki çöpler üç gündür toplanmadı, konteyner taştı.",
    photo: bool = True,
    location: bool = True,
    first_time: bool = True,
) -> BotMessage:
    """Walks the whole filing flow as a citizen would; returns the receipt."""
    to_the_summary(citizen, text, photo=photo, location=location, first_time=first_time)
    citizen.press("📨 Gönder")
    return citizen.wait_message(contains="Talebiniz alındı")


def to_the_summary(
    citizen: SimUser, text: str, photo: bool = True, location: bool = True, first_time: bool = True
) -> BotMessage:
    """Every step of the filing flow up to the summary, which it returns."""
    citizen.send("/talep")
    if first_time:  # the KVKK notice is shown once, until accepted
        citizen.wait_message(contains="Kişisel Verilerin Korunması")
        citizen.press("✅ Kabul ediyorum")
    # Type and topic on one screen; "Şikâyet" comes preselected.
    topics = citizen.wait_message(contains="Hangi konuyla ilgili?")
    assert topics.buttons[0] == ["Talep", "✅ Şikâyet", "Soru", "Öneri"]
    citizen.press("Çöp toplama")
    citizen.wait_message(contains="Lütfen konuyu bir mesajla anlatın")
    citizen.send(text)
    # Location and photos in one step, then Continue.
    citizen.wait_message(contains="Nerede?")
    if location:
        citizen.share_location(41.0255, 29.1020)
    if photo:
        citizen.send_photo(caption=None)
    citizen.send("✅ Devam")
    citizen.wait_message(contains="Gerekirse personelimiz sizi arayabilir mi?")
    citizen.share_contact("+90 555 111 22 33")
    summary = citizen.wait_message(
        contains="Lütfen talebinizi kontrol edin", predicate=lambda m: "📨 Gönder" in m.flat_buttons
    )
    assert "Temizlik İşleri Müdürlüğü" in summary.text
    return summary


def to_the_text_step(citizen: SimUser) -> None:
    """A first-time citizen starts filing and picks the topic: the flow asks for the text."""
    citizen.send("/talep")
    citizen.wait_message(contains="Kişisel Verilerin Korunması")
    citizen.press("✅ Kabul ediyorum")
    citizen.wait_message(contains="Hangi konuyla ilgili?")
    citizen.press("Çöp toplama")
    citizen.wait_message(contains="Lütfen konuyu bir mesajla anlatın")


def number_in(receipt: BotMessage) -> str:
    """The tracking number a receipt gives (2026-000001)."""
    match = re.search(r"\b(\d{4}-\d{6})\b", receipt.text)
    assert match, receipt.text
    return match.group(1)


def stored(kent: Kent, number: str) -> Request:
    """The request with this tracking number, as the database has it now."""
    with transaction(kent.engine) as session:
        return session.exec(select(Request).where(Request.number == number)).one()


# --- Staff see it in their group ---------------------------------------------------------------


def card_of(kent: Kent, group: SimGroup, number: str) -> BotMessage:
    """The request's card, once the bot has stored it as the card: staff can act on it.

    Telegram has the card a moment before the bot's database does, and a reply to a card
    the bot does not know yet is not taken as an answer."""
    card = group.wait_message(contains=number)
    deadline = time.monotonic() + 5
    while stored(kent, number).card_message_id != card.message_id:
        assert time.monotonic() < deadline, f"the card of {number} was not stored"
        time.sleep(0.02)
    return card


# --- The City Council: a coordinator's event, a citizen's registration -------------------------


def create_event(
    kent: Kent,
    coordinator: SimUser,
    assembly: str,
    title: str,
    capacity: int,
    members_only: bool = False,
) -> int:
    """A coordinator adds an event a week ahead through /etkinlik_ekle; returns its id."""
    start = (utcnow() + timedelta(days=7)).astimezone(kent.config.tz)
    coordinator.send("/etkinlik_ekle")
    coordinator.wait_message(contains="Hangi meclisin etkinliği?")
    coordinator.press(assembly)
    coordinator.wait_message(contains="Etkinliğin başlığı")
    coordinator.send(title)
    coordinator.wait_message(contains="Kısa bir açıklama")
    coordinator.send("Mahallemizin sorunlarını konuşuyoruz.")
    coordinator.wait_message(contains="Ne zaman başlıyor?")
    coordinator.send(start.strftime("%d.%m.%Y 14:00"))
    coordinator.wait_message(contains="Ne zaman bitiyor?")
    coordinator.send(start.strftime("%d.%m.%Y 16:00"))
    coordinator.wait_message(contains="Nerede yapılacak?")
    coordinator.send("Kültür Merkezi Salon 2")
    coordinator.wait_message(contains="Kaç kişilik kontenjan?")
    coordinator.send(str(capacity))
    coordinator.wait_message(contains="Son kayıt zamanı")
    coordinator.send("-")
    coordinator.wait_message(contains="Yalnızca meclis üyelerine mi açık?")
    coordinator.press("Evet, yalnızca üyeler" if members_only else "Hayır, herkese açık")
    summary = coordinator.wait_message(contains="Yeni etkinlik")
    assert "Kültür Merkezi Salon 2" in summary.text
    # The day is said once: "13 Aralık 2026 Pazar 14:00–16:00".
    assert f"{start.year} " in summary.text and summary.text.count(str(start.year)) == 1
    assert "14:00–16:00" in summary.text
    coordinator.press("✅ Oluştur")
    created = coordinator.wait_message(contains="numaralı etkinlik oluşturuldu")
    match = re.search(r"(\d+) numaralı etkinlik oluşturuldu", created.text)
    assert match and "?start=ev_" + match.group(1) in created.text
    return int(match.group(1))


def register(
    citizen: SimUser, event_id: int, expect: str = "Kayıt ol", consent: bool = True
) -> None:
    """A citizen opens the event's link and registers (or joins its waiting list)."""
    citizen.send(f"/start ev_{event_id}")
    citizen.wait_message(contains="Kültür Merkezi Salon 2")
    citizen.press("✅ Kayıt ol" if expect == "Kayıt ol" else "⏳ Bekleme listesine gir")
    if consent:
        citizen.wait_message(contains="Kişisel Verilerin Korunması")
        citizen.press("✅ Kabul ediyorum")


# --- Time ------------------------------------------------------------------------------------


def freeze(kent: Kent, moment: datetime) -> None:
    """The bot's jobs take `moment` as now until frozen again."""
    kent.app.bot_data["deps"].clock = lambda: moment


def add_members(kent: Kent, count: int, assembly: str = "kadin") -> list[SimUser]:
    """People who opened the bot before, as members of an assembly."""
    people = [
        kent.emu.create_user(first_name=f"Üye{n}", language_code="tr", started=True)
        for n in range(count)
    ]
    with transaction(kent.engine) as session:
        for person in people:
            citizen = Citizen(
                telegram_id=person.id,
                first_name=person.data["first_name"],
                language="tr",
                consent_at=utcnow(),
                created_at=utcnow(),
            )
            session.add(citizen)
            session.flush()
            assert citizen.id is not None
            session.add(
                Membership(assembly_code=assembly, citizen_id=citizen.id, joined_at=utcnow())
            )
    return people
