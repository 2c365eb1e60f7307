"""Open311 GeoReport v2 through the web application (Starlette's test client, both
databases): the spec's shapes in XML and JSON, every parameter checked with an error that
says which, nothing stored by a refused post, and nothing personal in what anyone reads."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import select
from starlette.testclient import TestClient

from core import api_keys, filing
from db.engine import transaction
from db.models import ApiKey, Request, RequestEvent
from web.site import Site

API = "/open311/v2"
PHONE = "+90 555 111 22 33"
HOME = "Lale Sokak No 7 Daire 3"


@pytest.fixture
def key(site: Site) -> str:
    with transaction(site.engine) as session:
        _row, made = api_keys.create(session, "fixmystreet", rate_per_minute=1000)
    return made


def _post(client: TestClient, key: str | None, form: str = "xml", **fields: str) -> Any:
    data = {
        "service_code": "yol",
        "lat": "41.025512",
        "long": "29.102094",
        "description": "Caddede büyük bir çukur var.",
        **fields,
    }
    if key is not None:
        data["api_key"] = key
    return client.post(f"{API}/requests.{form}", data=data)


def _xml(answer: Any) -> ET.Element:
    assert answer.headers["content-type"] == "text/xml; charset=utf-8"
    assert answer.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(answer.content)


def _error(answer: Any) -> tuple[int, str]:
    """The spec's error shape: errors/error{code, description}, its code the HTTP status."""
    root = _xml(answer)
    assert root.tag == "errors"
    (error,) = root.findall("error")
    code, description = int(error.findtext("code", "")), error.findtext("description", "")
    assert code == answer.status_code
    return code, description


def _stored(site: Site) -> int:
    with transaction(site.engine) as session:
        return session.exec(select(func.count()).select_from(Request)).one()


