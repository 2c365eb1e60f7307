"""Issue 3 end to end: a citizen files a complaint, staff handle it in their group, and the
citizen hears of every step; forged input changes nothing."""

from __future__ import annotations

import time
from typing import Any

from sqlmodel import col, select

from db.engine import transaction
from db.models import ConversationState, Request, RequestEvent
from emulator.client import BotMessage, SimUser
from tests.harness import Kent
from tests.journeys import (
    card_of,
    file_complaint,
    number_in,
    stored,
    to_the_summary,
    to_the_text_step,
)


def test_complaint_from_filing_to_resolution(kent: Kent) -> None:
    ayse = kent.citizen("Ayşe", "tr")
    mehmet = kent.staff("temizlik", first_name="Mehmet")
    group = kent.groups["temizlik"]

    receipt = file_complaint(kent, ayse)
    number = number_in(receipt)
    assert "Temizlik İşleri Müdürlüğü" in receipt.text
    assert "En geç" in receipt.text and "tarihine kadar" in receipt.text
    # The phone step's keyboard (share, skip, back, cancel) goes with the receipt: nothing
    # is left to offer a step that has ended.
    assert ayse.client.chat_state(ayse.id).get("reply_keyboard") is None
    kent.emu.wait_idle()  # the summary it replaces is deleted right after it is sent
    assert "Lütfen talebinizi kontrol edin" not in str([m.text for m in ayse.transcript()])
    request = stored(kent, number)
    assert request.channel == "telegram" and request.type == "sikayet"
    assert request.category_code == "cop" and request.department_code == "temizlik"
    assert (request.latitude, request.longitude) == (41.0255, 29.1020)
    assert request.contact_phone == "+905551112233"
    assert request.first_response_at is None and request.due_at is not None

    # One photo: the card is its caption, and the map link stands for the location.
    card = card_of(kent, group, number)
    assert card.photo is not None and card.caption is not None
    assert "çöpler üç gündür" in card.text and "Haritada konum" in card.text
    assert "fotoğraf var" not in card.text
    # The time it came, not an age that would freeze at the card's last edit.
    assert "🕒 Geliş: " in card.text and "önce" not in card.text
    assert "🙋 Üstlen" in card.flat_buttons and "✅ Çözüldü" in card.flat_buttons
    group.expect_no_message(within=0.3)  # no map pin, no second photo

    mehmet.press("🙋 Üstlen", chat=group, message_id=card.message_id)
    ayse.wait_message(
        contains=f"{number} numaralı talebiniz Temizlik İşleri Müdürlüğü tarafından işleme alındı"
    )
    taken = group.wait_message(
        contains="Mehmet Kaya", predicate=lambda m: m.message_id == card.message_id
    )
    assert taken.edited and taken.photo is not None  # its caption was edited
    assert "🙋 Üstlen" in taken.flat_buttons

    mehmet.reply(card.message_id, "Ekiplerimiz bugün öğleden sonra toplayacak.", chat=group)
    answer = ayse.wait_message(contains="Ekiplerimiz bugün öğleden sonra toplayacak.")
    assert f"{number} numaralı talebinize yanıt" in answer.text
    group.wait_message(contains="Vatandaşa iletildi")

    mehmet.press("✅ Çözüldü", chat=group, message_id=card.message_id)
    ayse.wait_message(contains=f"{number} numaralı talebiniz çözüldü")
    final = group.wait_message(
        contains="Durum: Çözüldü", predicate=lambda m: m.message_id == card.message_id
    )
    assert final.flat_buttons == []  # closed: no more buttons

    request = stored(kent, number)
    assert request.status == "resolved"
    assert request.first_response_at is not None and request.resolved_at is not None
    assert request.created_at <= request.first_response_at <= request.resolved_at
    with transaction(kent.engine) as session:
        kinds = [
            e.kind
            for e in session.exec(
                select(RequestEvent)
                .where(RequestEvent.request_id == request.id)
                .order_by(col(RequestEvent.id))
            ).all()
        ]
        actors = {
            e.actor_telegram_id
            for e in session.exec(
                select(RequestEvent).where(
                    RequestEvent.request_id == request.id, RequestEvent.kind != "created"
                )
            ).all()
        }
    assert kinds == ["created", "assigned", "answered", "resolved"]
    assert actors == {mehmet.id}


