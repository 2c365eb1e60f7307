"""The site's frame in a real browser: language attribute, keyboard skip link, errors."""

from __future__ import annotations

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.harness import Kent


def test_error_page_in_a_browser_is_readable_and_keyboard_usable(
    kent_web: Kent, browser: webdriver.Chrome
) -> None:
    browser.get(f"{kent_web.site.url}/yok")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "tr"
    assert browser.find_element(By.TAG_NAME, "h1").text == "Böyle bir sayfa yok."
    # The first Tab reaches the skip link, which takes keyboard users past the header.
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    assert focused.text == "İçeriğe geç"
