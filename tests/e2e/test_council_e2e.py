"""Issue 4 end to end: joining assemblies, a guardian registering a child, events with
registration, waiting list, QR and calendar file, check-in, cancellation, announcements."""

from __future__ import annotations

import re

from sqlmodel import select

from db.engine import transaction
from db.models import Citizen, CouncilEvent, Membership, Registration
from emulator.client import SimUser
from tests.harness import Kent
from tests.journeys import create_event, register


def accept_and_join(citizen: SimUser, assembly: str) -> None:
    citizen.send("/meclis")
    citizen.wait_message(contains="Kent Konseyi meclisleri")
    citizen.press(assembly)
    citizen.wait_message(contains=assembly)
    citizen.press("✅ Üye ol")
    citizen.wait_message(contains="Kişisel Verilerin Korunması")
    citizen.press("✅ Kabul ediyorum")


def test_joining_assemblies_with_age_rules(kent: Kent) -> None:
    ayse = kent.citizen("Ayşe")
    accept_and_join(ayse, "Kadınlar Meclisi")
    ayse.wait_message(contains="Kadınlar Meclisi ailesine hoş geldiniz")

    ayse.send("/meclis")
    listing = ayse.wait_message(contains="Kent Konseyi meclisleri")
    assert "Kadınlar Meclisi ✅" in listing.flat_buttons
    ayse.press("Gençlik Meclisi")
    ayse.press("✅ Üye ol")
    ayse.wait_message(contains="Lütfen doğum tarihinizi yazın")
    # A command wins over the pending question, which still takes the date afterwards.
    ayse.send("/etkinlikler")
    assert "Bu tarihi okuyamadım" not in ayse.wait_message(contains="etkinlik").text
    ayse.send("31.02.1990")
    ayse.wait_message(contains="Bu tarihi okuyamadım")
    ayse.send("12.05.1980")  # 46: too old for the Youth Assembly (15-29)
    refused = ayse.wait_message(
        contains="Gençlik Meclisi yalnızca 15–29 yaş arasındakilere açıktır"
    )
    # The refusal ends the question and says where to go next.
    assert "📋 Diğer meclisler" in refused.flat_buttons
    ayse.send("/etkinlikler")
    ayse.wait_message(contains="etkinlik")
    ayse.send("Merhaba")
    assert "Bu tarihi okuyamadım" not in ayse.wait_message().text
    ayse.send("/taleplerim")
    assert "Bu tarihi okuyamadım" not in ayse.wait_message().text
    ayse.press("📋 Diğer meclisler", message_id=refused.message_id)
    ayse.wait_message(contains="Kent Konseyi meclisleri")

    can = kent.citizen("Can", last_name="Er")
    accept_and_join(can, "Gençlik Meclisi")
    can.wait_message(contains="doğum tarihinizi")
    can.send("01.01.2005")
    can.wait_message(contains="Gençlik Meclisi ailesine hoş geldiniz")
    with transaction(kent.engine) as session:
        members = session.exec(select(Membership).where(Membership.left_at == None)).all()  # noqa: E711
        assert sorted(m.assembly_code for m in members) == ["genclik", "kadin"]

    ayse.send("/meclis")
    ayse.press("Kadınlar Meclisi ✅")
    ayse.press("🚪 Ayrıl")
    ayse.wait_message(contains="Meclisten ayrıldınız")


def test_a_guardian_registers_a_child(kent: Kent) -> None:
    veli = kent.citizen("Fatma", last_name="Demir")
    veli.send("/meclis")
    veli.press("Çocuk Meclisi")
    veli.press("👧 Çocuğumu kaydet")
    veli.press("✅ Kabul ediyorum")
    veli.wait_message(contains="çocuğunuzun adını ve soyadını")
    veli.send("Elif Demir")
    veli.wait_message(contains="Çocuğunuzun doğum tarihi")
    veli.send("05.04.2015")
    confirm = veli.wait_message(contains="yasal vasisi olduğunuzu")
    with transaction(kent.engine) as session:
        pending = session.exec(select(Membership).where(Membership.assembly_code == "cocuk")).one()
        assert pending.guardian_confirmed_at is None
    veli.press("✅ Veli / vasi olarak onaylıyorum", message_id=confirm.message_id)
    veli.wait_message(contains="Elif artık Çocuk Meclisi üyesi")
    with transaction(kent.engine) as session:
        membership = session.exec(
            select(Membership).where(Membership.assembly_code == "cocuk")
        ).one()
        child = session.get(Citizen, membership.citizen_id)
        guardian = session.exec(select(Citizen).where(Citizen.telegram_id == veli.id)).one()
        assert membership.guardian_confirmed_at is not None
        assert membership.guardian_id == guardian.id
        assert child is not None and child.telegram_id is None and child.first_name == "Elif"


