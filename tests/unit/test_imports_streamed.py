"""core.imports_streamed on PostgreSQL: a file in order of arrival is written while it is
read, a piece at a time, and must store exactly what reading it whole and sorting it
stores; a file out of order, or with a bad row after pieces were written, leaves nothing
behind. The pieces are made small here so that every file spans several."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from common.config import Config
from core import imports_streamed
from core.imports import ImportFailed, References, import_requests
from db.models import Request, RequestCounter, RequestEvent
from tests.import_files import REQUEST_HEADER, count, write_csv

PIECE = 3


@pytest.fixture(autouse=True)
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports_streamed, "CHUNK", PIECE)


def _row(received: str, text: str) -> list[str]:
    return [received, "phone", "sikayet", "cop", text, "", ""]


def _in_order(days: Iterable[int], year: int = 2024) -> list[list[str]]:
    return [_row(f"{year}-03-{day:02d} 10:00", f"Çöp alınmadı, sokak {day}") for day in days]


def _numbers_by_text(engine: Engine) -> dict[str, str]:
    with Session(engine) as session:
        return {r.text: r.number for r in session.exec(select(Request).order_by(col(Request.id)))}


def _counters(engine: Engine) -> dict[int, int]:
    with Session(engine) as session:
        return {c.year: c.last for c in session.exec(select(RequestCounter))}


def test_a_file_in_order_is_numbered_in_order_across_pieces_and_years(
    pg: Engine, config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    called: list[bool] = []
    streamed = imports_streamed.import_in_order

    def watched(*args: object) -> object:
        report = streamed(*args)  # type: ignore[arg-type]
        called.append(True)  # it did not give up for NotInOrder
        return report

    monkeypatch.setattr(imports_streamed, "import_in_order", watched)
    rows = [
        *_in_order(range(1, 8), 2023),
        *_in_order(range(1, 6), 2024),
        _row("2024-03-05 10:00", "Çöp alınmadı, sokak 5"),  # the same row again: a second
    ]
    path = write_csv(tmp_path / "in-order.csv", REQUEST_HEADER, rows)

    report = import_requests(pg, config, path)

    assert called and (report.rows, report.added) == (13, 13)
    with Session(pg) as session:  # by id: ids follow arrival too
        numbers = [r.number for r in session.exec(select(Request).order_by(col(Request.id)))]
    assert numbers == [f"2023-{n:06d}" for n in range(1, 8)] + [
        f"2024-{n:06d}" for n in range(1, 7)
    ]
    assert _counters(pg) == {2023: 7, 2024: 6}
    with Session(pg) as session:
        rows_of_events = sorted(
            e.data["row"] for e in session.exec(select(RequestEvent)) if e.kind == "imported"
        )
    assert rows_of_events == list(range(2, 15))
    # Again: each piece finds its rows stored, and adds nothing.
    again = import_requests(pg, config, path)
    assert (again.added, again.unchanged) == (0, 13)
    assert count(pg, Request) == 13


def test_a_row_out_of_order_sends_the_file_to_be_sorted_and_nothing_is_left_twice(
    pg: Engine, config: Config, tmp_path: Path
) -> None:
    # Two pieces are written before row 9 turns out to be earlier than row 8.
    rows = [*_in_order(range(10, 17)), _row("2024-03-01 09:00", "Konteyner taştı")]
    path = write_csv(tmp_path / "late-row.csv", REQUEST_HEADER, rows)

    report = import_requests(pg, config, path)

    assert report.added == 8 and count(pg, Request) == 8
    numbers = _numbers_by_text(pg)
    assert numbers["Konteyner taştı"] == "2024-000001"  # received first
    assert numbers["Çöp alınmadı, sokak 16"] == "2024-000008"
    assert _counters(pg) == {2024: 8}
    assert count(pg, RequestEvent) == 8


def test_a_bad_row_after_pieces_were_written_stores_nothing(
    pg: Engine, config: Config, tmp_path: Path
) -> None:
    import_requests(pg, config, write_csv(tmp_path / "first.csv", REQUEST_HEADER, _in_order([1])))
    rows = [
        *_in_order(range(2, 9)),
        ["2024-03-20 10:00", "phone", "sikayet", "yok_boyle", "Çöp", "", ""],
        ["2024-03-21 10:00", "faks", "sikayet", "cop", "Çöp", "", ""],
    ]
    path = write_csv(tmp_path / "bad-late.csv", REQUEST_HEADER, rows)

    with pytest.raises(ImportFailed) as failed:
        import_requests(pg, config, path)

    assert [(e.row, e.column) for e in failed.value.errors] == [(9, "category"), (10, "channel")]
    assert count(pg, Request) == 1 and count(pg, RequestEvent) == 1
    assert _counters(pg) == {2024: 1}  # the numbers given while streaming went back
    # The fixed file goes in, numbered on from the stored request.
    fixed = write_csv(tmp_path / "fixed.csv", REQUEST_HEADER, _in_order(range(2, 9)))
    assert import_requests(pg, config, fixed).added == 7
    assert _numbers_by_text(pg)["Çöp alınmadı, sokak 8"] == "2024-000008"


def test_a_year_held_by_a_streaming_import_makes_filing_wait(pg: Engine) -> None:
    """While an import streams, the year's counter is locked: a request filed meanwhile
    waits, so their numbers never collide, and then takes the next one after the
    import's."""
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    from core import numbering

    with Session(pg) as importing:
        assert numbering.hold(importing, 2024) == 0  # the row is created, then held
        with Session(pg) as filing:
            filing.execute(text("SET lock_timeout = '200ms'"))
            with pytest.raises(OperationalError, match="lock timeout"):
                numbering.allocate(filing, 2024)
        assert numbering.allocate(importing, 2024, 3)[-1] == "2024-000003"
        importing.commit()
    with Session(pg) as filing:
        assert numbering.allocate(filing, 2024) == ["2024-000004"]


