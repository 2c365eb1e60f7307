"""Bulk import of requests from the other channels, and of call-centre days, from CSV files.

Requests also arrive by phone, in person, on the web, through CİMER, İBB, Açık
Kapı, Bilgi Edinme and social media; importing them keeps the indicators
complete. Both imports are all or nothing: every row is checked first, every
problem is reported with its row number and column, and a single bad row
stores nothing, so a staff member fixes the spreadsheet and imports it again.

Files are UTF-8 with or without a byte order mark, their fields separated by
commas or by semicolons (as Excel saves "CSV UTF-8" in a Turkish locale, and as
the performance report's own CSV is written), and the first row names the
columns. Row numbers count CSV records the way a spreadsheet numbers its rows:
the header is row 1, the first data row is row 2 (a quoted text spanning
several lines is still one row).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from common.config import Config
from core import codes, numbering
from core.privacy import ERASED
from core.working_time import WorkingCalendar
from db.engine import transaction
from db.models import CallCentreDay, Category, Request, RequestEvent
from db.types import utcnow

# The codes live with their labels in core.codes; these are the orders files use.
CHANNELS: tuple[str, ...] = tuple(codes.CHANNELS)
REQUEST_TYPES: tuple[str, ...] = tuple(codes.REQUEST_TYPES)

REQUEST_COLUMNS = (
    "received_at",
    "channel",
    "type",
    "category",
    "text",
    "first_response_at",
    "resolved_at",
)
# Columns a file may leave out. source_id: the other system's own id of the row.
OPTIONAL_REQUEST_COLUMNS = ("source_id",)
CALL_COLUMNS = ("date", "total", "information", "application", "missed")
MAX_TEXT = 2000
MAX_SOURCE_ID = 64
# The event a correction leaves in a request's history (flows.request_texts names it).
CORRECTED = "import_corrected"
# Rows per executemany: bounds the parameter lists held at once; larger batches
# gained nothing measurable.
CHUNK = 5000
# An error message lists at most this many problems; the exception keeps them all.
SHOWN_ERRORS = 20

# Core tables for bulk statements: executemany without building an ORM object per row.
_REQUEST_TABLE: Table = SQLModel.metadata.tables[str(Request.__tablename__)]
_EVENT_TABLE: Table = SQLModel.metadata.tables[str(RequestEvent.__tablename__)]
_CALL_TABLE: Table = SQLModel.metadata.tables[str(CallCentreDay.__tablename__)]
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Excel writes commas, or semicolons where the decimal separator is a comma (Turkish).
DELIMITERS = (",", ";")
_T = TypeVar("_T")


@dataclass
class RowError:
    row: int  # as a spreadsheet counts it: the header is row 1
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class References(StrEnum):
    """How the database checked the new requests' topics and departments (foreign keys)."""

    ONCE = "once for the file"
    ROW_BY_ROW = "row by row"
    # PostgreSQL: the role may not set session_replication_role (docs/operations.md).
    NOT_ALLOWED = "row by row, the role not being allowed to check once"


@dataclass
class ImportReport:
    """What an import did. Requests: `added`, `updated` (a row with a source_id whose
    request it corrected) and `unchanged` (rows stored before with nothing to change, by
    either rule); `skipped_existing` equals `unchanged` for them.
    Call-centre days: `added` (new dates), `updated` (changed values), `unchanged`.
    `errors` is always empty: a file with errors raises ImportFailed instead.
    `references`: how the new requests' topics and departments were checked, once for the
    file or row by row (core.imports_streamed.references_checked_once).
    """

    rows: int
    added: int
    skipped_existing: int = 0
    errors: list[RowError] = field(default_factory=list)
    updated: int = 0
    unchanged: int = 0
    references: References = References.ROW_BY_ROW