def test_events_registration_waiting_list_and_check_in(kent: Kent) -> None:
    coordinator = kent.staff("kent_konseyi", role="coordinator", first_name="Selin")
    event_id = create_event(kent, coordinator, "Kadınlar Meclisi", "Mahalle buluşması", 1)
    ayse, zeynep = kent.citizen("Ayşe"), kent.citizen("Zeynep", last_name="Kara")
    ayse.send("/etkinlikler")
    listing = ayse.wait_message(contains="Mahalle buluşması")
    assert "boş yer: 1" in listing.text
    # The assembly filters, three to a row: a long name is cut at a word, with "…".
    assert "Kıdemli Hemşehri…" in listing.flat_buttons
    assert "Kent Konseyi Genel…" in listing.flat_buttons

    register(ayse, event_id)
    qr = ayse.wait_message(predicate=lambda m: m.photo is not None)
    code = re.search(r"Giriş kodunuz: ([A-Z0-9]{6})", qr.text)
    assert code, qr.text
    ics = ayse.wait_message(predicate=lambda m: m.document is not None)
    assert ics.document is not None and ics.document["file_name"] == f"etkinlik-{event_id}.ics"

    register(zeynep, event_id, expect="waiting")
    zeynep.wait_message(contains="bekleme listesinde 1. sıradasınız")

    # Ayşe withdraws: Zeynep gets the seat at once, with her own code, QR and calendar.
    ayse.send(f"/start ev_{event_id}")
    ayse.wait_message(contains="Kayıtlısınız")
    ayse.press("↩️ Geri çek")
    ayse.wait_message(contains="Kaydınızı iptal ettiniz")
    promoted = zeynep.wait_message(contains="Sizin için bir yer açıldı!")
    zeynep_code = re.search(r"Giriş kodunuz: ([A-Z0-9]{6})", promoted.text)
    assert promoted.photo is not None and zeynep_code
    zeynep.wait_message(predicate=lambda m: m.document is not None)

    coordinator.send(f"/yoklama {event_id} {code.group(1)}")
    coordinator.wait_message(contains="Bu etkinlikte bu koda ait kayıt yok")  # Ayşe withdrew
    coordinator.send(f"/yoklama {event_id}")
    coordinator.wait_message(contains="gelenlerin kodlarını tek tek yazın")
    coordinator.send(zeynep_code.group(1).lower())
    coordinator.wait_message(contains="Giriş yapıldı: Zeynep Kara")
    coordinator.send(zeynep_code.group(1))
    coordinator.wait_message(contains="Bu kodla zaten giriş yapıldı")
    coordinator.send("/iptal")
    # Ending check-in is no cancelled form: nothing "was not sent".
    done = coordinator.wait_message(contains="Yoklama tamamlandı")
    assert "gönderilmedi" not in done.text
    with transaction(kent.engine) as session:
        rows = {r.status for r in session.exec(select(Registration)).all()}
        assert rows == {"cancelled", "attended"}

    outsider = kent.citizen("Ali")
    outsider.send(f"/yoklama {event_id} {zeynep_code.group(1)}")
    outsider.wait_message(contains="Kent Konseyi koordinatörleri içindir")


