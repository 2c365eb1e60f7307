"""The OWASP basics walked once over the whole site: injection (SQL and markup), another
department's request by its address, session fixation and forged forms. Each part has its
detailed tests beside its feature; this walk keeps the list in one place."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from sqlalchemy.engine import Engine
from sqlmodel import func, select
from starlette.testclient import TestClient

from core import filing, staff
from db.engine import transaction
from db.models import Request, RequestEvent
from db.types import utcnow
from tests.web.desk_helpers import csrf, link, sign_in, signed_in_as
from web.site import Site

SCRIPT = "<script>alert('x')</script> & \"quoted\""


def _file(site: Site, category: str, text: str) -> int:
    with transaction(site.engine) as session:
        request, _ = filing.file_request(
            session,
            site.calendar,
            filing.Filing(
                channel="phone",
                type="sikayet",
                category_code=category,
                text=text,
                publish=True,
                actor="staff",
            ),
            now=utcnow(),
        )
        assert request.id is not None
        return request.id


def _count(db: Engine) -> int:
    with transaction(db) as session:
        return int(session.exec(select(func.count()).select_from(Request)).one())


def test_injection_changes_nothing_and_markup_stays_text(
    client: TestClient, db: Engine, site: Site
) -> None:
    fen = _file(site, "yol", SCRIPT)
    _file(site, "yol", "Kaldırım kırık")
    signed_in_as(client, db, 750_000_001, "staff", "fen")
    # SQL in the desk's search and in Open311's parameters: no rows leak, none change.
    found = client.get("/masa/", params={"q": "' OR 1=1 --", "status": "all"})
    assert found.status_code == 200 and "Kaldırım kırık" not in found.text
    for params in (
        {"service_request_id": "1' OR '1'='1"},
        {"service_code": "yol'; DROP TABLE request; --"},
    ):
        answer = client.get("/open311/v2/requests.xml", params=params)
        assert answer.status_code in (200, 400, 404)
        assert "Kaldırım kırık" not in answer.text
    assert client.get("/2023%20OR%201=1").status_code == 404
    assert _count(db) == 2
    # Markup a citizen typed is shown as text on staff pages, in the queue and in XML.
    page = client.get(f"/masa/talep/{fen}")
    assert "<script>alert" not in page.text and "&lt;script&gt;alert" in page.text
    assert "<script>alert" not in client.get("/masa/", params={"status": "all"}).text
    xml = client.get("/open311/v2/requests.xml")
    texts = [e.text for e in ET.fromstring(xml.content).iter("description")]
    assert SCRIPT in texts  # the same characters, escaped by the XML writer


def test_another_departments_request_by_its_address(
    client: TestClient, db: Engine, site: Site
) -> None:
    park = _file(site, "park", "Parkta kırık salıncak")
    signed_in_as(client, db, 750_000_002, "staff", "fen")
    assert client.get(f"/masa/talep/{park}").status_code == 403
    token = csrf(client.get("/masa/").text)
    taken = client.post(f"/masa/talep/{park}", data={"csrf": token, "action": "assign"})
    assert taken.status_code == 403
    with transaction(db) as session:
        stored = session.get(Request, park)
        assert stored is not None and stored.status == "new" and stored.assignee_id is None
        kinds = session.exec(select(RequestEvent.kind).where(RequestEvent.request_id == park))
        assert list(kinds) == ["created"]
    # A request that does not exist answers differently from one the member may not see,
    # but neither shows anything of a request.
    assert client.get("/masa/talep/999999").status_code == 404


def test_session_fixation_and_forged_forms(client: TestClient, db: Engine, site: Site) -> None:
    request_id = _file(site, "yol", "Asfalt çöktü")
    client.cookies.set("kentbot_masa", "chosen-by-an-attacker", path="/masa")
    assert client.get("/masa/").status_code == 401  # an unknown session is no session
    with transaction(db) as session:
        member = staff.upsert(session, 750_000_003, "staff", "fen")
    signed = sign_in(client, link(db, member))
    # The session's id is the server's own, never the one the browser came with...
    assert "chosen-by-an-attacker" not in signed.headers["set-cookie"]
    # ...and the planted one stays worthless after the sign-in.
    planted = TestClient(client.app, cookies={"kentbot_masa": "chosen-by-an-attacker"})
    assert planted.get("/masa/").status_code == 401
    forged = client.post(f"/masa/talep/{request_id}", data={"csrf": "x", "action": "assign"})
    assert forged.status_code == 403
    with transaction(db) as session:
        stored = session.get(Request, request_id)
        assert stored is not None and stored.status == "new"
