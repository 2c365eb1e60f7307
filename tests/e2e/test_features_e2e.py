"""The developer guide's example feature (tests/example/collection_days.py), added to the
feature list with one line, works end to end: its menu button, its step, its command in
Telegram's list and its scheduled job."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from common.config import Config
from emulator.server import RunningEmulator
from handlers.features import FEATURES
from tests.example import collection_days
from tests.harness import Kent, start_kent, stop_kent


@pytest.fixture
def kent_with_example(
    emulator_server: RunningEmulator, db: Engine, config: Config
) -> Iterator[Kent]:
    harness, _ = start_kent(
        emulator_server, db, config, features=(*FEATURES, collection_days.FEATURE)
    )
    try:
        yield harness
    finally:
        stop_kent(harness)


def test_the_example_feature_works_end_to_end_once_listed(kent_with_example: Kent) -> None:
    kent = kent_with_example
    deniz = kent.citizen("Deniz", language_code="en")
    deniz.send("/start")
    menu = deniz.wait_message(contains="Hello Deniz")
    # Its button is in the main menu, on its own row between the council's and the last.
    assert menu.buttons[3] == ["🗑 Collection days"]
    deniz.press("🗑 Collection days")
    deniz.wait_message(contains="Which neighbourhood")
    deniz.send("Kuşadası")
    deniz.wait_message(contains="I do not know that neighbourhood")
    # The step is still pending: a second try is the example's too, not a request offer.
    deniz.send("MERKEZ")
    deniz.wait_message(contains="Rubbish is collected on Monday and Thursday.")
    # The step is over: the same word is now text outside any flow, which nobody takes.
    deniz.send("Merkez")
    deniz.wait_message(contains="Sorry, I did not understand that.")
    deniz.send("/cop")
    deniz.wait_message(contains="Which neighbourhood")
    deniz.send("Cumhuriyet")
    deniz.wait_message(contains="Tuesday and Friday")
    # Its command is in Telegram's command list, at its place, and its job is scheduled.
    names = [c["command"] for c in kent.emu.commands(language_code="en")]
    assert names.index("cop") == names.index("etkinlikler") + 1
    assert kent.app.job_queue.get_jobs_by_name("collection-reminder")