def test_free_text_first_suggests_categories(kent: Kent) -> None:
    ayse = kent.citizen()
    ayse.send("Sokağımızdaki lambalar 3 gündür yanmıyor")
    ayse.wait_message(contains="talep veya şikâyet olarak iletmek ister misiniz?")
    ayse.press("📝 Evet, talep olarak ilet")
    ayse.wait_message(contains="Kişisel Verilerin Korunması")
    ayse.press("✅ Kabul ediyorum")
    suggestions = ayse.wait_message(contains="Mesajınız: Sokağımızdaki lambalar")
    assert "Yazdıklarınıza uygun görünen konular" in suggestions.text
    assert suggestions.buttons[1] == ["Sokak aydınlatması"]
    assert "📂 Diğer konular" in suggestions.flat_buttons
    ayse.press("Talep")  # the type toggle keeps the suggestions on screen
    suggestions = ayse.wait_message(contains="Tür: Talep")
    assert "✅ Talep" in suggestions.flat_buttons and "📂 Diğer konular" in suggestions.flat_buttons
    ayse.press("Sokak aydınlatması")
    # The description was already given, so the next step is the location.
    ayse.wait_message(contains="Nerede?")


def test_bad_input_is_refused_politely_and_the_draft_survives(kent: Kent) -> None:
    ayse = kent.citizen()
    ayse.send("/talep")
    ayse.press("✅ Kabul ediyorum")
    ayse.press("Park, yeşil alan ve oyun grubu")
    ayse.wait_message(contains="Lütfen konuyu bir mesajla anlatın")
    ayse.send("x" * 2001)
    ayse.wait_message(contains="sizin metniniz 2001 karakter")
    ayse.send("   ")
    ayse.wait_message(contains="Mesaj boş")
    ayse.send("Parktaki salıncak kırık, çocuklar için tehlikeli.")
    ayse.wait_message(contains="Nerede?")
    ayse.send("⬅️ Geri")
    ayse.wait_message(contains="Lütfen konuyu bir mesajla anlatın")
    ayse.send("/iptal")
    cancelled = ayse.wait_message(contains="İptal edildi. Hiçbir şey gönderilmedi.")
    # The location step's keyboard goes with it: nothing is left to offer a step that has ended.
    assert cancelled.removes_keyboard
    assert ayse.client.chat_state(ayse.id).get("reply_keyboard") is None
    with transaction(kent.engine) as session:
        assert session.exec(select(Request)).all() == []


def test_citizens_never_see_each_others_requests(kent: Kent) -> None:
    ayse, ali = kent.citizen("Ayşe"), kent.citizen("Ali", last_name="Demir")
    number = number_in(file_complaint(kent, ayse, photo=False, location=False))
    request = stored(kent, number)

    ali.send(f"/taleplerim {number}")
    ali.wait_message(contains=f"{number} numaralı bir talebiniz bulunmuyor")
    ali.send("/start")
    menu = ali.wait_message(contains="Merhaba Ali")
    for forged in (
        f"my:v:{request.id}",
        f"my:wy:{request.id}",
        f"my:n:{request.id}",
        "my:v:abc",
        "my:p:-5",
    ):
        ali.press_data(menu.message_id, forged)
        if forged != "my:p:-5":
            alert = ali.last_alert()
            assert alert is not None and alert.text == "Talep bulunamadı."
    assert stored(kent, number).status == "new"

    ayse.send("/taleplerim")
    listing = ayse.wait_message(contains="Talepleriniz")
    assert number in listing.text
    ayse.press(number)
    detail = ayse.wait_message(contains="Geçmiş")
    assert "çöpler üç gündür" in detail.text


