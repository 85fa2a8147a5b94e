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

GRID = '[class*="collectionContainer_"] [class*="dataGridContainer_"]'


def test_collection_page_recommends_from_the_visible_releases(browser, api_base_url):
    # A new user: no username in the options. The grid is empty at first and filled
    # after load, as Discogs' GraphQL does (fixtures/assets/react-like.js).
    browser.configure(api_base_url=api_base_url)
    page = browser.open_discogs(COLLECTION_PATH)

    expect(page.locator(CARD_TITLES)).to_have_text(recommendation_titles(api_base_url, COLLECTION_RELEASE_IDS))
    assert page.locator(PANEL).get_attribute("data-page-type") == "collection"
    assert page.locator(f"{GRID} + {PANEL}").count() == 1
    because = page.locator(f"{CARDS} .because").first
    expect(because).to_contain_text("Because you own")


def test_collection_grid_rerender_is_followed(browser, api_base_url):
    browser.configure(api_base_url=api_base_url)
    page = browser.open_discogs(COLLECTION_PATH)
    expect(page.locator(CARD_TITLES)).to_have_text(recommendation_titles(api_base_url, COLLECTION_RELEASE_IDS))

    # What Discogs' grid does on "Next": every row is replaced in place.
    page.evaluate("() => window.showCollectionPage(2)")

    expect(page.locator(CARD_TITLES)).to_have_text(recommendation_titles(api_base_url, SECOND_PAGE_RELEASE_IDS))
    assert page.locator(f"{GRID} + {PANEL}").count() == 1


def test_collection_after_a_deploy_that_renames_the_hashed_classes(browser, api_base_url):
    browser.configure(api_base_url=api_base_url, results_count=4)
    page = browser.open_discogs(f"{COLLECTION_PATH}?deploy=next")
    expect(page.locator(CARD_TITLES)).to_have_text(recommendation_titles(api_base_url, COLLECTION_RELEASE_IDS, k=4))
    assert page.locator(".collectionContainer_ryXeA, .itemContainer_F2kqR").count() == 0
    assert page.locator(f"{GRID} + {PANEL}").count() == 1


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
    # After the wantlist's table, in #page_content.
    assert page.locator(f"#page_content table + {PANEL}").count() == 1


def test_wantlist_reads_the_real_row(browser, api_base_url, api_requests):
    # The real /mywantlist row of ../shared/data/pages added to the table: its id
    # (input[name=cw_releases]) is asked for with the others.
    from .discogs_routes import REAL_ROW_RELEASE_ID, REAL_WANTLIST_ROW

    if not REAL_WANTLIST_ROW.is_file():
        pytest.skip("../shared/data/pages is absent")
    browser.configure(api_base_url=api_base_url)
    page = browser.open_discogs(f"{WANTLIST_PATH}?real-row=1")
    expect(page.locator(f"tr.wantlist_r{REAL_ROW_RELEASE_ID}")).to_have_count(1)
    expect(page.locator(CARDS).first).to_be_visible()
    posts = [request["body"] for request in api_requests if request["method"] == "POST"]
    assert posts[-1]["release_ids"] == [*WANTLIST_IDS["release_ids"], REAL_ROW_RELEASE_ID]
