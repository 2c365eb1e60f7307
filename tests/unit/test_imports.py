"""Bulk imports of requests and call-centre days, on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from common.config import Config
from core import imports as core_imports
from core import imports_streamed
from core.imports import ImportFailed, ImportReport, import_calls, import_requests
from core.working_time import WorkingCalendar
from db.models import CallCentreDay, Category, Request, RequestCounter, RequestEvent
from tests.import_files import CALL_HEADER, REQUEST_HEADER, count, utc, write_csv

DATA = Path(__file__).resolve().parents[1] / "data"  # tests/data


def write_turkish_excel_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """As Excel saves "CSV UTF-8" in a Turkish locale: a BOM, semicolons, CRLF."""
    return write_csv(path, header, rows, bom=True, delimiter=";")


def requests_by_text(engine: Engine) -> dict[str, Request]:
    with Session(engine) as session:
        return {r.text: r for r in session.exec(select(Request)).all()}


# --- requests ------------------------------------------------------------------------------


def test_valid_file_imports_with_numbers_departments_statuses_and_utc_times(
    db: Engine, config: Config
) -> None:
    report = import_requests(db, config, DATA / "requests_valid.csv")

    assert (report.rows, report.added, report.skipped_existing, report.errors) == (4, 4, 0, [])
    stored = requests_by_text(db)
    rubbish = stored["Çöp konteyneri iki gündür boşaltılmadı."]
    pothole = stored["Okul önündeki çukur, yağmurda göle dönüyor."]
    question = stored["Nikah salonu rezervasyonu nasıl yapılır?"]
    shade = stored["Parka gölgelik\nyapılsın."]

    # Numbers follow arrival within each year; the 2023 row has its own counter.
    assert (pothole.number, rubbish.number, question.number) == (
        "2024-000001",
        "2024-000002",
        "2024-000003",
    )
    assert shade.number == "2023-000001"
    assert (
        rubbish.department_code,
        pothole.department_code,
        question.department_code,
        shade.department_code,
    ) == ("temizlik", "fen", "halkla_iliskiler", "park")
    assert (rubbish.channel, rubbish.type, rubbish.category_code) == ("phone", "sikayet", "cop")
    assert (rubbish.status, pothole.status, question.status, shade.status) == (
        "resolved",
        "new",
        "answered",
        "resolved",
    )

    # Local 10:00 in Istanbul (UTC+3) is stored as 07:00 UTC.
    assert rubbish.created_at == utc(2024, 3, 5, 7, 0)
    assert rubbish.first_response_at == utc(2024, 3, 5, 11, 0)
    assert rubbish.resolved_at == utc(2024, 3, 6, 6, 0)
    assert rubbish.updated_at == rubbish.resolved_at
    assert pothole.first_response_at is None and pothole.resolved_at is None
    assert pothole.updated_at == pothole.created_at
    # A resolution without a first response counts as the first response.
    assert shade.first_response_at == shade.resolved_at == utc(2024, 1, 3, 12, 0)

    calendar = WorkingCalendar.from_config(config)
    for request in stored.values():
        assert request.due_at is not None and request.due_at > request.created_at
        sla = config.category(request.category_code).sla_hours
        assert request.due_at == calendar.add_working_hours(request.created_at, sla)
        assert request.import_key is not None and len(request.import_key) == 64
        assert request.citizen_id is None

    with Session(db) as session:
        events = session.exec(select(RequestEvent)).all()
    assert len(events) == 4
    assert {e.request_id for e in events} == {r.id for r in stored.values()}
    assert all(e.kind == "imported" and e.actor == "system" for e in events)
    assert all(e.data["file"] == "requests_valid.csv" for e in events)


def test_importing_the_same_file_twice_adds_nothing_the_second_time(
    db: Engine, config: Config, tmp_path: Path
) -> None:
    path = tmp_path / "again.csv"
    shutil.copy(DATA / "requests_valid.csv", path)
    import_requests(db, config, path)

    report = import_requests(db, config, path)

    assert (report.rows, report.added, report.skipped_existing) == (4, 0, 4)
    assert count(db, Request) == 4
    assert count(db, RequestEvent) == 4
    with Session(db) as session:
        counter = session.get(RequestCounter, 2024)
    assert counter is not None and counter.last == 3  # no numbers spent on skipped rows


def test_identical_rows_in_one_file_are_separate_requests(
    db: Engine, config: Config, tmp_path: Path
) -> None:
    row = ["2024-03-05 10:00", "phone", "sikayet", "cop", "Çöp alınmadı", "", ""]
    path = write_csv(tmp_path / "twins.csv", REQUEST_HEADER, [row, row])

    assert import_requests(db, config, path).added == 2
    assert import_requests(db, config, path).skipped_existing == 2

    # A later file with the same row once more: the first two match, the third is new.
    path = write_csv(tmp_path / "triplets.csv", REQUEST_HEADER, [row, row, row])
    report = import_requests(db, config, path)
    assert (report.added, report.skipped_existing) == (1, 2)
    assert count(db, Request) == 3


def test_every_error_is_reported_with_its_row_and_nothing_is_stored(
    db: Engine, config: Config, tmp_path: Path
) -> None:
    good = ["2024-03-05 10:00", "phone", "talep", "yol", "Çukur var", "", ""]
    rows = [
        ["2024-03-05 10:00", "fax", "talep", "yol", "Faksla geldi", "", ""],
        ["2024-03-05 10:00", "phone", "talep", "kanalizasyon", "Rögar taştı", "", ""],
        ["05.03.2024 10:00", "phone", "talep", "yol", "Tarih Türkçe yazılmış", "", ""],
        ["2024-03-05 10:00", "phone", "talep", "yol", "Yanıt önce", "2024-03-05 09:00", ""],
        ["2024-03-05 10:00", "phone", "talep", "yol", "   ", "", ""],
        ["2024-03-05 10:00", "phone", "talep", "yol", "x" * 2001, "", ""],
        good,
        ["2024-03-05 10:00", "phone", "dilek", "yol", "Tür yanlış", "", ""],
        [
            "2024-03-05 10:00",
            "phone",
            "talep",
            "yol",
            "Çözüm önce",
            "2024-03-05 12:00",
            "2024-03-05 11:00",
        ],
        ["2999-01-01 10:00", "phone", "talep", "yol", "Gelecekten", "", ""],
        ["2024-03-05 10:00", "phone", "talep"],
        good,
    ]
    path = write_csv(tmp_path / "bad.csv", REQUEST_HEADER, rows)

    with pytest.raises(ImportFailed) as failure:
        import_requests(db, config, path)

    found = [(e.row, e.column) for e in failure.value.errors]
    assert found == [
        (2, "channel"),
        (3, "category"),
        (4, "received_at"),
        (5, "first_response_at"),
        (6, "text"),
        (7, "text"),
        (9, "type"),
        (10, "resolved_at"),
        (11, "received_at"),
        (12, None),
    ]
    messages = {(e.row, e.column): e.message for e in failure.value.errors}
    assert "'fax'" in messages[(2, "channel")] and "whatsapp" in messages[(2, "channel")]
    assert "'kanalizasyon'" in messages[(3, "category")] and "yol" in messages[(3, "category")]
    assert "2001" in messages[(7, "text")]
    assert "row 2, channel" in str(failure.value)
    assert count(db, Request) == 0
    assert count(db, RequestEvent) == 0
    assert count(db, RequestCounter) == 0


def test_a_missing_header_column_is_reported_on_row_1(
    db: Engine, config: Config, tmp_path: Path
) -> None:
    header = [name for name in REQUEST_HEADER if name != "type"]
    path = write_csv(
        tmp_path / "no_type.csv", header, [["2024-03-05 10:00", "phone", "yol", "Çukur", "", ""]]
    )

    with pytest.raises(ImportFailed) as failure:
        import_requests(db, config, path)

    assert [(e.row, e.column) for e in failure.value.errors] == [(1, "type")]
    assert count(db, Request) == 0


def test_a_turkish_excel_file_with_semicolons_and_a_bom_imports(
    db: Engine, config: Config, tmp_path: Path
) -> None:
    rows = [
        [
            "2024-03-05 10:00",
            "phone",
            "sikayet",
            "cop",
            "Çöp; iki gündür alınmadı, kokuyor.",
            "",
            "",
        ],
        [
            "2024-03-05 11:30",
            "in_person",
            "talep",
            "yol",
            "Kaldırım çökmüş",
            "",
            "2024-03-06 09:00",
        ],
    ]
    path = write_turkish_excel_csv(tmp_path / "excel_tr.csv", REQUEST_HEADER, rows)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfreceived_at;channel;")

    report = import_requests(db, config, path)

    assert (report.rows, report.added) == (2, 2)
    stored = requests_by_text(db)
    assert stored["Çöp; iki gündür alınmadı, kokuyor."].channel == "phone"
    assert stored["Kaldırım çökmüş"].resolved_at == utc(2024, 3, 6, 6, 0)
    # The same rows saved with commas are the same requests.
    commas = write_csv(tmp_path / "commas.csv", REQUEST_HEADER, rows)
    assert import_requests(db, config, commas).skipped_existing == 2


def test_calls_from_a_turkish_excel_file(db: Engine, tmp_path: Path) -> None:
    path = write_turkish_excel_csv(
        tmp_path / "cagri.csv", CALL_HEADER, [["2024-03-04", "612", "280", "250", "82"]]
    )

    report = import_calls(db, path)

    assert report.added == 1
    assert call_days(db) == {date(2024, 3, 4): (612, 280, 250, 82)}


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_a_file_without_its_header_row_says_so_in_one_line(
    db: Engine, config: Config, tmp_path: Path, delimiter: str
) -> None:
    # The header deleted, or never there: the first row is a request.
    path = write_csv(
        tmp_path / "no_header.csv",
        [],
        [
            ["2024-03-05 10:00", "phone", "talep", "yol", "Çukur", "", ""],
            ["2024-03-05 11:00", "phone", "talep", "yol", "Bir çukur daha", "", ""],
        ],
        bom=True,
        delimiter=delimiter,
    )

    with pytest.raises(ImportFailed) as failure:
        import_requests(db, config, path)

    [error] = failure.value.errors
    assert (error.row, error.column) == (1, None)
    assert error.message == "the first row must be the column names: " + delimiter.join(
        REQUEST_HEADER
    )
    assert count(db, Request) == 0


def test_unreadable_files_are_explained(db: Engine, config: Config, tmp_path: Path) -> None:
    latin = tmp_path / "cp1254.csv"
    latin.write_bytes(
        (",".join(REQUEST_HEADER) + "\n2024-03-05 10:00,phone,talep,yol,Çukur,,\n").encode("cp1254")
    )

    with pytest.raises(ImportFailed) as failure:
        import_requests(db, config, latin)
    assert failure.value.errors[0].row == 2
    assert "UTF-8" in failure.value.errors[0].message


def test_an_inactive_category_is_refused(db: Engine, config: Config, tmp_path: Path) -> None:
    with Session(db) as session:
        session.add(
            Category(code="eski", department_code="fen", sla_hours=8, name_tr="Eski", active=False)
        )
        session.commit()
    path = write_csv(
        tmp_path / "old.csv",
        REQUEST_HEADER,
        [["2024-03-05 10:00", "phone", "talep", "eski", "Eski kategori", "", ""]],
    )

    with pytest.raises(ImportFailed) as failure:
        import_requests(db, config, path)

    [error] = failure.value.errors
    assert (error.row, error.column) == (2, "category")
    assert "no longer in use" in error.message


def test_bom_and_explicit_offsets(db: Engine, config: Config, tmp_path: Path) -> None:
    rows = [
        ["2024-03-05T10:00:00+00:00", "web", "talep", "yol", "Ofsetli", "2024-03-05T12:00:00Z", ""],
        ["2024-03-05T13:00:00+03:00", "twitter", "oneri", "park", "Yerel ofset", "", ""],
    ]
    path = write_csv(tmp_path / "bom.csv", REQUEST_HEADER, rows, bom=True)
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"

    report = import_requests(db, config, path)

    assert report.added == 2
    stored = requests_by_text(db)
    assert stored["Ofsetli"].created_at == utc(2024, 3, 5, 10, 0)
    assert stored["Ofsetli"].first_response_at == utc(2024, 3, 5, 12, 0)
    assert stored["Yerel ofset"].created_at == utc(2024, 3, 5, 10, 0)


def test_the_same_moment_written_differently_is_the_same_row(
    db: Engine, config: Config, tmp_path: Path
) -> None:
    local = write_csv(
        tmp_path / "local.csv",
        REQUEST_HEADER,
        [["2024-03-05 10:00", "phone", "talep", "yol", "Çukur  var", "", ""]],
    )
    offset = write_csv(
        tmp_path / "offset.csv",
        REQUEST_HEADER,
        [["2024-03-05T07:00:00+00:00", "Phone", "talep", "yol", " Çukur var ", "", ""]],
    )
    import_requests(db, config, local)

    report = import_requests(db, config, offset)

    assert (report.added, report.skipped_existing) == (0, 1)


def test_blank_lines_and_extra_columns_are_ignored(
    db: Engine, config: Config, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "extra.csv",
        [*REQUEST_HEADER, "notes"],
        [
            ["2024-03-05 10:00", "phone", "talep", "yol", "Çukur", "", "", "not"],
            [""] * 8,
            ["2024-03-05 11:00", "phone", "talep", "yol", "Bir çukur daha", "", "", ""],
        ],
    )

    report = import_requests(db, config, path)

    assert (report.rows, report.added) == (2, 2)


# Text with its source_id: what COPY's text format gives a meaning of its own (tab,
# newline, backslash, \N for NULL, \. for the end), quotes, Turkish letters, no id.
AWKWARD = {
    "sekme\tiçinde": "CC\t1",
    "satır\nsonu ve\r\nWindows satır sonu": "CC\\2",
    "ters\\bölü \\N ve \\. ve sonda \\": "\\N",
    "\\N": "",
    "tırnak \"çift\" ve 'tek', virgül; noktalı virgül": 'CC "4"',
    "Çöp İĞÜŞÖÇ ığüşöç â î û": "ÇM-5",
}
AWKWARD_TEXTS = list(AWKWARD)


def test_awkward_texts_are_stored_exactly_and_a_second_import_adds_nothing(
    db: Engine, config: Config, tmp_path: Path
) -> None:
    rows = [
        ["2024-03-05 10:00", "phone", "sikayet", "cop", text, "", "", source_id]
        for text, source_id in AWKWARD.items()
    ]
    path = write_csv(tmp_path / "garip, dosya\tadı.csv", [*REQUEST_HEADER, "source_id"], rows)

    assert import_requests(db, config, path).added == len(AWKWARD)

    stored = requests_by_text(db)
    # An empty source_id is none.
    assert {r.text: r.source_id for r in stored.values()} == {
        text: source_id or None for text, source_id in AWKWARD.items()
    }
    for request in stored.values():
        # Empty optional fields are empty, not the empty string nor a NULL marker's text.
        assert (request.first_response_at, request.resolved_at) == (None, None)
        assert (request.citizen_id, request.address, request.publish_consent) == (None, None, False)
        assert request.status == "new"
    with Session(db) as session:
        events = session.exec(select(RequestEvent)).all()
    assert sorted((e.request_id, e.data["row"]) for e in events) == sorted(
        (stored[text].id, row) for row, text in enumerate(AWKWARD_TEXTS, start=2)
    )
    assert {e.data["file"] for e in events} == {"garip, dosya\tadı.csv"}

    report = import_requests(db, config, path)
    assert (report.added, report.unchanged) == (0, len(AWKWARD))
    assert (count(db, Request), count(db, RequestEvent)) == (len(AWKWARD), len(AWKWARD))


def refuse_event_inserts(engine: Engine) -> None:
    """A server-side failure after the requests are written: every event insert fails."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql(
                "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql "
                "AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$"
            )
            connection.exec_driver_sql(
                "CREATE TRIGGER refuse BEFORE INSERT ON request_event "
                "FOR EACH ROW EXECUTE FUNCTION refuse()"
            )
        else:
            connection.exec_driver_sql(
                "CREATE TRIGGER refuse BEFORE INSERT ON request_event "
                "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
            )