class ImportFailed(Exception):
    """The file has errors and nothing was stored; `errors` lists every one of them."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        lines = [str(error) for error in errors[:SHOWN_ERRORS]]
        if len(errors) > SHOWN_ERRORS:
            lines.append(f"... and {len(errors) - SHOWN_ERRORS} more")
        super().__init__(f"{len(errors)} error(s), nothing imported:\n  " + "\n  ".join(lines))


# --- reading CSV ---------------------------------------------------------------------------


def _read_rows(
    path: Path, columns: tuple[str, ...], errors: list[RowError], optional: tuple[str, ...] = ()
) -> Iterator[tuple[int, list[str]]]:
    """Yield (row number, values in `columns` then `optional` order) for each data row that
    is not blank; an optional column the header does not name reads as empty.

    A row with the wrong number of fields goes to `errors` and reading goes on;
    what makes the whole file unreadable (not UTF-8, a bad header, broken quoting)
    raises ImportFailed at once.
    """
    raw = path.read_bytes()
    try:
        # utf-8-sig drops the byte order mark Excel writes in front of "CSV UTF-8" files.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ImportFailed(
            [
                RowError(
                    line,
                    None,
                    'the file is not UTF-8 text; save it as "CSV UTF-8 (comma delimited)"',
                )
            ]
        ) from exc
    delimiter = _delimiter(text, columns + optional)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    row_number = 0
    positions: list[int] = []  # of each column in a record; -1 for one the file leaves out
    width = 0
    try:
        for record in reader:
            row_number += 1
            if row_number == 1:
                index = _header_index(record, columns, delimiter, optional)
                positions = [index.get(name, -1) for name in columns + optional]
                width = len(record)
                continue
            if not "".join(record).strip():
                continue  # blank lines and the ",,,," rows spreadsheets leave at the end
            # Trailing empty fields are harmless (spreadsheets pad rows); others are not.
            if len(record) < width or (len(record) > width and "".join(record[width:]).strip()):
                errors.append(
                    RowError(
                        row_number, None, f"has {len(record)} fields but the header has {width}"
                    )
                )
                continue
            yield row_number, [record[position] if position >= 0 else "" for position in positions]
    except csv.Error as exc:
        raise ImportFailed([RowError(row_number + 1, None, f"unreadable CSV: {exc}")]) from exc
    if row_number == 0:
        raise ImportFailed(
            [RowError(1, None, "the file is empty; a header row is required: " + ",".join(columns))]
        )


def _delimiter(text: str, columns: tuple[str, ...]) -> str:
    """The separator whose split of the first line names the most expected columns.

    Without any column name there (the header row is missing), the one that splits the
    line into more fields, so the message can show the columns the way the file writes
    them; a comma on a tie.
    """
    first_line = text.lstrip("\r\n").split("\n", 1)[0].rstrip("\r")

    def fit(delimiter: str) -> tuple[int, int]:
        fields = next(csv.reader([first_line], delimiter=delimiter), [])
        named = {name.strip().lower() for name in fields} & set(columns)
        return len(named), len(fields)

    return max(DELIMITERS, key=fit)  # max keeps the first of equals: the comma


def _header_index(
    header: list[str],
    columns: tuple[str, ...],
    delimiter: str = ",",
    optional: tuple[str, ...] = (),
) -> dict[str, int]:
    names = [name.strip().lower() for name in header]
    if not set(names) & set(columns):
        # A data row (or anything else) where the column names belong: one clear line
        # rather than every column reported missing, or empty cells "appearing twice".
        raise ImportFailed(
            [
                RowError(
                    1, None, "the first row must be the column names: " + delimiter.join(columns)
                )
            ]
        )
    errors: list[RowError] = []
    index: dict[str, int] = {}
    for position, name in enumerate(names):
        if name in index:
            errors.append(RowError(1, name, "column appears twice in the header"))
        index.setdefault(name, position)
    missing = [name for name in columns if name not in index]
    errors.extend(
        RowError(1, name, "column missing from the header; expected " + ",".join(columns))
        for name in missing
    )
    if errors:
        raise ImportFailed(errors)
    # Extra columns (notes) are allowed and ignored.
    return {name: index[name] for name in columns + optional if name in index}


def _chunks(items: Sequence[_T], size: int = CHUNK) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- requests ------------------------------------------------------------------------------


@dataclass(slots=True)
class _RequestRow:
    row: int
    received_at: datetime
    channel: str
    type: str
    category: str
    text: str
    first_response_at: datetime | None
    resolved_at: datetime | None
    content: str  # the normalised row; its hash plus the occurrence index is the import key
    source_id: str | None = None  # the other system's id of the row, if the file has one
    key: str = ""


# What a corrected row may change of its request (the rest is the bot's own bookkeeping).
CORRECTABLE = (
    "type",
    "category_code",
    "department_code",
    "text",
    "created_at",
    "first_response_at",
    "resolved_at",
    "status",
    "due_at",
)


@dataclass(slots=True)
class _Stored:
    """A stored request that a row's (channel, source_id) names."""

    id: int
    number: str
    imported: bool
    values: dict[str, Any]  # its CORRECTABLE fields


