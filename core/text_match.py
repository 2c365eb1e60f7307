"""Turkish-aware text folding and topic suggestion from a citizen's free text.

The request flow suggests topics from what the citizen typed before choosing one. Each
topic's keywords and names (config.toml) are phrases of a core.matching.PhraseIndex:
found with or without Turkish letters, with suffixes ("lambaları", "köpeğe") and with
typos ("konteynr"); a phrase of several words only when its words follow one another
("sokak lambası" in "sokak lambaları", not in "lamba sokak"); short keywords ("iş",
"cv") only as whole words ("işgal" is not "iş"). developer-guide.md, "Matching Turkish
text", says why this matcher replaced the hand-written suffix rules that were here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from core.matching import PhraseIndex, fold, phrases_of

if TYPE_CHECKING:
    from common.config import Config

__all__ = ["CategoryKeywords", "fold", "keywords_from_config", "suggest", "tokens"]

# 0–100 (core/matching.py): a keyword found whole scores at least 60 in any text.
MIN_SCORE = 60.0


def tokens(text: str) -> list[str]:
    """The folded words of a text, in order."""
    return fold(text).split()


@dataclass(frozen=True)
class CategoryKeywords:
    code: str
    keywords: tuple[str, ...]
    names: tuple[str, ...] = ()  # the category's names in each language, also matched


def keywords_from_config(config: Config) -> list[CategoryKeywords]:
    """CategoryKeywords for every category of config.toml, names in all languages."""
    return [
        CategoryKeywords(
            code=category.code,
            keywords=tuple(category.keywords),
            names=tuple(n for n in (category.name.tr, category.name.en) if n),
        )
        for category in config.categories
    ]


# The list is built once at start-up (handlers/common.py) and passed with every message,
# so its index is built once too.
@lru_cache(maxsize=32)
def _index(categories: tuple[CategoryKeywords, ...]) -> PhraseIndex[int]:
    entries: list[tuple[int, str]] = []
    for position, category in enumerate(categories):
        entries += [(position, keyword) for keyword in category.keywords]
        entries += [(position, part) for part in phrases_of(list(category.names))]
    # Keywords are written in their base form: taken as written, not stemmed.
    return PhraseIndex(entries, ordered=True, stem=False)


def suggest(text: str, categories: Sequence[CategoryKeywords], limit: int = 3) -> list[str]:
    """Codes of the best-matching categories, best first; [] when nothing matches. Ties
    keep the order the categories were given in."""
    if limit <= 0 or not categories:
        return []
    ordered = tuple(categories)
    found = _index(ordered).search(text, limit=limit, threshold=MIN_SCORE)
    return [ordered[scored.key].code for scored in found]
