"""Checks of what people type into the employment centre: each refuses with
`core.refusals.Refused` and a reason code the channel translates, so nothing already
entered is lost."""

from __future__ import annotations

from core import occupations
from core.employment.codes import DRIVING_LICENCES, OCCUPATION
from core.refusals import Refused

# A seeker is of working age: 15 (the legal minimum with schooling done) to 80.
MIN_AGE = 15
MAX_AGE = 80
MAX_POSITIONS = 1000
# An uploaded CV (PDF); Telegram lets bots download up to 20 MB, the centre wants less.
MAX_CV_BYTES = 2 * 1024 * 1024
MAX_NAME = 200
MAX_TEXT = 2000
MAX_EXPERIENCE = 20
MAX_YEARS = 60


def vkn_check_digit(first_nine: str) -> int:
    """The tenth digit of a Vergi Kimlik Numarası (Revenue Administration, GİB).

    For each of the first nine digits d (position i = 1..9): t = (d + 10 - i) mod 10;
    unless t is 0, v = t × 2^(10 - i) mod 9, and 9 where that is 0; the check digit
    makes the sum of the v's a multiple of 10.
    """
    if len(first_nine) != 9 or not first_nine.isascii() or not first_nine.isdigit():
        raise ValueError("nine digits expected")
    total = 0
    for position, char in enumerate(first_nine, start=1):
        t = (int(char) + 10 - position) % 10
        v = (t * 2 ** (10 - position)) % 9
        if t != 0 and v == 0:
            v = 9
        total += v
    return (10 - total % 10) % 10


def is_valid_vkn(number: str) -> bool:
    return (
        len(number) == 10
        and number.isascii()
        and number.isdigit()
        and vkn_check_digit(number[:9]) == int(number[9])
    )


def tax_number(text: str) -> str:
    """A VKN as typed ("123 456 7890" too), or Refused: bad_tax_number."""
    digits = "".join(text.split())
    if not is_valid_vkn(digits):
        raise Refused("bad_tax_number")
    return digits


def birth_year(value: int | str, this_year: int) -> int:
    """A seeker's year of birth: of working age this year, or Refused: bad_birth_year."""
    try:
        year = int(str(value).strip())
    except ValueError:
        raise Refused("bad_birth_year") from None
    if not this_year - MAX_AGE <= year <= this_year - MIN_AGE:
        raise Refused("bad_birth_year")
    return year


def positions(value: int | str) -> int:
    """A vacancy's number of positions, 1 to 1000, or Refused: bad_positions."""
    try:
        count = int(str(value).strip())
    except ValueError:
        raise Refused("bad_positions") from None
    if not 1 <= count <= MAX_POSITIONS:
        raise Refused("bad_positions")
    return count


def cv_size(size: int | None) -> None:
    """An uploaded CV's size in bytes; Refused: too_large over MAX_CV_BYTES."""
    if size is None or size > MAX_CV_BYTES:
        raise Refused("too_large")


PDF_MIME = "application/pdf"
MAX_FILE_NAME = 200


def cv_file(file_name: str | None, mime_type: str | None, size: int | None) -> str:
    """An uploaded CV: a PDF (its type and its name say so) of at most MAX_CV_BYTES;
    Refused: not_pdf or too_large. Returns the file's name as shown (no folders, cut
    to MAX_FILE_NAME, "CV.pdf" when it came without one)."""
    name = " ".join((file_name or "").replace("\\", "/").rsplit("/", 1)[-1].split())
    if (mime_type or "").lower() != PDF_MIME or (name and not name.lower().endswith(".pdf")):
        raise Refused("not_pdf")
    cv_size(size)
    name = name or "CV.pdf"
    return name if len(name) <= MAX_FILE_NAME else name[: MAX_FILE_NAME - 4] + ".pdf"


def driving_licence(classes: list[str] | tuple[str, ...] | str | None) -> str | None:
    """The licence classes held, as stored ("B,C", in the licence's order; None for no
    licence); Refused: unknown_licence for a class Turkish licences do not have."""
    if isinstance(classes, str):
        classes = classes.split(",")
    wanted = {c.strip().upper() for c in classes or () if c.strip()}
    if wanted - set(DRIVING_LICENCES):
        raise Refused("unknown_licence")
    return ",".join(c for c in DRIVING_LICENCES if c in wanted) or None


def licence_classes(stored: str | None) -> list[str]:
    """The classes of a stored licence ("B,C" → ["B", "C"]); what is not a class (an
    older "yes") is left out."""
    return [c for c in (stored or "").split(",") if c in DRIVING_LICENCES]


def occupation(code: str) -> str:
    """An ISCO-08 unit group (4 digits, one the classification has), or Refused:
    bad_occupation."""
    code = code.strip()
    found = occupations.get(code) if OCCUPATION.match(code) else None
    if found is None or found.level != 4:
        raise Refused("bad_occupation")
    return code


def text(value: str, limit: int = MAX_NAME, *, required: bool = True) -> str:
    """A name, a title, requirements: trimmed; Refused: text_required or too_long."""
    value = " ".join(value.split()) if limit <= MAX_NAME else value.strip()
    if required and not value:
        raise Refused("text_required")
    if len(value) > limit or "\x00" in value:
        raise Refused("too_long")
    return value


def experience_years(value: int | float | str) -> float:
    """Years in a job (0 to 60, halves allowed); Refused: bad_years."""
    try:
        years = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise Refused("bad_years") from None
    if not 0 <= years <= MAX_YEARS:
        raise Refused("bad_years")
    return years