@dataclass(slots=True)
class _Correction:
    item: _RequestRow
    stored: _Stored
    values: dict[str, Any]  # every CORRECTABLE field, as it is to be
    changed: dict[str, Any]  # what the event records: field -> [before, after]


def import_requests(engine: Engine, config: Config, path: Path) -> ImportReport:
    """Import requests received by other channels from a CSV file; all or nothing.

    Columns: received_at, channel, type, category, text, first_response_at,
    resolved_at, and optionally source_id. Times are ISO 8601 ("2024-03-05 10:00",
    "2024-03-05T10:00:00+03:00"); without an offset they are the municipality's local
    time (config.tz). The two response times may be empty. A row with a resolution but
    no first response takes the resolution as its first response: resolving a request
    is an answer to the citizen, and the response-time indicator must not lose the row.

    A row without a source_id is matched by its import key, a hash of its normalised
    content and of how many identical rows came before it in the file, so importing the
    same file again adds nothing while two identical rows in one file stay two requests.

    A row with a source_id (the other system's own id for it) is matched by (channel,
    source_id): the request it came from is corrected in place, with a CORRECTED event
    saying what changed, so a re-exported file with fixed rows keeps the totals right.
    Refused: the same (channel, source_id) twice in a file, and one that names a request
    not imported (filed in the chat, say), which an import never changes. A source_id
    row whose content matches a request imported without one (the file gained the
    column later) claims that request instead of adding a second.

    New requests get their ids and numbers in order of arrival. On PostgreSQL a file
    already in that order (as exports are) is written while it is read
    (core.imports_streamed); any other file is read whole and sorted first.

    Raises ImportFailed listing every error when any row is wrong.
    """
    if engine.dialect.name == "postgresql":
        from core import imports_streamed  # it builds on this module

        try:
            return imports_streamed.import_in_order(engine, config, path)
        except imports_streamed.NotInOrder:
            pass  # nothing was stored: read it again, and sort
    errors: list[RowError] = []
    setting = _Setting.of(engine, config, path, errors)
    rows = list(setting.reading)
    if errors:
        raise ImportFailed(errors)

    with transaction(engine) as session:
        plan = _classify(session, rows, setting.sla, setting.calendar, errors)
        if errors:
            raise ImportFailed(errors)
        new = plan.new
        new.sort(key=attrgetter("received_at", "row"))
        numbers = _allocate_numbers(session, new, config.tz)
        imported_at = utcnow()
        references = _write_new(session, new, numbers, setting, imported_at, path.name)
        _apply(session, plan, path.name, imported_at)
    return plan.report(setting.reading.read, added=len(new), references=references)


@dataclass
class _Setting:
    """What an import of requests works with, whichever way it writes."""

    reading: _Reading
    calendar: WorkingCalendar
    sla: dict[str, tuple[str, int]]  # topic -> (department, working hours to answer)
    due_at: Callable[[datetime, int], datetime]

    @classmethod
    def of(cls, engine: Engine, config: Config, path: Path, errors: list[RowError]) -> _Setting:
        with transaction(engine) as session:
            categories = _usable_categories(session, config)
        calendar = WorkingCalendar.from_config(config)
        return cls(
            reading=_Reading(path, config.tz, utcnow(), categories, errors),
            calendar=calendar,
            sla={c.code: (c.department, c.sla_hours) for c in config.categories},
            # New rows are written in order of arrival, so the rows received at the same
            # moment (a file's times are often to the minute) come one after another: a
            # small cache computes their due time once.
            due_at=lru_cache(maxsize=64)(calendar.add_working_hours),
        )

    def routed(self, item: _RequestRow) -> tuple[str, datetime]:
        """A new request's department and due time."""
        department, hours = self.sla[item.category]
        return department, self.due_at(item.received_at, hours)


