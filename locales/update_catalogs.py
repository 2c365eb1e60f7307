"""Extract messages from the code and merge them into every catalog (run by `make i18n`).

English message ids are the English texts, so the English catalog is filled
from them; Turkish translations are written by hand in locales/tr/.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
SOURCE_DIRS = ("bot", "common", "core", "flows", "handlers", "scheduler", "web")
# The web pages' templates call _() and ngettext() as the code does.
METHODS = [
    ("**.py", "python"),
    ("**/templates/**.html", "jinja2"),
    ("**/templates/**.xml", "jinja2"),
]


def extract() -> Catalog:
    template = Catalog(project="kentbot", copyright_holder="Kent Bot")
    for folder in SOURCE_DIRS:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / folder, METHODS, keywords=KEYWORDS
        ):
            template.add(
                message,
                locations=[(f"{folder}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
            )
    return template


def update(language: str, template: Catalog) -> list[str]:
    path = ROOT / "locales" / language / "LC_MESSAGES" / "kentbot.po"
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog = Catalog(locale=language, project="kentbot")
    catalog.update(template, no_fuzzy_matching=True)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        if language == "en" and not message.string:
            message.string = message.id
        if not message.string or (isinstance(message.string, tuple) and not all(message.string)):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    catalog.obsolete.clear()
    with path.open("wb") as handle:
        write_po(
            handle, catalog, width=100, omit_header=False, sort_output=True, include_lineno=False
        )
    return missing


def main() -> int:
    template = extract()
    with (ROOT / "locales" / "kentbot.pot").open("wb") as handle:
        write_po(handle, template, width=100, sort_output=True, include_lineno=False)
    status = 0
    for language in ("tr", "en"):
        missing = update(language, template)
        for msgid in missing:
            print(f"{language}: untranslated: {msgid[:70]!r}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    raise SystemExit(main())
