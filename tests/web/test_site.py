"""The web application's frame: served beside the bot, safe headers, errors people read."""

from __future__ import annotations

import httpx
import pytest
from starlette.testclient import TestClient

from common.config import ConfigError, parse_config
from tests.harness import Kent
from web.server import available, parse_listen


def test_served_on_the_bots_loop_beside_it(kent_web: Kent) -> None:
    """`kentbot run` and the demo serve the site from the bot's own process and loop."""
    url = kent_web.site.url
    assert url.startswith("http://127.0.0.1:")
    answer = httpx.get(f"{url}/healthz", timeout=5)
    assert answer.status_code == 200 and answer.text == "ok"
    # The bot keeps answering while the site is up.
    citizen = kent_web.citizen()
    citizen.send("/start")
    assert "Merhaba Ayşe!" in citizen.wait_message(contains="Merhaba").text


def test_unknown_page_is_a_readable_404_in_the_readers_language(client: TestClient) -> None:
    turkish = client.get("/yok-boyle-bir-sayfa")
    assert turkish.status_code == 404
    assert '<html lang="tr">' in turkish.text
    assert "Böyle bir sayfa yok." in turkish.text
    english = client.get("/en/no-such-page")
    assert english.status_code == 404
    assert '<html lang="en">' in english.text
    assert "There is no such page." in english.text


def test_pages_load_nothing_from_elsewhere(client: TestClient) -> None:
    answer = client.get("/healthz")
    policy = answer.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "server" not in answer.headers
    css = client.get("/static/site.css")
    assert css.status_code == 200 and "http" not in css.text


def test_listen_address_is_checked_where_it_is_written() -> None:
    assert parse_listen("127.0.0.1:8080") == ("127.0.0.1", 8080)
    with pytest.raises(ValueError, match="must look like"):
        parse_listen("localhost")
    text = (
        '[municipality]\nname = "X"\nshort_name = "X"\n[web]\nlisten = "8080"\n'
        '[[departments]]\ncode = "fen"\nname = { tr = "Fen" }\n'
        '[[categories]]\ncode = "yol"\ndepartment = "fen"\nsla_hours = 16\n'
        'name = { tr = "Yol" }\n'
    )
    with pytest.raises(ConfigError, match="listen"):
        parse_config(text)


def test_a_taken_address_is_seen_before_starting() -> None:
    import socket

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        assert not available(f"127.0.0.1:{port}")
