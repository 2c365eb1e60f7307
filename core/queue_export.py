"""The staff desk's queue as a spreadsheet: CSV for Turkish Excel, and xlsx.

Turkish Excel opens a CSV by double-click only if it is UTF-8 with a byte-order mark
(otherwise ş and ğ come out garbled), separated by semicolons (the comma is the decimal
sign), with CRLF line ends. Dates are written as Turkish readers write them,
dd.MM.yyyy HH:mm, in the municipality's time. In xlsx the dates are real dates.

A citizen's text is data, never a formula: a cell starting with = + - @ would be run by
the spreadsheet ("CSV injection"), so CSV cells get a leading apostrophe and xlsx cells
are stored as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from common.i18n import N_, Translator
from core.codes import CHANNELS, REQUEST_TYPES, STATUSES
from core.desk_queue import QueueRow

BOM = "\ufeff"
DATE_FORMAT = "%d.%m.%Y %H:%M"
XLSX_DATE_FORMAT = "dd.mm.yyyy hh:mm"

# (heading, column width in xlsx)
COLUMNS: tuple[tuple[str, int], ...] = (
    (N_("Number"), 13),
    (N_("Received at"), 17),
    (N_("Channel"), 16),
    (N_("Type"), 11),
    (N_("Topic"), 24),
    (N_("Department"), 30),
    (N_("Status"), 14),
    (N_("Assignee"), 20),
    (N_("Due by"), 17),
    (N_("First response at"), 17),
    (N_("Resolved at"), 17),
    (N_("Overdue"), 10),
    (N_("Text"), 60),
    (N_("Address"), 30),
)
# The columns holding times (0-based), written as dates.
_TIMES = frozenset({1, 8, 9, 10})
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | datetime | None


def headings(t: Translator) -> list[str]:
    return [t._(heading) for heading, _ in COLUMNS]


def _local(value: datetime | None, tz: ZoneInfo) -> datetime | None:
    """Local wall time without a zone: what a spreadsheet shows and sorts by."""
    return value.astimezone(tz).replace(tzinfo=None) if value is not None else None


def values(row: QueueRow, t: Translator, tz: ZoneInfo) -> list[Cell]:
    """One request's cells, in COLUMNS' order, labels in the reader's language."""
    request = row.request
    category = row.category
    department = row.department
    english = t.language == "en"
    return [
        request.number,
        _local(request.created_at, tz),
        t._(CHANNELS.get(request.channel, request.channel)),
        t._(REQUEST_TYPES.get(request.type, request.type)),
        (category.name_en if english and category.name_en else category.name_tr)
        if category is not None
        else request.category_code,
        (department.name_en if english and department.name_en else department.name_tr)
        if department is not None
        else request.department_code,
        t._(STATUSES.get(request.status, request.status)),
        row.assignee,
        _local(request.due_at, tz),
        _local(request.first_response_at, tz),
        _local(request.resolved_at, tz),
        t._("Yes") if row.overdue else t._("No"),
        request.text,
        request.address,
    ]


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(DATE_FORMAT)
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_chunks(rows: Iterable[QueueRow], t: Translator, tz: ZoneInfo) -> Iterator[bytes]:
    """The CSV file, a few hundred rows at a time (for a streamed response)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    buffer.write(BOM)
    writer.writerow(headings(t))
    for count, row in enumerate(rows, start=1):
        writer.writerow([_csv_cell(value) for value in values(row, t, tz)])
        if count % 500 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows: Iterable[QueueRow], t: Translator, tz: ZoneInfo, title: str) -> bytes:
    """The workbook: a bold heading row that stays in view, dates as dates, set widths."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    heading_cells = []
    for heading in headings(t):
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = bold
        heading_cells.append(cell)
    sheet.append(heading_cells)
    for row in rows:
        cells = []
        for index, value in enumerate(values(row, t, tz)):
            if isinstance(value, str):
                # Rows stored before control characters were kept out (core.filing): a cell
                # holding one would make openpyxl refuse the whole file.
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell = WriteOnlyCell(sheet, value=value)
            if index in _TIMES and value is not None:
                cell.number_format = XLSX_DATE_FORMAT
            elif isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the citizen typed
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
