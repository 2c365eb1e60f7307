"""The issue's journeys in Chromium: the seed's 2023 figures on the dashboard after an
import, and a phone request filed at the desk that then counts on the dashboard."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from core import desk_sessions, staff
from core.imports import CALL_COLUMNS, REQUEST_COLUMNS, import_calls, import_requests
from db.engine import transaction
from db.types import utcnow
from handlers.digests import nightly_snapshots
from tests.builders import SEED_2023
from tests.harness import Kent

YEAR_DAYS = [date(2023, 1, 1) + timedelta(days=n) for n in range(365)]


def _spread(total: int) -> list[int]:
    """A year's total over its days, the remainder on the first days."""
    share, rest = divmod(total, len(YEAR_DAYS))
    return [share + (1 if n < rest else 0) for n in range(len(YEAR_DAYS))]


def _seed_files(folder: Path) -> tuple[Path, Path]:
    """The seed's 2023 requests (one row each, per channel) and call-centre days, in the
    formats `kentbot import requests|calls` reads."""
    requests = folder / "requests-2023.csv"
    with requests.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(REQUEST_COLUMNS)
        row = 0
        for channel, count in SEED_2023["channels"].items():
            for _ in range(count):
                day = YEAR_DAYS[row % len(YEAR_DAYS)]
                out.writerow(
                    [f"{day} 10:{row % 60:02d}", channel, "talep", "yol", f"Kayıt {row}", "", ""]
                )
                row += 1
    calls = folder / "calls-2023.csv"
    seed = SEED_2023["calls"]
    per_day = {name: _spread(seed[name]) for name in ("information", "application", "missed")}
    with calls.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(CALL_COLUMNS)
        for n, day in enumerate(YEAR_DAYS):
            parts = [per_day[name][n] for name in ("information", "application", "missed")]
            out.writerow([day.isoformat(), sum(parts), *parts])
    return requests, calls


# One database is enough here: importing 148,748 rows costs half a minute, and the import
# itself is tested on both in tests/unit/test_imports.py.
@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_the_seeds_2023_figures_on_the_dashboard_after_an_import(
    kent_web: Kent, browser: webdriver.Chrome, tmp_path: Path
) -> None:
    requests, calls = _seed_files(tmp_path)
    assert import_requests(kent_web.engine, kent_web.config, requests).added == 148_748
    assert import_calls(kent_web.engine, calls).added == 365
    browser.get(f"{kent_web.site.url}/2023")
    text = browser.find_element(By.ID, "main").text
    for figure in ("148.748", "65.701", "23.730", "206.041", "27.690", "%13,4"):
        assert figure in text, figure


def _sign_in(kent_web: Kent, browser: webdriver.Chrome) -> None:
    with transaction(kent_web.engine) as session:
        member = staff.upsert(session, 740_000_001, "staff", "fen", name="Can Öztürk")
        token = desk_sessions.issue_link(session, member, utcnow())
    browser.get(f"{kent_web.site.url}/masa/giris/{token}")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(expected_conditions.url_to_be(f"{kent_web.site.url}/masa/"))


def _phone_count(browser: webdriver.Chrome, url: str) -> int | None:
    """The year's call-centre count on the dashboard; None while the year has no figures."""
    browser.get(url)
    tables = browser.find_elements(By.ID, "channel-totals")
    if not tables:
        return None
    row = tables[0].find_element(By.XPATH, ".//tr[th[normalize-space(.)='Çağrı merkezi']]")
    return int(row.find_element(By.CSS_SELECTOR, "td.num").text.replace(".", ""))


def test_a_phone_request_filed_at_the_desk_counts_on_the_dashboard(
    kent_web: Kent, browser: webdriver.Chrome
) -> None:
    kent_web.run_job(nightly_snapshots)
    # Public pages may be kept five minutes (Cache-Control), so each look has its own
    # address; the page ignores the query.
    before = _phone_count(browser, f"{kent_web.site.url}/?before")
    _sign_in(kent_web, browser)
    browser.get(f"{kent_web.site.url}/masa/yeni")
    browser.switch_to.active_element.send_keys("Mahallede yol çöktü, asfalt yaması gerekiyor")
    WebDriverWait(browser, 10).until(
        lambda _: browser.find_element(By.ID, "category").get_attribute("value") == "yol"
    )
    ActionChains(browser).key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(
        Keys.CONTROL
    ).perform()
    WebDriverWait(browser, 10).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "p.notice"))
    )
    # The dashboard reads the snapshots: the request counts from the next refresh on.
    kent_web.run_job(nightly_snapshots)
    count = _phone_count(browser, f"{kent_web.site.url}/?after")
    assert count == (before or 0) + 1, browser.find_element(By.ID, "main").text[:800]