class _Reading:
    """The file's rows, parsed and checked, in file order, each with its import key; the
    errors go to `errors` and reading goes on. Also refused here: a (channel, source_id)
    a row before already gave."""

    def __init__(
        self,
        path: Path,
        tz: ZoneInfo,
        now: datetime,
        categories: dict[str, bool],
        errors: list[RowError],
    ) -> None:
        self.path, self.tz, self.now, self.categories = path, tz, now, categories
        self.errors = errors
        self.read = 0  # data rows read so far, good or bad

    def __iter__(self) -> Iterator[_RequestRow]:
        errors = self.errors
        first_row: dict[tuple[str, str], int] = {}
        occurrences: dict[str, int] = defaultdict(int)
        for row_number, values in _read_rows(
            self.path, REQUEST_COLUMNS, errors, OPTIONAL_REQUEST_COLUMNS
        ):
            self.read += 1
            parsed = _parse_request(row_number, values, self.tz, self.now, self.categories, errors)
            if parsed is None:
                continue
            if parsed.source_id is not None:
                # Two versions of one row in a file: which is right is the other system's
                # to say, not the order of the rows, so the file is refused rather than
                # guessed.
                pair = (parsed.channel, parsed.source_id)
                if pair in first_row:
                    errors.append(
                        RowError(
                            row_number,
                            "source_id",
                            f"{parsed.source_id!r} ({parsed.channel}) is already on row "
                            f"{first_row[pair]}; a file may hold each row of the other "
                            "system once",
                        )
                    )
                    continue
                first_row[pair] = row_number
            digest = hashlib.sha256(parsed.content.encode()).hexdigest()
            # Identical rows in one file are distinct requests: number their occurrences.
            parsed.key = hashlib.sha256(f"{digest}:{occurrences[digest]}".encode()).hexdigest()
            occurrences[digest] += 1
            yield parsed


@dataclass
class _Plan:
    """What the rows do: add a request, correct one, claim one, or nothing."""

    new: list[_RequestRow] = field(default_factory=list)
    corrections: list[_Correction] = field(default_factory=list)
    claimed: list[tuple[int, _RequestRow]] = field(default_factory=list)
    unchanged: int = 0

    def extend(self, other: _Plan) -> None:
        self.new += other.new
        self.corrections += other.corrections
        self.claimed += other.claimed
        self.unchanged += other.unchanged

    def report(self, read: int, added: int, references: References) -> ImportReport:
        return ImportReport(
            rows=read,
            added=added,
            skipped_existing=self.unchanged,
            updated=len(self.corrections),
            unchanged=self.unchanged,
            references=references,
        )


def _classify(
    session: Session,
    rows: list[_RequestRow],
    sla: dict[str, tuple[str, int]],
    calendar: WorkingCalendar,
    errors: list[RowError],
) -> _Plan:
    """Match the rows against what is stored. Only requests received within the rows'
    span can match by content, so core.imports_streamed classifies a file in order of
    arrival a piece at a time, as it writes it."""
    plan = _Plan()
    by_key = _ids_by_key(session, rows)
    sourced = [item for item in rows if item.source_id]
    by_source = _stored_by_source(session, sourced)
    unclaimed = _without_source(session, [by_key[i.key] for i in sourced if i.key in by_key])
    for item in rows:
        if item.source_id is None:
            if item.key in by_key:
                plan.unchanged += 1
            else:
                plan.new.append(item)
            continue
        stored = by_source.get((item.channel, item.source_id))
        if stored is not None:
            if not stored.imported:
                errors.append(
                    RowError(
                        item.row,
                        "source_id",
                        f"{item.source_id!r} ({item.channel}) belongs to request "
                        f"{stored.number}, which was not imported; an import never "
                        "changes it",
                    )
                )
                continue
            correction = _correction(item, stored, sla, calendar)
            if correction is None:
                plan.unchanged += 1
            else:
                plan.corrections.append(correction)
        elif item.key in by_key and by_key[item.key] in unclaimed:
            plan.claimed.append((by_key[item.key], item))
            plan.unchanged += 1
        else:
            # Keyed by its source, not its content: the content may change later, and
            # another system's identical row is another request.
            item.key = _source_key(item.channel, item.source_id)
            plan.new.append(item)
    return plan


def _apply(session: Session, plan: _Plan, file: str, at: datetime) -> None:
    """The corrections and claims of a plan whose new requests are written."""
    _correct(session, plan.corrections, file, at)
    if plan.claimed:
        session.execute(
            update(_REQUEST_TABLE)
            .where(_REQUEST_TABLE.c.id == bindparam("b_id"))
            .values(source_id=bindparam("b_source_id")),
            [
                {"b_id": request_id, "b_source_id": item.source_id}
                for request_id, item in plan.claimed
            ],
        )


