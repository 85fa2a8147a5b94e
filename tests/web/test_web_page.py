"""The web page at /, driven in Debian Chromium with Playwright: three ways in, the
loading, empty, error and result states, and API data that never becomes markup."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import shared

from .live_server import LiveServer, launch_chromium

pytestmark = pytest.mark.browser


def test_the_page_is_served_with_a_strict_policy(client):
    response = client.get("/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    for element_id in ("username", "export-file", "release-url", "cards"):
        assert f'id="{element_id}"' in html
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<script>" not in html  # no inline script: the policy would block it anyway
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers
    assert client.get("/static/web/page.js").status_code == 200


@pytest.fixture(scope="module")
def chromium(playwright_instance):
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    browser = launch_chromium(playwright_instance)
    yield browser
    browser.close()


@pytest.fixture
def live(app):
    with LiveServer(app) as server:
        yield server


def expected_failure(message) -> bool:
    """Chromium logs every 4xx/5xx answer; the error-state tests ask for them on purpose."""
    return (message.text.startswith("Failed to load resource: the server responded")
            and "/api/v1/" in (message.location or {}).get("url", ""))


@pytest.fixture
def page(chromium, live):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and not expected_failure(message)
            and page.errors.append(message.text))
    page.goto(live.url + "/")
    yield page
    errors = page.errors
    context.close()
    assert errors == [], "the page logged errors (a CSP violation shows up here too)"


def cards(page):
    page.locator("#cards .card").first.wait_for(timeout=15000)
    return page.locator("#cards .card")


def status_text(page):
    page.locator("#status:not([hidden]):not(.status-loading)").wait_for(timeout=15000)
    return page.locator("#status").inner_text()


def test_username_gives_cards_like_the_extension(page, fake_discogs):
    page.fill("#username", "example")
    page.click("#panel-user button[type=submit]")
    found = cards(page)
    assert found.count() == 24
    first = found.first
    assert first.locator("a.title").get_attribute("href").startswith("https://www.discogs.com/")
    assert first.locator(".artist").inner_text()
    assert first.locator(".because").inner_text().startswith("Because you ")
    # Stockholm is on the wantlist, not in the collection: the card must not say "own".
    becauses = page.locator("#cards .because").all_inner_texts()
    assert any("want Stockholm (The Persuader)" in text for text in becauses)
    assert not any("own Stockholm" in text for text in becauses)
    summary = page.locator("#summary").inner_text()
    assert "example: 3 records in the collection" in summary and "3 wanted" in summary
    assert "4 not in it yet" in summary
    assert page.locator("#artists li").count() > 0
    assert "?user=example" in page.url
    assert "authorization" not in fake_discogs.requests[0]["headers"]


def test_the_token_goes_in_the_header(page, fake_discogs):
    page.fill("#username", "example")
    page.click(".token summary")
    page.fill("#token", "tok-from-the-page")
    page.click("#panel-user button[type=submit]")
    cards(page)
    assert fake_discogs.requests[0]["headers"]["authorization"] == "Discogs token=tok-from-the-page"
    assert "tok-from-the-page" not in page.url


def test_export_upload_gives_cards(page):
    page.click("#tab-export")
    page.set_input_files("#export-file", str(shared("collection-exports/gustw_collection_export.csv")))
    assert page.locator("#drop-text").inner_text() == "gustw_collection_export.csv"
    page.click("#panel-export button[type=submit]")
    assert cards(page).count() == 24
    assert "316 rows of a collection export" in page.locator("#summary").inner_text()
    assert page.locator("#problems").is_hidden()


def test_export_problems_are_listed(page, tmp_path):
    lines = shared("collection-exports/mouse-reeve_collection_export.csv").read_text().splitlines()
    lines.insert(3, "X,Y,Z,L,LP,,2000,not-a-number,Uncategorized,,,,,")
    broken = tmp_path / "broken.csv"
    broken.write_text("\n".join(lines) + "\n")
    page.click("#tab-export")
    page.set_input_files("#export-file", str(broken))
    page.click("#panel-export button[type=submit]")
    cards(page)
    assert page.locator("#problems").is_visible()
    assert page.locator("#problems-summary").inner_text() == "1 row of the export had a problem"
    page.click("#problems-summary")
    assert "Line 4 release_id 'not-a-number' is not a release number (skipped)" in \
        page.locator("#problems-list").inner_text()


def test_release_url_gives_neighbours(page):
    page.click("#tab-release")
    page.fill("#release-url", "https://www.discogs.com/release/1-The-Persuader-Stockholm")
    page.click("#panel-release button[type=submit]")
    assert cards(page).count() == 24
    assert page.locator("#summary").inner_text() == "Albums like Stockholm by The Persuader"
    assert page.locator("#cards .because").count() == 0


def test_master_codes_and_shared_addresses_work(page, live):
    page.goto(live.url + "/?master=52323")
    cards(page)
    assert page.locator("#summary").inner_text().startswith("Albums like The K&D Sessions")
    assert page.locator("#tab-release").get_attribute("aria-selected") == "true"


def test_unknown_user_shows_the_error(page):
    page.fill("#username", "nobody-like-this")
    page.click("#panel-user button[type=submit]")
    assert "Discogs has no user named 'nobody-like-this'" in status_text(page)
    assert page.locator("#status").get_attribute("class") == "status status-error"
    assert page.locator("#cards .card").count() == 0


def test_private_collection_says_what_to_do(page):
    page.fill("#username", "private-person")
    page.click("#panel-user button[type=submit]")
    text = status_text(page)
    assert "private on Discogs" in text and "personal token" in text


def test_empty_state_when_no_record_is_indexed(page, tmp_path):
    export = tmp_path / "unknown.csv"
    export.write_text("Catalog#,Artist,Title,Label,Format,Rating,Released,release_id,CollectionFolder\n"
                      "X,Nobody,Nothing,None,LP,,2000,999999999,Uncategorized\n")
    page.click("#tab-export")
    page.set_input_files("#export-file", str(export))
    page.click("#panel-export button[type=submit]")
    assert "None of these records are in this index yet" in status_text(page)
    assert page.locator("#status").get_attribute("class") == "status status-empty"


def test_inputs_are_checked_before_asking(page):
    page.click("#panel-user button[type=submit]")
    assert status_text(page) == "Enter a Discogs username."
    page.click("#tab-release")
    page.fill("#release-url", "https://example.com/release/1")
    page.click("#panel-release button[type=submit]")
    assert "Paste the address of a Discogs release or master page" in status_text(page)
    page.click("#tab-export")
    page.click("#panel-export button[type=submit]")
    assert "Choose the CSV file" in status_text(page)


def test_loading_state_while_waiting(page):
    held = []
    page.route("**/api/v1/users/**", lambda route: held.append(route))  # held until released
    page.fill("#username", "example")
    page.click("#panel-user button[type=submit]")
    loading = page.locator("#status.status-loading")
    loading.wait_for(timeout=5000)
    assert "Reading the collection of example from Discogs" in loading.inner_text()
    assert page.locator("#results").get_attribute("aria-busy") == "true"
    assert loading.locator(".spinner").is_visible()
    held[0].continue_()
    cards(page)
    assert page.locator("#status").is_hidden()
    assert page.locator("#results").get_attribute("aria-busy") == "false"


def test_api_data_is_text_never_markup(page):
    hostile = "<img src=x onerror=\"window.pwned=1\">Evil</b>"
    answer = {
        "recommendations": [{
            "album_id": 1, "master_id": None, "release_id": 5, "title": hostile, "artist": hostile,
            "artists": [], "year": 1999, "genres": ["<b>Jazz</b>"], "styles": [], "formats": [],
            "label": None, "country": None, "url": "javascript:alert(1)", "score": 1.0,
            "because": [{"title": hostile, "artist": "<i>x</i>"}],
            "listen": [{"url": "javascript:alert(1)", "title": "x"}],
        }],
        "artists": [{"id": 1, "name": hostile, "albums": []}],
        "unknown_ids": [], "index": {}, "profile": {"albums": 1, "unknown": 0},
        "collection": {"releases": 1, "wantlist": 0},
    }
    page.route("**/api/v1/users/**", lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps(answer)))
    page.fill("#username", "example")
    page.click("#panel-user button[type=submit]")
    card = cards(page).first
    assert card.locator(".title").inner_text() == hostile
    assert card.locator("img").count() == 0 and page.locator("#artists img").count() == 0
    assert card.locator("a.title").get_attribute("href") == "https://www.discogs.com/release/5"
    assert card.locator(".listen").count() == 0  # a javascript: link is dropped
    assert page.evaluate("window.pwned") is None


def test_the_page_works_on_a_phone(chromium, live):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(live.url + "/?user=example")
    cards(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 390
