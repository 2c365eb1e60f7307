"""The CSV files the import tests give `kentbot import` (core/imports.py), and what they
read back: the headers the other systems export, a file written as they write it, a
table's row count, and a UTC moment."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

REQUEST_HEADER = [
    "received_at",
    "channel",
    "type",
    "category",
    "text",
    "first_response_at",
    "resolved_at",
]
CALL_HEADER = ["date", "total", "information", "application", "missed"]


def write_csv(
    path: Path, header: list[str], rows: list[list[str]], *, bom: bool = False, delimiter: str = ","
) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        if header:
            writer.writerow(header)
        writer.writerows(rows)
    return path


def count(engine: Engine, model: Any) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)
