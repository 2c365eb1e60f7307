"""The web application's frame: served beside the bot, safe headers, errors people read."""

from __future__ import annotations

import asyncio
import logging
import socket

import httpx
import pytest
from starlette.testclient import TestClient

from common.config import ConfigError, parse_config
from tests.harness import Kent
from web.app import create_app
from web.server import WebServer, available, parse_listen
from web.site import Site


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
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        assert not available(f"127.0.0.1:{port}")


def test_a_taken_address_delays_the_site_not_the_bot(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    """The instance that led before may still hold the port while it closes: the new
    leader's bot runs at once, and its site listens as soon as the port is free."""
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    port = holder.getsockname()[1]
    server = WebServer(create_app(site), f"127.0.0.1:{port}")
    server.FIRST_RETRY = 0.2

    async def scenario() -> str:
        await asyncio.wait_for(server.start(), 5)  # returns although it cannot listen
        assert not server.serving
        holder.close()
        for _ in range(100):
            if server.serving:
                break
            await asyncio.sleep(0.05)
        async with httpx.AsyncClient() as browser:
            answer = await browser.get(f"http://127.0.0.1:{port}/healthz")
        await server.stop()
        return answer.text

    with caplog.at_level(logging.INFO, logger="kentbot"):
        assert asyncio.run(scenario()) == "ok"
    said = caplog.text
    assert f"cannot listen on 127.0.0.1:{port} yet" in said
    assert f"listens on 127.0.0.1:{port}" in said
