"""The toolbar popup, opened in a tab with ?tab=<id> naming the tab it is about."""
import pytest

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect  # noqa: E402

from .extension_browser import api_json  # noqa: E402
from .helpers import DISCOGS_USER, RELEASE_ID, RELEASE_PATH, neighbour_titles, titles  # noqa: E402

pytestmark = pytest.mark.browser

POPUP_TITLES = "#results .card .title"


def open_popup_for(browser, path):
    browser.open_discogs(path)
    tab_id = browser.tab_id_of(f"https://www.discogs.com{path}*")
    return browser.open_extension_page(f"popup/popup.html?tab={tab_id}")


def test_popup_on_a_release_tab_lists_its_neighbours(browser, api_base_url):
    browser.configure(api_base_url=api_base_url)
    popup = open_popup_for(browser, RELEASE_PATH)

    expect(popup.locator(POPUP_TITLES)).to_have_text(neighbour_titles(api_base_url, "release", RELEASE_ID))
    query_title = api_json(api_base_url, f"/api/v1/releases/{RELEASE_ID}/neighbours?k=1")["query"]["title"]
    expect(popup.locator("#subject")).to_have_text(f"Similar to {query_title}")


def test_popup_elsewhere_without_a_username_explains_what_to_do(browser, api_base_url):
    browser.configure(api_base_url=api_base_url)
    popup = open_popup_for(browser, "/")
    expect(popup.locator("#results .quiet")).to_contain_text("set your Discogs username")


def test_popup_elsewhere_recommends_for_the_users_collection(browser, api_base_url):
    # The server reads "example" from the fake Discogs API over the real responses.
    browser.configure(api_base_url=api_base_url, discogs_username=DISCOGS_USER, results_count=4)
    popup = open_popup_for(browser, "/")

    whole = api_json(api_base_url, f"/api/v1/users/{DISCOGS_USER}/recommendations?k=4")
    expect(popup.locator(POPUP_TITLES)).to_have_text(titles(whole["recommendations"]))
    expect(popup.locator("#subject")).to_have_text(f"For the collection of {DISCOGS_USER}")
