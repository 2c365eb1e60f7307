"""The import's writes on PostgreSQL: new requests and their `imported` events by COPY,
and a file in order of arrival written while it is read.

COPY rather than executemany: executemany binds every row in Python and inserts them one
statement each, which was half of a million-row import's time (bench/README.md, section
13). The COPY text is made here, not by psycopg's write_row, which took a quarter of the
import's Python on dumping each value.

Written while read: the rows of a file are parsed in Python while PostgreSQL keeps up the
table's indexes, and the two halves took turns when every row had to be read before the
first could be written (ids and numbers follow the order of arrival, known only once the
whole file is sorted). Exports list their rows in the order they arrived, so a file in
that order is written a piece at a time as it is read, through one COPY that a thread
feeds (psycopg's QueuedLibpqWriter) while the next piece is parsed: the two halves run
side by side on two cores. The first row received before the row above it stops that
(`NotInOrder`): everything written is rolled back, and core.imports reads the file again
and sorts it. All or nothing holds either way: it is one transaction, and a bad row
anywhere stops the writing and rolls the transaction back once every error is listed.

The rows already stored are looked up on a second connection, a piece at a time (a piece
only matches requests received within its span); they are the committed ones, as the
import's own transaction sees them, since this import's new rows never match each other.
"""

from __future__ import annotations

import json
import re
import sys
from array import array
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from common.config import Config
from core import numbering
from core.imports import (
    CHUNK,
    NEW_REQUEST_COLUMNS,
    ImportFailed,
    ImportReport,
    References,
    RowError,
    _apply,
    _classify,
    _derived_status,
    _Plan,
    _RequestRow,
    _Setting,
)
from db.engine import transaction
from db.types import utcnow

NULL = "\\N"
# COPY's text format: a backslash, a tab, a newline and a carriage return are escaped.
_ESCAPED = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_TO_ESCAPE = re.compile(r"[\\\t\n\r]")


def _escaped(text: str) -> str:
    # translate() looks up every character of a non-ASCII text in a dict (8 µs for a
    # Turkish sentence); most texts have nothing to escape, which a search finds fast.
    return text.translate(_ESCAPED) if _TO_ESCAPE.search(text) else text


_REQUEST_COPY = f"COPY request ({', '.join(('id', *NEW_REQUEST_COLUMNS))}) FROM STDIN"
_EVENT_COPY = "COPY request_event (request_id, at, kind, actor, data) FROM STDIN"


class NotInOrder(Exception):
    """A row was received before the row above it: the file must be sorted first."""


@lru_cache(maxsize=1 << 14)
def _stamp(value: datetime) -> str:
    # Aware UTC; a `timestamp without time zone` column ignores the "+00:00" and keeps the
    # naive UTC that UTCDateTime reads back. Rows repeat their times (to the minute, the
    # answers hours after): the cache spares most of isoformat's 2 µs.
    return value.isoformat(" ")


def _request_line(
    request_id: int, number: str, department: str, due_at: datetime, item: _RequestRow
) -> str:
    """A new request's COPY line, its columns as NEW_REQUEST_COLUMNS (the same values as
    core.imports._request_values). The codes, numbers and hex keys need no escaping; the
    text and the source id may hold anything but NUL (refused when parsed)."""
    first = item.first_response_at or item.resolved_at
    received = _stamp(item.received_at)
    answered = NULL if first is None else _stamp(first)
    resolved = NULL if item.resolved_at is None else _stamp(item.resolved_at)
    return "\t".join(
        (
            str(request_id),
            number,
            item.channel,
            item.type,
            item.category,
            department,
            _escaped(item.text),
            _derived_status(first, item.resolved_at),
            received,
            answered,
            resolved,
            _stamp(due_at),
            item.key,
            NULL if item.source_id is None else _escaped(item.source_id),
            # updated_at, the latest of the three: a row whose times go backwards is refused.
            resolved if item.resolved_at else answered if first else received,
        )
    )


def _event_lines(ids: array[int], rows: array[int], at: datetime, file: str) -> Iterator[str]:
    """The `imported` events' COPY lines, in blocks. Their data is the JSON json.dumps
    writes for {"file": file, "row": n}, as SQLAlchemy's JSON type stores it on SQLite."""
    prefix = f"\t{_stamp(at)}\timported\tsystem\t" + json.dumps(
        {"file": file, "row": 0}
    ).removesuffix("0}").translate(_ESCAPED)
    for start in range(0, len(ids), CHUNK):
        yield "".join(
            f"{request_id}{prefix}{row}}}\n"
            for request_id, row in zip(
                ids[start : start + CHUNK], rows[start : start + CHUNK], strict=True
            )
        )


def _copy_events(
    session: Session, ids: array[int], rows: array[int], at: datetime, file: str
) -> None:
    """The new requests' `imported` events, by COPY on the session's connection."""
    with _driver(session).cursor() as cursor, cursor.copy(_EVENT_COPY) as copy:
        for block in _event_lines(ids, rows, at, file):
            copy.write(block)