def test_staff_of_another_department_cannot_act(kent: Kent) -> None:
    ayse = kent.citizen()
    kent.staff("temizlik", first_name="Mehmet")
    intruder = kent.staff("park", first_name="Zeynep")
    outsider = kent.emu.create_user(first_name="Yabancı")
    group = kent.groups["temizlik"]
    group.add_member(intruder)
    group.add_member(outsider)
    number = number_in(file_complaint(kent, ayse, photo=False, location=False))
    card = card_of(kent, group, number)
    request = stored(kent, number)

    for person in (intruder, outsider):
        person.press("✅ Çözüldü", chat=group, message_id=card.message_id)
        alert = person.last_alert(chat=group)
        assert alert is not None and alert.show_alert
        assert "yalnızca bu birimin" in (alert.text or "")
        person.press_data(card.message_id, f"st:to:{request.id}:imar", chat=group)
        assert "yalnızca bu birimin" in ((person.last_alert(chat=group) or alert).text or "")
        person.reply(card.message_id, "Bu yanıt gitmemeli", chat=group)
        group.wait_message(contains="yalnızca bu birimin")
    ayse.expect_no_message(within=0.5)
    after = stored(kent, number)
    assert (after.status, after.department_code, after.first_response_at) == (
        "new",
        "temizlik",
        None,
    )


def test_redirect_question_and_withdrawal(kent: Kent) -> None:
    ayse = kent.citizen()
    mehmet = kent.staff("temizlik")
    # A name with HTML's own characters reads as written in the prompt (sent as HTML).
    imar_supervisor = kent.staff(None, role="supervisor", first_name="Selin <Ş&K>")
    group = kent.groups["temizlik"]
    number = number_in(file_complaint(kent, ayse, photo=False, location=False))
    card = card_of(kent, group, number)
    request = stored(kent, number)

    # Redirect to İmar, which has no group of its own: the card goes to the supervisors.
    mehmet.press("↪️ Yönlendir", chat=group, message_id=card.message_id)
    group.wait_message(predicate=lambda m: "İmar ve Şehircilik Müdürlüğü" in m.flat_buttons)
    mehmet.press("İmar ve Şehircilik Müdürlüğü", chat=group, message_id=card.message_id)
    ayse.wait_message(contains="konudan sorumlu birime iletildi: İmar ve Şehircilik Müdürlüğü")
    new_card = kent.supervisors.wait_message(contains=number)
    assert stored(kent, number).department_code == "imar"
    # The old department lost the request.
    mehmet.press_data(card.message_id, f"st:rs:{request.id}", chat=group)
    refused = mehmet.last_alert(chat=group)
    assert refused is not None and "yalnızca bu birimin" in (refused.text or "")

    # A supervisor asks the citizen; the citizen's reply comes back to the card's thread.
    imar_supervisor.press("❓ Vatandaşa sor", chat=kent.supervisors, message_id=new_card.message_id)
    prompt = kent.supervisors.wait_message(contains="vatandaşa sormak istediğiniz soruyu")
    assert prompt.text.startswith("❓ Selin <Ş&K>, ")
    # The prompt answers the card and opens a reply to itself for the one who pressed.
    assert prompt.raw["reply_to_message"]["message_id"] == new_card.message_id
    assert prompt.reply_keyboard == {
        "force_reply": True,
        "selective": True,
        "input_field_placeholder": number,
    }
    imar_supervisor.reply(prompt.message_id, "Binanın kapı numarası nedir?", chat=kent.supervisors)
    question = ayse.wait_message(contains="Binanın kapı numarası nedir?")
    # The question's one button answers it (flows.my_requests.notices), as it always did.
    assert question.flat_buttons == ["✍️ Yanıtla"]
    assert question.callback_data("✍️ Yanıtla") == f"my:r:{request.id}"
    ayse.reply(question.message_id, "Kapı numarası 12.")
    ayse.wait_message(contains="ilgili birime iletildi")
    relayed = kent.supervisors.wait_message(
        contains=f"{number} numaralı talep için vatandaşın yanıtı"
    )
    assert "Kapı numarası 12." in relayed.text
    assert relayed.reply_to_message_id == new_card.message_id
    assert stored(kent, number).first_response_at is not None

    ayse.send("/taleplerim")
    ayse.wait_message(contains="Talepleriniz")
    ayse.press(number)
    ayse.wait_message(contains="Geçmiş")
    ayse.press("↩️ Geri çek")
    ayse.wait_message(contains="geri çekmek istediğinize emin misiniz?")
    ayse.press("Evet, geri çek")
    ayse.wait_message(contains="Durum: Geri çekildi")
    kent.supervisors.wait_message(contains=f"Vatandaş {number} numaralı talebi geri çekti")
    assert stored(kent, number).status == "cancelled"


