"""The dashboard's figures as open data: CSV and JSON, each with its licence.

Both are written from the same tables as the page (web/year_tables.py), values as the
page prints them (a percent in percent, rounded like the report). The Turkish CSV
follows Turkish Excel (";" between fields, a decimal comma, a UTF-8 byte order mark so
Excel reads the Turkish letters); the English one is plain CSV. JSON keys are codes,
labels are in the file's language, numbers are numbers.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from babel.numbers import format_decimal

from common.i18n import N_, Translator
from core.dashboard import YearFigures
from web.year_tables import YearTables

LICENCE = N_("Open data: CC BY 4.0 — source: {name}")
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
Number = float | int | None


def licence(t: Translator, municipality: str) -> str:
    return t._(LICENCE).format(name=municipality)


def _rows(t: Translator, tables: YearTables) -> list[tuple[str, str, str, str, Number, Number]]:
    """Every figure of the page as (table, code, label, unit, value, target)."""
    rows: list[tuple[str, str, str, str, Number, Number]] = []
    for table in tables.tables:
        for line in table.lines:
            rows.append((table.code, line.key, line.label, line.unit, line.actual, line.target))
    count, percent, days = t._("count"), t._("%"), t._("days")
    for month in tables.months:
        for code, name in tables.channels.items():
            rows.append(
                (
                    "requests-by-month",
                    f"{month.code}.{code}",
                    f"{month.name} — {name}",
                    count,
                    month.counts.get(code, 0),
                    None,
                )
            )
        rows.append(
            ("requests-by-month", f"{month.code}.total", month.name, count, month.total, None)
        )
    for month in tables.months:
        rows.append(
            (
                "satisfaction-by-month",
                f"{month.code}.answers",
                month.name,
                count,
                month.answers,
                None,
            )
        )
        rows.append(
            (
                "satisfaction-by-month",
                f"{month.code}.satisfied",
                month.name,
                percent,
                month.satisfaction,
                tables.satisfaction_target,
            )
        )
    for department in tables.departments:
        rows.append(
            (
                "response-by-department",
                f"{department.code}.answered",
                department.name,
                count,
                department.responded,
                None,
            )
        )
        rows.append(
            (
                "response-by-department",
                f"{department.code}.average_days",
                department.name,
                days,
                department.average_days,
                tables.response_target,
            )
        )
    for assembly in tables.assemblies:
        for field, value, target in (
            ("events", assembly.events, assembly.events_target),
            ("participants", assembly.participants, assembly.participants_target),
            ("checked_in", assembly.checked_in, None),
        ):
            rows.append(
                (
                    "council-by-assembly",
                    f"{assembly.code}.{field}",
                    assembly.name,
                    count,
                    value,
                    target,
                )
            )
    return rows


def _cell(t: Translator, value: Number) -> str:
    if value is None:
        return ""
    # No thousands separator: spreadsheets read "148748" as a number in any locale.
    return format_decimal(value, format="0.###", locale=t.locale)


def _stamp(t: Translator, figures: YearFigures, tz: Any) -> str:
    return t._("Figures of {year}, computed on {when}").format(
        year=figures.year, when=t.short_datetime(figures.computed_at, tz)
    )


def write_csv(
    t: Translator, municipality: str, figures: YearFigures, tables: YearTables, tz: Any
) -> bytes:
    turkish = t.language == "tr"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if turkish else ",", lineterminator="\r\n")
    # Comment lines first: the licence travels with every copy of the file.
    buffer.write(f"# {licence(t, municipality)} ({LICENCE_URL})\r\n")
    buffer.write(f"# {_stamp(t, figures, tz)}\r\n")
    writer.writerow(
        [t._("table"), t._("code"), t._("indicator"), t._("unit"), t._("actual"), t._("target")]
    )
    for table, code, label, unit, value, target in _rows(t, tables):
        writer.writerow([table, code, label, unit, _cell(t, value), _cell(t, target)])
    text = buffer.getvalue()
    return text.encode("utf-8-sig" if turkish else "utf-8")


def as_json(
    t: Translator, municipality: str, figures: YearFigures, tables: YearTables, tz: Any
) -> dict[str, Any]:
    return {
        "license": licence(t, municipality),
        "license_url": LICENCE_URL,
        "source": municipality,
        "language": t.language,
        "year": figures.year,
        "computed_at": _iso(figures.computed_at),
        "complete": not figures.current,
        "indicators": {
            table.code: {
                "title": table.title,
                "rows": [
                    {
                        "key": line.key,
                        "label": line.label,
                        "unit": line.unit,
                        "kind": line.kind,
                        "actual": line.actual,
                        "target": line.target,
                    }
                    for line in table.lines
                ],
            }
            for table in tables.tables
        },
        "channels": tables.channels,
        "requests_by_month": {
            month.code: {
                "label": month.name,
                "total": month.total,
                "channels": {code: month.counts.get(code, 0) for code in tables.channels},
            }
            for month in tables.months
        },
        "satisfaction_by_month": {
            month.code: {
                "label": month.name,
                "answers": month.answers,
                "satisfied_answers": month.satisfied,
                "percent": month.satisfaction,
            }
            for month in tables.months
        },
        "satisfaction_target_percent": tables.satisfaction_target,
        "response_by_department": {
            department.code: {
                "label": department.name,
                "answered": department.responded,
                "average_days": department.average_days,
            }
            for department in tables.departments
        },
        "response_target_days": tables.response_target,
        "council_by_assembly": {
            assembly.code: {
                "label": assembly.name,
                "events": assembly.events,
                "events_target": assembly.events_target,
                "participants": assembly.participants,
                "participants_target": assembly.participants_target,
                "checked_in": assembly.checked_in,
            }
            for assembly in tables.assemblies
        },
    }


def _iso(when: datetime) -> str:
    return when.isoformat()