def _write_new(
    session: Session,
    new: list[_RequestRow],
    numbers: dict[str, str],
    setting: _Setting,
    at: datetime,
    file: str,
) -> References:
    """The new requests, sorted and numbered, and their `imported` events: by COPY on
    PostgreSQL (core.imports_streamed), by executemany on SQLite. Says how their
    references were checked."""
    if session.connection().dialect.name == "postgresql":
        from core import imports_streamed

        return imports_streamed.copy_new(session, new, numbers, setting, at, file)
    _insert_new(session, new, numbers, setting, at, file)
    return References.ROW_BY_ROW


def _insert_new(
    session: Session,
    new: list[_RequestRow],
    numbers: dict[str, str],
    setting: _Setting,
    at: datetime,
    file: str,
) -> None:
    """_write_new by executemany."""

    def values(item: _RequestRow) -> dict[str, Any]:
        row = _request_values(item, numbers[item.key], *setting.routed(item))
        return dict(zip(NEW_REQUEST_COLUMNS, row, strict=True))

    for chunk in _chunks(new):
        session.execute(insert(_REQUEST_TABLE), [values(item) for item in chunk])
    # Ids come back by one range read rather than INSERT ... RETURNING, which made
    # SQLAlchemy send multi-row VALUES statements that took PostgreSQL three times as
    # long as a plain executemany.
    ids = _ids_by_key(session, new)
    for chunk in _chunks(new):
        session.execute(
            insert(_EVENT_TABLE),
            [_event_values(ids[item.key], at, "imported", file, item) for item in chunk],
        )


def _source_key(channel: str, source_id: str) -> str:
    # Content keys are hex digests of other strings, so the two kinds never collide.
    return hashlib.sha256(f"source\x1f{channel}\x1f{source_id}".encode()).hexdigest()