def test_staff_register_a_phone_request_and_admin_manages_staff(kent: Kent) -> None:
    admin = kent.emu.create_user(first_name="Admin", id=kent.config.bot.admins[0])
    newcomer = kent.emu.create_user(first_name="Can")
    newcomer.send("/kayit")
    newcomer.wait_message(contains="Bu komut belediye personeli içindir")

    admin.send(f"/personel ekle {newcomer.id} personel park")
    admin.wait_message(contains=f"{newcomer.id} kullanıcısının yeni rolü: Personel (park)")
    newcomer.send("/kayit")
    newcomer.wait_message(contains="hangi kanaldan geldi?")
    newcomer.press("Çağrı merkezi")
    newcomer.wait_message(contains="Hangi konuyla ilgili?")
    newcomer.press("Talep")
    newcomer.wait_message(contains="Tür: Talep")
    newcomer.press("Ağaç budama ve kesim")
    newcomer.wait_message(contains="Lütfen konuyu bir mesajla anlatın")
    newcomer.send("Okul önündeki çam ağacının dalları kırılmak üzere.")
    phone = newcomer.wait_message(contains="telefon numarası ya da e-posta adresi verdiyse")
    assert phone.buttons == [["⏭ Atla"], ["⬅️ Geri", "✖️ İptal"]]  # as every other step
    newcomer.send("0532 000 11 22")
    newcomer.wait_message(contains="Lütfen talebinizi kontrol edin")
    newcomer.press("📨 Gönder")
    receipt = newcomer.wait_message(contains="numarasıyla kaydedildi")
    number = number_in(receipt)
    request = stored(kent, number)
    assert (request.channel, request.citizen_id, request.department_code, request.type) == (
        "phone",
        None,
        "park",
        "talep",
    )
    card = card_of(kent, kent.groups["park"], number)
    assert "Çağrı merkezi" in card.text
    colleague = kent.staff("park", first_name="Deniz")
    colleague.reply(card.message_id, "Ekip yarın sabah gidecek.", chat=kent.groups["park"])
    kent.groups["park"].wait_message(contains="Telegram üzerinden gelmedi")
    assert stored(kent, number).status == "answered"

    admin.send(f"/personel sil {newcomer.id}")
    admin.wait_message(contains=f"{newcomer.id} artık personel değil")
    kent.groups["park"].add_member(newcomer)
    newcomer.press("✅ Çözüldü", chat=kent.groups["park"], message_id=card.message_id)
    refused = newcomer.last_alert(chat=kent.groups["park"])
    assert refused is not None and "yalnızca bu birimin" in (refused.text or "")
    assert stored(kent, number).status == "answered"  # the refused press changed nothing

    outsider = kent.citizen("Ali")
    outsider.send(f"/personel ekle {outsider.id} admin")
    outsider.wait_message(contains="Bu komut yöneticiler içindir")


def test_overdue_requests_are_marked_on_their_card_once(kent: Kent) -> None:
    from datetime import timedelta

    from db.types import utcnow
    from handlers.sla_jobs import sla_watch

    ayse = kent.citizen()
    number = number_in(file_complaint(kent, ayse, photo=False, location=False))
    group = kent.groups["temizlik"]
    card = card_of(kent, group, number)
    assert "SÜRESİ GEÇTİ" not in card.text
    kent.run_job(sla_watch)
    group.expect_no_message(within=0.3)  # not due yet: nothing changes
    with transaction(kent.engine) as session:
        request = session.exec(select(Request).where(Request.number == number)).one()
        request.due_at = utcnow() - timedelta(minutes=1)
        session.add(request)
    kent.run_job(sla_watch)
    marked = group.wait_message(
        contains="SÜRESİ GEÇTİ", predicate=lambda m: m.message_id == card.message_id
    )
    assert marked.text.startswith("⚠️")
    kent.run_job(sla_watch)
    group.expect_no_message(within=0.3)  # marked once, never twice


