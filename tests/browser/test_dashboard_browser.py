"""The public dashboard in a real browser: its language, charts a screen reader can name
with their figures beside them, a phone's width, and the screenshots docs/ shows."""

from __future__ import annotations

from selenium import webdriver
from selenium.webdriver.common.by import By

from common.config import Config
from tests.browser.conftest import SCREENSHOTS
from tests.builders import load_seed
from tests.harness import Kent


def _check_charts(browser: webdriver.Chrome) -> int:
    charts = browser.find_elements(By.CSS_SELECTOR, "svg")
    for chart in charts:
        assert chart.get_attribute("role") == "img"
        # The name a screen reader announces, as Chromium computes it.
        assert chart.accessible_name, str(chart.get_attribute("outerHTML"))[:200]
        figure = chart.find_element(By.XPATH, "ancestor::figure")
        table = figure.find_element(By.TAG_NAME, "table")
        assert table.find_element(By.TAG_NAME, "caption").text
        assert len(table.find_elements(By.TAG_NAME, "tr")) > 1
    return len(charts)


def test_dashboard_in_a_browser_on_a_desk_and_on_a_phone(
    kent_web: Kent, browser: webdriver.Chrome, config: Config
) -> None:
    load_seed(kent_web.engine, config)
    url = kent_web.site.url
    browser.get(f"{url}/2023")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "tr"
    assert browser.find_element(By.TAG_NAME, "h1").text == "2023 yılı göstergeleri"
    assert "148.748" in browser.find_element(By.ID, "main").text
    assert _check_charts(browser) >= 5
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / "dashboard.png"))

    browser.set_window_size(390, 844)
    browser.get(f"{url}/2023")
    wide, window = browser.execute_script("return [document.body.scrollWidth, window.innerWidth]")
    assert wide <= window, f"the page scrolls sideways on a phone: {wide} > {window}"
    browser.save_screenshot(str(SCREENSHOTS / "dashboard-phone.png"))

    browser.get(f"{url}/en/2023")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert "148,748" in browser.find_element(By.ID, "main").text
    assert _check_charts(browser) >= 5
    other = browser.find_element(By.CSS_SELECTOR, "header nav a[hreflang=tr]")
    assert other.get_attribute("lang") == "tr"
    assert str(other.get_attribute("href")).endswith("/2023")