def _event_values(
    request_id: int,
    at: datetime,
    kind: str,
    file: str,
    item: _RequestRow,
    changed: dict[str, Any] | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {"file": file, "row": item.row}
    if changed is not None:
        data["changed"] = changed
    return {
        "request_id": request_id,
        "at": at,
        "kind": kind,
        "actor": "system",
        "actor_telegram_id": None,
        "text": None,
        "data": data,
    }


def _stored_by_source(session: Session, rows: list[_RequestRow]) -> dict[tuple[str, str], _Stored]:
    """(channel, source_id) -> the stored request, for the rows' pairs that are stored.

    A re-export mostly covers the time span it covered before, so one range read over the
    file's span finds nearly all; only the pairs it did not find are looked up by id (a
    new row, or one whose received time a correction moved in from outside the span).
    """
    if not rows:
        return {}
    table = _REQUEST_TABLE
    columns = (table.c.id, table.c.number, table.c.import_key, table.c.channel, table.c.source_id)
    earliest = min(item.received_at for item in rows)
    latest = max(item.received_at for item in rows)
    found: dict[tuple[str, str], _Stored] = {}

    def keep(stored: Any) -> None:
        found[(stored["channel"], stored["source_id"])] = _Stored(
            id=stored["id"],
            number=stored["number"],
            imported=stored["import_key"] is not None,
            values={name: stored[name] for name in CORRECTABLE},
        )

    in_span = select(*columns, *(table.c[name] for name in CORRECTABLE)).where(
        table.c.created_at.between(earliest, latest), table.c.source_id.is_not(None)
    )
    for stored in session.execute(in_span).mappings():
        keep(stored)
    wanted: dict[str, list[str]] = defaultdict(list)
    for item in rows:
        assert item.source_id is not None
        if (item.channel, item.source_id) not in found:
            wanted[item.channel].append(item.source_id)
    for channel, source_ids in wanted.items():
        for chunk in _chunks(source_ids):
            by_id = select(*columns, *(table.c[name] for name in CORRECTABLE)).where(
                table.c.channel == channel, table.c.source_id.in_(chunk)
            )
            for stored in session.execute(by_id).mappings():
                keep(stored)
    return found


def _without_source(session: Session, request_ids: list[int]) -> set[int]:
    """Those of these requests that have no source_id (imported from files without one)."""
    table = _REQUEST_TABLE
    found: set[int] = set()
    for chunk in _chunks(request_ids):
        found.update(
            session.execute(
                select(table.c.id).where(table.c.id.in_(chunk), table.c.source_id.is_(None))
            ).scalars()
        )
    return found


def _correction(
    item: _RequestRow,
    stored: _Stored,
    sla: dict[str, tuple[str, int]],
    calendar: WorkingCalendar,
) -> _Correction | None:
    """What the row changes of its stored request, or None when it changes nothing."""
    before = stored.values
    after = dict(before)
    after["type"] = item.type
    if item.category != before["category_code"]:
        # The department follows a new topic; a redirection by staff under the same
        # topic stays.
        after["category_code"] = item.category
        after["department_code"] = sla[item.category][0]
    # An erased text stays erased; one that differs only as a re-saved file differs (line
    # endings, spacing) is the same text.
    if before["text"] != ERASED and _normalised(before["text"]) != _normalised(item.text):
        after["text"] = item.text
    after["created_at"] = item.received_at
    after["first_response_at"] = item.first_response_at or item.resolved_at
    after["resolved_at"] = item.resolved_at
    times = ("first_response_at", "resolved_at")
    if any(after[name] != before[name] for name in times):
        # As the import derives it; while the times stand, a status staff set stands too.
        after["status"] = _derived_status(after["first_response_at"], after["resolved_at"])
    if (
        after["created_at"] != before["created_at"]
        or after["category_code"] != before["category_code"]
    ):
        after["due_at"] = calendar.add_working_hours(item.received_at, sla[item.category][1])
    changed = {
        name: _shown(name, before[name], after[name])
        for name in CORRECTABLE
        if after[name] != before[name]
    }
    if not changed:
        return None
    return _Correction(item, stored, after, changed)


def _shown(name: str, before: Any, after: Any) -> Any:
    """A change as the event's data keeps it; the text's words stay out of the audit trail
    (they are personal data, and erasure does not reach into events' data)."""
    if name == "text":
        return None
    return [v.isoformat() if isinstance(v, datetime) else v for v in (before, after)]


def _correct(session: Session, corrections: list[_Correction], file: str, at: datetime) -> None:
    table = _REQUEST_TABLE
    statement = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values({name: bindparam(f"b_{name}") for name in (*CORRECTABLE, "updated_at")})
    )
    for chunk in _chunks(corrections):
        session.execute(
            statement,
            [
                {
                    "b_id": c.stored.id,
                    "b_updated_at": at,
                    **{f"b_{name}": value for name, value in c.values.items()},
                }
                for c in chunk
            ],
        )
        session.execute(
            insert(_EVENT_TABLE),
            [_event_values(c.stored.id, at, CORRECTED, file, c.item, c.changed) for c in chunk],
        )


def _usable_categories(session: Session, config: Config) -> dict[str, bool]:
    """Category code -> usable. Only configured categories that the database holds are
    usable (a request row needs both); codes the database keeps from an older config
    are known but inactive, which earns a clearer message than "unknown"."""
    configured = {c.code for c in config.categories}
    table = SQLModel.metadata.tables[str(Category.__tablename__)]
    stored = session.execute(select(table.c.code, table.c.active)).all()
    return {code: bool(active) and code in configured for code, active in stored}