# --- the references, checked once --------------------------------------------------------


def test_a_superuser_import_checks_the_references_once_and_an_operators_trigger_stops_that(
    pg: Engine, config: Config, tmp_path: Path
) -> None:
    # The tests connect as a superuser, who may always turn the triggers off.
    first = write_csv(tmp_path / "first.csv", REQUEST_HEADER, _in_order(range(1, 5)))
    assert import_requests(pg, config, first).references is References.ONCE
    shuffled = write_csv(tmp_path / "late.csv", REQUEST_HEADER, _in_order([9, 8]))
    assert import_requests(pg, config, shuffled).references is References.ONCE  # sorted
    again = import_requests(pg, config, first)
    assert (again.added, again.references) == (0, References.ROW_BY_ROW)  # nothing to check

    # An operator's own trigger on the events: every row goes through it, as before.
    with pg.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE audited (request_id integer)")
        connection.exec_driver_sql(
            "CREATE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN INSERT INTO audited VALUES (NEW.request_id); RETURN NEW; END $$"
        )
        connection.exec_driver_sql(
            "CREATE TRIGGER audit AFTER INSERT ON request_event "
            "FOR EACH ROW EXECUTE FUNCTION audit()"
        )
    second = write_csv(tmp_path / "second.csv", REQUEST_HEADER, _in_order(range(10, 17)))

    report = import_requests(pg, config, second)

    assert (report.added, report.references) == (7, References.ROW_BY_ROW)
    with pg.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM audited").scalar_one() == 7


