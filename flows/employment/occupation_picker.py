"""The occupation question, shared by the CV and the vacancy wizards: a word typed is
kept as the search when the ISCO-08 search (core.occupations) finds something for it, and
its best matches become buttons of the flow's own action."""

from __future__ import annotations

from collections.abc import Callable, Collection

from common.i18n import Translator
from core import occupations
from core.refusals import Refused
from flows.actions import Action
from flows.screen import Choice

MATCHES = 5


def search_of(text: str, t: Translator) -> str:
    """What to keep of a typed word as the search; Refused: no_match when it finds
    nothing."""
    if not occupations.search(text, t.language, MATCHES):
        raise Refused("no_match")
    return text.strip()[: occupations.MAX_QUERY_CHARS]


def match_rows(
    search: str, t: Translator, pick: Callable[[str], Action], chosen: Collection[str] = ()
) -> list[tuple[Choice, ...]]:
    """The best matches of the search, one button a row, leaving out those `chosen`."""
    return [
        (pick(match.code).choice(match.title),)
        for match in occupations.search(search, t.language, MATCHES)
        if match.code not in chosen
    ]