def _parse_request(
    row: int,
    values: list[str],
    tz: ZoneInfo,
    now: datetime,
    categories: dict[str, bool],
    errors: list[RowError],
) -> _RequestRow | None:
    received_raw, channel, type_, category, text, first_raw, resolved_raw, source_raw = values
    count = len(errors)
    received = _time(row, "received_at", received_raw, tz, now, errors, required=True)
    first = _time(row, "first_response_at", first_raw, tz, now, errors)
    resolved = _time(row, "resolved_at", resolved_raw, tz, now, errors)

    channel = channel.strip().lower()
    if channel not in CHANNELS:
        errors.append(RowError(row, "channel", _unknown("channel", channel, CHANNELS)))
    type_ = type_.strip().lower()
    if type_ not in REQUEST_TYPES:
        errors.append(RowError(row, "type", _unknown("type", type_, REQUEST_TYPES)))
    category = category.strip().lower()
    if not categories.get(category, False):
        known = sorted(code for code, usable in categories.items() if usable)
        if category in categories:
            message = f"category {category!r} is no longer in use; known: {', '.join(known)}"
        else:
            message = _unknown("category", category, known)
        errors.append(RowError(row, "category", message))
    text = text.strip()
    if not text:
        errors.append(RowError(row, "text", "text is empty"))
    elif len(text) > MAX_TEXT:
        errors.append(
            RowError(
                row, "text", f"text has {len(text)} characters; at most {MAX_TEXT} are allowed"
            )
        )
    elif "\x00" in text:
        # PostgreSQL refuses NUL in text and would fail the whole import at insert time.
        errors.append(RowError(row, "text", "text contains a NUL character"))

    # Empty means "no id": the row is matched by its content, as in files without the column.
    source_id = source_raw.strip() or None
    if source_id is not None and len(source_id) > MAX_SOURCE_ID:
        errors.append(
            RowError(
                row,
                "source_id",
                f"source_id has {len(source_id)} characters; at most {MAX_SOURCE_ID} are allowed",
            )
        )
    elif source_id is not None and "\x00" in source_id:
        errors.append(RowError(row, "source_id", "source_id contains a NUL character"))

    if received is not None:
        if first is not None and first < received:
            errors.append(RowError(row, "first_response_at", "is before received_at"))
        if resolved is not None and resolved < received:
            errors.append(RowError(row, "resolved_at", "is before received_at"))
        elif resolved is not None and first is not None and resolved < first:
            errors.append(RowError(row, "resolved_at", "is before first_response_at"))
    if len(errors) > count or received is None:
        return None
    content = "\x1f".join(
        (
            received.isoformat(),
            channel,
            type_,
            category,
            _normalised(text),
            first.isoformat() if first else "",
            resolved.isoformat() if resolved else "",
        )
    )
    return _RequestRow(
        row, received, channel, type_, category, text, first, resolved, content, source_id
    )


def _normalised(text: str) -> str:
    # Re-saving a file in another editor may change line endings or spacing.
    text = unicodedata.normalize("NFC", text)
    if text.isprintable() and "  " not in text and text.strip(" ") == text:
        # Nothing to change: every character split() splits at, but the space, is not
        # printable. The common case, at a third of the cost of splitting and joining.
        return text
    return " ".join(text.split())


def _time(
    row: int,
    column: str,
    value: str,
    tz: ZoneInfo,
    now: datetime,
    errors: list[RowError],
    *,
    required: bool = False,
) -> datetime | None:
    value = value.strip()
    if not value:
        if required:
            errors.append(RowError(row, column, "is empty"))
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        errors.append(
            RowError(
                row,
                column,
                f"{value!r} is not an ISO 8601 time such as "
                "2024-03-05 10:00 or 2024-03-05T10:00:00+03:00",
            )
        )
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    parsed = parsed.astimezone(UTC)
    if parsed > now:
        errors.append(RowError(row, column, f"{value} is in the future"))
        return None
    return parsed


def _unknown(what: str, value: str, known: Iterable[str]) -> str:
    shown = repr(value) if value else "(empty)"
    return f"unknown {what} {shown}; known: {', '.join(known)}"


def _ids_by_key(session: Session, rows: list[_RequestRow]) -> dict[str, int]:
    """Import key -> request id of the stored requests the file's rows could match.

    A key hashes the row's received_at, so only requests created within the file's
    time span can match: one range read of ix_request_imported_created (the imported
    requests by time), bounded by the file's period rather than by the years stored,
    and by the imported requests rather than all of them. (IN lists of thousands of keys
    were slower, and at the mercy of PostgreSQL's statistics, which lag right after a
    bulk import.)
    """
    if not rows:
        return {}
    table = _REQUEST_TABLE
    earliest = min(item.received_at for item in rows)
    latest = max(item.received_at for item in rows)
    found = session.execute(
        select(table.c.import_key, table.c.id).where(
            table.c.created_at.between(earliest, latest), table.c.import_key.is_not(None)
        )
    )
    return {key: request_id for key, request_id in found}


def _allocate_numbers(session: Session, rows: list[_RequestRow], tz: ZoneInfo) -> dict[str, str]:
    """Import key -> public number; one allocation per year, in order of arrival."""
    by_year: dict[int, list[_RequestRow]] = defaultdict(list)
    for item in rows:
        by_year[item.received_at.astimezone(tz).year].append(item)
    numbers: dict[str, str] = {}
    for year in sorted(by_year):
        items = by_year[year]
        for item, number in zip(items, numbering.allocate(session, year, len(items)), strict=True):
            numbers[item.key] = number
    return numbers


