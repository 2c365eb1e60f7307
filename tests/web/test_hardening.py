"""Edges a review of the web face found: each was a 500, a leak or a stall before."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from core import filing
from db.engine import transaction
from db.models import Request
from db.types import utcnow
from tests.web.desk_helpers import link, sign_in, signed_in_as
from web.site import Site

AGENT = 760_000_001


def test_control_characters_never_reach_a_request_or_an_export(
    client: TestClient, db: Engine, site: Site
) -> None:
    with transaction(db) as session:
        request, _ = filing.file_request(
            session,
            site.calendar,
            filing.Filing(
                channel="phone",
                type="talep",
                category_code="yol",
                text="Yol\x0b çöktü\x00\n ikinci satır",
                actor="staff",
            ),
            now=utcnow(),
        )
        request_id = request.id
    with transaction(db) as session:
        stored = session.get(Request, request_id)
        assert stored is not None and stored.text == "Yol çöktü\n ikinci satır"
        # A row stored before the rule (an old import): the export still opens.
        stored.text = "eski\x0bsatır"
        session.add(stored)
    signed_in_as(client, db, AGENT, "staff", "fen")
    book = client.get("/masa/disa-aktar.xlsx", params={"status": "all"})
    assert book.status_code == 200
    rows = list(load_workbook(io.BytesIO(book.content)).active.iter_rows(values_only=True))
    assert any("eskisatır" in str(cell) for row in rows for cell in row)


def test_odd_numbers_are_refused_politely(client: TestClient, db: Engine) -> None:
    signed_in_as(client, db, AGENT, "staff", "fen")
    assert client.get("/masa/", params={"page": "²"}).status_code == 400
    for moment in ("9999-12-31T00:00:00Z", "0001-01-01T00:00:00+05:00"):
        answer = client.get("/open311/v2/requests.json", params={"start_date": moment})
        assert answer.status_code == 400, moment
        assert "start_date" in answer.json()[0]["description"]


def test_staff_pages_are_never_kept_and_the_cookie_goes_with_the_browser(
    client: TestClient, db: Engine
) -> None:
    with transaction(db) as session:
        from core import staff

        member = staff.upsert(session, AGENT, "staff", "fen", name="Deniz")
    signed = sign_in(client, link(db, member))
    [cookie] = [
        value
        for name, value in signed.headers.multi_items()
        if name == "set-cookie" and value.startswith("kentbot_masa=")
    ]
    assert "Max-Age" not in cookie and "expires" not in cookie
    page = client.get("/masa/")
    assert page.status_code == 200 and page.headers["cache-control"] == "private, no-store"
    # Public pages may be kept by a proxy; staff pages never.
    assert client.get("/healthz").headers.get("cache-control") != "private, no-store"


def test_a_number_in_the_address_says_back_only_ones_own_filing(
    client: TestClient, db: Engine, site: Site
) -> None:
    with transaction(db) as session:
        other, _ = filing.file_request(
            session,
            site.calendar,
            filing.Filing(
                channel="phone", type="talep", category_code="park", text="Bank", actor="staff"
            ),
            now=utcnow(),
        )
        number = other.number
    signed_in_as(client, db, AGENT, "staff", "fen")
    page = client.get("/masa/yeni", params={"kayit": number})
    assert number not in page.text and "Park ve Bahçeler" not in page.text