def test_type_toggles_on_the_topic_screen_and_in_the_summary(kent: Kent) -> None:
    ayse = kent.citizen()
    ayse.send("/talep")
    ayse.press("✅ Kabul ediyorum")
    topics = ayse.wait_message(contains="Hangi konuyla ilgili?")
    assert "Tür: Şikâyet" in topics.text and "✅ Şikâyet" in topics.flat_buttons

    # Another type: the same message is edited, the step stays.
    ayse.press("Talep")
    toggled = ayse.wait_message(contains="Tür: Talep")
    assert toggled.message_id == topics.message_id and toggled.edited
    assert toggled.buttons[0] == ["✅ Talep", "Şikâyet", "Soru", "Öneri"]
    # The type already chosen: nothing to change, nothing sent or edited.
    ayse.press("✅ Talep")
    ayse.expect_no_message(within=0.3)

    ayse.press("Park, yeşil alan ve oyun grubu")
    ayse.wait_message(contains="Lütfen konuyu bir mesajla anlatın")
    ayse.press("⬅️ Geri")  # Back returns to the type and topic screen, type kept
    back = ayse.wait_message(contains="Hangi konuyla ilgili?")
    assert back.message_id == topics.message_id and "✅ Talep" in back.flat_buttons
    ayse.press("Park, yeşil alan ve oyun grubu")
    ayse.wait_message(contains="Lütfen konuyu bir mesajla anlatın")
    ayse.send("Parktaki salıncak kırık, çocuklar için tehlikeli.")
    ayse.wait_message(contains="Nerede?")
    ayse.send("✅ Devam")
    ayse.wait_message(contains="Gerekirse personelimiz sizi arayabilir mi?")
    ayse.send("⏭ Atla")
    summary = ayse.wait_message(contains="Lütfen talebinizi kontrol edin")
    assert "Tür: Talep" in summary.text

    # The summary's Edit → Type offers every type, thanks included, and returns to it.
    ayse.press("✏️ Düzenle")
    ayse.press("Tür")
    picker = ayse.wait_message(predicate=lambda m: "Teşekkür" in m.flat_buttons)
    assert picker.message_id == summary.message_id and "✅ Talep" in picker.flat_buttons
    ayse.press("Öneri")
    changed = ayse.wait_message(contains="Tür: Öneri")
    assert changed.message_id == summary.message_id and "📨 Gönder" in changed.flat_buttons
    ayse.press("📨 Gönder")
    number = number_in(ayse.wait_message(contains="Talebiniz alındı"))
    assert stored(kent, number).type == "oneri"


def test_location_and_photos_in_one_step(kent: Kent) -> None:
    ayse = kent.citizen()
    ayse.send("/talep")
    ayse.press("✅ Kabul ediyorum")
    ayse.press("Çöp toplama")
    ayse.wait_message(contains="Lütfen konuyu bir mesajla anlatın")
    ayse.send("Konteyner taştı, çöpler sokağa yayıldı.")
    prompt = ayse.wait_message(contains="Nerede?")
    assert "fotoğraf" in prompt.text and prompt.reply_keyboard is not None

    # A location, then photos: none of them gets an answer of its own.
    ayse.share_location(41.0255, 29.1020)
    ayse.send_photo()
    ayse.send_photo()
    ayse.expect_no_message(within=0.3)
    # Something that is neither: a polite error, the step stays.
    ayse.send_sticker()
    ayse.wait_message(contains="konumu düğmeyle paylaşın, adresi yazın, bir fotoğraf gönderin")
    # An address as well, and a third photo; a fourth is refused.
    ayse.send("Çiçek Sk. No 3, Kozyatağı")
    ayse.send_photo()
    ayse.expect_no_message(within=0.3)
    ayse.send_photo()
    ayse.wait_message(contains="3 fotoğraf eklediniz; daha fazlasını ekleyemezsiniz")
    ayse.send("devam")  # the label's word typed by hand works like the button
    ayse.wait_message(contains="Gerekirse personelimiz sizi arayabilir mi?")
    ayse.send("⏭ Atla")
    summary = ayse.wait_message(contains="Lütfen talebinizi kontrol edin")
    assert "Konum: haritada paylaşıldı" in summary.text and "Fotoğraf: 3" in summary.text
    ayse.press("📨 Gönder")
    number = number_in(ayse.wait_message(contains="Talebiniz alındı"))
    request = stored(kent, number)
    assert (request.latitude, request.address) == (41.0255, "Çiçek Sk. No 3, Kozyatağı")

    # Several photos: the card is a text and the photos follow it as an album.
    group = kent.groups["temizlik"]
    card = card_of(kent, group, number)
    assert card.photo is None and "Aşağıda 3 fotoğraf var" in card.text
    album = group.wait_message(predicate=lambda m: m.photo is not None)
    assert album.reply_to_message_id == card.message_id


