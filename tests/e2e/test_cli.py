"""The `kentbot` command line, run as real subprocesses against a SQLite file in tmp_path."""

from __future__ import annotations

import csv
import io
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import create_engine, inspect, text

from common.i18n import translator
from db.engine import make_engine, transaction
from db.models import CouncilEvent
from emulator.client import EmulatorClient
from tests.processes import (
    KENTBOT,
    REPO,
    TOKEN,
    clean_env,
    emulator_process,
    free_port,
    stop,
    wait_for_port,
)

# A Bot API token: bot id, colon, secret. Log timestamps (12:34:56) do not look like this.
TOKEN_PATTERN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{3,}")
CLI_TIMEOUT = 30.0


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def kentbot(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KENTBOT, *args],
        cwd=REPO,
        env=env or clean_env(),
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )


# --- kentbot run against an emulator started on its own ---------------------------------


@pytest.fixture(scope="module")
def emulator_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    with emulator_process(tmp_path_factory.mktemp("emulator") / "emulator.log") as port:
        yield port


@pytest.mark.parametrize(
    "command",
    [[sys.executable, "-m", "emulator"], [KENTBOT, "emulator"]],
    ids=["python -m emulator", "kentbot emulator"],
)
def test_the_emulator_starts_on_its_own_with_a_port_and_a_token(
    command: list[str], tmp_path: Path
) -> None:
    port = free_port()
    with (tmp_path / "emulator.log").open("w") as out:
        process = subprocess.Popen(
            [*command, "--port", str(port), "--token", "123:T"],
            cwd=REPO,
            env=clean_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            wait_for_port(port, process)
            me = httpx.get(f"http://127.0.0.1:{port}/bot123:T/getMe", timeout=5).json()
            assert me["ok"] and me["result"]["id"] == 123 and me["result"]["is_bot"]
        finally:
            stop(process)
    assert "Telegram Bot API emulator on" in (tmp_path / "emulator.log").read_text()


@pytest.mark.parametrize("api_url_from", ["option", "environment"])
def test_run_serves_the_emulator_and_stops_on_sigterm(
    emulator_port: int, tmp_path: Path, api_url_from: str
) -> None:
    api_url = f"http://127.0.0.1:{emulator_port}/bot"
    database = sqlite_url(tmp_path / "k.sqlite")
    args = ["run", "--database-url", database]
    web_port = free_port()
    env = clean_env(KENTBOT_TOKEN=TOKEN, KENTBOT_WEB_LISTEN=f"127.0.0.1:{web_port}")
    if api_url_from == "option":
        args += ["--api-url", api_url]
    else:
        env["KENTBOT_API_URL"] = api_url
    log_path = tmp_path / "bot.log"
    emu = EmulatorClient(f"http://127.0.0.1:{emulator_port}", bot=TOKEN, timeout=15)
    with log_path.open("w") as log:
        bot = subprocess.Popen(
            [KENTBOT, *args], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        try:
            user = emu.create_user(first_name="John", last_name="Smith", language_code="en")
            user.send("/start")
            # The first reply waits for the bot to start up and begin polling.
            hello = user.wait_message(contains="Hello", timeout=20)
            assert "John" in hello.text
            user.send("/dil")
            user.wait_message(contains="language")
            user.press("🇹🇷 Türkçe")
            user.wait_message(contains="Dil Türkçe olarak ayarlandı.")
            commands = [c["command"] for c in emu.commands(language_code="tr")]
            assert "talep" in commands, commands
            # The same process serves the web application.
            site = httpx.get(f"http://127.0.0.1:{web_port}/healthz", timeout=5)
            assert site.status_code == 200 and site.text == "ok"

            bot.send_signal(signal.SIGTERM)
            try:
                code = bot.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pytest.fail("kentbot run did not stop within 10 s of SIGTERM")
            assert code == 0, log_path.read_text()
        finally:
            stop(bot)
            emu.close()
    output = log_path.read_text()
    assert "is polling for updates" in output
    assert f"the web application listens on 127.0.0.1:{web_port}" in output
    assert TOKEN not in output, f"the bot token leaked into the log:\n{output}"


@pytest.mark.parametrize("token", [None, ""])
def test_run_without_token_explains_what_to_do(tmp_path: Path, token: str | None) -> None:
    env = clean_env() if token is None else clean_env(KENTBOT_TOKEN=token)
    result = kentbot("run", "--database-url", sqlite_url(tmp_path / "k.sqlite"), env=env)
    assert result.returncode == 2, result
    assert "KENTBOT_TOKEN" in result.stderr
    assert "make demo" in result.stderr
    assert not TOKEN_PATTERN.search(result.stdout + result.stderr)


# --- configuration and database ----------------------------------------------------------


def test_broken_config_names_file_line_and_key(tmp_path: Path) -> None:
    lines = (REPO / "config.toml").read_text(encoding="utf-8").splitlines(keepends=True)
    sla_lines = [i for i, line in enumerate(lines) if re.match(r"sla_hours\s*=", line)]
    assert len(sla_lines) > 2
    index = 2  # the third category
    number = sla_lines[index]
    lines[number] = 'sla_hours = "x"\n'
    broken = tmp_path / "broken.toml"
    broken.write_text("".join(lines), encoding="utf-8")

    result = kentbot(
        "db",
        "upgrade",
        "--config",
        str(broken),
        "--database-url",
        sqlite_url(tmp_path / "k.sqlite"),
    )
    assert result.returncode == 2, result
    assert f"{broken}:{number + 1}" in result.stderr
    assert f"categories[{index}].sla_hours" in result.stderr


def test_a_type_error_and_an_unknown_department_are_reported_together(tmp_path: Path) -> None:
    text = (REPO / "config.toml").read_text(encoding="utf-8")
    broken_text = text.replace("retention_days = 730", 'retention_days = "iki yıl"').replace(
        'department = "zabita"', 'department = "zabitaa"', 1
    )
    assert broken_text.count("iki yıl") == 1 and broken_text.count("zabitaa") == 1
    broken = tmp_path / "broken.toml"
    broken.write_text(broken_text, encoding="utf-8")
    lines = broken_text.splitlines()
    retention = next(n for n, line in enumerate(lines, 1) if "iki yıl" in line)
    department = next(n for n, line in enumerate(lines, 1) if "zabitaa" in line)

    result = kentbot(
        "db",
        "upgrade",
        "--config",
        str(broken),
        "--database-url",
        sqlite_url(tmp_path / "k.sqlite"),
    )

    assert result.returncode == 2, result
    assert result.stderr.splitlines() == [
        "kentbot: invalid configuration:",
        f"  {broken}:{retention}: kvkk.retention_days: "
        "Input should be a valid integer, unable to parse string as an integer",
        f"  {broken}:{department}: categories[6].department: unknown department 'zabitaa'; "
        "known: fen, halkla_iliskiler, imar, istihdam, kent_konseyi, park, sosyal, temizlik, "
        "ulasim, zabita",
    ]
    assert not (tmp_path / "k.sqlite").exists()


def test_db_upgrade_creates_the_schema_and_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite"
    for _ in range(2):
        result = kentbot("db", "upgrade", "--database-url", sqlite_url(path))
        assert result.returncode == 0, result
        assert "up to date" in result.stdout
    engine = create_engine(sqlite_url(path))
    try:
        assert "request" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_db_upgrade_reads_the_database_from_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "env.sqlite"
    result = kentbot("db", "upgrade", env=clean_env(KENTBOT_DATABASE_URL=sqlite_url(path)))
    assert result.returncode == 0, result
    assert path.is_file()


# --- report ----------------------------------------------------------------------------


def test_report_refuses_a_database_that_is_not_there(tmp_path: Path, pg_url: str) -> None:
    missing = tmp_path / "nowhere" / "k.sqlite"
    result = kentbot("report", "--year", "2025", "--database-url", sqlite_url(missing))
    assert result.returncode == 2, result
    assert result.stderr == f"kentbot report: no database at {missing}; " + (
        "pass --database-url or set KENTBOT_DATABASE_URL\n"
    )
    assert result.stdout == "" and not missing.parent.exists()  # nothing created

    # PostgreSQL: the server is there, but this schema holds no Kent Bot tables.
    result = kentbot("report", "--year", "2025", "--database-url", pg_url)
    assert result.returncode == 2, result
    assert len(result.stderr.splitlines()) == 1
    assert "has no Kent Bot tables (run `kentbot db upgrade`" in result.stderr
    engine = make_engine(pg_url)
    try:
        assert inspect(engine).get_table_names() == []  # and it stays empty
    finally:
        engine.dispose()

    # A database of an older version is not migrated behind the operator's back either.
    old = tmp_path / "old.sqlite"
    assert kentbot("db", "upgrade", "--database-url", sqlite_url(old)).returncode == 0
    engine = make_engine(sqlite_url(old))
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0009'"))
    engine.dispose()
    result = kentbot("report", "--year", "2025", "--database-url", sqlite_url(old))
    assert result.returncode == 2, result
    assert "its schema is at revision 0009" in result.stderr
    assert "run `kentbot db upgrade`" in result.stderr


def test_report_goes_to_the_reports_folder_and_counts_only_held_events(tmp_path: Path) -> None:
    database = sqlite_url(tmp_path / "k.sqlite")
    assert kentbot("db", "upgrade", "--database-url", database).returncode == 0
    now = datetime.now(UTC)
    tz = ZoneInfo("Europe/Istanbul")
    today = now.astimezone(tz).date()
    start = max(now - timedelta(hours=3), datetime(today.year, 1, 1, tzinfo=tz))
    engine = make_engine(database)
    with transaction(engine) as session:
        for starts_at in (start, now + timedelta(days=7)):  # over, and next week's
            session.add(
                CouncilEvent(
                    assembly_code="kadin",
                    title="Toplantı",
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(minutes=1),
                    capacity=20,
                )
            )
    engine.dispose()

    result = subprocess.run(
        [KENTBOT, "report", "--year", str(today.year), "--format", "csv"],
        cwd=tmp_path,
        env=clean_env(KENTBOT_DATABASE_URL=database),
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    written = tmp_path / "reports" / f"performans-{today.year}.csv"
    period = translator("tr").interval(date(today.year, 1, 1), today)
    assert result.stdout == f"written {written.relative_to(tmp_path)} ({period})\n"
    rows = {
        line[0]: line[1:]
        for line in csv.reader(io.StringIO(written.read_text(encoding="utf-8-sig")), delimiter=";")
        if line
    }
    assert rows["5. Kent Konseyi toplam etkinlik sayısı"][1] == "1"  # not next week's
    assert rows[next(label for label in rows if label.endswith(f"({period})"))] == []

    printed = kentbot(
        "report",
        "--year",
        str(today.year),
        "--format",
        "md",
        "--output",
        "-",
        "--database-url",
        database,
    )
    assert printed.returncode == 0 and "| **5. Kent Konseyi toplam etkinlik sayısı** |" in (
        printed.stdout
    )
    chosen = tmp_path / "out" / "rapor.xlsx"
    chosen_run = kentbot(
        "report", "--year", str(today.year), "--output", str(chosen), "--database-url", database
    )
    assert chosen_run.returncode == 0 and chosen.is_file()
    assert f"written {chosen} " in chosen_run.stdout
    assert "/reports/" in (REPO / ".gitignore").read_text().splitlines()


def test_report_to_a_folder_it_cannot_write_says_so_in_one_line(tmp_path: Path) -> None:
    """Under the `kb` wrapper the current directory is /opt/kentbot, root's: ./reports
    cannot be made there. Tests may run as root, whom chmod does not stop, so here
    `reports` is a file, and the --output's folder a file too."""
    database = sqlite_url(tmp_path / "k.sqlite")
    assert kentbot("db", "upgrade", "--database-url", database).returncode == 0
    cwd = tmp_path / "opt"
    cwd.mkdir()
    (cwd / "reports").write_text("not a folder")
    result = subprocess.run(
        [KENTBOT, "report", "--year", "2025"],
        cwd=cwd,
        env=clean_env(KENTBOT_DATABASE_URL=database),
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )
    assert result.returncode == 2 and result.stdout == "", result
    assert result.stderr == (
        f"kentbot report: cannot write to the folder {cwd / 'reports'} (File exists); "
        "name a file in a folder you can write to with --output\n"
    )

    into_a_file = cwd / "reports" / "2025" / "rapor.md"
    result = kentbot(
        "report", "--year", "2025", "--format", "md", "--output", str(into_a_file),
        "--database-url", database,
    )  # fmt: skip
    assert result.returncode == 2 and result.stdout == "", result
    assert result.stderr == (
        f"kentbot report: cannot write to the folder {into_a_file.parent} (Not a directory); "
        "name a file in a folder you can write to with --output\n"
    )
    assert (cwd / "reports").read_text() == "not a folder"


# --- imports ---------------------------------------------------------------------------

REQUEST_HEADER = "received_at;channel;type;category;text;first_response_at;resolved_at"


def test_import_of_a_turkish_excel_csv_with_semicolons_and_a_bom(tmp_path: Path) -> None:
    # As Excel saves "CSV UTF-8" in a Turkish locale, and as `kentbot report` writes CSV.
    rows = [
        REQUEST_HEADER,
        '2024-03-05 10:00;phone;sikayet;cop;"Çöp; iki gündür alınmadı, kokuyor.";;',
        "2024-03-05 11:30;in_person;talep;yol;Kaldırım çökmüş;2024-03-05 15:00;",
    ]
    path = tmp_path / "talepler.csv"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("utf-8-sig"))
    calls = tmp_path / "cagri.csv"
    calls.write_bytes(
        "date;total;information;application;missed\r\n2024-03-04;612;280;250;82\r\n".encode(
            "utf-8-sig"
        )
    )
    db = sqlite_url(tmp_path / "k.sqlite")

    result = kentbot("import", "requests", str(path), "--database-url", db)
    again = kentbot("import", "requests", str(path), "--database-url", db)
    days = kentbot("import", "calls", str(calls), "--database-url", db)

    assert result.returncode == 0, result.stderr
    assert result.stdout == "talepler.csv: 2 rows, 2 requests added, 0 updated, 0 unchanged\n"
    assert again.stdout == "talepler.csv: 2 rows, 0 requests added, 0 updated, 2 unchanged\n"
    assert days.returncode == 0, days.stderr
    assert days.stdout == "cagri.csv: 1 days, 1 added, 0 updated, 0 unchanged\n"


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_import_of_a_corrected_export_updates_its_requests_and_says_so(
    tmp_path: Path, request: pytest.FixtureRequest, database: str
) -> None:
    """The call centre re-exports a row with its text and answer fixed: the request it
    came from is corrected, the count stays, and a file naming one call twice is refused."""
    db = (
        sqlite_url(tmp_path / "k.sqlite")
        if database == "sqlite"
        else request.getfixturevalue("pg_url")
    )
    header = REQUEST_HEADER + ";source_id"
    rows = {
        "CC-1": "2024-03-05 10:00;phone;sikayet;cop;Çöp alınmadı;;;CC-1",
        "CC-2": "2024-03-05 11:30;phone;talep;yol;Kaldırım çökmüs;;;CC-2",
    }

    def write(name: str, *lines: str) -> Path:
        path = tmp_path / name
        path.write_bytes(("\r\n".join((header, *lines)) + "\r\n").encode("utf-8-sig"))
        return path

    def run(path: Path) -> subprocess.CompletedProcess[str]:
        return kentbot("import", "requests", str(path), "--database-url", db)

    first = run(write("mart.csv", *rows.values()))
    fixed = run(
        write(
            "mart-duzeltme.csv",
            rows["CC-1"],
            "2024-03-05 11:30;phone;talep;yol;Kaldırım çökmüş;2024-03-06 09:00;;CC-2",
        )
    )
    twice = run(write("cift.csv", rows["CC-1"], rows["CC-2"], rows["CC-1"]))

    assert first.stdout == "mart.csv: 2 rows, 2 requests added, 0 updated, 0 unchanged\n"
    assert fixed.returncode == 0, fixed.stderr
    assert fixed.stdout == "mart-duzeltme.csv: 2 rows, 0 requests added, 1 updated, 1 unchanged\n"
    assert twice.returncode == 1 and twice.stdout == ""
    assert twice.stderr.splitlines() == [
        "kentbot import: cift.csv was not imported; fix these rows and run again:",
        "  row 4 source_id: 'CC-1' (phone) is already on row 2; a file may hold each row of"
        " the other system once",
    ]
    engine = make_engine(db)
    try:
        with engine.connect() as connection:
            stored = connection.execute(
                text("SELECT source_id, text, status FROM request ORDER BY source_id")
            ).all()
            kinds = (
                connection.execute(text("SELECT kind FROM request_event ORDER BY id"))
                .scalars()
                .all()
            )
    finally:
        engine.dispose()
    assert [tuple(row) for row in stored] == [
        ("CC-1", "Çöp alınmadı", "new"),
        ("CC-2", "Kaldırım çökmüş", "answered"),
    ]
    assert kinds == ["imported", "imported", "import_corrected"]


def test_import_without_a_header_row_says_so_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "basliksiz.csv"
    path.write_bytes(
        (
            "2024-03-05 10:00;phone;talep;yol;Çukur;;\r\n"
            "2024-03-05 11:00;phone;talep;yol;Bir çukur daha;;\r\n"
        ).encode("utf-8-sig")
    )

    result = kentbot(
        "import", "requests", str(path), "--database-url", sqlite_url(tmp_path / "k.sqlite")
    )

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "kentbot import: basliksiz.csv was not imported; fix these rows and run again:",
        f"  row 1: the first row must be the column names: {REQUEST_HEADER}",
    ]
    assert result.stdout == ""


def test_import_of_the_employment_portals_history_in_order_and_once(tmp_path: Path) -> None:
    files = {
        "cv.csv": "external_id;registered_at;birth_year;district;occupation\r\n"
        "JS-1;2024-01-10;1990;Ümraniye;5131\r\nJS-2;2024-01-11;;Kadıköy;\r\n",
        "firma.csv": "external_id;registered_at;tax_number;name;district\r\n"
        "F-1;2024-01-05;4540536920;Lezzet Lokantası;Ümraniye\r\n",
        "yonlendirme.csv": "external_id;referred_at;jobseeker_id;employer_id;occupation;"
        "outcome;outcome_at\r\nR-1;2024-02-01;JS-1;F-1;5131;started;2024-02-20\r\n",
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content.encode("utf-8-sig"))
    db = sqlite_url(tmp_path / "k.sqlite")

    def run(kind: str, name: str) -> subprocess.CompletedProcess[str]:
        return kentbot("import", kind, str(tmp_path / name), "--database-url", db)

    early = run("referrals", "yonlendirme.csv")
    assert early.returncode == 1
    assert "row 2 jobseeker_id: no job seeker 'JS-1'; import the job seekers first" in early.stderr
    seekers = run("jobseekers", "cv.csv")
    firms = run("employers", "firma.csv")
    referrals = run("referrals", "yonlendirme.csv")
    again = run("referrals", "yonlendirme.csv")

    assert seekers.stdout == "cv.csv: 2 rows, 2 job seekers added, 0 already imported\n"
    assert firms.stdout == "firma.csv: 1 rows, 1 employers added, 0 already imported\n"
    assert referrals.stdout == "yonlendirme.csv: 1 rows, 1 referrals added, 0 already imported\n"
    assert again.stdout == "yonlendirme.csv: 1 rows, 0 referrals added, 1 already imported\n"


# --- staff -----------------------------------------------------------------------------


def test_staff_add_on_a_fresh_database_knows_the_config_departments(tmp_path: Path) -> None:
    """`staff` migrates the database itself, so it must not need a `db upgrade` first."""
    common = ["--database-url", sqlite_url(tmp_path / "k.sqlite")]
    added = kentbot("staff", *common, "add", "555", "staff", "--department", "fen")
    assert added.returncode == 0, added.stderr
    assert "555 is now staff of fen" in added.stdout


def test_api_keys_made_listed_and_revoked(tmp_path: Path) -> None:
    """`kentbot api-key`: the key is printed once and works; the database keeps its hash
    only; a revoked key stops working at once and keeps its name."""
    from core import api_keys

    database = sqlite_url(tmp_path / "k.sqlite")
    common = ["--database-url", database]
    added = kentbot(
        "api-key", *common, "add", "fixmystreet", "--channel", "whatsapp", "--rate", "5"
    )
    assert added.returncode == 0, added.stderr
    key = added.stdout.strip().splitlines()[-1]
    assert "channel whatsapp, 5 posts a minute" in added.stdout and len(key) >= 43
    engine = make_engine(database)
    with transaction(engine) as session:
        assert api_keys.authenticate(session, key) is not None
    with engine.connect() as connection:
        assert key not in str(connection.execute(text("SELECT * FROM api_key")).all())

    listed = kentbot("api-key", *common, "list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("fixmystreet\twhatsapp\t5/min\tactive")
    assert key not in listed.stdout

    assert "channels: phone" in kentbot("api-key", *common, "add", "x", "--channel", "fax").stderr
    assert kentbot("api-key", *common, "add", "fixmystreet").returncode == 2

    revoked = kentbot("api-key", *common, "revoke", "fixmystreet")
    assert revoked.returncode == 0 and "revoked" in revoked.stdout
    with transaction(engine) as session:
        assert api_keys.authenticate(session, key) is None
    again = kentbot("api-key", *common, "revoke", "fixmystreet")
    assert again.returncode == 1 and "no active key" in again.stderr
    assert "\trevoked " in kentbot("api-key", *common, "list").stdout
    engine.dispose()


def test_staff_add_list_remove(tmp_path: Path) -> None:
    common = ["--database-url", sqlite_url(tmp_path / "k.sqlite")]
    upgraded = kentbot("db", "upgrade", *common)
    assert upgraded.returncode == 0, upgraded

    added = kentbot(
        "staff", *common, "add", "555", "staff", "--department", "fen", "--name", "Ali Veli"
    )
    assert added.returncode == 0, added
    assert "555 is now staff of fen" in added.stdout

    listed = kentbot("staff", *common, "list")
    assert listed.returncode == 0, listed
    assert "555\tstaff\tfen\tAli Veli" in listed.stdout.splitlines()

    no_department = kentbot("staff", *common, "add", "556", "staff")
    assert no_department.returncode == 2, no_department
    assert "department required" in no_department.stderr
    assert "--department" in no_department.stderr

    removed = kentbot("staff", *common, "remove", "555")
    assert removed.returncode == 0, removed
    assert "555 is no longer staff" in removed.stdout

    listed = kentbot("staff", *common, "list")
    assert listed.returncode == 0, listed
    assert "555" not in listed.stdout
    assert "556" not in listed.stdout

    again = kentbot("staff", *common, "remove", "555")
    assert again.returncode == 1, again
    assert "555 is not an active staff member" in again.stderr


# --- the offline demo ------------------------------------------------------------------


def _pump(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def _read_until(
    lines: queue.Queue[str | None], needle: str, seen: list[str], timeout: float = 15.0
) -> str:
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        try:
            line = lines.get(timeout=remaining)
        except queue.Empty:
            break
        if line is None:
            raise AssertionError(f"demo output ended before {needle!r}:\n{''.join(seen)}")
        seen.append(line)
        if needle in line:
            return line
    raise AssertionError(f"no {needle!r} within {timeout}s:\n{''.join(seen)}")


def test_demo_chat_in_the_terminal(tmp_path: Path) -> None:
    demo = subprocess.Popen(
        [KENTBOT, "demo", "--staff", "--database-url", sqlite_url(tmp_path / "demo.sqlite")],
        cwd=REPO,
        env=clean_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        bufsize=1,
    )
    assert demo.stdin is not None and demo.stdout is not None
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_pump, args=(demo.stdout, lines), daemon=True).start()
    seen: list[str] = []
    try:
        _read_until(lines, "Chatting as Ayşe", seen)
        demo.stdin.write("/start\n")
        demo.stdin.flush()
        _read_until(lines, "Merhaba Ayşe", seen)
        menu = _read_until(lines, "[2]", seen)
        assert "[2] 📋 Taleplerim" in menu
        demo.stdin.write(":2\n")
        demo.stdin.flush()
        _read_until(lines, "Talepleriniz", seen)
        # Both seeded sample requests are listed with their tracking numbers.
        deadline = time.monotonic() + 5
        while len(set(re.findall(r"\b\d{4}-\d{6}\b", "".join(seen)))) < 2:
            assert time.monotonic() < deadline, "".join(seen)
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                continue
            assert line is not None, "".join(seen)
            seen.append(line)

        def say(line: str) -> None:
            assert demo.stdin is not None
            demo.stdin.write(line + "\n")
            demo.stdin.flush()

        # Ayşe has not accepted the KVKK notice yet: filing shows it.
        say("/talep")
        _read_until(lines, "Kişisel Verilerin Korunması", seen)
        say("/iptal")
        _read_until(lines, "İptal edildi", seen)
        # Staff who work in private chats can be tried too.
        say(":as coordinator")
        _read_until(lines, "now Selin", seen)
        say("/etkinlik_ekle")
        _read_until(lines, "Hangi meclisin etkinliği?", seen)
        say("/iptal")
        say(":as admin")
        _read_until(lines, "now Bilgi", seen)
        say("/kayit")
        _read_until(lines, "Bu talep hangi kanaldan geldi?", seen)
        say("/iptal")
        # Nothing arrived unasked: no survey of the resolved sample, no late card.
        assert not any("Ne kadar memnun" in line for line in seen), "".join(seen)
        assert not any("🆕" in line for line in seen), "".join(seen)
        demo.stdin.write(":quit\n")
        demo.stdin.flush()
        demo.stdin.close()
        assert demo.wait(timeout=15) == 0, "".join(seen)
    finally:
        stop(demo)


def test_demo_on_a_kept_database_answers_from_the_first_message(tmp_path: Path) -> None:
    """A second `kentbot demo --database-url` on the same file: the new emulator numbers
    its updates from the start again, and the bot must not take them for handled ones."""
    database = sqlite_url(tmp_path / "kept.sqlite")
    for _ in range(2):
        demo = subprocess.run(
            [KENTBOT, "demo", "--database-url", database],
            cwd=REPO,
            env=clean_env(),
            input="/start\n",
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert demo.returncode == 0, demo.stdout + demo.stderr
    # The terminal quits at the end of its input: the greeting must have come before it.
    assert "Merhaba Ayşe" in demo.stdout, demo.stdout


def test_event_add_names_the_bot_in_the_poster_link(emulator_port: int, tmp_path: Path) -> None:
    """With the token in the environment the link is the bot's own, ready for a poster;
    without it, the output says what to put where."""
    event = [
        "event",
        "--database-url",
        sqlite_url(tmp_path / "events.sqlite"),
        "add",
        "--assembly",
        "kadin",
        "--title",
        "Mahalle buluşması",
        "--start",
        "20.12.2030 14:00",
        "--end",
        "20.12.2030 16:00",
        "--place",
        "Kültür Merkezi",
        "--capacity",
        "30",
    ]
    api_url = f"http://127.0.0.1:{emulator_port}/bot"
    named = kentbot(*event, env=clean_env(KENTBOT_TOKEN=TOKEN, KENTBOT_API_URL=api_url))
    assert named.returncode == 0, named.stderr
    assert "poster link: https://t.me/kentbot_test?start=ev_1" in named.stdout
    unnamed = kentbot(*event)
    assert "https://t.me/BOT?start=ev_2" in unnamed.stdout and "KENTBOT_TOKEN" in unnamed.stdout
    assert "<bot>" not in named.stdout + unnamed.stdout


def test_event_add_and_list_from_the_command_line(tmp_path: Path) -> None:
    db = sqlite_url(tmp_path / "events.sqlite")
    created = kentbot(
        "event",
        "--database-url",
        db,
        "add",
        "--assembly",
        "genclik",
        "--title",
        "Gençlik buluşması",
        "--start",
        "20.12.2030 14:00",
        "--end",
        "20.12.2030 16:00",
        "--place",
        "Gençlik Merkezi",
        "--capacity",
        "40",
    )
    assert created.returncode == 0, created.stderr
    assert "event 1 created" in created.stdout and "start=ev_1" in created.stdout
    listed = kentbot("event", "--database-url", db, "list")
    assert "Gençlik buluşması" in listed.stdout and "40/40 seats left" in listed.stdout
    assert "20.12.2030 14:00" in listed.stdout  # shown in Istanbul time, as typed
    wrong = kentbot(
        "event",
        "--database-url",
        db,
        "add",
        "--assembly",
        "genclik",
        "--title",
        "Ters",
        "--start",
        "20.12.2030 14:00",
        "--end",
        "20.12.2030 13:00",
        "--place",
        "X",
        "--capacity",
        "4",
    )
    assert wrong.returncode == 2 and "bad times" in wrong.stderr
    garbled = kentbot(
        "event",
        "--database-url",
        db,
        "add",
        "--assembly",
        "genclik",
        "--title",
        "T",
        "--start",
        "yarın",
        "--end",
        "20.12.2030 13:00",
        "--place",
        "X",
        "--capacity",
        "4",
    )
    assert garbled.returncode == 2 and "25.12.2026 14:00" in garbled.stderr
