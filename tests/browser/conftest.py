"""A real headless Chromium (Debian's chromium and chromium-driver, driven by Selenium),
and the bot with its web application on a free port, for end-to-end tests of the pages.

Without chromedriver a test is skipped on a developer's machine and fails in CI, where
`make test` installs it (Makefile, `browser`)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

# Where the README's screenshots of the main pages are saved (docs/screenshots/).
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _binaries() -> tuple[str, str] | None:
    driver = shutil.which("chromedriver")
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    return (browser, driver) if driver and browser else None


@pytest.fixture(scope="session")
def chrome() -> Iterator[webdriver.Chrome]:
    found = _binaries()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium and chromedriver must be installed in CI (make browser)")
        pytest.skip("chromium and chromedriver are not installed (make browser)")
    browser, driver = found
    options = Options()
    options.binary_location = browser
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1000",
        "--lang=tr-TR",
    ):
        options.add_argument(argument)
    session = webdriver.Chrome(service=Service(driver), options=options)
    session.set_page_load_timeout(30)
    try:
        yield session
    finally:
        session.quit()


@pytest.fixture
def browser(chrome: webdriver.Chrome) -> Iterator[webdriver.Chrome]:
    """The session's browser with no cookies left from the test before."""
    chrome.delete_all_cookies()
    chrome.set_window_size(1280, 1000)
    yield chrome
    chrome.delete_all_cookies()
