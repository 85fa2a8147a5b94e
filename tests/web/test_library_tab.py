"""The web page's fourth tab: a Spotify, Apple Music or Last.fm file -> cards, in Debian
Chromium with Playwright."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.library.conftest import library_file

from .live_server import LiveServer, launch_chromium

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium(playwright_instance):
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    browser = launch_chromium(playwright_instance)
    yield browser
    browser.close()


@pytest.fixture
def page(chromium, app):
    with LiveServer(app) as live:
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: message.type == "error"
                and "/api/v1/" not in (message.location or {}).get("url", "")
                and errors.append(message.text))
        page.goto(live.url + "/")
        yield page
        context.close()
    assert errors == [], "the page logged errors (a CSP violation shows up here too)"


def status_text(page):
    page.locator("#status:not([hidden]):not(.status-loading)").wait_for(timeout=15000)
    return page.locator("#status").inner_text()


def test_the_tab_is_served(client):
    html = client.get("/").get_data(as_text=True)
    assert 'id="tab-library"' in html and 'id="library-file"' in html


def test_a_library_file_gives_cards_and_says_what_matched(page):
    page.click("#tab-library")
    assert page.locator("#panel-library").is_visible() and page.locator("#panel-export").is_hidden()
    page.set_input_files("#library-file", str(library_file("Streaming_History_Audio_2021.json")))
    assert page.locator("#library-drop-text").inner_text() == "Streaming_History_Audio_2021.json"
    page.click("#panel-library button[type=submit]")
    page.locator("#cards .card").first.wait_for(timeout=15000)
    assert page.locator("#cards .card").count() == 24
    assert page.locator("#cards .because").first.inner_text().startswith("Because you ")
    assert page.locator("#artists-heading").inner_text() == "Artists you have not played"
    assert page.locator("#summary").inner_text() == \
        "Streaming_History_Audio_2021.json: 9 albums read \u00b7 8 albums matched"
    assert page.locator("#unmatched").is_visible()
    assert page.locator("#unmatched-summary").inner_text() == "Not in this index: 1, most played first"
    page.click("#unmatched-summary")
    assert page.locator("#unmatched-list").inner_text() == \
        "Phoebe Bridgers \u2013 Stranger in the Alps (1 play)"


def test_problems_of_the_file_are_listed(page, tmp_path):
    items = json.loads(library_file("StreamingHistory_music_0.json").read_text())
    del items[2]["msPlayed"]
    broken = tmp_path / "StreamingHistory_music_1.json"
    broken.write_text(json.dumps(items))
    page.click("#tab-library")
    page.set_input_files("#library-file", str(broken))
    page.click("#panel-library button[type=submit]")
    page.locator("#cards .card").first.wait_for(timeout=15000)
    assert page.locator("#problems-summary").inner_text() == "1 row of the file had a problem"
    page.click("#problems-summary")
    assert page.locator("#problems-list").inner_text() == \
        "Item 3 'msPlayed' is missing or not a number (skipped)"


def test_a_broken_file_shows_the_error_and_what_to_do(page, tmp_path):
    broken = tmp_path / "YourLibrary.json"
    broken.write_bytes(library_file("YourLibrary.json").read_bytes()[:400])
    page.click("#tab-library")
    page.set_input_files("#library-file", str(broken))
    page.click("#panel-library button[type=submit]")
    text = status_text(page)
    assert "YourLibrary.json is not valid JSON (line " in text
    assert "Upload the file as the service gave it" in text


def test_a_file_is_asked_for_first(page):
    page.click("#tab-library")
    page.click("#panel-library button[type=submit]")
    assert "Choose the file Spotify, Apple Music or Last.fm gave you first." in status_text(page)


def test_arrow_keys_reach_the_fourth_tab(page):
    page.click("#tab-release")
    page.keyboard.press("ArrowRight")
    assert page.locator("#tab-library").get_attribute("aria-selected") == "true"
    page.keyboard.press("ArrowRight")
    assert page.locator("#tab-user").get_attribute("aria-selected") == "true"
