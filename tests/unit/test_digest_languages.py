"""Issue 19: a digest is written in the language of the chat that reads it, from one build,
with the numbers and dates of that language."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from common.config import Config
from common.i18n import translator
from core import citizens, digests
from db.engine import transaction
from handlers.digests import chart_for, render

IST = ZoneInfo("Europe/Istanbul")


def _big_digest(db: Engine, config: Config, kind: str = "daily") -> digests.Digest:
    """A digest of a large district's year: six-figure counts, one survey answer, an
    average of exactly one day."""
    with transaction(db) as session:
        built = digests.build(session, config, kind, datetime(2025, 3, 4, 8, 30, tzinfo=IST))
    temizlik = next(line for line in built.departments if line.code == "temizlik")
    return dataclasses.replace(
        built,
        departments=[dataclasses.replace(temizlik, new=12, open=1234, overdue=3, resolved=0)],
        figures=dataclasses.replace(
            built.figures,
            requests_total=148748,
            satisfaction_answers=1,
            satisfaction_percent=80.0,
            average_response_days=1.0,
        ),
        year=dataclasses.replace(built.year, requests_total=148748, average_response_days=2.46),
    )


def test_each_language_has_its_words_numbers_and_dates(db: Engine, config: Config) -> None:
    digest = _big_digest(db, config)
    turkish = render(translator("tr"), digest, IST).splitlines()
    english = render(translator("en"), digest, IST).splitlines()
    assert turkish[0] == "📊 <b>Günlük özet</b> · 3 Mart 2025"
    assert english[0] == "📊 <b>Daily summary</b> · 3 March 2025"
    assert "• Temizlik İşleri Müdürlüğü: 12 / 1.234 / 3 / 0 ⚠️" in turkish
    assert "• Directorate of Sanitation: 12 / 1,234 / 3 / 0 ⚠️" in english
    assert "Alınan talepler: 148.748" in turkish
    assert "Requests received: 148,748" in english
    # One answer, one day: English says them in the singular, Turkish has one form.
    assert "Citizen satisfaction: 80.0% (1 answer)" in english
    assert "Vatandaş memnuniyeti: %80,0 (1 yanıt)" in turkish
    assert "Average response time: 1 day" in english
    assert "Ortalama geri dönüş süresi: 1 gün" in turkish
    assert "Average response time: 2.5 days (target 2)" in english
    assert "Ortalama geri dönüş süresi: 2,5 gün (hedef 2)" in turkish
    assert "Requests and complaints: 148,748 (target 114,100)" in english
    assert "Talep ve şikâyetler: 148.748 (hedef 114.100)" in turkish
    assert digest.employment is not None
    fair = dataclasses.replace(
        digest,
        employment=dataclasses.replace(digest.employment, job_fair_firms=1, job_fair_hires=1),
    )
    assert "İstihdam fuarı: 1 firma, 1 kişi işe alındı" in render(translator("tr"), fair, IST)
    assert "Job fair: 1 firm, 1 person hired" in render(translator("en"), fair, IST)
    # Nothing Turkish is left in the English one but proper names.
    assert not any(word in "\n".join(english) for word in ("Müdürlüğü", "özet", "hedef"))


def test_the_weekly_chart_is_drawn_in_each_language(db: Engine, config: Config) -> None:
    digest = _big_digest(db, config, "weekly")
    assert [translator(lang).weekday(date(2025, 3, 3)) for lang in ("tr", "en")] == [
        "3 Mar Pzt",
        "Mon 3 Mar",
    ]
    turkish, english = chart_for(translator("tr"), digest), chart_for(translator("en"), digest)
    assert turkish.startswith(b"\x89PNG") and english.startswith(b"\x89PNG")
    assert turkish != english  # the same bars, other words


def test_people_read_their_language_and_groups_the_municipalitys(
    db: Engine, config: Config
) -> None:
    with transaction(db) as session:
        citizens.set_language(session, 501, "en", telegram_language="tr")  # chose English
        citizens.set_language(session, 502, "tr", telegram_language="en")  # chose Turkish
        citizens.get_or_create(session, 503, "en-GB")  # never chose: their Telegram's
        citizens.get_or_create(session, 504, "de")  # no German: the municipality's
    chats = [501, 502, 503, 504, 505, -1001000000002]  # 505 never met the bot; a group
    with transaction(db) as session:
        assert digests.languages_for(session, config, chats) == {
            501: "en",
            502: "tr",
            503: "en",
            504: "tr",
            505: "tr",
            -1001000000002: "tr",
        }
        english_town = config.model_copy(
            update={
                "municipality": config.municipality.model_copy(update={"default_language": "en"})
            }
        )
        assert digests.languages_for(session, english_town, chats) == {
            501: "en",
            502: "tr",
            503: "en",
            504: "en",
            505: "en",
            -1001000000002: "en",
        }
        assert digests.languages_for(session, config, []) == {}
