"""Issue 19 through the emulator: each manager reads the digests in the language they chose
with /dil, a staff group in the municipality's, and /ozet answers in the chat's language."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from core import digests
from db.engine import transaction
from db.models import Request
from emulator.client import SimUser
from handlers import digests as digest_handlers
from handlers.digests import daily_digest, weekly_digest
from tests.harness import Kent
from tests.journeys import at_local, file_complaint


def _choose(user: SimUser, button: str, answer: str) -> None:
    user.send("/dil")
    user.press(button)
    user.wait_message(contains=answer)


def _counting(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[object]:
    """Wraps module.name to record each call (the bot runs in this process's thread)."""
    calls: list[object] = []
    original = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_each_manager_reads_the_digests_in_their_language(
    kent: Kent, monkeypatch: pytest.MonkeyPatch
) -> None:
    ayse = kent.citizen()
    file_complaint(kent, ayse, photo=False, location=False)
    with transaction(kent.engine) as session:  # filed at 10:00 today, as in the digests' test
        request = session.exec(select(Request)).one()
        request.created_at = at_local(kent, 0, 10, 0)
        request.due_at = kent.app.bot_data["deps"].calendar.add_working_hours(request.created_at, 8)
        session.add(request)
    # John's Telegram is Turkish and he chose English; Zeynep's is English and she chose
    # Turkish: the choice wins both ways.
    john = kent.citizen("John", "tr", last_name="Smith")
    _choose(john, "🇬🇧 English", "Language set to English.")
    zeynep = kent.citizen("Zeynep", "en", last_name="Arslan")
    _choose(zeynep, "🇹🇷 Türkçe", "Dil Türkçe olarak ayarlandı.")
    deps = kent.app.bot_data["deps"]
    deps.config = deps.config.model_copy(
        update={
            "digests": deps.config.digests.model_copy(
                update={"recipients": [kent.supervisors.id, john.id, zeynep.id]}
            )
        }
    )
    builds = _counting(monkeypatch, digests, "build")
    renders = _counting(monkeypatch, digest_handlers, "render")

    deps.clock = lambda: at_local(kent, 1, 8, 30)
    kent.run_job(daily_digest)
    english = john.wait_message(contains="📊 Daily summary")
    assert "Directorate of Sanitation: 1 / 1 / 0 / 0" in english.text
    assert "Requests received: 1" in english.text
    assert "This year so far" in english.text
    turkish = zeynep.wait_message(contains="📊 Günlük özet")
    assert "Temizlik İşleri Müdürlüğü: 1 / 1 / 0 / 0" in turkish.text
    assert "Alınan talepler: 1" in turkish.text
    group = kent.supervisors.wait_message(contains="📊 Günlük özet")  # the municipality's
    assert group.text == turkish.text
    # The employment centre's group, not a recipient, gets its own in Turkish.
    kent.groups["istihdam"].wait_message(contains="İstihdam Merkezi · günlük özet")
    # Built once, written once per language: not once per chat.
    assert (len(builds), len(renders)) == (1, 2)

    # The weekly one: its chart too, once per language.
    deps.clock = lambda: at_local(kent, 7, 8, 45)
    charts = _counting(monkeypatch, digest_handlers, "chart_for")
    kent.run_job(weekly_digest)
    for user, title in ((john, "📊 Weekly summary"), (zeynep, "📊 Haftalık özet")):
        user.wait_message(contains=title)
        assert user.wait_message(predicate=lambda m: m.photo is not None).photo
    kent.supervisors.wait_message(contains="📊 Haftalık özet")
    kent.supervisors.wait_message(predicate=lambda m: m.photo is not None)
    assert (len(builds), len(renders), len(charts)) == (2, 4, 2)


def test_summary_answers_in_the_language_of_the_chat(kent: Kent) -> None:
    mehmet = kent.staff("temizlik", role="supervisor")
    _choose(mehmet, "🇬🇧 English", "Language set to English.")
    mehmet.send("/ozet")
    summary = mehmet.wait_message(contains="📊 Summary for today so far")
    assert "Requests received: 0" in summary.text
    # In his department's group, the group's language: the municipality's.
    group = kent.groups["temizlik"]
    mehmet.send("/ozet", chat=group)
    assert "Alınan talepler: 0" in group.wait_message(contains="📊 Bugünün özeti").text
    # A citizen who chose English is refused in English.
    ayse = kent.citizen()
    _choose(ayse, "🇬🇧 English", "Language set to English.")
    ayse.send("/ozet")
    ayse.wait_message(contains="This command is for municipal staff.")