def test_discovery_says_where_everything_is(client: TestClient) -> None:
    root = _xml(client.get(f"{API}/discovery.xml"))
    endpoint = root.find("endpoints/endpoint")
    assert endpoint is not None
    assert endpoint.findtext("url") == "http://testserver/open311/v2"
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert [f.text for f in endpoint.findall("formats/format")] == [
        "text/xml",
        "application/json",
    ]
    data = client.get(f"{API}/discovery.json").json()
    assert data["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    assert "Örnek İlçe Belediyesi" in data["contact"]


def test_services_are_the_topics_in_the_readers_language(client: TestClient) -> None:
    root = _xml(client.get(f"{API}/services.xml"))
    services = {s.findtext("service_code"): s for s in root.findall("service")}
    road = services["yol"]
    assert road.findtext("service_name") == "Yol, asfalt ve kaldırım"
    assert road.findtext("group") == "Fen İşleri Müdürlüğü"
    assert road.findtext("type") == "realtime" and road.findtext("metadata") == "true"
    assert "çukur" in (road.findtext("keywords") or "")
    english = client.get(f"{API}/services.json?locale=en").json()
    assert {"service_code": "yol", "service_name": "Roads, asphalt and pavements"}.items() <= (
        next(s for s in english if s["service_code"] == "yol").items()
    )
    by_header = client.get(f"{API}/services.json", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert by_header.json() == english
    definition = client.get(f"{API}/services/yol.json").json()
    (attribute,) = definition["attributes"]
    assert attribute["code"] == "publish" and attribute["required"] is False
    assert [v["key"] for v in attribute["values"]] == ["true", "false"]
    assert _error(client.get(f"{API}/services/yok_boyle.xml")) == (404, "Bu kodla bir hizmet yok.")


def test_a_post_is_filed_and_read_back_without_anything_personal(
    client: TestClient, site: Site, key: str
) -> None:
    posted = _post(
        client,
        key,
        phone=PHONE,
        email="ayse@example.org",
        first_name="Ayşe",
        last_name="Yılmaz",
        address_string=HOME,
        **{"attribute[publish]": "true"},
    )
    assert posted.status_code == 200, posted.text
    (request,) = _xml(posted).findall("request")
    number = request.findtext("service_request_id")
    assert number and number.endswith("-000001")
    assert "Fen İşleri Müdürlüğü" in (request.findtext("service_notice") or "")
    with transaction(site.engine) as session:
        stored = session.exec(select(Request)).one()
        event = session.exec(select(RequestEvent)).one()
    assert (stored.channel, stored.department_code, stored.status) == ("web", "fen", "new")
    assert stored.contact_phone == "+905551112233" and stored.address == HOME
    assert stored.publish_consent and stored.due_at is not None
    assert event.data["api_key"] == "fixmystreet"
    for path in (f"requests/{number}", "requests"):
        for form in ("xml", "json"):
            text = client.get(f"{API}/{path}.{form}").text
            for personal in ("555", "Ayşe", "Yılmaz", "example.org", "Lale", "41.0255"):
                assert personal not in text, (path, form, personal)
    (seen,) = client.get(f"{API}/requests/{number}.json").json()
    assert seen["status"] == "open" and seen["status_notes"] == "Alındı"
    assert seen["description"] == "Caddede büyük bir çukur var."
    assert (seen["lat"], seen["long"]) == (41.026, 29.102)
    assert seen["agency_responsible"] == "Fen İşleri Müdürlüğü"
    assert seen["expected_datetime"].endswith("+03:00")


def test_the_description_stays_private_without_consent(client: TestClient, key: str) -> None:
    number = _xml(_post(client, key)).findtext("request/service_request_id")
    (seen,) = client.get(f"{API}/requests/{number}.json").json()
    assert seen["description"] is None
    root = _xml(client.get(f"{API}/requests/{number}.xml"))
    assert root.findtext("request/description") in (None, "")


@pytest.mark.parametrize(
    ("fields", "description"),
    [
        ({"lat": "200"}, "lat, -90 ile 90 arasında bir sayı olmalıdır."),
        ({"long": "nan"}, "long, -180 ile 180 arasında bir sayı olmalıdır."),
        ({"long": ""}, "lat ve long birlikte verilmelidir."),
        ({"lat": "", "long": ""}, "Konum eksik: lat ve long ya da address_string"),
        ({"description": "x" * 5000}, "description çok uzun: en fazla 2000 karakter olabilir."),
        ({"description": "   "}, "description zorunludur."),
        ({"service_code": "yok_boyle"}, "yok_boyle kodlu bir hizmet yok."),
        ({"service_code": "' OR 1=1 --"}, "' OR 1=1 -- kodlu bir hizmet yok."),
        ({"service_code": ""}, "service_code zorunludur."),
        ({"phone": "12"}, "phone 10 ile 15 haneli olmalıdır."),
        ({"email": "ayse"}, "email geçerli bir e-posta adresi değil."),
        ({"media_url": "javascript:alert(1)"}, "media_url bir http ya da https adresi"),
        ({"attribute[publish]": "maybe"}, "attribute[publish], true ya da false olmalıdır."),
        ({"attribute[colour]": "red"}, "colour adında bir özellik yok."),
        ({"address_id": "17"}, "address_id burada kullanılmaz"),
        ({"description": "Çukur\x00var"}, "description izin verilmeyen karakterler içeriyor."),
        ({"first_name": "A" * 300}, "first_name çok uzun: en fazla 200 karakter olabilir."),
    ],
)
def test_every_parameter_is_checked_and_a_refused_post_stores_nothing(
    client: TestClient, site: Site, key: str, fields: dict[str, str], description: str
) -> None:
    code, said = _error(_post(client, key, **fields))
    assert code == 400 and said.startswith(description), said
    assert _stored(site) == 0


def test_a_parameter_given_twice_is_refused(client: TestClient, site: Site, key: str) -> None:
    answer = client.post(
        f"{API}/requests.xml",
        content=f"api_key={key}&service_code=yol&service_code=cop&lat=41&long=29&description=x",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert _error(answer) == (400, "service_code yalnızca bir kez verilmelidir.")
    assert _stored(site) == 0


def test_posting_needs_a_working_key(client: TestClient, site: Site, key: str) -> None:
    assert _error(_post(client, None)) == (403, "Talep göndermek için api_key gereklidir.")
    assert _error(_post(client, "not-a-key"))[0] == 403
    with transaction(site.engine) as session:
        api_keys.revoke(session, "fixmystreet")
    assert _error(_post(client, key)) == (403, "Bu api_key geçerli değil ya da iptal edilmiş.")
    errors = _post(client, None, form="json", locale="en")
    assert errors.status_code == 403
    assert errors.json() == [
        {"code": 403, "description": "An api_key is required to post a request."}
    ]
    assert _stored(site) == 0


def test_each_key_has_its_own_rate(client: TestClient, site: Site, key: str) -> None:
    with transaction(site.engine) as session:
        _row, slow = api_keys.create(session, "kiosk", channel="in_person", rate_per_minute=2)
    holes = [f"Caddede {n}. çukur var." for n in (1, 2)]  # two requests, not one sent twice
    assert [_post(client, slow, description=hole).status_code for hole in holes] == [200, 200]
    refused = _post(client, slow)
    code, said = _error(refused)
    assert code == 429 and "saniye sonra tekrar deneyin" in said
    assert 0 < int(refused.headers["retry-after"]) <= 60
    assert _post(client, key).status_code == 200  # another key is not held up
    with transaction(site.engine) as session:
        channels = sorted(session.exec(select(Request.channel)).all())
        kiosk = session.exec(select(ApiKey).where(ApiKey.name == "kiosk")).one()
    assert channels == ["in_person", "in_person", "web"]
    assert kiosk.last_used_at is not None


def test_a_post_sent_again_gets_the_same_request_back(
    client: TestClient, site: Site, key: str
) -> None:
    """A client that lost the answer sends its POST again: within ten minutes the same
    request (topic, text, place, phone) is the one already filed, not a second; after
    that, or with any field changed, it is a new one."""
    first = _xml(_post(client, key, phone="0532 111 22 33")).findtext("request/service_request_id")
    again = _post(client, key, phone="0532 111 22 33")
    assert again.status_code == 200
    assert _xml(again).findtext("request/service_request_id") == first
    assert _stored(site) == 1
    other = _xml(_post(client, key, phone="0532 111 22 33", lat="41.025513"))
    assert other.findtext("request/service_request_id") != first
    assert _stored(site) == 2
    with transaction(site.engine) as session:
        filed = session.exec(select(Request).where(Request.number == first)).one()
        filed.created_at -= filing.RETRY_WINDOW
        session.add(filed)
    later = _xml(_post(client, key, phone="0532 111 22 33"))
    assert later.findtext("request/service_request_id") not in (first, None)
    assert _stored(site) == 3


def test_markup_in_a_description_is_text_in_both_formats(client: TestClient, key: str) -> None:
    nasty = 'Çukur <b>derin</b> & "tehlikeli" ]]> <!ENTITY x SYSTEM "file:///etc/passwd">'
    number = _xml(_post(client, key, description=nasty, **{"attribute[publish]": "yes"})).findtext(
        "request/service_request_id"
    )
    raw = client.get(f"{API}/requests/{number}.xml")
    assert b"<b>" not in raw.content and b"<!ENTITY" not in raw.content
    assert _xml(raw).findtext("request/description") == nasty
    assert json.loads(client.get(f"{API}/requests/{number}.json").text)[0]["description"] == nasty


@pytest.mark.parametrize(
    ("query", "description"),
    [
        ("start_date=yesterday", "start_date ISO 8601 biçiminde bir tarih ve saat olmalıdır"),
        ("end_date=2026-13-45T00:00:00Z", "end_date ISO 8601 biçiminde"),
        (
            "start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
            "start_date ile end_date arasında en fazla 90 gün olabilir.",
        ),
        (
            "start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z",
            "start_date değeri end_date değerinden sonra olamaz.",
        ),
        ("status=pending", "status, open ya da closed olmalıdır"),
        ("service_code=yol,yok_boyle", "yok_boyle kodlu bir hizmet yok."),
        ("service_request_id=1;DROP TABLE request", "service_request_id, 2026-000123 gibi"),
        ("locale=<script>", "locale, tr ya da en gibi bir dil kodu olmalıdır."),
    ],
)
def test_a_search_with_a_wrong_parameter_says_which(
    client: TestClient, query: str, description: str
) -> None:
    code, said = _error(client.get(f"{API}/requests.xml?{query}"))
    assert code == 400 and said.startswith(description), said


def test_a_search_filters_by_number_topic_state_and_time(
    client: TestClient, site: Site, key: str
) -> None:
    road = _xml(_post(client, key)).findtext("request/service_request_id")
    rubbish = _xml(_post(client, key, service_code="cop")).findtext("request/service_request_id")
    with transaction(site.engine) as session:
        session.exec(select(Request).where(Request.number == rubbish)).one().status = "resolved"

    def numbers(query: str) -> list[str]:
        return [r["service_request_id"] for r in client.get(f"{API}/requests.json?{query}").json()]

    assert numbers("") == [rubbish, road]  # the latest 90 days, newest first
    assert numbers("service_code=yol") == [road]
    assert numbers("status=closed") == [rubbish]
    assert numbers("status=open,closed") == [rubbish, road]
    assert numbers(f"service_request_id={road},2026-999999&status=closed") == [road]
    assert numbers("start_date=2020-01-01T00:00:00Z") == []
    closed = client.get(f"{API}/requests/{rubbish}.json").json()[0]
    assert (closed["status"], closed["status_notes"]) == ("closed", "Çözüldü")


def test_unknown_things_answer_in_the_specs_shape(client: TestClient) -> None:
    assert _error(client.get(f"{API}/requests/2026-999999.xml")) == (
        404,
        "Bu numarayla bir talep yok.",
    )
    assert _error(client.get(f"{API}/requests/x' OR '1'='1.xml"))[0] == 404
    assert _error(client.get(f"{API}/tokens/abc123.xml"))[0] == 404
    assert _error(client.get(f"{API}/tokens/abc123"))[0] == 404
    assert _error(client.get(f"{API}/nothing/here"))[0] == 404
    assert _error(client.get(f"{API}/services.html")) == (404, "Biçim xml ya da json olmalıdır.")