def test_members_only_refusal_cancellation_and_announcement(kent: Kent) -> None:
    coordinator = kent.staff("kent_konseyi", role="coordinator", first_name="Selin")
    event_id = create_event(
        kent, coordinator, "Kadınlar Meclisi", "Üyeler toplantısı", 10, members_only=True
    )
    ali = kent.citizen("Ali")
    ali.send(f"/start ev_{event_id}")
    ali.wait_message(contains="Üyeler toplantısı")
    ali.press("✅ Kayıt ol")
    # Not a pop-up that leaves him stuck: the event's message shows the way to join.
    refused = ali.wait_message(contains="yalnızca Kadınlar Meclisi üyelerine açıktır")
    ali.press("🏛 Meclise üye ol", message_id=refused.message_id)
    assembly = ali.wait_message(contains="Kadınlar Meclisi")
    assert "✅ Üye ol" in assembly.flat_buttons

    ayse = kent.citizen("Ayşe")
    accept_and_join(ayse, "Kadınlar Meclisi")
    ayse.wait_message(contains="hoş geldiniz")
    register(ayse, event_id, consent=False)  # she accepted the notice when joining
    ayse.wait_message(predicate=lambda m: m.photo is not None)

    coordinator.send("/duyuru meclis kadin Yarınki toplantı 14:00'te.")
    coordinator.wait_message(contains="1 kişiye gönderiliyor")
    ayse.wait_message(contains="📣 Yarınki toplantı 14:00'te.")
    coordinator.wait_message(contains="Duyuru 1 kişiden 1 kişiye iletildi")

    coordinator.send(f"/etkinlik_duzenle {event_id} yer Belediye Meclis Salonu")
    coordinator.wait_message(contains="güncellendi; 1 kişiye bildiriliyor")
    ayse.wait_message(contains="yer: Belediye Meclis Salonu")

    coordinator.send(f"/etkinlik_iptal {event_id}")
    coordinator.press("Evet, etkinliği iptal et")
    coordinator.wait_message(contains="iptal edildi; 1 kişiye bildiriliyor")
    ayse.wait_message(contains="etkinliği iptal edildi. Üzgünüz.")
    with transaction(kent.engine) as session:
        event = session.get(CouncilEvent, event_id)
        assert event is not None and event.cancelled_at is not None
        assert event.place == "Belediye Meclis Salonu"


def test_coordinator_commands_say_how_they_are_written(kent: Kent) -> None:
    """A command typed wrong gets its usage (or why not), and nothing changes."""
    coordinator = kent.staff("kent_konseyi", role="coordinator", first_name="Selin")
    event_id = create_event(kent, coordinator, "Kadınlar Meclisi", "Mahalle buluşması", 5)

    coordinator.send("/yoklama")
    coordinator.wait_message(contains="Kullanım: /yoklama ETKİNLİK_NO [KOD]")
    coordinator.send("/duyuru merhaba")
    coordinator.wait_message(contains="Kullanım: /duyuru meclis MECLİS_KODU METİN")
    coordinator.send("/duyuru meclis yok_boyle Yarın toplantı var.")  # no such assembly
    coordinator.wait_message(contains="Kullanım: /duyuru meclis MECLİS_KODU METİN")
    coordinator.send(f"/etkinlik_duzenle {event_id} renk mavi")
    coordinator.wait_message(contains="Kullanım: /etkinlik_duzenle NO ALAN DEĞER")
    coordinator.send(f"/etkinlik_duzenle {event_id} baslangic yarın öğlen")
    coordinator.wait_message(contains="Bu tarih ve saati okuyamadım")
    coordinator.send(f"/etkinlik_duzenle {event_id} kontenjan çok")
    coordinator.wait_message(contains="Kontenjan en az 1 olan bir tam sayı olmalıdır.")
    coordinator.send(f"/yoklama {event_id}")
    started = coordinator.wait_message(contains="gelenlerin kodlarını tek tek yazın")
    assert f"{event_id}" in started.text
    coordinator.send("/iptal")
    coordinator.wait_message(contains="Yoklama tamamlandı")

    # Someone who is no coordinator hears that, not how to write the command.
    outsider = kent.citizen("Ali")
    outsider.send("/duyuru merhaba")
    refused = outsider.wait_message(contains="Kent Konseyi koordinatörleri içindir")
    assert "Kullanım" not in refused.text
    with transaction(kent.engine) as session:
        event = session.get(CouncilEvent, event_id)
        assert event is not None and event.capacity == 5 and event.place != "mavi"