def _driver(session: Session) -> Any:
    """The psycopg connection under the session: its COPYs are inside its transaction."""
    connection = session.connection().connection.driver_connection
    assert connection is not None
    return connection


def _new_ids(session: Session, count: int) -> list[int]:
    """Ids from the table's sequence, as an INSERT takes them; sorted, so they follow the
    order of the rows they are given to."""
    ids = (
        session.connection()
        .exec_driver_sql(
            # One array rather than a row per id: a third of the cost. The sequence is
            # looked up once, not for every id: 0.1 s rather than 0.6 s for 200,000 ids.
            "WITH s AS MATERIALIZED "
            "(SELECT pg_get_serial_sequence('request', 'id')::regclass AS seq) "
            "SELECT array_agg(nextval(s.seq)) FROM s, generate_series(1, %s)",
            (count,),
        )
        .scalar_one()
    )
    return sorted(ids)


# PostgreSQL's code for "permission denied": the role may not set session_replication_role.
_NOT_ALLOWED = "42501"


@contextmanager
def references_checked_once(session: Session, setting: _Setting) -> Iterator[References]:
    """Within it, the new rows' references are checked once for the whole import instead
    of by PostgreSQL's foreign-key triggers a row at a time, which were a third of
    PostgreSQL's work on a million new rows (bench/README.md, section 13). It yields
    References.ONCE when they are, and otherwise why not.

    The triggers are turned off for this transaction only, by session_replication_role,
    which the database role must be allowed to set (a superuser, or from PostgreSQL 15
    `GRANT SET ON PARAMETER session_replication_role`; docs/operations.md). Without that,
    or when a table the import writes has a trigger of its own, every row is checked,
    as before.

    Checking once does what each row's trigger would do: every topic a row may name, and
    its department, is locked FOR KEY SHARE, so that none can be removed before the
    import ends, and found to be there (if one is missing, the triggers stay on and refuse
    its rows as they always have); an `imported` event names a request this transaction
    has just written. The triggers come back on at the end, for what follows in the
    transaction (a correction may change a request's topic). Not on an error: the
    rollback undoes the setting, and a statement then would hide the error.
    """
    how = _turn_triggers_off(session)
    if how is References.ONCE and not _all_locked(session, setting):
        _turn_triggers_on(session)  # they refuse the rows that name what is missing
        how = References.ROW_BY_ROW
    yield how
    if how is References.ONCE:
        _turn_triggers_on(session)


def _all_locked(session: Session, setting: _Setting) -> bool:
    """Every topic a row may name, and its department, locked FOR KEY SHARE (none can be
    removed before the import ends) and found to be there."""
    topics = sorted(code for code, usable in setting.reading.categories.items() if usable)
    departments = sorted({setting.sla[code][0] for code in topics})
    found = True
    for table, codes in (("category", topics), ("department", departments)):
        locked = session.connection().execute(
            text(f"SELECT code FROM {table} WHERE code = ANY(:codes) FOR KEY SHARE"),
            {"codes": codes},
        )
        found = found and {code for (code,) in locked} == set(codes)
    return found


def _turn_triggers_off(session: Session) -> References:
    # Only the foreign keys' own triggers may be skipped: a table the import writes with
    # any other trigger (an operator's audit, say) keeps them all.
    others = session.connection().exec_driver_sql(
        "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN "
        "('request'::regclass, 'request_event'::regclass, 'request_counter'::regclass)"
    )
    if others.scalar_one():
        return References.ROW_BY_ROW
    try:
        with session.begin_nested():  # a refusal undoes the savepoint, not the import
            session.connection().exec_driver_sql("SET LOCAL session_replication_role = replica")
    except DBAPIError as refused:
        if getattr(refused.orig, "sqlstate", None) != _NOT_ALLOWED:
            raise
        return References.NOT_ALLOWED
    return References.ONCE


def _turn_triggers_on(session: Session) -> None:
    session.connection().exec_driver_sql("SET LOCAL session_replication_role = origin")


def copy_new(
    session: Session,
    new: list[_RequestRow],
    numbers: dict[str, str],
    setting: _Setting,
    at: datetime,
    file: str,
) -> References:
    """The new requests (sorted in order of arrival, their numbers allocated) and their
    `imported` events, by COPY on the session's connection: inside its transaction, so a
    failure anywhere rolls the whole import back. Says how their references were
    checked."""
    if not new:
        return References.ROW_BY_ROW  # none to check
    ids = _new_ids(session, len(new))
    with references_checked_once(session, setting) as how:
        with _driver(session).cursor() as cursor, cursor.copy(_REQUEST_COPY) as copy:
            for start in range(0, len(new), CHUNK):
                lines = []
                for request_id, item in zip(
                    ids[start : start + CHUNK], new[start : start + CHUNK], strict=True
                ):
                    lines.append(
                        _request_line(request_id, numbers[item.key], *setting.routed(item), item)
                    )
                copy.write("\n".join(lines) + "\n")
        _copy_events(session, array("q", ids), array("q", (i.row for i in new)), at, file)
    return how


