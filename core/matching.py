"""Fuzzy matching of short Turkish (or English) text against a fixed list of phrases.

Used by the occupation picker (core/occupations) and the request topics' suggestion
(core/text_match), where it replaced hand-written suffix rules because it did better on
the same cases (bench/text_match_compare.py, bench/README.md section 7). Citizens
type with or without Turkish letters, with suffixes ("garsonluk", "forkliftçi",
"şoförü") and with typos ("forklft", "muhasbe"), so every word is:

1. lowercased the Turkish way and stemmed by the Snowball Turkish (and English) stemmer,
   which removes inflections ("şoförleri" → "şoför");
2. folded to ASCII (`fold`: ı/i, ş/s, ç/c, ğ/g, ö/o, ü/u);
3. compared with the phrases' words: equal, or the typed word starts with a phrase word
   of 4 letters or more (derivations the stemmer keeps: "garsonluk", "muhasebeci"), or
   a phrase word starts with the typed word (typing cut short: "elektrik" →
   "elektrikçi"), or rapidfuzz's `fuzz.ratio` is at least 80 (typos).

A phrase scores 0–100: 60 for how much of it the text covers (each word weighted by its
rarity among all phrases, so "elemanları" counts less than "muhasebe") and 40 for how
much of the recognised text it explains. A phrase found whole in a text of nothing else
scores 100; a word found whole in a longer text at least 60; "mühendis" alone about 70
for each kind of engineer. Everything about the phrases is prepared once, when the
index is built; a search looks each typed word up in the sorted vocabulary (bisect) and
runs one rapidfuzz `process.extract` over it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

Key = TypeVar("Key", bound=Hashable)

_NON_WORD = re.compile(r"[\W_]+")
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
    ö->o, ü->u, â/î/û -> a/i/u), collapse whitespace and punctuation to single spaces.

    Python's own casing is wrong for Turkish ("İSTANBUL".lower() keeps a combining dot,
    "I".lower() is "i" instead of "ı"), and citizens write with or without Turkish
    letters, so both the text and what it is compared with are folded."""
    folded = _fold_once(text)
    for _ in range(_MAX_FOLD_ROUNDS):
        again = _fold_once(folded)
        if again == folded:
            break
        folded = again
    return folded


# Words of a phrase shorter than this match only whole words: "iş" (job) must not match
# "işgal", "tır" not "tırmık".
MIN_PREFIX_LETTERS = 3
# rapidfuzz fuzz.ratio (0–100) from which two different words count as a typo of each
# other, and the shortest typed word for which typos are tolerated at all.
TYPO_CUTOFF = 80.0
MIN_TYPO_LETTERS = 5
# A typed word that continues a phrase word ("elektrikçi" for "elektrik"): a suffix the
# stemmer left; less than the word itself so "elektrikçi" prefers "elektrikçi".
SUFFIXED_SCORE = 95.0
# A typed word that a phrase word continues ("elektrik" for "elektrikçi").
TRUNCATED_SCORE = 90.0
# Only the first words of a longer text are read (a bound on the work per message).
MAX_WORDS = 200

# Words that say nothing about which phrase is meant, in the phrases and in the text.
_STOPWORDS = (
    "ve veya ile ya da ilgili diğer başka yerde sınıflandırılmamış hariç için olarak "
    "bir bu şu çok daha en gibi kadar ben biz var yok mi mı mu mü de"
    " and or of the in on for to a an other related not elsewhere classified excluding"
)
STOPWORDS = frozenset(fold(word) for word in _STOPWORDS.split())

_WORD = re.compile(r"\w+")


# snowballstemmer and rapidfuzz are imported on first use, not when the bot starts: every
# start imports core.text_match, and idle memory has a target (bench/README.md, 6).
@cache
def _stemmers() -> tuple[Any, Any]:
    import snowballstemmer

    return snowballstemmer.stemmer("turkish"), snowballstemmer.stemmer("english")


def _turkish_lower(text: str) -> str:
    return text.replace("İ", "i").replace("I", "ı").lower()


# Bounded: every distinct word citizens type passes through here.
@lru_cache(maxsize=8192)
def word_forms(word: str) -> tuple[str, ...]:
    """The folded forms a word is compared by: itself and its Turkish and English stems."""
    lower = _turkish_lower(word)
    turkish, english = _stemmers()
    forms = [fold(lower), fold(turkish.stemWord(lower)), fold(english.stemWord(lower))]
    return tuple(dict.fromkeys(form for form in forms if form and " " not in form))