# A new request's columns, in the order _request_values gives them; the others (the
# citizen, the location, the card, the reminders) are empty on an imported request.
NEW_REQUEST_COLUMNS = (
    "number",
    "channel",
    "type",
    "category_code",
    "department_code",
    "text",
    "status",
    "created_at",
    "first_response_at",
    "resolved_at",
    "due_at",
    "import_key",
    "source_id",
    "updated_at",
)


def _request_values(
    item: _RequestRow, number: str, department: str, due_at: datetime
) -> tuple[Any, ...]:
    first = item.first_response_at or item.resolved_at
    return (
        number,
        item.channel,
        item.type,
        item.category,
        department,
        item.text,
        _derived_status(first, item.resolved_at),
        item.received_at,
        first,
        item.resolved_at,
        due_at,
        item.key,
        item.source_id,
        # The latest of the three: _parse_request refuses a row whose times go backwards.
        item.resolved_at or first or item.received_at,
    )


def _derived_status(first_response_at: datetime | None, resolved_at: datetime | None) -> str:
    return "resolved" if resolved_at else "answered" if first_response_at else "new"


# --- call-centre days ----------------------------------------------------------------------


def import_calls(engine: Engine, path: Path) -> ImportReport:
    """Import call-centre days (date,total,information,application,missed); all or nothing.

    Each row must satisfy total = information + application + missed, as the
    call-centre system's figures do. A date already stored is overwritten with the
    file's values (counted as updated, or unchanged when they are equal).
    """
    errors: list[RowError] = []
    days: dict[date, tuple[int, int, int, int]] = {}
    first_row: dict[date, int] = {}
    read = 0
    for row, values in _read_rows(path, CALL_COLUMNS, errors):
        read += 1
        count = len(errors)
        day_raw = values[0].strip()
        day: date | None = None
        if not _DATE.match(day_raw):
            errors.append(RowError(row, "date", f"{day_raw!r} is not a date like 2024-03-05"))
        else:
            try:
                day = date.fromisoformat(day_raw)
            except ValueError:
                errors.append(RowError(row, "date", f"{day_raw} is not a valid date"))
        numbers: list[int] = []
        for column, value in zip(CALL_COLUMNS[1:], values[1:], strict=True):
            value = value.strip()
            if value.isascii() and value.isdigit():
                numbers.append(int(value))
            else:
                errors.append(
                    RowError(
                        row,
                        column,
                        f"{value!r} is not a whole number (digits only, no thousands separator)",
                    )
                )
        if len(errors) > count:
            continue
        total, information, application, missed = numbers
        if total != information + application + missed:
            errors.append(
                RowError(
                    row,
                    "total",
                    f"total {total} is not information + application + missed "
                    f"= {information + application + missed}",
                )
            )
            continue
        assert day is not None  # a bad date added an error above
        if day in first_row:
            errors.append(RowError(row, "date", f"{day} is already on row {first_row[day]}"))
            continue
        first_row[day] = row
        days[day] = (total, information, application, missed)
    if errors:
        raise ImportFailed(errors)

    if not days:
        return ImportReport(rows=read, added=0)
    table = _CALL_TABLE
    with transaction(engine) as session:
        stored = {
            stored_day.day: (
                stored_day.total,
                stored_day.information,
                stored_day.application,
                stored_day.missed,
            )
            for stored_day in session.execute(
                select(table).where(table.c.day.between(min(days), max(days)))
            )
        }
        added = [day for day in days if day not in stored]
        changed = [day for day in days if day in stored and stored[day] != days[day]]
        if added:
            session.execute(insert(table), [_call_values(day, days[day]) for day in added])
        if changed:
            session.execute(
                update(table)
                .where(table.c.day == bindparam("b_day"))
                .values(
                    total=bindparam("b_total"),
                    information=bindparam("b_information"),
                    application=bindparam("b_application"),
                    missed=bindparam("b_missed"),
                ),
                [{f"b_{k}": v for k, v in _call_values(day, days[day]).items()} for day in changed],
            )
    return ImportReport(
        rows=read,
        added=len(added),
        updated=len(changed),
        unchanged=len(days) - len(added) - len(changed),
    )


def _call_values(day: date, values: tuple[int, int, int, int]) -> dict[str, Any]:
    total, information, application, missed = values
    return {
        "day": day,
        "total": total,
        "information": information,
        "application": application,
        "missed": missed,
    }
