"""Fuzzy matching of short Turkish (or English) text against a fixed list of phrases.

Built for the occupation picker (core/occupations) and measured against the hand-written
rules of core/text_match for the request topics (bench/text_match_compare.py). Citizens
type with or without Turkish letters, with suffixes ("garsonluk", "forkliftçi",
"şoförü") and with typos ("forklft", "muhasbe"), so every word is:

1. lowercased the Turkish way and stemmed by the Snowball Turkish (and English) stemmer,
   which removes inflections ("şoförleri" → "şoför");
2. folded to ASCII (core.text_match.fold: ı/i, ş/s, ç/c, ğ/g, ö/o, ü/u);
3. compared with the phrases' words: equal, or the typed word starts with a phrase word
   of 4 letters or more (derivations the stemmer keeps: "garsonluk", "muhasebeci"), or
   a phrase word starts with the typed word (typing cut short: "elektrik" →
   "elektrikçi"), or rapidfuzz's `fuzz.ratio` is at least 80 (typos).

A phrase scores by how much of it the text covers (each word weighted by its rarity
among all phrases, so "elemanları" counts less than "muhasebe") and by how much of the
recognised text it explains. Everything about the phrases is prepared once, when the
index is built; a search looks each typed word up in the sorted vocabulary (bisect) and
runs one rapidfuzz `process.extract` over it.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Generic, TypeVar

import snowballstemmer
from rapidfuzz import fuzz, process

from core.text_match import fold

Key = TypeVar("Key", bound=Hashable)

# Words of a phrase shorter than this match only whole words: "iş" (job) must not match
# "işgal", "tır" not "tırmık".
MIN_PREFIX_LETTERS = 4
# rapidfuzz fuzz.ratio (0–100) from which two different words count as a typo of each
# other, and the shortest typed word for which typos are tolerated at all.
TYPO_CUTOFF = 80.0
MIN_TYPO_LETTERS = 5
# A typed word that continues a phrase word ("elektrikçi" for "elektrik"): a suffix the
# stemmer left; less than the word itself so "elektrikçi" prefers "elektrikçi".
SUFFIXED_SCORE = 95.0
# A typed word that a phrase word continues ("elektrik" for "elektrikçi").
TRUNCATED_SCORE = 90.0
# Longer texts are not a name to look up; only their first words are read.
MAX_WORDS = 12

# Words that say nothing about which phrase is meant, in the phrases and in the text.
_STOPWORDS = (
    "ve veya ile ya da ilgili diğer başka yerde sınıflandırılmamış hariç için olarak "
    "bir bu şu çok daha en gibi kadar ben biz var yok mi mı mu mü de"
    " and or of the in on for to a an other related not elsewhere classified excluding"
)
STOPWORDS = frozenset(fold(word) for word in _STOPWORDS.split())

_WORD = re.compile(r"\w+")
_TURKISH = snowballstemmer.stemmer("turkish")
_ENGLISH = snowballstemmer.stemmer("english")


def _turkish_lower(text: str) -> str:
    return text.replace("İ", "i").replace("I", "ı").lower()


@cache
def word_forms(word: str) -> tuple[str, ...]:
    """The folded forms a word is compared by: itself and its Turkish and English stems."""
    lower = _turkish_lower(word)
    forms = [fold(lower), fold(_TURKISH.stemWord(lower)), fold(_ENGLISH.stemWord(lower))]
    return tuple(dict.fromkeys(form for form in forms if form and " " not in form))


def words(text: str) -> list[str]:
    """The words of a text that can name something (stopwords and digits dropped)."""
    found = []
    for word in _WORD.findall(text):
        folded = fold(word)
        if folded and folded not in STOPWORDS and not folded.isdigit():
            found.append(word)
    return found


@dataclass(frozen=True)
class _Phrase:
    owner: int  # index in PhraseIndex._keys
    tokens: tuple[str, ...]  # folded stems of the phrase's words
    weights: tuple[float, ...]
    total: float


@dataclass(frozen=True)
class Scored(Generic[Key]):
    key: Key
    score: float  # 0–100
    phrases: int  # how many phrases of this key matched


class PhraseIndex(Generic[Key]):
    """Phrases, each under a key (several per key), searched by fuzzy word matching."""

    def __init__(self, entries: Iterable[tuple[Key, str]]) -> None:
        raw: list[tuple[Key, tuple[str, ...]]] = []
        seen: set[tuple[Key, tuple[str, ...]]] = set()
        for key, phrase in entries:
            # The shortest form is the stem; the phrase is indexed by its stems.
            tokens = tuple(min(word_forms(word), key=len) for word in words(phrase))
            if tokens and (key, tokens) not in seen:
                seen.add((key, tokens))
                raw.append((key, tokens))
        frequency: dict[str, int] = defaultdict(int)
        for _, tokens in raw:
            for token in set(tokens):
                frequency[token] += 1
        count = max(len(raw), 1)
        self._keys: list[Key] = []
        owners: dict[Key, int] = {}
        self._phrases: list[_Phrase] = []
        self._postings: dict[str, list[int]] = defaultdict(list)
        for key, tokens in raw:
            weights = tuple(math.log(1 + count / frequency[token]) for token in tokens)
            for token in set(tokens):
                self._postings[token].append(len(self._phrases))
            if key not in owners:
                owners[key] = len(self._keys)
                self._keys.append(key)
            self._phrases.append(_Phrase(owners[key], tokens, weights, sum(weights)))
        self._vocabulary = sorted(self._postings)
        self._vocabulary_set = frozenset(self._vocabulary)

    def __len__(self) -> int:
        return len(self._phrases)

    def _token_scores(self, form: str) -> dict[str, float]:
        """Vocabulary words matching one folded form of a typed word, with their score."""
        found: dict[str, float] = {}
        if form in self._vocabulary_set:
            found[form] = 100.0
        # The typed word continues a phrase word: a suffix the stemmer left.
        for end in range(MIN_PREFIX_LETTERS, len(form)):
            if form[:end] in self._vocabulary_set:
                found.setdefault(form[:end], SUFFIXED_SCORE)
        # A phrase word continues the typed word: typing cut short.
        if len(form) >= MIN_PREFIX_LETTERS:
            start = bisect_left(self._vocabulary, form)
            for token in self._vocabulary[start:]:
                if not token.startswith(form):
                    break
                found.setdefault(token, TRUNCATED_SCORE)
        if len(form) >= MIN_TYPO_LETTERS:
            for token, ratio, _ in process.extract(
                form,
                self._vocabulary,
                scorer=fuzz.ratio,
                score_cutoff=TYPO_CUTOFF,
                limit=None,
            ):
                if len(token) >= MIN_TYPO_LETTERS and ratio > found.get(token, 0.0):
                    found[token] = ratio
        return found

    def search(self, text: str, limit: int = 5, threshold: float = 60.0) -> list[Scored[Key]]:
        """The best keys for a text, best first, each with its best phrase's score."""
        if limit <= 0 or not text:
            return []
        typed = words(text)[:MAX_WORDS]
        # For each vocabulary word: its best score and which typed words reached it.
        best: dict[str, tuple[float, frozenset[int]]] = {}
        for position, word in enumerate(typed):
            for form in word_forms(word):
                for token, score in self._token_scores(form).items():
                    old_score, old_from = best.get(token, (0.0, frozenset()))
                    best[token] = (max(score, old_score), old_from | {position})
        if not best:
            return []
        recognised = len(frozenset().union(*(sources for _, sources in best.values())))
        touched = {index for token in best for index in self._postings[token]}
        by_owner: dict[int, tuple[float, int]] = {}
        for index in touched:
            phrase = self._phrases[index]
            covered = 0.0
            explained: set[int] = set()
            for token, weight in zip(phrase.tokens, phrase.weights, strict=True):
                if token in best:
                    score, sources = best[token]
                    covered += weight * score
                    explained |= sources
            coverage = covered / phrase.total
            score = coverage * (0.6 + 0.4 * len(explained) / recognised)
            if score >= threshold:
                old, matched = by_owner.get(phrase.owner, (0.0, 0))
                by_owner[phrase.owner] = (max(old, score), matched + 1)
        # Best score first, then more phrases matched, then the order the keys came in.
        ranked = sorted(by_owner.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
        return [
            Scored(key=self._keys[owner], score=round(score, 1), phrases=matched)
            for owner, (score, matched) in ranked[:limit]
        ]


def phrases_of(names: Sequence[str]) -> list[str]:
    """A list-like title split into the phrases it lists: "Kamyon ve tır şoförleri" →
    "Kamyon", "tır şoförleri"; parentheses hold phrases of their own."""
    parts: list[str] = []
    for name in names:
        for piece in re.split(r"[,;()/]|\s(?:ve|veya|and|or)\s", name):
            if piece.strip():
                parts.append(piece.strip())
        parts.append(name)
    return parts