def test_a_photo_first_then_a_typed_address(kent: Kent) -> None:
    ayse = kent.citizen()
    ayse.send("Parktaki salıncak kırık, çocuklar için tehlikeli.")
    ayse.press("📝 Evet, talep olarak ilet")
    ayse.press("✅ Kabul ediyorum")
    ayse.press("Park, yeşil alan ve oyun grubu")
    ayse.wait_message(contains="Nerede?")  # the description was already given
    ayse.send_photo()
    ayse.send("Gül Sk. 8 önündeki park")
    ayse.expect_no_message(within=0.3)
    ayse.send("✅ Devam")
    ayse.wait_message(contains="Gerekirse personelimiz sizi arayabilir mi?")
    ayse.send("⏭ Atla")
    summary = ayse.wait_message(contains="Lütfen talebinizi kontrol edin")
    assert "Adres: Gül Sk. 8 önündeki park" in summary.text and "Fotoğraf: 1" in summary.text


def test_photo_card_caption_edits_stay_within_the_caption_limit(kent: Kent) -> None:
    """A card on a photo is edited as a caption, which Telegram caps at 1024 characters:
    long answers in its history are shortened to fit. A card that is too long for a
    caption from the start is a text, with the photo under it."""
    ayse = kent.citizen()
    mehmet = kent.staff("temizlik")
    group = kent.groups["temizlik"]
    number = number_in(
        file_complaint(kent, ayse, text="Konteyner taştı. " + "x" * 700, location=False)
    )
    card = card_of(kent, group, number)
    assert card.photo is not None
    for n in range(3):
        mehmet.reply(card.message_id, f"Yanıt {n}: " + "y" * 900, chat=group)
        ayse.wait_message(contains=f"Yanıt {n}")
        group.wait_message(contains="Vatandaşa iletildi")
        edited = next(m for m in group.transcript() if m.message_id == card.message_id)
        assert edited.caption is not None and len(edited.caption) <= 1024
        assert "Durum: Yanıtlandı" in edited.caption and "yanıtlandı" in edited.caption
    mehmet.press("✅ Çözüldü", chat=group, message_id=card.message_id)
    final = group.wait_message(
        contains="Durum: Çözüldü", predicate=lambda m: m.message_id == card.message_id
    )
    assert final.photo is not None and final.flat_buttons == []

    long_one = number_in(
        file_complaint(
            kent, ayse, text="Konteyner taştı. " + "z" * 1500, location=False, first_time=False
        )
    )
    text_card = card_of(kent, group, long_one)
    assert text_card.photo is None and "Aşağıda 1 fotoğraf var" in text_card.text
    photo = group.wait_message(predicate=lambda m: m.photo is not None)
    assert photo.reply_to_message_id == text_card.message_id


