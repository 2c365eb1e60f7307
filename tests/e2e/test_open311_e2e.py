"""Open311 against the real server beside the bot, with clients we did not write.

Reading: `georeport` (PyPI), a GeoReport v2 client for Python 3, lists the services,
reads a service definition and the requests, in XML and JSON. It cannot post. The other
PyPI client, `open311` 1.1 (2011), is Python 2 only (its package imports `from api import
API`) and does not import on Python 3. Posting is therefore done exactly as FixMyStreet's
Open311 client does it (mySociety/fixmystreet, perllib/Open311.pm, send_service_request):
a urlencoded POST to requests.xml with jurisdiction_id and api_key among the fields, its
own description layout (title, detail, url, "Submitted via FixMyStreet"), the reporter's
names, email and phone, and the answer read as request/service_request_id.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import httpx
from georeport import GeoReport
from sqlmodel import select

from core import api_keys, staff, workflow
from db.engine import transaction
from db.models import Request
from tests.harness import Kent
from tests.journeys import card_of, stored


def _fixmystreet_post(endpoint: str, key: str, service_code: str) -> str:
    """Open311.pm's send_service_request, field for field; returns the service_request_id."""
    description = (
        "title:  Büyük çukur\n\n"
        "detail: Okul önündeki yolda derin bir çukur var.\n\n"
        "url: https://fixmystreet.example.org/report/1234\n\n"
        "Submitted via FixMyStreet\n"
    )
    answer = httpx.post(
        f"{endpoint}/requests.xml",
        data={
            "jurisdiction_id": "ornek.bel.tr",
            "api_key": key,
            "lat": "41.025512",
            "long": "29.102094",
            "email": "ayse@example.org",
            "description": description,
            "service_code": service_code,
            "first_name": "Ayşe",
            "last_name": "Yılmaz",
            "phone": "05551112233",
            "media_url": "https://fixmystreet.example.org/photo/1234.jpeg",
            "attribute[publish]": "true",
        },
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    number = ET.fromstring(answer.content).findtext("request/service_request_id")
    assert number
    return number


def test_an_application_posts_staff_see_the_card_and_the_public_follows_it(
    kent_web: Kent,
) -> None:
    endpoint = f"{kent_web.site.url}/open311/v2"
    with transaction(kent_web.engine) as session:
        _row, key = api_keys.create(session, "fixmystreet", channel="web")

    # An Open311 client finds the services and what a road report takes.
    client = GeoReport(endpoint, jurisdiction="ornek.bel.tr", output_format="xml")
    services = {s["service_code"]: s for s in client.get_service_list()}
    assert services["yol"]["service_name"] == "Yol, asfalt ve kaldırım"
    assert services["yol"]["group"] == "Fen İşleri Müdürlüğü"
    definition = client.get_service_definition("yol")
    assert definition["attributes"]["attribute"]["code"] == "publish"

    number = _fixmystreet_post(endpoint, key, "yol")

    # The department's staff get its card, as for a request filed in the chat.
    card = card_of(kent_web, kent_web.groups["fen"], number)
    assert "Okul önündeki yolda derin bir çukur var." in card.text
    request = stored(kent_web, number)
    assert (request.channel, request.department_code, request.status) == ("web", "fen", "new")
    assert request.contact_phone == "05551112233" and request.due_at is not None

    # The public reads it open, in both formats, without the reporter's details.
    read = client.get_service_request(number)
    assert (read["service_request_id"], read["status"]) == (number, "open")
    assert read["agency_responsible"] == "Fen İşleri Müdürlüğü"
    assert (read["lat"], read["long"]) == ("41.026", "29.102")
    as_json = GeoReport(endpoint, output_format="json")
    listed = as_json.get_service_requests(service_code="yol", status="open")
    assert [r["service_request_id"] for r in listed] == [number]
    assert "Ayşe" not in str(listed) and "555" not in str(listed)

    # Staff resolve it: the public reads it closed.
    mehmet = kent_web.staff("fen")
    with transaction(kent_web.engine) as session:
        found = session.exec(select(Request).where(Request.number == number)).one()
        assert found.id is not None
        workflow.staff_action(session, found.id, staff.active_member(session, mehmet.id), "resolve")
    closed = as_json.get_service_request(number)
    assert (closed["status"], closed["status_notes"]) == ("closed", "Çözüldü")
    assert as_json.get_service_requests(status="open") == []


def test_fixmystreet_reads_back_what_it_posted(kent_web: Kent) -> None:
    """Open311.pm's get_service_requests: the ids it posted, comma-joined, with its
    jurisdiction; and its error reading (errors/error{code, description}) of a refusal."""
    endpoint = f"{kent_web.site.url}/open311/v2"
    with transaction(kent_web.engine) as session:
        _row, key = api_keys.create(session, "fixmystreet")
    first = _fixmystreet_post(endpoint, key, "yol")
    second = _fixmystreet_post(endpoint, key, "cop")
    answer = httpx.get(
        f"{endpoint}/requests.xml",
        params={"service_request_id": f"{first},{second}", "jurisdiction_id": "ornek.bel.tr"},
        timeout=10,
    )
    found = {r.findtext("service_request_id") for r in ET.fromstring(answer.content)}
    assert found == {first, second}
    refused = httpx.post(
        f"{endpoint}/requests.xml",
        data={"jurisdiction_id": "ornek.bel.tr", "api_key": "wrong", "service_code": "yol"},
        timeout=10,
    )
    assert refused.status_code == 403
    error = ET.fromstring(refused.content).find("error")
    assert error is not None and error.findtext("code") == "403"
    kent_web.groups["temizlik"].wait_message(contains=second)
