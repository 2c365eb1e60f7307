"""The public dashboard through the web application, on both databases: the seed's 2023
figures as a Turkish civil servant writes them, the English version, open data equal to
the page, snapshots as the only source, no personal data anywhere, and 404s."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import col
from starlette.testclient import TestClient

from common.config import Config
from common.i18n import translator
from core import indicators
from core.working_time import WorkingCalendar
from db.engine import transaction
from db.models import Citizen, IndicatorSnapshot
from db.types import utcnow
from tests.builders import citizen_of, file_request, make_citizen, seeded_engine
from web.app import create_app
from web.site import Site


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, config: Config
) -> Iterator[Engine]:
    """The seed's 2023 and 2024-H1 components (tests/builders.py), once per module."""
    yield from seeded_engine(request.param, tmp_path_factory.mktemp("seed"), config)


@pytest.fixture(scope="module")
def seeded_client(seeded: Engine, config: Config) -> Iterator[TestClient]:
    site = Site(engine=seeded, config=config)
    with TestClient(create_app(site), raise_server_exceptions=False) as test_client:
        yield test_client


class _Tables(HTMLParser):
    """Every <table> of a page: its caption and its rows as lists of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: str | None = None
        self._rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._in_caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._caption, self._rows = "", []
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            self._rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self.tables[self._caption or ""] = self._rows

    def handle_data(self, data: str) -> None:
        if self._in_caption:
            self._caption = (self._caption or "") + data.strip()
        elif self._cell is not None:
            self._cell.append(data)


def tables_of(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def _printed(language: str, kind: str, value: float | int | None) -> str:
    """A published number (JSON) as the page prints it."""
    t = translator(language)
    if value is None:
        return "-"
    if kind == "percent":
        return t.percent(value / 100)
    return t.number(value)


def test_2023_in_turkish_shows_the_seeds_figures_in_its_wording(
    seeded_client: TestClient, seeded: Engine
) -> None:
    page = seeded_client.get("/2023")
    assert page.status_code == 200
    assert '<html lang="tr">' in page.text
    tables = tables_of(page.text)
    monitoring = {row[0]: row[1:] for row in tables["Hedef 7.1.1 — izleme göstergeleri"][1:]}
    # The seed's own wording and Turkish formats: 148.748 requests, 206.041 calls.
    assert monitoring["1. Toplam gelen talep ve şikâyet sayısı"] == ["adet", "148.748", "-"]
    assert monitoring['2. Çağrı Merkezine gelen "toplam çağrı" sayısı'][1] == "206.041"
    assert monitoring["Kaçan çağrı sayısı"][1] == "27.690"
    performance = {row[0]: row[1:] for row in tables["Hedef 7.1.1 — performans göstergeleri"][1:]}
    assert performance["3. Kaçan çağrı oranı"] == ["%", "%13,4", "-"]
    assert performance["1. Halkla ilişkiler hizmetleri vatandaş memnuniyeti"][1] == "%90,0"
    assert performance["4. Talep ve şikâyet ile ilgili ortalama geri dönüş süresi"][1] == "2"
    # Per channel per month: the twelve months add up to the year.
    months = tables["Kanal ve aya göre talep ve şikâyetler"][1:]
    assert [row[0] for row in months][:2] == ["Ocak 2023", "Şubat 2023"] and len(months) == 12
    assert sum(int(row[-1].replace(".", "")) for row in months) == 148_748
    # Response time per department, satisfaction, council and employment have their tables.
    departments = tables["Müdürlüklere göre ortalama yanıt süresi"][1:]
    assert departments[0][0] == "Fen İşleri Müdürlüğü" and departments[0][2] == "2 gün"
    assert "Meclislere göre etkinlik ve katılımcılar" in tables
    assert "Hedef 4.3.1 — İstihdam Merkezi, performans göstergeleri" in tables
    assert "Rakamlar" in page.text and "tarihinde hesaplandı" in page.text
    assert "Açık veri: CC BY 4.0 — kaynak: Örnek İlçe Belediyesi" in page.text
    # A past year is computed once, on its first view, and read from its snapshot after.
    with transaction(seeded) as session:
        stored = session.execute(
            select(col(IndicatorSnapshot.data)).where(col(IndicatorSnapshot.label) == "2023")
        ).scalar_one()
    assert stored["requests_total"] == 148_748 and "breakdowns" in stored


def test_english_version_in_english_formats_links_back(seeded_client: TestClient) -> None:
    page = seeded_client.get("/en/2023")
    assert page.status_code == 200
    assert '<html lang="en">' in page.text
    tables = tables_of(page.text)
    performance = {row[0]: row[1:] for row in tables["Goal 7.1.1 — performance indicators"][1:]}
    assert performance["3. Missed-call rate"] == ["%", "13.4%", "-"]
    monitoring = {row[0]: row[1:] for row in tables["Goal 7.1.1 — monitoring indicators"][1:]}
    assert monitoring["1. Requests and complaints received in total"][1] == "148,748"
    assert monitoring["Requests and complaints by Call centre"][1] == "65,701"
    assert '<a href="/2023" hreflang="tr" lang="tr">Türkçe</a>' in page.text
    assert 'href="/open311/v2/discovery.json"' in page.text and 'href="/masa/"' in page.text
    assert "Open data: CC BY 4.0 — source: Örnek İlçe Belediyesi" in page.text
    # Every chart names itself and has a table beside it, in the same figure.
    figures = page.text.split("<figure")[1:]
    assert len(figures) >= 5
    for figure in figures:
        body = figure.split("</figure>")[0]
        assert 'role="img"' in body and "aria-labelledby=" in body and "<table" in body


@pytest.mark.parametrize("language", ["tr", "en"])
def test_open_data_holds_exactly_the_pages_figures(
    seeded_client: TestClient, language: str
) -> None:
    prefix = "/veri" if language == "tr" else "/en/data"
    page = seeded_client.get("/2023" if language == "tr" else "/en/2023").text
    tables = tables_of(page)
    data = seeded_client.get(f"{prefix}/2023.json")
    assert data.status_code == 200 and data.headers["content-type"] == "application/json"
    figures = data.json()
    assert figures["license"] == translator(language)._(
        "Open data: CC BY 4.0 — source: {name}"
    ).format(name="Örnek İlçe Belediyesi")
    assert figures["year"] == 2023 and figures["complete"] is True
    # Every indicator row of the JSON is the page's row, label, unit and value alike.
    for table in figures["indicators"].values():
        shown = tables[table["title"]][1:]
        assert len(shown) == len(table["rows"])
        for row, cells in zip(table["rows"], shown, strict=True):
            assert cells[0].endswith(row["label"]) and cells[1] == row["unit"]
            assert cells[2] == _printed(language, row["kind"], row["actual"])
    requests_table = tables[translator(language)._("Requests and complaints per channel and month")]
    by_month = figures["requests_by_month"]
    assert [r[-1] for r in requests_table[1:]] == [
        translator(language).number(month["total"]) for month in by_month.values()
    ]
    assert sum(month["total"] for month in by_month.values()) == 148_748
    assert by_month["2023-01"]["channels"]["phone"] + by_month["2023-02"]["channels"]["phone"] > 0

    raw = seeded_client.get(f"{prefix}/2023.csv")
    assert raw.status_code == 200 and raw.headers["content-type"].startswith("text/csv")
    if language == "tr":
        # Turkish Excel: a byte order mark, ";" between fields and a decimal comma.
        assert raw.content.startswith(b"\xef\xbb\xbf")
        text, delimiter = raw.content[3:].decode("utf-8"), ";"
        assert text.splitlines()[0].startswith(
            "# Açık veri: CC BY 4.0 — kaynak: Örnek İlçe Belediyesi"
        )
    else:
        assert not raw.content.startswith(b"\xef\xbb\xbf")
        text, delimiter = raw.content.decode("utf-8"), ","
        assert text.splitlines()[0].startswith("# Open data: CC BY 4.0 — source:")
    rows = list(
        csv.reader(
            (line for line in io.StringIO(text) if not line.startswith("#")), delimiter=delimiter
        )
    )
    header, body = rows[0], rows[1:]
    assert len(header) == 6
    by_key = {(row[0], row[1]): row for row in body}
    missed = by_key[("7.1.1-performance", "missed_call_rate")]
    assert missed[4] == ("13,4" if language == "tr" else "13.4")
    assert by_key[("7.1.1-monitoring", "requests_total")][4] == "148748"
    json_rows = [
        (code, row["key"], row["actual"])
        for code, table in figures["indicators"].items()
        for row in table["rows"]
    ]
    for code, key, actual in json_rows:
        value = by_key[(code, key)][4]
        assert (float(value.replace(",", ".")) if value else None) == actual
    for month, counts in by_month.items():
        assert int(by_key[("requests-by-month", f"{month}.total")][4]) == counts["total"]


def _citizen_with_a_request(db: Engine, config: Config) -> None:
    citizen_id = make_citizen(db, 7_100_001)
    with transaction(db) as session:
        citizen = citizen_of(session, citizen_id)
        citizen.first_name, citizen.last_name = "Zeliha", "Karabıyıkoğlu"
        citizen.phone = "+905321234567"
        session.add(citizen)
    file_request(
        db,
        WorkingCalendar.from_config(config),
        citizen_id,
        text="Kapımın önündeki Menekşe Sokak 17 numaradaki çukur tehlikeli",
    )


def test_current_year_shows_the_latest_snapshot_and_no_personal_data(
    client: TestClient, db: Engine, config: Config
) -> None:
    _citizen_with_a_request(db, config)
    now = utcnow()
    with transaction(db) as session:
        indicators.refresh_snapshots(session, config, now)
    page = client.get("/")
    assert page.status_code == 200
    t = translator("tr")
    assert f"rakamlar {t.datetime(now, config.tz)} itibarıyla" in page.text
    monitoring = {
        row[0]: row[1:] for row in tables_of(page.text)["Hedef 7.1.1 — izleme göstergeleri"][1:]
    }
    assert monitoring["1. Toplam gelen talep ve şikâyet sayısı"][1] == "1"
    # A request after the snapshot is not on the page until the next refresh: pages read
    # the snapshot, never the requests themselves.
    file_request(db, WorkingCalendar.from_config(config), make_citizen(db, 7_100_002))
    again = tables_of(client.get("/").text)["Hedef 7.1.1 — izleme göstergeleri"]
    assert {row[0]: row[1:] for row in again[1:]}["1. Toplam gelen talep ve şikâyet sayısı"][
        1
    ] == "1"
    year = now.astimezone(config.tz).year
    with transaction(db) as session:
        names = [c.first_name for c in session.execute(select(Citizen)).scalars()]
    assert "Zeliha" in names
    for path in ("/", "/en/", f"/{year}", f"/veri/{year}.csv", f"/veri/{year}.json"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        body = answer.content.decode("utf-8-sig")
        for personal in ("Zeliha", "Karabıyıkoğlu", "5321234567", "Menekşe", "çukur"):
            assert personal not in body, (path, personal)


def test_a_year_without_data_says_so_and_is_not_stored(client: TestClient, db: Engine) -> None:
    page = client.get("/2010")
    assert page.status_code == 200
    assert "2010 yılı için gösterge yok" in page.text
    assert "There are no figures for 2010" in client.get("/en/2010").text
    empty = client.get("/en/data/2010.json").json()
    assert empty["requests_by_month"]["2010-01"]["total"] == 0
    with transaction(db) as session:
        assert session.execute(select(IndicatorSnapshot)).first() is None


def test_future_years_and_non_numbers_are_404(client: TestClient) -> None:
    future = utcnow().year + 2
    for path in (
        f"/{future}",
        "/1999",
        "/abc",
        "/2023x",
        f"/en/{future}",
        f"/veri/{future}.csv",
        "/veri/abc.json",
        f"/en/data/{future}.json",
    ):
        answer = client.get(path)
        assert answer.status_code == 404, path
    assert '<html lang="en">' in client.get(f"/en/{future}").text
    assert client.get("/en", follow_redirects=False).headers["location"] == "/en/"


def test_the_page_loads_nothing_from_elsewhere(seeded_client: TestClient) -> None:
    page = seeded_client.get("/2023").text
    for attribute in ('src="http', 'href="//', "<script"):
        assert attribute not in page
    # The only outside link is the licence's own page.
    outside = {part.split('"')[0] for part in page.split('href="http')[1:]}
    assert outside == {"s://creativecommons.org/licenses/by/4.0/"}
