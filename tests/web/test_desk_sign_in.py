"""Signing in to the staff desk: the bot's one-time link, sessions, CSRF, and their ends."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import select
from starlette.testclient import TestClient

from core import desk_sessions, staff
from db.engine import transaction
from db.models import SignInLink, StaffMember, WebSession
from db.types import utcnow
from tests.harness import Kent
from tests.web.desk_helpers import csrf as _csrf
from tests.web.desk_helpers import link as _link
from tests.web.desk_helpers import sign_in as _sign_in

STAFF_ID = 710_000_001


def _member(db: Engine, role: str = "staff", department: str | None = "fen") -> StaffMember:
    with transaction(db) as session:
        return staff.upsert(session, STAFF_ID, role, department, name="Deniz Arslan")


def test_link_opens_a_session_once(client: TestClient, db: Engine) -> None:
    member = _member(db)
    token = _link(db, member)
    # Opening the link (a link preview would) changes nothing: it still works after.
    assert client.get(f"/masa/giris/{token}").status_code == 200
    signed = _sign_in(client, token)
    assert signed.status_code == 303 and signed.headers["location"] == "/masa/"
    cookie = next(
        v for k, v in signed.headers.multi_items() if k == "set-cookie" and "kentbot_masa" in v
    )
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/masa" in cookie
    home = client.get("/masa/")
    assert home.status_code == 200 and "Deniz Arslan" in home.text
    # The same link again, even from the same browser: refused, and said why.
    again = client.get(f"/masa/giris/{token}")
    assert again.status_code == 410
    assert "Bu giriş bağlantısı daha önce kullanıldı" in again.text
    with transaction(db) as session:
        stored = session.exec(select(WebSession)).all()
        assert len(stored) == 1 and token not in stored[0].token_hash
        links = session.exec(select(SignInLink)).all()
        assert all(token not in link.token_hash for link in links)


def test_expired_and_unknown_links_are_refused_politely(client: TestClient, db: Engine) -> None:
    member = _member(db)
    old = _link(db, member, minutes_ago=11)
    expired = client.get(f"/masa/giris/{old}")
    assert expired.status_code == 410 and "süresi doldu" in expired.text
    client.cookies.set("kentbot_giris", "x", path=f"/masa/giris/{old}")
    posted = client.post(f"/masa/giris/{old}", data={"nonce": "x"})
    assert posted.status_code == 410
    unknown = client.get("/masa/giris/boyle-bir-baglanti-yok")
    assert unknown.status_code == 404 and "/panel" in unknown.text
    assert client.get("/masa/").status_code == 401


def test_sign_in_form_only_works_in_the_browser_that_opened_the_link(
    client: TestClient, db: Engine
) -> None:
    """Login CSRF: another site cannot post someone's link from a victim's browser."""
    token = _link(db, _member(db))
    forged = client.post(f"/masa/giris/{token}", data={"nonce": "guess"}, follow_redirects=False)
    assert forged.status_code == 400
    assert client.get("/masa/").status_code == 401
    # The link itself was not spent by the forgery.
    assert _sign_in(client, token).status_code == 303


def test_a_session_id_given_beforehand_is_never_adopted(client: TestClient, db: Engine) -> None:
    """Session fixation: the cookie after signing in is new, whatever the browser had."""
    client.cookies.set("kentbot_masa", "planted-by-someone-else", path="/masa")
    signed = _sign_in(client, _link(db, _member(db)))
    assert "planted-by-someone-else" not in signed.headers["set-cookie"]
    stranger = TestClient(client.app)
    stranger.cookies.set("kentbot_masa", "planted-by-someone-else", path="/masa")
    assert stranger.get("/masa/").status_code == 401


def test_forms_need_the_sessions_csrf_token(client: TestClient, db: Engine) -> None:
    _sign_in(client, _link(db, _member(db)))
    home = client.get("/masa/")
    forged = client.post("/masa/cikis", data={"csrf": "forged"})
    assert forged.status_code == 403 and "Hiçbir şey değiştirilmedi" in forged.text
    assert client.get("/masa/").status_code == 200  # still signed in
    out = client.post("/masa/cikis", data={"csrf": _csrf(home.text)})
    assert out.status_code == 200 and "Çıkış yaptınız" in out.text
    assert client.get("/masa/").status_code == 401


def test_removing_a_staff_member_ends_their_sessions_at_once(
    client: TestClient, db: Engine
) -> None:
    member = _member(db)
    _sign_in(client, _link(db, member))
    unused = _link(db, member)
    with transaction(db) as session:
        assert staff.remove(session, STAFF_ID)
    assert client.get("/masa/").status_code == 401
    assert client.get(f"/masa/giris/{unused}").status_code == 404
    with transaction(db) as session:
        assert session.exec(select(WebSession)).all() == []


def test_idle_and_old_sessions_end(db: Engine) -> None:
    member = _member(db)
    now = utcnow()

    def opened() -> str:
        with transaction(db) as session:
            token = desk_sessions.issue_link(session, session.get(StaffMember, member.id), now)
            return desk_sessions.redeem(session, token, now).token

    def alive(token: str, after: timedelta) -> bool:
        with transaction(db) as session:
            return desk_sessions.member_of(session, token, now + after) is not None

    idle = opened()
    assert alive(idle, timedelta(minutes=90))  # used: the idle clock starts again
    assert not alive(idle, timedelta(minutes=90) + timedelta(hours=2, minutes=1))
    busy = opened()
    assert all(alive(busy, timedelta(hours=hour)) for hour in range(1, 12))
    assert not alive(busy, timedelta(hours=12))


def test_panel_in_the_bot_sends_a_working_link(kent_web: Kent) -> None:
    """The whole way: /panel in a private chat, the link in the message, a browser-like
    client signs in on the running site; a citizen gets no link."""
    worker = kent_web.staff("fen", "staff", first_name="Deniz")
    worker.send("/panel")
    reply = worker.wait_message(contains="/masa/giris/")
    found = re.search(r"(http://\S+/masa/giris/\S+)", reply.text)
    assert found is not None and found.group(1).startswith(kent_web.site.url)
    with httpx.Client() as browser:
        page = browser.get(found.group(1))
        nonce = re.search(r'name="nonce" value="([^"]+)"', page.text)
        assert nonce is not None
        signed = browser.post(found.group(1), data={"nonce": nonce.group(1)}, follow_redirects=True)
        assert signed.status_code == 200 and "Personel masası" in signed.text
    citizen = kent_web.citizen("Ayşe")
    citizen.send("/panel")
    assert "belediye personeli" in citizen.wait_message(contains="personel").text


def test_cookies_are_secure_behind_tls(kent_web: Kent) -> None:
    """nginx terminates TLS and says so (X-Forwarded-Proto); the session cookie is then
    marked Secure, so the browser never sends it over plain HTTP."""
    with transaction(kent_web.engine) as session:
        member = staff.upsert(session, STAFF_ID, "staff", "fen", name="Deniz Arslan")
        token = desk_sessions.issue_link(session, member, utcnow())
    behind_nginx = {"X-Forwarded-Proto": "https"}
    with httpx.Client(base_url=kent_web.site.url, headers=behind_nginx) as browser:
        page = browser.get(f"/masa/giris/{token}")
        assert "Secure" in page.headers["set-cookie"]
        nonce = re.search(r'name="nonce" value="([^"]+)"', page.text)
        assert nonce is not None
        # httpx keeps Secure cookies for https only: send the nonce as nginx would pass it.
        signed = browser.post(
            f"/masa/giris/{token}",
            data={"nonce": nonce.group(1)},
            headers={"Cookie": f"kentbot_giris={nonce.group(1)}"},
        )
    assert signed.status_code == 303
    cookie = signed.headers["set-cookie"]
    assert "kentbot_masa=" in cookie and "Secure" in cookie and "HttpOnly" in cookie
