"""Public tracking numbers `YYYY-NNNNNN`: unique, increasing per year, never reused."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from db.models import RequestCounter

_COUNTER = RequestCounter.__table__  # type: ignore[attr-defined]


def format_number(year: int, sequence: int) -> str:
    return f"{year}-{sequence:06d}"


def allocate(session: Session, year: int, count: int = 1) -> list[str]:
    """Reserve `count` consecutive numbers of `year` inside the caller's transaction.

    The counter row is bumped with one UPDATE, which takes a row lock on
    PostgreSQL and the write lock on SQLite, so two sessions never get the same
    numbers; a rolled-back transaction gives its numbers back unseen.
    """
    if count < 1:
        return []
    last = _bump(session, year, count)
    return [format_number(year, n) for n in range(last - count + 1, last + 1)]


def hold(session: Session, year: int) -> int:
    """Lock `year`'s counter until the caller's transaction ends and return its last
    number, for a caller that gives the numbers after it itself (a streamed import) and
    then takes them with `allocate` in the same transaction. Filing waits meanwhile."""
    return _bump(session, year, 0)  # an UPDATE of nothing locks the row all the same


def _bump(session: Session, year: int, count: int) -> int:
    """Move `year`'s counter on by `count` (creating it at 0 if need be); its new value."""
    for _attempt in range(2):
        result = session.execute(
            update(_COUNTER)
            .where(_COUNTER.c.year == year)
            .values(last=_COUNTER.c.last + count)
            .returning(_COUNTER.c.last)
        ).first()
        if result is not None:
            return int(result[0])
        try:
            with session.begin_nested():
                session.add(RequestCounter(year=year, last=0))
        except IntegrityError:
            pass  # another transaction created this year's row first; bump it
    raise RuntimeError(f"could not allocate a request number for {year}")
