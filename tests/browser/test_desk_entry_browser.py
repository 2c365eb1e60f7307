"""The entry form in Chromium: an agent files a phone request with the keyboard alone."""

from __future__ import annotations

from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait
from sqlmodel import select

from core import desk_sessions, staff
from db.engine import transaction
from db.models import Request
from db.types import utcnow
from tests.browser.conftest import SCREENSHOTS
from tests.harness import Kent


def test_keyboard_only_filing_with_the_suggested_topic(
    kent_web: Kent, browser: webdriver.Chrome
) -> None:
    with transaction(kent_web.engine) as session:
        member = staff.upsert(session, 730_000_001, "staff", "temizlik", name="Elif Demir")
        token = desk_sessions.issue_link(session, member, utcnow())
    browser.get(f"{kent_web.site.url}/masa/giris/{token}")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(expected_conditions.url_to_be(f"{kent_web.site.url}/masa/"))
    browser.get(f"{kent_web.site.url}/masa/yeni")
    # The text field has the focus: the agent types straight away.
    assert browser.switch_to.active_element.get_attribute("id") == "text"
    browser.switch_to.active_element.send_keys("Konteyner taştı, çöpler iki gündür toplanmadı")
    suggestion = browser.find_element(By.ID, "suggestion")
    WebDriverWait(browser, 10).until(lambda _: "Çöp toplama" in suggestion.text)
    assert browser.find_element(By.ID, "category").get_attribute("value") == "cop"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / "desk-entry.png"))
    ActionChains(browser).key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(
        Keys.CONTROL
    ).perform()
    notice = WebDriverWait(browser, 10).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "p.notice"))
    )
    with transaction(kent_web.engine) as session:
        [filed] = session.exec(select(Request)).all()
    assert (
        notice.text
        == f"✅ {filed.number} kaydedildi ve şu birime iletildi: Temizlik İşleri Müdürlüğü."
    )
    assert (filed.channel, filed.category_code) == ("phone", "cop")
    # Ready for the next call: the focus is in the empty text field again.
    assert browser.switch_to.active_element.get_attribute("id") == "text"
    assert kent_web.groups["temizlik"].wait_message(contains=filed.number)
