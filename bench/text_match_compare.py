"""Topic suggestion: the hand-written suffix rules core/text_match.py used to have (kept in
bench/text_match_rules.py) against the matcher of core/matching (Snowball stemmer +
rapidfuzz) that core/text_match.py uses now, on the same cases.

Two measures, both printed for each approach:

1. the suggestion tests, tests/unit/test_text_match.py, run in a subprocess; for
   "rules" with core.text_match's suggest and CategoryKeywords replaced by
   bench/text_match_rules.py's (this module is also the pytest plugin that replaces
   them, `-p bench.text_match_compare`, when KENTBOT_SUGGEST=rules);
2. the hit rate on citizen messages with the example config.toml's topics: the
   test's real-config cases plus the realistic messages below (no Turkish letters,
   typos, suffixes, several topics), a hit being the expected topic suggested first.

    .venv/bin/python -m bench.text_match_compare [--show]

Prints figures, passes or fails nothing; runs in under a minute (the test runs).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench import text_match_rules as rules
from common.config import Config, load_config
from core import text_match

REPO = Path(__file__).resolve().parent.parent
TESTS = "tests/unit/test_text_match.py"

# Citizen messages and the topic (config.toml code) a clerk would pick first. The first
# ten are test_text_match.py's test_real_config cases.
CASES: list[tuple[str, str]] = [
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
    # Written for this comparison.
    ("sokagimizdaki lambalar yanmiyor", "aydinlatma"),
    ("cop konteyneri tasti kokuyor", "cop"),
    ("copler alinmadi 3 gundur", "cop"),
    ("Mahallemizde çöp kokusu dayanılmaz halde", "cop"),
    ("asfalt bozuldu her yer cukur", "yol"),
    ("Caddedeki rögar kapağı çökmüş", "yol"),
    ("Kaldırım taşları yerinden çıkmış, yaşlılar düşüyor", "yol"),
    ("parkta oyun grubu kirik cocuklar yaralaniyor", "park"),
    ("Parktaki banklar boyanmalı", "park"),
    ("Ağaçların dalları elektrik tellerine değiyor, budama lazım", "agac"),
    ("agac budamasi ne zaman yapilacak", "agac"),
    ("Gece yarısı düğün salonundan gürültü geliyor", "zabita"),
    ("Dükkan önlerini işgal etmişler yürünmüyor", "zabita"),
    ("seyyar saticilar her yeri isgal etti", "zabita"),
    ("Sokakta yaralı bir kedi var", "sokak_hayvanlari"),
    ("kopekler geceleri havliyor saldiriyorlar", "sokak_hayvanlari"),
    ("Otobüs durağının camı kırılmış", "ulasim"),
    ("Dolmuşlar durağa uğramıyor", "ulasim"),
    ("Okul önüne kasis yapılmasını istiyoruz", "ulasim"),
    ("Kışlık kömür yardımı başvurusu nasıl yapılır", "sosyal_yardim"),
    ("Engelli annem için bakım desteği almak istiyorum", "sosyal_yardim"),
    ("erzak yardimi alabilir miyim", "sosyal_yardim"),
    ("Komşu kaçak kat çıkıyor, ruhsatı yok", "imar"),
    ("İnşaat gece de çalışıyor, tadilat izni var mı", "imar"),
    ("Kent konseyi gençlik meclisine nasıl katılırım", "kent_konseyi"),
    ("Belediyenin meslek kurslarına kayıt ne zaman", "istihdam"),
    ("issizim is ariyorum", "istihdam"),
    ("Sokak lambası yanıp sönüyor", "aydinlatma"),
    ("sokak cok karanlik aksamlari korkuyoruz", "aydinlatma"),
    ("sokağı süpürmüyorlar, her yer pis", "temizlik"),
    ("inşaat molozu sokağa dökülmüş", "temizlik"),
    # Typos.
    ("lambalr yanmiyo", "aydinlatma"),
    ("çukr var yolda", "yol"),
    ("konteynır dolmuş", "cop"),
]


# Each approach's keywords_from_config and suggest.
APPROACHES: dict[str, tuple[Callable[[Config], Sequence[Any]], Callable[..., list[str]]]] = {
    "rules": (rules.keywords_from_config, rules.suggest),
    "matcher": (text_match.keywords_from_config, text_match.suggest),
}


def pytest_configure(config: Any) -> None:
    """As a pytest plugin: test_text_match.py imports these after this ran."""
    if os.environ.get("KENTBOT_SUGGEST") == "rules":
        text_match.suggest = rules.suggest  # type: ignore[assignment]
        text_match.CategoryKeywords = rules.CategoryKeywords  # type: ignore[assignment,misc]
        text_match.keywords_from_config = rules.keywords_from_config  # type: ignore[assignment]


def run_tests(approach: str) -> tuple[int, int]:
    """(passed, failed) of test_text_match.py's suggestion tests with this approach."""
    env = {**os.environ, "KENTBOT_SUGGEST": approach, "CI": "true"}
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p",
         "bench.text_match_compare", TESTS, "-k", "not fold and not tokens and not value"],
        cwd=REPO, env=env, capture_output=True, text=True, check=False,
    ).stdout  # fmt: skip
    passed = re.search(r"(\d+) passed", out)
    failed = re.search(r"(\d+) failed", out)
    return int(passed.group(1)) if passed else 0, int(failed.group(1)) if failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print every case and answer")
    args = parser.parse_args()
    config = load_config()
    print(f"{len(CASES)} citizen messages, {len(config.categories)} topics of config.toml\n")
    print(f"{'approach':<8} {'tests passed':>13} {'hit rate':>15} {'µs/message':>11}"
          f" {'first pass':>11}")  # fmt: skip
    for name, (keywords_from_config, suggest) in APPROACHES.items():
        categories = keywords_from_config(config)
        passed, failed = run_tests(name)
        hits = 0
        suggest(CASES[0][0], categories)  # prepared once, as at the bot's start
        passes = []  # the median of 20 passes: the machine is shared
        for _ in range(20):
            start = time.perf_counter()
            answers = [suggest(text, categories) for text, _ in CASES]
            passes.append((time.perf_counter() - start) / len(CASES) * 1e6)
        # The first pass stems words not seen before; later ones hit the matcher's cache.
        first, per_message = passes[0], statistics.median(passes)
        for (text, expected), answer in zip(CASES, answers, strict=True):
            hit = bool(answer) and answer[0] == expected
            hits += hit
            if args.show and not hit:
                print(f"  {name} missed: {text!r} → {answer} (expected {expected})")
        rate = f"{hits}/{len(CASES)} ({hits / len(CASES):.0%})"
        print(f"{name:<8} {passed:>6}/{passed + failed:<6} {rate:>15} {per_message:>11.0f}"
              f" {first:>11.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
