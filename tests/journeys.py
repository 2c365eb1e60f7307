"""What people do with the bot, through the emulator, as the end-to-end tests share it: a
citizen files a complaint (or goes as far as its summary, or its text step), staff find its
card in their group, a coordinator creates an event and a citizen registers for it; the
clock the bot's jobs read, frozen at a moment, and the flood guard's window; and the
employment centre's firm and CV made with core, for the tests whose subject comes after."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta

from sqlmodel import select

from core import citizens
from core.employment import registry
from core.employment.registry import CV
from core.flood import MessageWindow
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
    """The bot takes `moment` as now (its jobs, and the requests it files) until frozen
    again or thawed."""
    kent.app.bot_data["deps"].clock = lambda: moment


def thaw(kent: Kent) -> None:
    """The bot's clock is the real one again."""
    kent.app.bot_data["deps"].clock = utcnow


def at_local(kent: Kent, days_ahead: int, hour: int, minute: int) -> datetime:
    """`hour`:`minute` in the municipality's time zone, `days_ahead` days from today."""
    local = utcnow().astimezone(kent.config.tz) + timedelta(days=days_ahead)
    return local.replace(hour=hour, minute=minute, second=0, microsecond=0)


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


# --- The flood guard -------------------------------------------------------------------------


def minutes_pass(kent: Kent) -> None:
    """A person takes minutes to write a CV, a test a second: the flood guard's window
    (30 messages a minute) starts again, as it would for them."""
    kent.app.bot_data["flood"] = MessageWindow(kent.config.limits.messages_per_minute)


def unhurried(kent: Kent) -> None:
    """A whole firm and vacancy typed in a few seconds is more than the 30 messages a
    minute a person may send (handlers/guard.py); the limit is not what is tested here."""
    kent.app.bot_data["flood"] = MessageWindow(per_minute=1000)


# --- The employment centre: a firm and a CV made with core -----------------------------------


def _citizen_id(kent: Kent, user: SimUser, language: str) -> int:
    with transaction(kent.engine) as session:
        citizen = citizens.get_or_create(session, user.id, language)
        citizen.language = language
        session.add(citizen)
        session.flush()
        assert citizen.id is not None
        return citizen.id


def firm_to_verify(kent: Kent, owner: SimUser, language: str, name: str = "Ege Lojistik") -> int:
    """A firm registered by `owner` and waiting for verification; its id."""
    citizen_id = _citizen_id(kent, owner, language)
    with transaction(kent.engine) as session:
        citizen = citizens.get_or_create(session, owner.id, language)
        assert citizen.id == citizen_id
        employer = registry.register_employer(
            session,
            citizen,
            name=name,
            tax_number="1234567890",
            sector="Lojistik",
            district="Merkez",
            contact_name="Can Ege",
            contact_phone="+902321112233",
            now=utcnow(),
        )
        assert employer.id is not None
        return employer.id


def saved_cv(kent: Kent, user: SimUser, language: str, name: str, district: str) -> None:
    """`user`'s CV, as if written by the wizard: a forklift operator available now."""
    _citizen_id(kent, user, language)
    with transaction(kent.engine) as session:
        citizen = citizens.get_or_create(session, user.id, language)
        registry.save_cv(
            session,
            citizen,
            CV(
                name=name,
                birth_year=1992,
                district=district,
                phone="+905321112233",
                occupations=["8344"],
                availability="now",
                work_time="full",
            ),
            utcnow(),
        )