def test_while_the_references_are_checked_once_no_topic_can_go_and_after_the_triggers_are_on(
    pg: Engine, config: Config, tmp_path: Path
) -> None:
    from sqlalchemy.exc import OperationalError

    from core.imports import _Setting

    def role(session: Session) -> str:
        return str(session.connection().exec_driver_sql("SHOW session_replication_role").scalar())

    setting = _Setting.of(pg, config, tmp_path / "unread.csv", [])
    with Session(pg) as importing:
        with imports_streamed.references_checked_once(importing, setting) as how:
            assert how is References.ONCE and role(importing) == "replica"
            with pg.connect() as other:  # removing a topic waits for the import
                other.exec_driver_sql("SET lock_timeout = '200ms'")
                with pytest.raises(OperationalError, match="lock timeout"):
                    other.exec_driver_sql("DELETE FROM category WHERE code = 'cop'")
        assert role(importing) == "origin"
        importing.rollback()

    # A topic's department missing from the database (a config ahead of it), then a topic
    # gone since the file was opened: the triggers stay on, to refuse such rows.
    def checked(unsure: _Setting) -> References:
        with Session(pg) as importing:
            with imports_streamed.references_checked_once(importing, unsure) as how:
                assert (role(importing) == "replica") is (how is References.ONCE)
            assert role(importing) == "origin"
            importing.rollback()
        return how

    assert checked(setting) is References.ONCE
    assert (
        checked(replace(setting, sla={**setting.sla, "cop": ("yok", 8)})) is References.ROW_BY_ROW
    )
    with pg.begin() as connection:
        connection.exec_driver_sql("DELETE FROM category WHERE code = 'park'")
    assert checked(setting) is References.ROW_BY_ROW


def test_kentbot_import_as_a_role_checks_the_references_once_only_when_granted(
    pg_url: str,
    config: Config,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """As docs/operations.md tells the operator: without the grant every row is checked,
    the import the same but slower, and `kentbot import` says so after a large file; with
    the grant the references are checked once, and nothing is said."""
    import uuid

    from sqlalchemy.engine import make_url

    from bot import cli
    from bot.app import prepare_database
    from db.engine import make_engine

    owner = make_engine(pg_url)
    prepare_database(owner, config)
    name = f"kent_{uuid.uuid4().hex[:8]}"
    with owner.begin() as connection:
        schema = connection.exec_driver_sql("SELECT current_schema()").scalar_one()
        for statement in (
            f"CREATE ROLE {name} LOGIN",
            f'GRANT USAGE ON SCHEMA "{schema}" TO {name}',
            f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "{schema}" TO {name}',
            f'GRANT USAGE, UPDATE ON ALL SEQUENCES IN SCHEMA "{schema}" TO {name}',
        ):
            connection.exec_driver_sql(statement)
    url = make_url(pg_url).set(username=name).render_as_string(False)
    monkeypatch.setattr(cli, "LARGE_IMPORT", 4)  # four rows count as a large file here

    def kentbot_import(path: Path) -> str:
        assert cli.main(["import", "requests", str(path), "--database-url", url]) == 0
        return capsys.readouterr().out

    try:
        said = kentbot_import(write_csv(tmp_path / "a.csv", REQUEST_HEADER, _in_order(range(1, 5))))
        assert "a.csv: 4 rows, 4 requests added" in said
        assert "note: PostgreSQL checked each new request's topic and department" in said

        with owner.begin() as connection:
            connection.exec_driver_sql(f"GRANT SET ON PARAMETER session_replication_role TO {name}")
        said = kentbot_import(write_csv(tmp_path / "b.csv", REQUEST_HEADER, _in_order([5, 6])))
        assert "b.csv: 2 rows, 2 requests added" in said and "note:" not in said
        plain = make_engine(url)
        after = write_csv(tmp_path / "c.csv", REQUEST_HEADER, _in_order([7, 8]))
        assert import_requests(plain, config, after).references is References.ONCE
        plain.dispose()
        assert count(owner, Request) == 8 and count(owner, RequestEvent) == 8
    finally:
        with owner.begin() as connection:
            connection.exec_driver_sql(f"DROP OWNED BY {name}")
            connection.exec_driver_sql(f"DROP ROLE {name}")
        owner.dispose()