def test_an_import_failing_midway_stores_nothing_and_spends_no_numbers(
    db: Engine, config: Config
) -> None:
    refuse_event_inserts(db)

    with pytest.raises(Exception, match="refused by the test"):
        import_requests(db, config, DATA / "requests_valid.csv")

    assert (count(db, Request), count(db, RequestEvent), count(db, RequestCounter)) == (0, 0, 0)
    with db.begin() as connection:
        connection.exec_driver_sql(
            "DROP TRIGGER refuse" + (" ON request_event" if db.dialect.name == "postgresql" else "")
        )
    assert import_requests(db, config, DATA / "requests_valid.csv").added == 4
    numbers = sorted(r.number for r in requests_by_text(db).values())
    assert numbers == ["2023-000001", "2024-000001", "2024-000002", "2024-000003"]


def test_copy_stores_what_executemany_stores(
    pg: Engine, config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PostgreSQL takes new requests by COPY (while reading a file in order of arrival, or
    # after sorting it) and SQLite by executemany: all must store the same rows, every
    # column, with the same events.
    rows = [
        ["2024-03-05 10:00", "phone", "sikayet", "cop", AWKWARD_TEXTS[0], "", "", "A-1"],
        ["2024-03-05 10:00", "web", "talep", "yol", AWKWARD_TEXTS[3], "2024-03-06 09:15", "", ""],
        [
            "2024-03-09T23:59:59+03:00",
            "cimer",
            "bilgi",
            "park",
            AWKWARD_TEXTS[2],
            "",
            "2024-03-11 08:00",
            "",
        ],
    ]
    path = write_csv(tmp_path / "both.csv", [*REQUEST_HEADER, "source_id"], rows)

    def stored() -> list[tuple[Any, ...]]:
        with pg.begin() as connection:
            requests = (
                connection.exec_driver_sql("SELECT * FROM request ORDER BY number").mappings().all()
            )
            events = connection.exec_driver_sql(
                "SELECT r.number, e.kind, e.actor, e.actor_telegram_id, e.text, e.data::text "
                "FROM request_event e JOIN request r ON r.id = e.request_id ORDER BY r.number"
            ).all()
            connection.exec_driver_sql("DELETE FROM request_event")
            connection.exec_driver_sql("DELETE FROM request")
            connection.exec_driver_sql("DELETE FROM request_counter")
        return [tuple(v for k, v in r.items() if k != "id") for r in requests] + list(events)

    import_requests(pg, config, path)  # in order of arrival: COPY while reading
    streamed = stored()

    def not_in_order(*args: object) -> ImportReport:
        raise imports_streamed.NotInOrder("as if the rows were not in order")

    monkeypatch.setattr(imports_streamed, "import_in_order", not_in_order)
    import_requests(pg, config, path)  # read whole, sorted, then COPY
    assert stored() == streamed
    monkeypatch.setattr(core_imports, "_write_new", core_imports._insert_new)
    import_requests(pg, config, path)  # read whole, sorted, then executemany
    assert stored() == streamed
    assert len(streamed) == 6


# --- call-centre days ----------------------------------------------------------------------


def call_days(engine: Engine) -> dict[date, tuple[int, int, int, int]]:
    with Session(engine) as session:
        return {
            d.day: (d.total, d.information, d.application, d.missed)
            for d in session.exec(select(CallCentreDay)).all()
        }


def test_calls_import_and_reimport_unchanged(db: Engine) -> None:
    report = import_calls(db, DATA / "calls_valid.csv")

    assert (report.rows, report.added, report.updated, report.unchanged) == (3, 3, 0, 0)
    assert call_days(db)[date(2024, 3, 5)] == (590, 270, 240, 80)

    again = import_calls(db, DATA / "calls_valid.csv")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)


def test_calls_changed_values_are_updated(db: Engine, tmp_path: Path) -> None:
    import_calls(db, DATA / "calls_valid.csv")
    path = write_csv(
        tmp_path / "fixed.csv",
        CALL_HEADER,
        [
            ["2024-03-04", "612", "280", "250", "82"],
            ["2024-03-05", "600", "280", "240", "80"],
            ["2024-03-07", "500", "250", "200", "50"],
        ],
    )

    report = import_calls(db, path)

    assert (report.added, report.updated, report.unchanged) == (1, 1, 1)
    days = call_days(db)
    assert days[date(2024, 3, 5)] == (600, 280, 240, 80)
    assert days[date(2024, 3, 6)] == (605, 275, 248, 82)
    assert len(days) == 4


def test_calls_errors_are_reported_by_row_and_nothing_is_stored(db: Engine, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "calls_bad.csv",
        CALL_HEADER,
        [
            ["2024-03-04", "612", "280", "250", "82"],
            ["2024-03-05", "591", "270", "240", "80"],  # 270 + 240 + 80 = 590
            ["2024-03-04", "612", "280", "250", "82"],
            ["05.03.2024", "1", "1", "0", "0"],
            ["2024-03-08", "1.234", "1", "0", "-1"],
            ["2024-02-30", "0", "0", "0", "0"],
        ],
    )

    with pytest.raises(ImportFailed) as failure:
        import_calls(db, path)

    assert [(e.row, e.column) for e in failure.value.errors] == [
        (3, "total"),
        (4, "date"),
        (5, "date"),
        (6, "total"),
        (6, "missed"),
        (7, "date"),
    ]
    assert "590" in failure.value.errors[0].message
    assert "row 2" in failure.value.errors[1].message
    assert count(db, CallCentreDay) == 0


def test_2023_call_totals_survive_a_round_trip(db: Engine, tmp_path: Path) -> None:
    """The seed's 2023 figures, spread over the year, sum back to the digit."""
    totals = {"information": 94_206, "application": 84_145, "missed": 27_690}
    days = [date.fromordinal(date(2023, 1, 1).toordinal() + n) for n in range(365)]
    rows = []
    for index, day in enumerate(days):
        # Each day gets the even share, and the first `remainder` days one more.
        parts = [total // 365 + (index < total % 365) for total in totals.values()]
        rows.append([day.isoformat(), str(sum(parts)), *map(str, parts)])
    path = write_csv(tmp_path / "calls_2023.csv", CALL_HEADER, rows)

    report = import_calls(db, path)

    assert report.added == 365
    with Session(db) as session:
        sums = session.exec(
            select(
                func.sum(CallCentreDay.total),
                func.sum(CallCentreDay.information),
                func.sum(CallCentreDay.application),
                func.sum(CallCentreDay.missed),
            ).where(col(CallCentreDay.day).between(date(2023, 1, 1), date(2023, 12, 31)))
        ).one()
    assert tuple(int(s) for s in sums) == (206_041, 94_206, 84_145, 27_690)
    assert round(100 * sums[3] / sums[0], 1) == 13.4