def test_drafts_saved_at_steps_of_an_earlier_version(kent: Kent) -> None:
    """After an upgrade, a citizen who was at the old type step, or at the old photos step,
    carries on where the new flow has that step."""
    from db.models import ConversationState

    ayse, ali = kent.citizen(), kent.citizen("Ali", last_name="Demir")
    for person in (ayse, ali):
        person.send("/talep")
        person.press("✅ Kabul ediyorum")
        person.wait_message(contains="Hangi konuyla ilgili?")
    with transaction(kent.engine) as session:
        for draft in session.exec(select(ConversationState)).all():
            if draft.data.get("type") is None:
                continue
            if draft.citizen_id == min(
                d.citizen_id for d in session.exec(select(ConversationState)).all()
            ):
                draft.step, draft.data = "type", {}
            else:
                draft.step, draft.data = (
                    "photos",
                    {
                        "type": "talep",
                        "category": "cop",
                        "text": "Çöpler toplanmadı.",
                        "photos": [{"file_id": "old", "file_unique_id": "old-u"}],
                    },
                )
            session.add(draft)
    first, second = sorted((ayse, ali), key=lambda p: p.id)
    # The old type step: a type button shows the type and topic screen.
    first.press_data(first.transcript()[-1].message_id, "f:type:talep")
    first.wait_message(contains="Tür: Talep")
    first.press("Çöp toplama")
    first.wait_message(contains="Lütfen konuyu bir mesajla anlatın")
    # The old photos step: more photos are taken, then Continue goes on.
    second.send_photo()
    second.expect_no_message(within=0.3)
    second.send("✅ Devam")
    second.wait_message(contains="Gerekirse personelimiz sizi arayabilir mi?")
    second.send("⏭ Atla")
    summary = second.wait_message(contains="Lütfen talebinizi kontrol edin")
    assert "Fotoğraf: 2" in summary.text and "Tür: Talep" in summary.text


def test_a_typed_answer_gets_a_new_screen_remembered_with_its_step(kent: Kent) -> None:
    """Sent before the step is saved, the screen's id goes with the step in one statement;
    so its buttons edit it in place, and the reply keyboard it carries is known."""
    from sqlalchemy import Engine, event

    from core import citizens
    from db.models import ConversationState

    ayse = kent.citizen()
    to_the_text_step(ayse)

    def draft_after(answer: str, screen: str) -> ConversationState:
        saves: list[str] = []

        def saved(_c: object, _cur: object, sql: str, *_rest: object) -> None:
            if sql.startswith("UPDATE conversation_state"):
                saves.append(sql)

        # Every engine: on PostgreSQL updates run on the engine's non-blocking twin.
        event.listen(Engine, "before_cursor_execute", saved)
        try:
            ayse.send(answer)
            shown = ayse.wait_message(contains=screen)
            deadline = time.monotonic() + 5
            while True:
                with transaction(kent.engine) as session:
                    citizen = citizens.find(session, ayse.id)
                    assert citizen is not None
                    draft = session.get(ConversationState, citizen.id)
                if draft is not None and draft.message_id == shown.message_id:
                    break
                assert time.monotonic() < deadline, f"the screen was not remembered: {draft}"
                time.sleep(0.02)
        finally:
            event.remove(Engine, "before_cursor_execute", saved)
        assert len(saves) == 1, saves  # the step and the screen together
        return draft

    where = draft_after("Sokağımızdaki çöpler üç gündür toplanmadı.", "Nerede?")
    assert where.step == "location" and where.data["keyboard"] is True
    assert where.data["text"] == "Sokağımızdaki çöpler üç gündür toplanmadı."
    phone = draft_after("✅ Devam", "Gerekirse personelimiz sizi arayabilir mi?")
    assert phone.step == "phone" and phone.data["keyboard"] is True


def test_a_typed_answer_is_kept_when_its_next_screen_cannot_be_sent(
    kent: Kent, monkeypatch: Any
) -> None:
    """The screen is sent before the step is saved; a failed send (Telegram unreachable,
    injected for her chat only) loses the screen, never her answer."""
    from telegram.error import NetworkError

    from core import citizens
    from db.models import ConversationState

    ayse = kent.citizen()
    to_the_text_step(ayse)
    bot_type = type(kent.app.bot)
    send = bot_type.send_message

    async def unreachable(self: Any, chat_id: Any, text: str, *args: Any, **kwargs: Any) -> Any:
        if chat_id == ayse.id and "Nerede?" in text:
            raise NetworkError("Telegram unreachable")
        return await send(self, chat_id, text, *args, **kwargs)

    monkeypatch.setattr(bot_type, "send_message", unreachable)
    ayse.send("Sokağımızdaki çöpler üç gündür toplanmadı.")
    ayse.wait_message(contains="Üzgünüz")  # the usual apology
    with transaction(kent.engine) as session:
        citizen = citizens.find(session, ayse.id)
        assert citizen is not None
        draft = session.get(ConversationState, citizen.id)
    assert draft is not None and draft.step == "location"
    assert draft.data["text"] == "Sokağımızdaki çöpler üç gündür toplanmadı."
    errors = kent.app.bot_data["deps"].errors
    assert [str(e) for e in errors] == ["Telegram unreachable"]
    errors.clear()


