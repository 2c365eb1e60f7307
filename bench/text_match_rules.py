"""The hand-written Turkish suffix rules core/text_match.py suggested topics with until
the matcher of core/matching.py replaced them (it did better on the same cases:
bench/text_match_compare.py, bench/README.md section 7). Kept, unchanged but for this
paragraph, as the baseline of that comparison.

Turkish-aware text folding and category suggestion from a citizen's free text.

Python's own casing is wrong for Turkish ("İSTANBUL".lower() keeps a combining dot,
"I".lower() is "i" instead of "ı"), and citizens write with or without Turkish
letters, so both the text and the keywords are folded to plain lowercase ASCII
letters before they are compared.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from common.config import Config

# Shorter keyword tokens only match a whole word: "iş" (job) must not match "işgal".
MIN_PREFIX_LETTERS = 3

_NON_WORD = re.compile(r"[\W_]+")
# Category names are lists ("Yol, asfalt ve kaldırım"); each part is matched on its own.
_NAME_SEPARATORS = re.compile(r"[^\w\s]+")
_CONJUNCTIONS = frozenset({"ve", "veya", "ile", "ya", "and", "or", "of", "the"})
# Final-consonant softening: "sokak" is written "sokağ-" before a vowel, "köpek"
# "köpeğ-" (ç/c fold to the same letter). A stem cut from a possessive ("köpeğ-i")
# shows the soft form, so it hardens back for the bare word ("köpek-ler").
_SOFTEN = {"k": "g", "p": "b", "t": "d"}
_HARDEN = {soft: hard for hard, soft in _SOFTEN.items()}
# The 3rd person possessive of a compound's last word ("sokak lamba-sı", "kaldırım
# işgal-i") is replaced by other suffixes in the text ("sokak lamba-ları").
_POSSESSIVES = ("si", "su", "i", "u")
_VOWELS = frozenset("aeiou")
# Folding is repeated until nothing changes so it is idempotent even for exotic
# characters whose compatibility decomposition is itself foldable; two rounds
# suffice in practice, the bound only guards against surprises.
_MAX_FOLD_ROUNDS = 4


def _fold_once(text: str) -> str:
    # Compose first so a decomposed "I" + combining dot is recognised as "İ".
    text = unicodedata.normalize("NFC", text)
    text = text.replace("İ", "i").replace("I", "ı").casefold().replace("ı", "i")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", text).strip()


def fold(text: str) -> str:
    """Lowercase the Turkish way (İ->i, I->ı) and then fold to ASCII (ı->i, ş->s, ç->c, ğ->g,
    ö->o, ü->u, â/î/û -> a/i/u), collapse whitespace and punctuation to single spaces."""
    folded = _fold_once(text)
    for _ in range(_MAX_FOLD_ROUNDS):
        again = _fold_once(folded)
        if again == folded:
            break
        folded = again
    return folded


def tokens(text: str) -> list[str]:
    """The folded words of a text, in order."""
    return fold(text).split()


def _stem_forms(token: str, compound_head: bool) -> tuple[str, ...]:
    """Prefixes a text word may start with to match this keyword token."""
    if len(token) < MIN_PREFIX_LETTERS:
        return (token,)
    forms = [token]
    if token[-1] in _SOFTEN:
        forms.append(token[:-1] + _SOFTEN[token[-1]])
    if compound_head:
        for suffix in _POSSESSIVES:
            stem = token[: -len(suffix)]
            # Only strip "-i"/"-u" after a consonant: after a vowel the suffix is "-si".
            bare_vowel = len(suffix) == 1 and (not stem or stem[-1] in _VOWELS)
            if token.endswith(suffix) and len(stem) >= MIN_PREFIX_LETTERS and not bare_vowel:
                forms.append(stem)
                if stem[-1] in _HARDEN:
                    forms.append(stem[:-1] + _HARDEN[stem[-1]])
                break
    return tuple(dict.fromkeys(forms))


@dataclass(frozen=True)
class _Phrase:
    """One folded keyword: a run of tokens, each with the word starts it accepts."""

    forms: tuple[tuple[str, ...], ...]
    weight: int  # letters in the keyword: longer keywords are more specific

    def matches(self, words: Sequence[str]) -> bool:
        size = len(self.forms)
        for begin in range(len(words) - size + 1):
            if all(
                _word_matches(words[begin + offset], accepted)
                for offset, accepted in enumerate(self.forms)
            ):
                return True
        return False


def _word_matches(word: str, accepted: tuple[str, ...]) -> bool:
    if len(accepted[0]) < MIN_PREFIX_LETTERS:
        return word == accepted[0]
    return word.startswith(accepted)


def _phrase(words: Sequence[str]) -> _Phrase:
    last = len(words) - 1
    forms = tuple(
        _stem_forms(word, compound_head=last > 0 and index == last)
        for index, word in enumerate(words)
    )
    return _Phrase(forms=forms, weight=sum(len(word) for word in words))


def _name_parts(name: str) -> Iterable[list[str]]:
    for part in _NAME_SEPARATORS.split(name):
        run: list[str] = []
        for word in tokens(part):
            if word in _CONJUNCTIONS:
                if run:
                    yield run
                run = []
            else:
                run.append(word)
        if run:
            yield run


@dataclass(frozen=True)
class CategoryKeywords:
    code: str
    keywords: tuple[str, ...]
    names: tuple[str, ...] = ()  # the category's names in each language, also matched
    # Folded once here: the list is built at start-up and reused for every message.
    _phrases: tuple[_Phrase, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        seen: dict[tuple[str, ...], _Phrase] = {}
        candidates = [tokens(keyword) for keyword in self.keywords]
        for name in self.names:
            candidates.extend(_name_parts(name))
        for words in candidates:
            key = tuple(words)
            if key and key not in seen:
                seen[key] = _phrase(words)
        object.__setattr__(self, "_phrases", tuple(seen.values()))

    def score(self, words: Sequence[str]) -> tuple[int, int]:
        """(letters, count) of the distinct keywords found in the folded words."""
        matched = [phrase.weight for phrase in self._phrases if phrase.matches(words)]
        return sum(matched), len(matched)


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


def suggest(text: str, categories: Sequence[CategoryKeywords], limit: int = 3) -> list[str]:
    """Codes of the best-matching categories, best first; [] when nothing matches."""
    if limit <= 0:
        return []
    words = tokens(text)
    if not words:
        return []
    ranked: list[tuple[int, int, int, str]] = []
    for position, category in enumerate(categories):
        letters, count = category.score(words)
        if count:
            # Ties keep the order the categories were given in.
            ranked.append((-letters, -count, position, category.code))
    ranked.sort()
    return [code for *_, code in ranked[:limit]]
