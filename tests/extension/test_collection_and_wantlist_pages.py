"""The panel on collection and wantlist pages, which read the ids in their grid."""
import pytest

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect  # noqa: E402

from .extension_browser import PANEL, api_json  # noqa: E402
from .helpers import (  # noqa: E402
    CARD_TITLES, CARDS, COLLECTION_PATH, COLLECTION_RELEASE_IDS, DISCOGS_USER, SECOND_PAGE_RELEASE_IDS,
    WANTLIST_IDS, WANTLIST_PATH, recommendation_titles, titles,
)

pytestmark = pytest.mark.browser

def test_collection_page_recommends_from_the_visible_releases(browser, api_base_url):
    browser.configure(api_base_url=api_base_url)
    page = browser.open_discogs(COLLECTION_PATH)

    expect(page.locator(CARD_TITLES)).to_have_text(recommendation_titles(api_base_url, COLLECTION_RELEASE_IDS))
    assert page.locator(PANEL).get_attribute("data-page-type") == "collection"
    assert page.locator(f"#collection + {PANEL}").count() == 1
    because = page.locator(f"{CARDS} .because").first
    expect(because).to_contain_text("Because you own")


def test_collection_grid_rerender_is_followed(browser, api_base_url):
    browser.configure(api_base_url=api_base_url)
    page = browser.open_discogs(COLLECTION_PATH)
    expect(page.locator(CARD_TITLES)).to_have_text(recommendation_titles(api_base_url, COLLECTION_RELEASE_IDS))

    # What Discogs' grid does on "Next": the rows are replaced in place.
    page.evaluate("""(ids) => {
        const rows = ids.map((id) => {
            const row = document.createElement("tr");
            const cell = document.createElement("td");
            const link = Object.assign(document.createElement("a"), {href: `/release/${id}-Title`, textContent: `Release ${id}`});
            cell.append(link);
            row.append(cell);
            return row;
        });
        document.querySelector("#collection tbody").replaceChildren(...rows);
    }""", SECOND_PAGE_RELEASE_IDS)

    expect(page.locator(CARD_TITLES)).to_have_text(recommendation_titles(api_base_url, SECOND_PAGE_RELEASE_IDS))


def test_own_collection_uses_the_whole_collection_through_the_api(browser, api_base_url, api_requests):
    # The server reads the user's collection and wantlist from the fake Discogs API, which
    # serves the real responses for "example"; usernames match case-insensitively.
    browser.configure(api_base_url=api_base_url, discogs_username=DISCOGS_USER.capitalize(), results_count=6)
    page = browser.open_discogs(COLLECTION_PATH)

    expect(page.locator(CARDS)).to_have_count(6)
    whole = api_json(api_base_url, f"/api/v1/users/{DISCOGS_USER}/recommendations?k=6")
    expect(page.locator(CARD_TITLES)).to_have_text(titles(whole["recommendations"]))
    paths = [request["path"] for request in api_requests]
    assert f"/api/v1/users/{DISCOGS_USER.capitalize()}/recommendations" in paths
    assert "/api/v1/recommendations" not in paths


def test_wantlist_page_recommends_from_the_wanted_releases(browser, api_base_url):
    browser.configure(api_base_url=api_base_url)
    page = browser.open_discogs(WANTLIST_PATH)

    expected = recommendation_titles(api_base_url, WANTLIST_IDS["release_ids"], WANTLIST_IDS["master_ids"])
    expect(page.locator(CARD_TITLES)).to_have_text(expected)
    assert page.locator(PANEL).get_attribute("data-page-type") == "wantlist"
    expect(page.locator(f"{CARDS} .because").first).to_contain_text("Because you want")
