"""The staff desk end to end: a citizen files through the bot, staff of that department
answer in the browser (real HTTP against the running site), and the citizen and the
group's card hear of it exactly as after a press in the group."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from sqlmodel import select

from core import desk_sessions
from db.engine import transaction
from db.models import StaffMember
from db.types import utcnow
from emulator.media import tiny_png
from tests.harness import Kent
from tests.journeys import card_of, file_complaint, number_in, stored


@contextmanager
def _browser(kent: Kent, telegram_id: int) -> Iterator[httpx.Client]:
    """An HTTP client signed in as the staff member, by the link /panel would send."""
    with transaction(kent.engine) as session:
        member = session.exec(
            select(StaffMember).where(StaffMember.telegram_id == telegram_id)
        ).one()
        token = desk_sessions.issue_link(session, member, utcnow())
    with httpx.Client(base_url=kent.site.url, timeout=10) as client:
        page = client.get(f"/masa/giris/{token}")
        nonce = re.search(r'name="nonce" value="([^"]+)"', page.text)
        assert nonce is not None
        signed = client.post(f"/masa/giris/{token}", data={"nonce": nonce.group(1)})
        assert signed.status_code == 303
        yield client


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_an_answer_in_the_browser_reaches_the_citizen_and_the_card(kent_web: Kent) -> None:
    ayse = kent_web.citizen("Ayşe")
    mehmet = kent_web.staff("temizlik", first_name="Mehmet")
    group = kent_web.groups["temizlik"]
    number = number_in(file_complaint(kent_web, ayse))
    card = card_of(kent_web, group, number)
    request_id = stored(kent_web, number).id

    with _browser(kent_web, mehmet.id) as browser:
        queue = browser.get("/masa/")
        assert queue.status_code == 200 and number in queue.text
        assert f'href="/masa/talep/{request_id}"' in queue.text
        page = browser.get(f"/masa/talep/{request_id}")
        assert "Sokağımızdaki çöpler üç gündür toplanmadı" in page.text
        assert "+905551112233" in page.text and "openstreetmap.org/?mlat=41.025500" in page.text
        # The citizen's photo, fetched from Telegram (getFile) for this signed-in member.
        photo = re.search(rf'src="(/masa/talep/{request_id}/foto/\d+)"', page.text)
        assert photo is not None
        picture = browser.get(photo.group(1))
        assert picture.status_code == 200 and picture.content == tiny_png()
        assert picture.headers["content-type"] == "image/png"

        answered = browser.post(
            f"/masa/talep/{request_id}",
            data={
                "csrf": _csrf(page.text),
                "action": "answer",
                "text": "Konteyner bugün öğleden sonra boşaltılacak.",
            },
        )
        assert answered.status_code == 303
        shown = browser.get(answered.headers["location"])
        assert "Yanıtınız gönderildi." in shown.text
        assert "Vatandaşa Telegram üzerinden bilgi verildi." in shown.text

    answer = ayse.wait_message(contains="Konteyner bugün öğleden sonra boşaltılacak.")
    assert f"{number} numaralı talebinize yanıt" in answer.text
    updated = group.wait_message(
        contains="Durum: Yanıtlandı", predicate=lambda m: m.message_id == card.message_id
    )
    assert updated.edited
    assert stored(kent_web, number).status == "answered"


def test_a_redirect_in_the_browser_moves_the_card_to_the_new_group(kent_web: Kent) -> None:
    ayse = kent_web.citizen("Ayşe")
    mehmet = kent_web.staff("temizlik", first_name="Mehmet")
    number = number_in(file_complaint(kent_web, ayse, photo=False, location=False))
    old = card_of(kent_web, kent_web.groups["temizlik"], number)
    request_id = stored(kent_web, number).id

    with _browser(kent_web, mehmet.id) as browser:
        page = browser.get(f"/masa/talep/{request_id}")
        moved = browser.post(
            f"/masa/talep/{request_id}",
            data={"csrf": _csrf(page.text), "action": "redirect", "department": "park"},
        )
        assert moved.status_code == 303 and moved.headers["location"] == "/masa/?done=redirect"
        # No longer his department's: refused by its address, and gone from his queue.
        assert browser.get(f"/masa/talep/{request_id}").status_code == 403
        assert number not in browser.get("/masa/").text

    ayse.wait_message(contains="konudan sorumlu birime iletildi")
    kent_web.groups["park"].wait_message(contains=number)
    # The old group is told who moved it where, and its card keeps no buttons.
    kent_web.groups["temizlik"].wait_message(
        contains="Mehmet Kaya, talebi şu birime yönlendirdi: Park ve Bahçeler Müdürlüğü"
    )
    retired = next(
        m for m in kent_web.groups["temizlik"].transcript() if m.message_id == old.message_id
    )
    assert retired.flat_buttons == []
    assert stored(kent_web, number).department_code == "park"
