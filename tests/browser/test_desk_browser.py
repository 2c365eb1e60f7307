"""The staff desk in a real browser, by keyboard alone: /panel's link, Sign in, the queue,
the request, an answer typed and sent; the citizen gets it in Telegram."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import timedelta

from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement

from core import filing
from core.working_time import WorkingCalendar
from db.engine import transaction
from db.types import utcnow
from tests.browser.conftest import SCREENSHOTS
from tests.harness import Kent
from tests.journeys import file_complaint, number_in

ANSWER = "Konteyner bugün saat 15:00'te boşaltılacak. İlginiz için teşekkür ederiz."


def _tab_to(
    browser: webdriver.Chrome, wanted: Callable[[WebElement], bool], limit: int = 80
) -> WebElement:
    """Presses Tab until the focused element is the one wanted, as a keyboard user would."""
    for _ in range(limit):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        focused = browser.switch_to.active_element
        if wanted(focused):
            return focused
    raise AssertionError("the element was not reached with Tab")


def _wait_for(
    browser: webdriver.Chrome, condition: Callable[[], bool], seconds: float = 10
) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, browser.current_url
        time.sleep(0.05)


def _phone_requests(kent: Kent) -> None:
    """A few requests taken by the call centre, one of them overdue, so the queue looks
    like a working day's."""
    calendar = WorkingCalendar.from_config(kent.config)
    texts = (
        ("cop", "Pazar yerinin arkasındaki konteynerler iki gündür boşaltılmadı.", 30),
        ("temizlik", "Cumhuriyet Caddesi'nde kaldırımlar yıkanmadı.", 1),
        ("cop", "Geri dönüşüm kutusu dolmuş, poşetler sokağa taşıyor.", 3),
    )
    with transaction(kent.engine) as session:
        for category, text, days in texts:
            filing.file_request(
                session,
                calendar,
                filing.Filing(
                    channel="phone", type="talep", category_code=category, text=text, actor="staff"
                ),
                now=utcnow() - timedelta(days=days),
            )


def test_staff_answer_a_request_in_the_browser_by_keyboard(
    kent_web: Kent, browser: webdriver.Chrome
) -> None:
    ayse = kent_web.citizen("Ayşe")
    number = number_in(file_complaint(kent_web, ayse))
    _phone_requests(kent_web)
    worker = kent_web.staff("temizlik", first_name="Mehmet")
    worker.send("/panel")
    found = re.search(
        r"(http://\S+/masa/giris/\S+)", worker.wait_message(contains="/masa/giris/").text
    )
    assert found is not None

    browser.get(found.group(1))
    _tab_to(browser, lambda e: e.tag_name == "button" and e.text == "Giriş yap").send_keys(
        Keys.ENTER
    )
    _wait_for(browser, lambda: browser.current_url.endswith("/masa/"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Talepler"
    assert number in browser.find_element(By.TAG_NAME, "table").text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / "desk-queue.png"))

    _tab_to(browser, lambda e: e.tag_name == "a" and e.text == number).send_keys(Keys.ENTER)
    _wait_for(browser, lambda: "/masa/talep/" in browser.current_url)
    assert browser.find_element(By.TAG_NAME, "h1").text == f"Talep {number}"
    box = _tab_to(browser, lambda e: e.tag_name == "textarea")
    box.send_keys(ANSWER)
    browser.save_screenshot(str(SCREENSHOTS / "desk-request.png"))
    _tab_to(browser, lambda e: e.tag_name == "button" and e.text == "Yanıtı gönder").send_keys(
        Keys.ENTER
    )
    _wait_for(browser, lambda: "done=answer" in browser.current_url)
    assert "Yanıtınız gönderildi." in browser.find_element(By.CSS_SELECTOR, "p.notice").text

    answer = ayse.wait_message(contains="Konteyner bugün saat 15:00'te boşaltılacak.")
    assert f"{number} numaralı talebinize yanıt" in answer.text