def test_filing_buttons_forged_in_a_group_do_nothing(kent: Kent) -> None:
    """The filing flow lives in private chats: its Send forged in a group where she is a
    member neither files her draft nor turns the group's message into her receipt."""
    from db.models import ConversationState

    ayse = kent.citizen()
    to_the_summary(ayse, "Parktaki bank kırık.")
    group = kent.groups["temizlik"]
    group.add_member(ayse)
    # A message id above her summary's, so that it does not look like an old form's.
    ayse.press_data(10_000, "f:send", chat=group)
    kent.emu.wait_idle()
    with transaction(kent.engine) as session:
        assert session.exec(select(Request)).all() == []
        assert [d.step for d in session.exec(select(ConversationState)).all()] == ["summary"]
    assert group.transcript() == []


def test_an_old_filing_button_leaves_another_flow_alone(kent: Kent) -> None:
    """A filing screen left behind, pressed while the citizen answers a council question:
    the form is closed, and the question's state (its assembly) is kept."""
    can = kent.citizen("Can", last_name="Er")
    can.send("/talep")
    can.press("✅ Kabul ediyorum")
    topics = can.wait_message(contains="Hangi konuyla ilgili")
    can.send("/meclis")
    can.wait_message(contains="Kent Konseyi meclisleri")
    can.press("Gençlik Meclisi")
    can.press("✅ Üye ol")
    can.wait_message(contains="Lütfen doğum tarihinizi yazın")
    for data in ("f:cat:park", "f:summary", "f:back", "f:kvkk:no", "f:cancel", "f:send"):
        can.press_data(topics.message_id, data)
        alert = can.last_alert()
        assert alert is not None and "Bu form kapandı" in (alert.text or ""), (data, alert)
    with transaction(kent.engine) as session:
        state = session.exec(select(ConversationState)).one()
        assert (state.step, state.data) == ("c_birth", {"assembly": "genclik"})
    can.send("01.01.2005")
    can.wait_message(contains="Gençlik Meclisi ailesine hoş geldiniz")


def test_the_topic_screen_fits_a_phone_with_the_most_used_topics_first(kent: Kent) -> None:
    """Step 1 was 16 rows of buttons: now at most 9, the topics in use first, a page at a
    time, "Diğer / genel" last, in the reader's language."""
    ayse = kent.citizen()
    file_complaint(kent, ayse)  # on "Çöp toplama"
    ayse.send("/talep")
    topics = ayse.wait_message(contains="Hangi konuyla ilgili?")
    assert len(topics.buttons) <= 9
    # The topic just used leads; the rest follow alphabetically, the Turkish way.
    assert [row[0] for row in topics.buttons[1:4]] == [
        "Çöp toplama",
        "Ağaç budama ve kesim",
        "İmar ve ruhsat",
    ]

    def every_page(person: SimUser, topics: BotMessage, more: str, previous: str) -> list[str]:
        """The topics of every page, pressing "more" until the last."""
        seen = [row[0] for row in topics.buttons[1:-2]]
        while more in topics.flat_buttons:
            person.press(more)
            topics = person.wait_message(
                predicate=lambda m, before=seen[-1]: m.buttons[1][0] != before and m.edited
            )
            assert len(topics.buttons) <= 9 and previous in topics.flat_buttons
            seen += [row[0] for row in topics.buttons[1:-2]]
        assert len(seen) == len(set(seen)) == len(kent.config.categories)
        return seen

    assert every_page(ayse, topics, "📂 Başka konular ➡️", "⬅️ Önceki konular")[-1] == (
        "Diğer / genel"
    )

    bob = kent.citizen("Bob", language_code="en", last_name=None)
    bob.send("/talep")
    bob.press("✅ I accept")
    english = bob.wait_message(contains="Which topic is it about?")
    assert [row[0] for row in english.buttons[1:3]] == [
        "Waste collection",
        "City Council",
    ]
    assert every_page(bob, english, "📂 More topics ➡️", "⬅️ Previous topics")[-1] == (
        "Other / general"
    )