class _Numbers:
    """Public numbers given in order of arrival while the rows stream: each year's counter
    is locked when its first row comes (numbering.hold), the numbers counted on from it
    here, and the counter moved on by all of them at the end (numbering.allocate, which
    must then give exactly these). Filing a request of that year waits meanwhile, as it
    waits for any import that takes numbers."""

    def __init__(self, session: Session, tz: Any) -> None:
        self.session, self.tz = session, tz
        self.last: dict[int, int] = {}  # year -> the last number given
        self.held: dict[int, int] = {}  # year -> the counter when locked
        self.year = 0
        self.span = (datetime.max.replace(tzinfo=UTC), datetime.min.replace(tzinfo=UTC))

    def year_of(self, at: datetime) -> int:
        begins, ends = self.span
        if not begins <= at < ends:  # rows come in order: the year rarely changes
            self.year = at.astimezone(self.tz).year
            self.span = (
                datetime(self.year, 1, 1, tzinfo=self.tz).astimezone(UTC),
                datetime(self.year + 1, 1, 1, tzinfo=self.tz).astimezone(UTC),
            )
        return self.year

    def needs_lock(self, year: int) -> bool:
        return year not in self.held

    def lock(self, year: int) -> None:
        self.held[year] = self.last[year] = numbering.hold(self.session, year)

    def next(self, year: int) -> str:
        self.last[year] += 1
        return numbering.format_number(year, self.last[year])

    def settle(self) -> None:
        for year, held in self.held.items():
            given = self.last[year] - held
            if given:
                numbers = numbering.allocate(self.session, year, given)
                assert numbers[0] == numbering.format_number(year, held + 1), "counter moved"


class _Stream:
    """The open COPY of new requests on the import's connection, fed by a thread. It is
    closed for any other statement on that connection (locking a year's counter) and
    opened again at the next write."""

    def __init__(self, session: Session) -> None:
        from psycopg.copy import QueuedLibpqWriter  # a SQLite deployment need not load it

        self._writer = QueuedLibpqWriter
        self._cursor = _driver(session).cursor()
        self._open: ExitStack | None = None
        self._copy: Any = None

    def write(self, block: str) -> None:
        if self._open is None:
            self._open = ExitStack()
            self._copy = self._open.enter_context(
                self._cursor.copy(_REQUEST_COPY, writer=self._writer(self._cursor))
            )
        self._copy.write(block)

    def close(self, error: BaseException | None = None) -> None:
        """End the COPY: its rows are in, or with `error` it is abandoned (the server
        refuses it, and the transaction rolls back)."""
        if self._open is not None:
            opened, self._open = self._open, None
            if error is None:
                opened.close()
            else:
                opened.__exit__(type(error), error, error.__traceback__)


def import_in_order(engine: Engine, config: Config, path: Path) -> ImportReport:
    """core.imports.import_requests for a file in order of arrival, written as it is read;
    NotInOrder, with nothing stored, at the first row received before the one above it."""
    errors: list[RowError] = []
    setting = _Setting.of(engine, config, path, errors)
    reading = setting.reading
    plan = _Plan()
    added = 0
    ids, rows = array("q"), array("q")
    with (
        transaction(engine) as session,
        engine.connect() as connection,
        Session(connection) as lookups,
    ):
        numbers = _Numbers(session, config.tz)
        stream = _Stream(session)

        def write(piece: list[_RequestRow]) -> None:
            nonlocal added
            if errors or not piece:
                return  # a bad row anywhere: only the reading goes on, for the errors
            part = _classify(lookups, piece, setting.sla, setting.calendar, errors)
            lookups.rollback()  # no snapshot held between pieces
            new, part.new = part.new, []
            plan.extend(part)
            if errors or not new:
                return
            lines = []
            for request_id, item in zip(_new_ids(lookups, len(new)), new, strict=True):
                year = numbers.year_of(item.received_at)
                if numbers.needs_lock(year):
                    stream.close()  # the connection takes no other statement during a COPY
                    numbers.lock(year)
                lines.append(
                    _request_line(request_id, numbers.next(year), *setting.routed(item), item)
                )
                ids.append(request_id)
                rows.append(item.row)
            stream.write("\n".join(lines) + "\n")
            added += len(new)

        with references_checked_once(session, setting) as how:
            try:
                piece: list[_RequestRow] = []
                latest: datetime | None = None
                for item in reading:
                    if latest is not None and item.received_at < latest:
                        raise NotInOrder(f"row {item.row} was received before the row above it")
                    latest = item.received_at
                    piece.append(item)
                    if len(piece) == CHUNK:
                        write(piece)
                        piece = []
                write(piece)
            except BaseException:
                # Not bound to a name: a frame holding its own exception stays in memory until
                # the garbage collector runs, and with it the whole file read so far, while
                # the sorting path reads it again.
                stream.close(sys.exc_info()[1])
                raise
            stream.close()
            if errors:
                raise ImportFailed(errors)
            numbers.settle()
            imported_at = utcnow()
            _copy_events(session, ids, rows, imported_at, path.name)
        _apply(session, plan, path.name, imported_at)
    # As the sorting path says of a file that adds nothing: no row to check.
    return plan.report(reading.read, added, how if added else References.ROW_BY_ROW)
