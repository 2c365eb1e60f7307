"""Catalogs: every text in the code is translated in every language; Babel formats."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from babel.messages.catalog import Message
from babel.messages.pofile import read_po

from common.config import SUPPORTED_LANGUAGES
from common.i18n import po_path, resolve_language, translator
from locales.update_catalogs import extract

PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


@pytest.fixture(scope="module")
def message_ids() -> list[str]:
    ids = [m.id for m in extract() if m.id]
    assert len(ids) > 10  # extraction found the code's texts
    return [i if isinstance(i, str) else i[0] for i in ids]


def _translated(message: Message | None) -> bool:
    return message is not None and bool(message.string)


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_message_is_translated(language: str, message_ids: list[str]) -> None:
    with po_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    missing = [m for m in message_ids if not _translated(catalog.get(m))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert missing == [], f"{language}: run `make i18n` and translate: {missing}"
    assert fuzzy == []
    for message in catalog:
        if message.id and isinstance(message.id, str):
            assert set(PLACEHOLDER.findall(message.id)) == set(
                PLACEHOLDER.findall(str(message.string))
            ), f"{language}: placeholders differ in {message.id!r}"


def test_turkish_is_really_turkish() -> None:
    assert translator("tr")._("📋 My requests") == "📋 Taleplerim"
    assert translator("en")._("📋 My requests") == "📋 My requests"


def test_language_resolution() -> None:
    assert resolve_language("en", "tr") == "en"  # the stored choice wins
    assert resolve_language(None, "en-US") == "en"
    assert resolve_language(None, "de") == "tr"  # we have no German: Turkish
    assert resolve_language(None, None) == "tr"


def test_babel_formats_follow_locale() -> None:
    tr, en = translator("tr"), translator("en")
    assert tr.number(148748) == "148.748"
    assert en.number(148748) == "148,748"
    assert tr.percent(27690 / 206041) == "%13,4"
    assert en.percent(27690 / 206041) == "13.4%"
    assert tr.date(date(2024, 3, 5)) == "5 Mart 2024"
    moment = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)  # 17:00 in Istanbul
    assert tr.datetime(moment) == "25 Kasım 2026 Çarşamba 17:00"
    assert en.datetime(moment) == "Wednesday 25 November 2026, 17:00"
    # An event's time: the day said once when it starts and ends on the same day.
    two_hours, next_day = moment + timedelta(hours=2), moment + timedelta(days=1)
    assert tr.span(moment, two_hours) == "25 Kasım 2026 Çarşamba 17:00–19:00"
    assert en.span(moment, two_hours) == "Wednesday 25 November 2026, 17:00–19:00"
    assert tr.span(moment, next_day) == (
        "25 Kasım 2026 Çarşamba 17:00 – 26 Kasım 2026 Perşembe 17:00"
    )


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_no_text_is_in_a_catalog_twice(language: str) -> None:
    """Two entries with one msgid load silently and the first wins: one English word with
    two meanings ("Open": a status, a button) would show the wrong one. Texts added by hand
    at a catalog's end are where this slips in."""
    ids: list[str] = []
    current: list[str] | None = None
    for line in po_path(language).read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            current = [line[6:]]
        elif current is not None and line.startswith('"'):
            current.append(line)
        elif current is not None:
            ids.append("".join(current))
            current = None
    repeated = sorted({i for i in ids if i != '""' and ids.count(i) > 1})
    assert repeated == [], f"{language}: texts in the catalog twice: {repeated}"
