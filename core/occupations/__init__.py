"""Occupations: ISCO-08 shipped as data, and the matcher behind the occupation picker.

`isco08.tsv` holds every group of the International Standard Classification of
Occupations 2008 (10 major, 43 sub-major, 130 minor and 436 unit groups): the code, the
ILO's English title and the Turkish title as Türkiye's "Meslek Sınıflaması (ISCO-08)"
(TÜİK, İŞKUR) words it. `synonyms_tr.tsv` adds, per unit group, the words citizens type
for it ("garson", "forkliftçi", "tır şoförü"). Where both come from and how to refresh
them is in README.md next to them.

The CV and vacancy flows ask `search(text, language)` for the unit groups a job seeker
or an employer means, and keep the 4-digit code.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from core.matching import PhraseIndex, phrases_of

LANGUAGES = ("tr", "en")
# Below this a unit group is not offered at all (0–100, see core/matching.py).
MIN_SCORE = 60.0
# A picker's answer is a few words; a paragraph is not an occupation.
MAX_QUERY_CHARS = 120


@dataclass(frozen=True)
class Occupation:
    code: str  # 1 to 4 digits; unit groups have 4
    title_en: str
    title_tr: str
    synonyms_tr: tuple[str, ...] = ()

    @property
    def level(self) -> int:
        """1 major group, 2 sub-major, 3 minor, 4 unit group."""
        return len(self.code)

    def title(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_tr


@dataclass(frozen=True)
class Match:
    code: str
    title: str  # in the language asked for
    score: float  # 0–100


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))


@cache
def _catalogue() -> dict[str, Occupation]:
    synonyms: dict[str, list[str]] = {}
    for row in _read("synonyms_tr.tsv"):
        terms = [term.strip() for term in row["synonyms_tr"].split(";") if term.strip()]
        synonyms.setdefault(row["code"], []).extend(terms)
    return {
        row["code"]: Occupation(
            code=row["code"],
            title_en=row["title_en"],
            title_tr=row["title_tr"],
            synonyms_tr=tuple(synonyms.get(row["code"], ())),
        )
        for row in _read("isco08.tsv")
    }


def all_groups() -> list[Occupation]:
    """Every ISCO-08 group, in code order."""
    return sorted(_catalogue().values(), key=lambda o: o.code)


def unit_groups() -> list[Occupation]:
    """The 436 unit groups (4-digit codes): what a CV or a vacancy records."""
    return [o for o in all_groups() if o.level == 4]


def get(code: str) -> Occupation | None:
    """The group with this code (1 to 4 digits), or None."""
    return _catalogue().get(code.strip())


def title(code: str, language: str) -> str | None:
    occupation = get(code)
    return occupation.title(language) if occupation else None


@cache
def _index() -> PhraseIndex[str]:
    entries: list[tuple[str, str]] = []
    for occupation in unit_groups():
        names = [occupation.title_tr, occupation.title_en]
        entries += [(occupation.code, phrase) for phrase in phrases_of(names)]
        entries += [(occupation.code, synonym) for synonym in occupation.synonyms_tr]
    return PhraseIndex(entries)


def search(text: str, language: str = "tr", limit: int = 5) -> list[Match]:
    """The unit groups best matching what was typed, best first; [] when none does.

    Turkish and English titles and the Turkish synonyms are all searched whatever the
    language; `language` chooses the title returned. Never raises on any text."""
    if limit <= 0 or not text or len(text) > MAX_QUERY_CHARS:
        return []
    catalogue = _catalogue()
    return [
        Match(code=found.key, title=catalogue[found.key].title(language), score=found.score)
        for found in _index().search(text, limit=limit, threshold=MIN_SCORE)
    ]
