"""The resolution notice's closing thanks fits the request: a street lamp that is fixed
helps the city, a social aid request is thanked for getting in touch (issue 16, §5)."""

from __future__ import annotations

from emulator.client import SimUser
from tests.harness import Kent
from tests.journeys import card_of, number_in

CITY = "Kentimizi daha yaşanabilir kılmamıza katkıda bulunduğunuz için teşekkür ederiz."
NEUTRAL = "Bize ulaştığınız için teşekkür ederiz."


def file_by_free_text(citizen: SimUser, text: str, topic: str) -> str:
    """The citizen writes first and files it under the suggested topic; returns its number."""
    citizen.send(text)
    citizen.wait_message(contains="talep veya şikâyet olarak iletmek ister misiniz?")
    citizen.press("📝 Evet, talep olarak ilet")
    citizen.wait_message(contains="Kişisel Verilerin Korunması")
    citizen.press("✅ Kabul ediyorum")
    citizen.wait_message(contains="Yazdıklarınıza uygun görünen konular")
    citizen.press(topic)
    citizen.wait_message(contains="Nerede?")
    citizen.send("✅ Devam")
    citizen.wait_message(contains="Gerekirse personelimiz sizi arayabilir mi?")
    citizen.send("⏭ Atla")
    citizen.wait_message(contains="Lütfen talebinizi kontrol edin")
    citizen.press("📨 Gönder")
    return number_in(citizen.wait_message(contains="Talebiniz alındı"))


def resolved_notice(kent: Kent, citizen: SimUser, department: str, number: str) -> str:
    staff = kent.staff(department, first_name="Deniz")
    group = kent.groups[department]
    card = card_of(kent, group, number)
    staff.press("✅ Çözüldü", chat=group, message_id=card.message_id)
    return citizen.wait_message(contains=f"{number} numaralı talebiniz çözüldü").text


def test_a_fixed_street_lamp_is_thanked_for_the_city(kent: Kent) -> None:
    ayse = kent.citizen("Ayşe")
    number = file_by_free_text(
        ayse, "Sokağımızdaki lambalar 3 gündür yanmıyor", "Sokak aydınlatması"
    )
    assert resolved_notice(kent, ayse, "fen", number).endswith(CITY)


def test_a_social_aid_request_is_thanked_for_getting_in_touch(kent: Kent) -> None:
    fatma = kent.citizen("Fatma")
    number = file_by_free_text(
        fatma, "Yaşlı annem için gıda ve erzak yardımı istiyorum", "Sosyal yardım ve destek"
    )
    text = resolved_notice(kent, fatma, "sosyal", number)
    assert text.endswith(NEUTRAL) and "Kentimizi" not in text
