"""Imports with a `source_id`: a corrected row re-exported by the other system updates the
request it came from, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from common.config import Config
from core import indicators, request_privacy
from core.imports import CORRECTED, ImportFailed, import_requests
from core.periods import period
from core.privacy import ERASED
from core.working_time import WorkingCalendar
from db.engine import transaction
from db.migrate import downgrade, upgrade
from db.models import Request, RequestCounter, RequestEvent
from db.types import utcnow
from tests.import_files import REQUEST_HEADER, count, utc, write_csv

HEADER = [*REQUEST_HEADER, "source_id"]
IST = ZoneInfo("Europe/Istanbul")

# As the call centre first exported them: a complaint that was a request, a pavement filed
# under rubbish with a typo and no answer yet, the same id from CİMER (another request),
# and a row without an id.
FIRST = [
    ["2024-03-05 10:00", "phone", "sikayet", "cop", "Konteyner taşıyor", "", "", "CC-1"],
    ["2024-03-05 11:00", "phone", "talep", "cop", "Kaldırım çökmüs", "", "", "CC-2"],
    ["2024-03-06 09:00", "cimer", "talep", "park", "Bank kırık", "", "", "CC-1"],
    ["2024-03-06 10:00", "phone", "bilgi", "yol", "Yol ne zaman açılacak?", "", "", ""],
]
# The same export once corrected: CC-1 is a request after all; CC-2's topic and text are
# fixed and the answer given on the 7th is added.
FIXED = [
    ["2024-03-05 10:00", "phone", "talep", "cop", "Konteyner taşıyor", "", "", "CC-1"],
    [
        "2024-03-05 11:00",
        "phone",
        "talep",
        "yol",
        "Kaldırım çökmüş",
        "2024-03-07 10:00",
        "",
        "CC-2",
    ],
    FIRST[2],
    FIRST[3],
]


def by_source(engine: Engine) -> dict[tuple[str, str | None], Request]:
    with Session(engine) as session:
        return {(r.channel, r.source_id): r for r in session.exec(select(Request)).all()}


def events_of(engine: Engine, request_id: int | None) -> list[RequestEvent]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(RequestEvent)
                .where(RequestEvent.request_id == request_id)
                .order_by(col(RequestEvent.id))
            ).all()
        )


def figures_2024(engine: Engine, config: Config) -> dict[str, Any]:
    with Session(engine) as session:
        figures = indicators.compute(session, config, period("year", date(2024, 6, 1), IST))
    return {
        "total": figures.requests_total,
        "by_channel": {k: v for k, v in figures.requests_by_channel.items() if v},
        "complaints": figures.complaints_total,
        "responded": figures.responded_requests,
        "average": figures.average_response_days,
    }


def test_a_corrected_file_updates_its_requests_and_the_totals_stay_right(
    db: Engine, config: Config, tmp_path: Path
) -> None:
    first = import_requests(db, config, write_csv(tmp_path / "mart.csv", HEADER, FIRST))
    assert (first.rows, first.added, first.updated, first.unchanged) == (4, 4, 0, 0)
    stored = by_source(db)
    # One id from two systems is two requests.
    assert stored[("phone", "CC-1")].id != stored[("cimer", "CC-1")].id
    assert stored[("phone", None)].import_key is not None
    before = figures_2024(db, config)
    assert before == {
        "total": 4,
        "by_channel": {"phone": 3, "cimer": 1},
        "complaints": 1,
        "responded": 0,
        "average": None,
    }

    report = import_requests(db, config, write_csv(tmp_path / "mart-duzeltme.csv", HEADER, FIXED))

    assert (report.rows, report.added, report.updated, report.unchanged) == (4, 0, 2, 2)
    assert count(db, Request) == 4
    after = by_source(db)
    complaint, pavement = after[("phone", "CC-1")], after[("phone", "CC-2")]
    assert (complaint.id, complaint.number) == (
        stored[("phone", "CC-1")].id,
        stored[("phone", "CC-1")].number,
    )
    assert complaint.type == "talep"
    assert (pavement.text, pavement.category_code, pavement.department_code) == (
        "Kaldırım çökmüş",
        "yol",
        "fen",
    )
    assert pavement.first_response_at == utc(2024, 3, 7, 7, 0)
    assert pavement.status == "answered"
    calendar = WorkingCalendar.from_config(config)
    # The new topic's working-time target (16 h, not rubbish's 8 h).
    assert pavement.due_at == calendar.add_working_hours(pavement.created_at, 16)
    assert pavement.due_at != stored[("phone", "CC-2")].due_at
    # Rows that did not change were not touched.
    for key in (("cimer", "CC-1"), ("phone", None)):
        assert after[key].updated_at == stored[key].updated_at

    # Same count by channel; the complaint is gone and the answer is counted.
    figures = figures_2024(db, config)
    assert {k: figures[k] for k in ("total", "by_channel")} == {
        "total": 4,
        "by_channel": {"phone": 3, "cimer": 1},
    }
    assert (figures["complaints"], figures["responded"]) == (0, 1)
    assert figures["average"] is not None and figures["average"] > 0

    # The audit trail says what changed, by which file and row; the text's words stay out.
    kinds = [(e.kind, e.actor) for e in events_of(db, pavement.id)]
    assert kinds == [("imported", "system"), (CORRECTED, "system")]
    corrected = events_of(db, pavement.id)[-1]
    assert corrected.data["file"] == "mart-duzeltme.csv" and corrected.data["row"] == 3
    assert corrected.data["changed"] == {
        "category_code": ["cop", "yol"],
        "department_code": ["temizlik", "fen"],
        "text": None,
        "first_response_at": [None, "2024-03-07T07:00:00+00:00"],
        "status": ["new", "answered"],
        "due_at": [
            stored[("phone", "CC-2")].due_at.isoformat(),  # type: ignore[union-attr]
            pavement.due_at.isoformat(),
        ],
    }
    assert events_of(db, complaint.id)[-1].data["changed"] == {"type": ["sikayet", "talep"]}

    # The corrected file again, re-saved by an editor that changed the spacing: nothing
    # changes and no event is written.
    events = count(db, RequestEvent)
    resaved = [[*FIXED[0][:4], " Konteyner\r\n taşıyor", *FIXED[0][5:]], *FIXED[1:]]
    again = import_requests(db, config, write_csv(tmp_path / "tekrar.csv", HEADER, resaved))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 4)
    assert count(db, RequestEvent) == events
    assert figures_2024(db, config) == figures


def test_the_same_source_id_twice_in_a_file_is_refused_naming_both_rows(
    db: Engine, config: Config, tmp_path: Path
) -> None:
    rows = [
        FIRST[0],
        FIRST[2],  # CC-1 from CİMER: another system's id, no clash
        [*FIRST[0][:4], "Konteyner taşıyor, koku var", "", "", "CC-1"],
        [*FIRST[3][:7], "X" * 65],
    ]
    path = write_csv(tmp_path / "cift.csv", HEADER, rows)

    with pytest.raises(ImportFailed) as failure:
        import_requests(db, config, path)

    assert [(e.row, e.column) for e in failure.value.errors] == [
        (4, "source_id"),
        (5, "source_id"),
    ]
    assert failure.value.errors[0].message == (
        "'CC-1' (phone) is already on row 2; a file may hold each row of the other system once"
    )
    assert "65 characters; at most 64" in failure.value.errors[1].message
    assert count(db, Request) == 0


def test_a_source_id_of_a_request_filed_in_the_chat_is_refused_and_it_stays_as_it_is(
    db: Engine, config: Config, tmp_path: Path
) -> None:
    with transaction(db) as session:
        session.add(
            Request(
                number="2024-000007",
                channel="phone",
                type="talep",
                category_code="yol",
                department_code="fen",
                text="Sohbetten gelen talep",
                created_at=utc(2024, 3, 1, 9, 0),
                source_id="CC-7",
            )
        )
    rows = [
        FIRST[0],
        ["2024-03-05 12:00", "phone", "talep", "yol", "Üzerine yazılmasın", "", "", "CC-7"],
    ]

    with pytest.raises(ImportFailed) as failure:
        import_requests(db, config, write_csv(tmp_path / "sohbet.csv", HEADER, rows))

    [error] = failure.value.errors
    assert (error.row, error.column) == (3, "source_id")
    assert error.message == (
        "'CC-7' (phone) belongs to request 2024-000007, which was not imported; "
        "an import never changes it"
    )
    assert [r.text for r in by_source(db).values()] == ["Sohbetten gelen talep"]
    assert count(db, RequestEvent) == 0 and count(db, RequestCounter) == 0


def test_an_erased_request_stays_erased_when_its_row_is_corrected(
    db: Engine, config: Config, tmp_path: Path
) -> None:
    row = ["2024-03-05 10:00", "phone", "talep", "yol", "Ahmet Bey'in kapısı", "", "", "CC-3"]
    row[6] = "2024-03-06 10:00"
    import_requests(db, config, write_csv(tmp_path / "ilk.csv", HEADER, [row]))
    with transaction(db) as session:  # the retention period is over
        assert len(request_privacy.expire(session, utcnow(), 30).request_ids) == 1
    fixed = [*row[:4], "Ahmet Bey'in kapısının önü", "", "2024-03-06 09:00", "CC-3"]

    report = import_requests(db, config, write_csv(tmp_path / "duzeltme.csv", HEADER, [fixed]))

    assert (report.added, report.updated) == (0, 1)
    [request] = by_source(db).values()
    assert request.text == ERASED
    assert request.resolved_at == request.first_response_at == utc(2024, 3, 6, 6, 0)
    changed = events_of(db, request.id)[-1].data["changed"]
    assert set(changed) == {"first_response_at", "resolved_at"}
    # An erased request with only its text changed is unchanged.
    same = import_requests(
        db, config, write_csv(tmp_path / "yine.csv", HEADER, [[*fixed[:4], "Başka", *fixed[5:]]])
    )
    assert (same.updated, same.unchanged) == (0, 1)


def test_rows_that_gain_a_source_id_later_claim_their_requests(
    db: Engine, config: Config, tmp_path: Path
) -> None:
    twin = ["2024-03-05 10:00", "phone", "talep", "yol", "Çukur var", "", ""]
    import_requests(db, config, write_csv(tmp_path / "eski.csv", REQUEST_HEADER, [twin, twin]))

    # The call centre's export now carries its ids: the same two calls, not two more.
    claimed = import_requests(
        db,
        config,
        write_csv(tmp_path / "yeni.csv", HEADER, [[*twin, "CC-10"], [*twin, "CC-11"]]),
    )

    assert (claimed.added, claimed.updated, claimed.unchanged) == (0, 0, 2)
    assert set(by_source(db)) == {("phone", "CC-10"), ("phone", "CC-11")}
    # From then on the id finds them, whatever the correction.
    fixed = import_requests(
        db,
        config,
        write_csv(tmp_path / "fix.csv", HEADER, [[*twin[:4], "Çukur var, derin", "", "", "CC-11"]]),
    )
    assert (fixed.added, fixed.updated) == (0, 1)
    assert by_source(db)[("phone", "CC-11")].text == "Çukur var, derin"
    # A third identical call with its own id is a third request.
    third = import_requests(
        db, config, write_csv(tmp_path / "uc.csv", HEADER, [[*twin, "CC-12"], [*twin, "CC-10"]])
    )
    assert (third.added, third.unchanged) == (1, 1)
    assert count(db, Request) == 3


def test_source_id_is_unique_per_channel_and_rows_without_one_never_clash(
    db: Engine,
) -> None:
    def add(number: str, channel: str, source_id: str | None) -> None:
        with transaction(db) as session:
            session.add(
                Request(
                    number=number,
                    channel=channel,
                    type="talep",
                    category_code="yol",
                    department_code="fen",
                    text="x",
                    source_id=source_id,
                )
            )

    add("2024-000001", "phone", None)
    add("2024-000002", "phone", None)
    add("2024-000003", "phone", "A")
    add("2024-000004", "cimer", "A")
    with pytest.raises(IntegrityError):
        add("2024-000005", "phone", "A")
    assert count(db, Request) == 4


def test_migration_0026_matches_the_model_and_goes_down_and_up(db: Engine) -> None:
    with db.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []
    downgrade(db, "0025")
    assert "source_id" not in {c["name"] for c in inspect(db).get_columns("request")}
    upgrade(db)
    [index] = [
        ix
        for ix in inspect(db).get_indexes("request")
        if ix["name"] == "ux_request_channel_source_id"
    ]
    assert index["column_names"] == ["channel", "source_id"] and index["unique"]
