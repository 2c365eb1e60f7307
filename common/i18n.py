"""Translations and locale-aware formatting (Babel), one `Translator` per language.

Catalogs live in locales/<lang>/LC_MESSAGES/kentbot.po. They are compiled in
memory when first used, so no .mo file has to be built or committed.
"""

from __future__ import annotations

import datetime as dt
import gettext
from functools import cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton, format_timedelta
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

from common.config import REPO_ROOT, SUPPORTED_LANGUAGES

LOCALES_DIR = REPO_ROOT / "locales"
DOMAIN = "kentbot"
DEFAULT_LANGUAGE = "tr"
DEFAULT_TIMEZONE = ZoneInfo("Europe/Istanbul")
# Babel locale per language: Turkey's conventions (148.748, %13,4), British English dates.
BABEL_LOCALES = {"tr": "tr_TR", "en": "en_GB"}


def N_(message: str) -> str:
    """Marks a text for extraction where it is defined; it is translated where it is shown."""
    return message


def po_path(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def resolve_language(
    stored: str | None, telegram_code: str | None, default: str = DEFAULT_LANGUAGE
) -> str:
    """The citizen's choice, else Telegram's language when we have it, else `default`
    (Turkish, or the municipality's language where the caller has it)."""
    if stored in SUPPORTED_LANGUAGES:
        return stored
    if telegram_code:
        primary = telegram_code.replace("_", "-").split("-")[0].lower()
        if primary in SUPPORTED_LANGUAGES:
            return primary
    return default


class Translator:
    """Texts and formats for one language."""

    def __init__(self, language: str, catalog: gettext.NullTranslations) -> None:
        self.language = language
        self.locale = Locale.parse(BABEL_LOCALES.get(language, language))
        self._catalog = catalog

    def _(self, message: str) -> str:
        return self._catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self._catalog.ngettext(singular, plural, count)

    def number(self, value: float | int) -> str:
        return format_decimal(value, locale=self.locale)

    def percent(self, ratio: float, digits: int = 1) -> str:
        pattern = "#,##0." + "0" * digits + "%" if digits else "#,##0%"
        if self.language == "tr":
            pattern = "%" + pattern[:-1]
        return format_percent(ratio, format=pattern, locale=self.locale)

    def date(self, value: dt.date, form: str = "long") -> str:
        return format_date(value, form, locale=self.locale)

    def weekday(self, value: dt.date) -> str:
        """A day with its weekday, short, as on a week's chart: '2 Mar Pzt', 'Mon 2 Mar'."""
        return format_skeleton("MMMEd", value, locale=self.locale)

    def interval(self, first: dt.date, last: dt.date) -> str:
        """Two days as one period, e.g. '1 Ocak – 6 Aralık 2026' (the year said once)."""
        if first == last:
            return self.date(last)
        start = "d MMMM" if first.year == last.year else "long"
        return f"{format_date(first, start, locale=self.locale)} – {self.date(last)}"

    def datetime(self, value: dt.datetime, tz: ZoneInfo = DEFAULT_TIMEZONE) -> str:
        """Long date with weekday and time, e.g. '25 Kasım 2026 Çarşamba 17:00'."""
        local = value.astimezone(tz)
        pattern = "d MMMM y EEEE HH:mm" if self.language == "tr" else "EEEE d MMMM y, HH:mm"
        return format_datetime(local, pattern, tzinfo=tz, locale=self.locale)

    def span(self, start: dt.datetime, end: dt.datetime, tz: ZoneInfo = DEFAULT_TIMEZONE) -> str:
        """From one time to another, the day said once when they fall on the same day:
        '13 Aralık 2026 Pazar 14:00–16:00'."""
        if start.astimezone(tz).date() != end.astimezone(tz).date():
            return f"{self.datetime(start, tz)} – {self.datetime(end, tz)}"
        until = format_datetime(end.astimezone(tz), "HH:mm", tzinfo=tz, locale=self.locale)
        return f"{self.datetime(start, tz)}–{until}"

    def short_datetime(self, value: dt.datetime, tz: ZoneInfo = DEFAULT_TIMEZONE) -> str:
        return format_datetime(value.astimezone(tz), "d MMM y HH:mm", tzinfo=tz, locale=self.locale)

    def duration(self, value: dt.timedelta) -> str:
        return format_timedelta(value, threshold=1.5, locale=self.locale)


@cache
def _compiled(language: str) -> gettext.NullTranslations:
    path = po_path(language)
    if not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@cache
def translator(language: str) -> Translator:
    if language not in SUPPORTED_LANGUAGES:
        language = DEFAULT_LANGUAGE
    return Translator(language, _compiled(language))


def all_translators() -> list[Translator]:
    return [translator(language) for language in SUPPORTED_LANGUAGES]
