"""The entry form for phone and in-person requests (/masa/yeni)."""

from __future__ import annotations

import re

from sqlalchemy.engine import Engine
from sqlmodel import select
from starlette.testclient import TestClient

from core import citizens
from db.engine import transaction
from db.models import Request, RequestEvent
from tests.harness import Kent
from tests.web.desk_helpers import csrf, signed_in_as

AGENT = 720_000_001


def _requests(db: Engine) -> list[Request]:
    with transaction(db) as session:
        return list(session.exec(select(Request)).all())


def _post(client: TestClient, **fields: str) -> object:
    token = csrf(client.get("/masa/yeni").text)
    return client.post("/masa/yeni", data={"csrf": token, **fields}, follow_redirects=False)


def test_form_is_ready_for_typing(client: TestClient, db: Engine) -> None:
    signed_in_as(client, db, AGENT)
    page = client.get("/masa/yeni")
    assert page.status_code == 200
    assert 'name="text" rows="5" maxlength="2000" required autofocus' in page.text
    assert '<option value="phone" selected>Çağrı merkezi</option>' in page.text
    assert 'value="telegram"' not in page.text  # only the citizen's own chat is Telegram
    assert '<script src="/static/desk-entry.js" defer>' in page.text


def test_filing_a_phone_request(client: TestClient, db: Engine) -> None:
    member = signed_in_as(client, db, AGENT)
    saved = _post(
        client,
        channel="phone",
        type="talep",
        text="Sokak lambası iki gündür yanmıyor.",
        category="aydinlatma",
        address="Atatürk Cad. 12",
        location="41.02, 29.10",
        phone="0532 111 22 33",
    )
    assert saved.status_code == 303  # type: ignore[attr-defined]
    [filed] = _requests(db)
    assert saved.headers["location"] == (  # type: ignore[attr-defined]
        f"/masa/yeni?kanal=phone&tur=talep&kayit={filed.number}"
    )
    assert (filed.channel, filed.type, filed.department_code) == ("phone", "talep", "fen")
    assert filed.citizen_id is None and filed.contact_phone == "05321112233"
    assert (filed.latitude, filed.longitude) == (41.02, 29.10)
    assert filed.due_at is not None and filed.due_at > filed.created_at
    with transaction(db) as session:
        [event] = session.exec(select(RequestEvent)).all()
    assert (event.kind, event.actor, event.actor_telegram_id) == (
        "created",
        "staff",
        member.telegram_id,
    )
    # The next call: the same channel and type, and the last number said back.
    after = client.get(saved.headers["location"])  # type: ignore[attr-defined]
    assert (
        f"✅ {filed.number} kaydedildi ve şu birime iletildi: Fen İşleri Müdürlüğü." in after.text
    )
    assert '<option value="talep" selected>' in after.text


def test_topic_is_suggested_from_the_text_before_anything_is_filed(
    client: TestClient, db: Engine
) -> None:
    signed_in_as(client, db, AGENT)
    page = _post(client, channel="phone", type="sikayet", text="Konteyner taştı, çöp toplanmadı")
    assert page.status_code == 200  # type: ignore[attr-defined]
    assert _requests(db) == []
    assert "Konu metinden önerildi" in page.text  # type: ignore[attr-defined]
    assert '<option value="cop" selected>' in page.text  # type: ignore[attr-defined]
    token = csrf(client.get("/masa/yeni").text)
    asked = client.post("/masa/yeni/konu", data={"csrf": token, "metin": "sokak lambası yanmıyor"})
    assert asked.json()["suggestions"][0] == {"code": "aydinlatma", "name": "Sokak aydınlatması"}


def test_bad_input_is_explained_and_the_typed_text_kept(client: TestClient, db: Engine) -> None:
    signed_in_as(client, db, AGENT)
    cases = {
        "text": ("x" * 5000, "en fazla 2000 karakter"),
        "phone": ("12", "telefon numarasına benzemiyor"),
        "location": ("200, 29", "Konum okunamadı"),
        "category": ("yok_boyle", "Lütfen bir konu seçin"),
        "channel": ("telegram", "kanalı seçin"),
    }
    for field, (value, message) in cases.items():
        fields = {
            "channel": "phone",
            "type": "talep",
            "text": "Parkta kırık bank var",
            "category": "park",
            field: value,
        }
        page = _post(client, **fields)
        assert page.status_code == 400, field  # type: ignore[attr-defined]
        assert message in page.text, field  # type: ignore[attr-defined]
        if field != "text":
            assert "Parkta kırık bank var</textarea>" in page.text  # type: ignore[attr-defined]
    assert _requests(db) == []


def test_a_form_without_the_sessions_token_files_nothing(client: TestClient, db: Engine) -> None:
    signed_in_as(client, db, AGENT)
    forged = client.post(
        "/masa/yeni",
        data={"channel": "phone", "type": "talep", "text": "Çukur", "category": "yol"},
    )
    assert forged.status_code == 403
    assert _requests(db) == []


def test_the_card_reaches_the_departments_group(kent_web: Kent) -> None:
    import httpx

    from core import desk_sessions, staff
    from db.types import utcnow

    with transaction(kent_web.engine) as session:
        member = staff.upsert(session, AGENT, "staff", "fen", name="Deniz Arslan")
        token = desk_sessions.issue_link(session, member, utcnow())
    base = kent_web.site.url
    with httpx.Client(base_url=base, follow_redirects=True) as browser:
        page = browser.get(f"/masa/giris/{token}")
        nonce = page.text.split('name="nonce" value="')[1].split('"')[0]
        browser.post(f"/masa/giris/{token}", data={"nonce": nonce})
        token = csrf(browser.get("/masa/yeni").text)
        saved = browser.post(
            "/masa/yeni",
            data={
                "csrf": token,
                "channel": "in_person",
                "type": "sikayet",
                "text": "Kaldırımda büyük bir çukur var",
                "category": "yol",
            },
        )
        assert saved.status_code == 200 and "kaydedildi" in saved.text
    [filed] = _requests(kent_web.engine)
    card = kent_web.groups["fen"].wait_message(contains=filed.number)
    assert "Kaldırımda büyük bir çukur var" in card.text


def _topics(page: str) -> list[str]:
    """The topic list's labels, in the order the form offers them."""
    listing = page.split('name="category"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="[a-z_]+"[^>]*>([^<]+)</option>', listing)


def test_topics_in_the_readers_alphabetical_order_with_other_last(
    client: TestClient, db: Engine
) -> None:
    """As the chat lists them: Ç with C and İ with I in Turkish (not after Z), in English by
    their English names, and the catch-all last in both."""
    signed_in_as(client, db, AGENT)
    turkish = _topics(client.get("/masa/yeni").text)
    assert turkish[-1] == "Diğer / genel"
    assert turkish.index("Çöp toplama") < turkish.index("Ulaşım, otopark ve trafik")
    assert turkish.index("İmar ve ruhsat") < turkish.index("Kent Konseyi")
    assert turkish.index("İş ve istihdam") < turkish.index("Kent Konseyi")

    english = TestClient(client.app)
    member = signed_in_as(english, db, AGENT + 1, name="Sam Hill")
    with transaction(db) as session:
        citizens.set_language(session, member.telegram_id, "en")
    topics = _topics(english.get("/masa/yeni").text)
    assert topics[-1] == "Other / general"
    assert topics[:-1] == sorted(topics[:-1])
    assert topics[0] == "City Council"
