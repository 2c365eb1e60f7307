"""Turkish-aware folding and category suggestion from free text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.config import Config
from core.text_match import CategoryKeywords, fold, keywords_from_config, suggest, tokens

CATEGORIES = [
    CategoryKeywords(
        "yol",
        ("yol", "asfalt", "çukur", "kaldırım"),
        ("Yol, asfalt ve kaldırım", "Roads, asphalt and pavements"),
    ),
    CategoryKeywords(
        "aydinlatma",
        ("lamba", "aydınlatma", "direk", "ışık", "sokak lambası"),
        ("Sokak aydınlatması", "Street lighting"),
    ),
    CategoryKeywords("cop", ("çöp", "konteyner", "toplanmadı"), ("Çöp toplama",)),
    CategoryKeywords(
        "zabita",
        ("zabıta", "işgal", "seyyar", "satıcı", "kaldırım işgali"),
        ("Zabıta (işgal, gürültü, seyyar satıcı)",),
    ),
    CategoryKeywords("istihdam", ("iş", "istihdam", "cv"), ("İş ve istihdam",)),
    CategoryKeywords("sokak_hayvanlari", ("köpek", "kedi", "sokak köpeği")),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("İSTANBUL", "istanbul"),
        ("ISPARTA", "isparta"),  # I -> ı -> i
        ("IŞIK", "isik"),
        ("ışık", "isik"),
        ("Işık", "isik"),
        ("ŞÇĞÖÜ şçğöü", "scgou scgou"),
        ("Hâkim kâğıt rûhsat îmar", "hakim kagit ruhsat imar"),
        ("  çok   boşluk\t\nvar ", "cok bosluk var"),
        ("Çukur!!! (büyük) -- acil...", "cukur buyuk acil"),
        ("çöp 🗑️🤬 toplanmadı", "cop toplanmadi"),
        ("snake_case-ve/slash", "snake case ve slash"),
        ("3 gündür", "3 gundur"),
        ("I\u0307STANBUL", "istanbul"),  # decomposed İ
        ("", ""),
        ("!!!", ""),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_tokens() -> None:
    assert tokens("Sokağımızdaki LAMBALAR yanmıyor!") == ["sokagimizdaki", "lambalar", "yanmiyor"]
    assert tokens(" ... ") == []


def test_uppercase_turkish() -> None:
    assert suggest("SOKAK LAMBASI YANMIYOR", CATEGORIES)[0] == "aydinlatma"
    assert suggest("ÇÖPLER TOPLANMADI", CATEGORIES)[0] == "cop"


@pytest.mark.parametrize("text", ["ışık yok", "IŞIK YOK", "isik yok", "Işıklar yanmıyor", "ışığı"])
def test_dotted_and_dotless_i(text: str) -> None:
    assert suggest(text, CATEGORIES) == ["aydinlatma"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lambalar yanmıyor", "aydinlatma"),
        ("lambası kırık", "aydinlatma"),
        ("direği eğilmiş", "aydinlatma"),  # k -> ğ before a vowel
        ("sokağın lambaları", "aydinlatma"),
        ("çukurlar", "yol"),
        ("kaldırımdaki taşlar", "yol"),
        ("köpekler", "sokak_hayvanlari"),
        ("köpeğe", "sokak_hayvanlari"),
    ],
)
def test_suffixes(text: str, expected: str) -> None:
    assert suggest(text, CATEGORIES)[0] == expected


def test_multi_word_keyword_needs_consecutive_words() -> None:
    # "sokak lambaları": sokak + lamba (the keyword's possessive replaced by -ları).
    assert suggest("sokak lambaları", CATEGORIES) == ["aydinlatma"]
    # "sokak köpekleri" and "sokak köpeği" both match the phrase "sokak köpeği".
    assert suggest("sokak köpekleri", CATEGORIES) == ["sokak_hayvanlari"]
    only_phrase = [CategoryKeywords("a", ("sokak lambası",))]
    assert suggest("sokak lambası", only_phrase) == ["a"]
    assert suggest("lamba sokak", only_phrase) == []
    assert suggest("sokak ve lamba", only_phrase) == []


def test_several_categories_are_ranked() -> None:
    # kaldırım matches yol; işgal, seyyar, satıcı and "kaldırım işgali" are more specific.
    assert suggest("Kaldırımı işgal eden seyyar satıcılar", CATEGORIES) == ["zabita", "yol"]
    assert suggest("kaldırımda çukur var, lamba da yanmıyor", CATEGORIES) == [
        "yol",
        "aydinlatma",
    ]


def test_limit() -> None:
    text = "çukur lamba çöp işgal köpek"
    assert len(suggest(text, CATEGORIES)) == 3
    assert len(suggest(text, CATEGORIES, limit=10)) == 5
    assert suggest(text, CATEGORIES, limit=1) == suggest(text, CATEGORIES)[:1]
    assert suggest(text, CATEGORIES, limit=0) == []


def test_ties_keep_category_order() -> None:
    first, second = CategoryKeywords("a", ("kedi",)), CategoryKeywords("b", ("kedi",))
    assert suggest("kediler", [first, second]) == ["a", "b"]
    assert suggest("kediler", [second, first]) == ["b", "a"]


def test_longer_keywords_are_more_specific() -> None:
    short, long_ = CategoryKeywords("short", ("yol",)), CategoryKeywords("long", ("yolcu",))
    assert suggest("yolcular", [short, long_]) == ["long", "short"]


def test_nothing_matched() -> None:
    assert suggest("Merhaba, iyi günler", CATEGORIES) == []
    assert suggest("", CATEGORIES) == []
    assert suggest("🙂🙂🙂", CATEGORIES) == []
    assert suggest("çukur", []) == []


def test_short_keywords_match_only_whole_words() -> None:
    assert suggest("iş arıyorum", CATEGORIES) == ["istihdam"]
    assert suggest("İŞ ARIYORUM", CATEGORIES) == ["istihdam"]
    assert suggest("işgal var", CATEGORIES) == ["zabita"]
    assert suggest("dükkan işgali", CATEGORIES) == ["zabita"]
    assert suggest("cvsi", CATEGORIES) == []
    # Prefixes only run one way: "işgal" is not found inside a longer "iş".
    assert suggest("işler", CATEGORIES) == []


def test_punctuation_and_emoji() -> None:
    assert suggest("🚨🚨ÇUKUR!!!🚨🚨", CATEGORIES) == ["yol"]
    assert suggest("lamba...yanmıyor???", CATEGORIES) == ["aydinlatma"]
    assert suggest("#çöp @belediye", CATEGORIES) == ["cop"]


def test_names_are_matched() -> None:
    assert suggest("zabıtaya haber verin", CATEGORIES) == ["zabita"]
    # English names and parts of list-like names.
    assert suggest("street lighting", CATEGORIES) == ["aydinlatma"]
    assert suggest("pavements", CATEGORIES) == ["yol"]
    assert suggest("gürültü", CATEGORIES) == ["zabita"]


def test_category_keywords_is_a_value() -> None:
    assert CategoryKeywords("a", ("x",)) == CategoryKeywords("a", ("x",))
    assert "_phrases" not in repr(CategoryKeywords("a", ("x",)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sokağımızdaki lambalar 3 gündür yanmıyor", "aydinlatma"),
        ("Çöpler iki gündür toplanmadı, konteyner taştı", "cop"),
        ("Parktaki salıncak kırık", "park"),
        ("Evimin önündeki yolda büyük bir çukur var", "yol"),
        ("Kaldırımı işgal eden seyyar satıcılar", "zabita"),
        ("Sokak köpekleri saldırgan", "sokak_hayvanlari"),
        ("SOKAK LAMBASI YANMIYOR", "aydinlatma"),
        ("Bahçemizin önündeki ağaç devrildi", "agac"),
        ("Durakta otobüs gelmiyor", "ulasim"),
        ("İş arıyorum, özgeçmişimi nereye göndereyim?", "istihdam"),
    ],
)
def test_real_config(config: Config, text: str, expected: str) -> None:
    suggested = suggest(text, keywords_from_config(config))
    assert suggested, text
    assert suggested[0] == expected, suggested


def test_real_config_with_load_config() -> None:
    from common.config import load_config

    categories = keywords_from_config(load_config())
    assert suggest("Kaldırımı işgal eden seyyar satıcılar", categories)[:2] == ["zabita", "yol"]


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert folded == folded.strip()
    assert "  " not in folded


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=()), max_size=200))
def test_fold_is_idempotent_on_any_code_point(text: str) -> None:
    # Lone surrogates too: they reach us from badly decoded input.
    assert fold(fold(text)) == fold(text)
    suggest(text, CATEGORIES)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("İIıiŞşÇçĞğÖöÜüÂâÎîÛû abcAB.,!?🙂\u0307"), max_size=40))
def test_fold_of_turkish_text_is_ascii(text: str) -> None:
    folded = fold(text)
    assert folded.isascii()
    assert folded == folded.lower()


@settings(max_examples=300, deadline=None)
@given(st.text(), st.integers(min_value=-1, max_value=5))
def test_suggest_never_raises(text: str, limit: int) -> None:
    result = suggest(text, CATEGORIES, limit=limit)
    assert len(result) <= max(limit, 0)
    assert len(set(result)) == len(result)
    assert set(result) <= {c.code for c in CATEGORIES}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Without Turkish letters, with typos: what the matcher (core/matching.py) adds.
        ("sokagimizdaki lambalar yanmiyor", "aydinlatma"),
        ("copler alinmadi 3 gundur", "cop"),
        ("konteynr tasti", "cop"),
        ("lambalr yanmiyo", "aydinlatma"),
        ("seyyar saticilar her yeri isgal etti", "zabita"),
        ("Belediyenin meslek kurslarına kayıt ne zaman", "istihdam"),
        ("inşaat molozu sokağa dökülmüş", "temizlik"),
    ],
)
def test_real_config_unaccented_and_typos(config: Config, text: str, expected: str) -> None:
    suggested = suggest(text, keywords_from_config(config))
    assert suggested, text
    assert suggested[0] == expected, suggested