def positioned_words(text: str) -> list[tuple[int, str]]:
    """The words of a text that can name something (stopwords and numbers dropped), each
    with its position among all the text's words (stopwords counted)."""
    found = []
    for position, word in enumerate(_WORD.findall(text)):
        folded = fold(word)
        if folded and folded not in STOPWORDS and not folded.isdigit():
            found.append((position, word))
    return found


def words(text: str) -> list[str]:
    """The words of a text that can name something (stopwords and numbers dropped)."""
    return [word for _, word in positioned_words(text)]


def _phrase_token(word: str, stem: bool) -> str:
    forms = word_forms(word)
    if not stem:
        return forms[0]
    # The shortest form is the stem, unless the stemmer cut a short word too far
    # ("oyun" is not "oy").
    stems = [form for form in forms if len(form) >= MIN_PREFIX_LETTERS]
    return min(stems, key=len) if stems else forms[0]


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

    def __init__(
        self, entries: Iterable[tuple[Key, str]], ordered: bool = False, stem: bool = True
    ) -> None:
        """`ordered`: a phrase of several words is found only when its words follow one
        another in the text, in order ("sokak lambası" in "sokak lambaları yanmıyor" but
        not in "lamba sokak" nor "sokak ve lamba"); otherwise any part of a phrase counts
        for what it covers ("muhasebe" finds "muhasebe ve defter tutma elemanları").
        `stem`: the phrases' words are stemmed too (titles in the plural: "Garsonlar");
        without it they are taken as written (keywords in their base form, which the
        stemmer might cut wrongly: "parke" is not "park")."""
        from rapidfuzz import fuzz, process

        self._extract: Callable[..., list[tuple[str, float, int]]] = process.extract
        self._ratio = fuzz.ratio
        self._ordered = ordered
        raw: list[tuple[Key, tuple[str, ...]]] = []
        seen: set[tuple[Key, tuple[str, ...]]] = set()
        for key, phrase in entries:
            tokens = tuple(_phrase_token(word, stem) for word in words(phrase))
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

    def _token_scores(self, form: str, stem: bool) -> dict[str, float]:
        """Vocabulary words matching one folded form of a typed word, with their score.
        A stem finds short phrase words ("iş", "cv") only as whole typed words: "işler"
        is not "iş"."""
        found: dict[str, float] = {}
        if form in self._vocabulary_set and (not stem or len(form) >= MIN_PREFIX_LETTERS):
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
            for token, ratio, _ in self._extract(
                form,
                self._vocabulary,
                scorer=self._ratio,
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
        typed = positioned_words(text)[:MAX_WORDS]
        # For each vocabulary word: its best score and the positions of the typed words
        # that reached it.
        best: dict[str, tuple[float, frozenset[int]]] = {}
        for position, word in typed:
            for number, form in enumerate(word_forms(word)):
                for token, score in self._token_scores(form, stem=number > 0).items():
                    old_score, old_from = best.get(token, (0.0, frozenset()))
                    best[token] = (max(score, old_score), old_from | {position})
        if not best:
            return []
        recognised = len(frozenset().union(*(sources for _, sources in best.values())))
        touched = {index for token in best for index in self._postings[token]}
        by_owner: dict[int, tuple[float, int]] = {}
        for index in touched:
            phrase = self._phrases[index]
            if self._ordered and not self._in_order(phrase, best):
                continue
            covered = 0.0
            explained: set[int] = set()
            for token, weight in zip(phrase.tokens, phrase.weights, strict=True):
                if token in best:
                    score, sources = best[token]
                    covered += weight * score
                    explained |= sources
            coverage = covered / phrase.total
            score = 0.6 * coverage + 40 * len(explained) / recognised
            if score >= threshold:
                old, matched = by_owner.get(phrase.owner, (0.0, 0))
                by_owner[phrase.owner] = (max(old, score), matched + 1)
        # Best score first, then more phrases matched, then the order the keys came in.
        ranked = sorted(by_owner.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
        return [
            Scored(key=self._keys[owner], score=round(score, 1), phrases=matched)
            for owner, (score, matched) in ranked[:limit]
        ]

    @staticmethod
    def _in_order(phrase: _Phrase, best: dict[str, tuple[float, frozenset[int]]]) -> bool:
        if any(token not in best for token in phrase.tokens):
            return False
        first, *rest = (best[token][1] for token in phrase.tokens)
        return any(
            all(start + offset in positions for offset, positions in enumerate(rest, 1))
            for start in first
        )


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
