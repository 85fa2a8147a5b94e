"""The panel on release and master pages."""
import pytest

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect  # noqa: E402

from .extension_browser import PANEL, api_json  # noqa: E402
from .helpers import (  # noqa: E402
    CARD_TITLES, CARDS, MARKUP_RELEASE_ID, MARKUP_RELEASE_PATH, MASTER_HEADING, MASTER_ID, MASTER_PATH,
    RELEASE_ID, RELEASE_PATH, UNKNOWN_RELEASE_PATH, neighbour_titles,
)

pytestmark = pytest.mark.browser


def test_release_page_shows_the_neighbours_next_to_discogs_recommendations(browser, api_base_url):
    browser.configure(api_base_url=api_base_url)
    page = browser.open_discogs(RELEASE_PATH)

    expect(page.locator(CARD_TITLES)).to_have_text(neighbour_titles(api_base_url, "release", RELEASE_ID))
    # Right after Discogs' own recommendations, in the main column.
    assert page.locator(f"#release-recommendations + {PANEL}").count() == 1
    assert page.locator(PANEL).get_attribute("data-page-type") == "release"
    first_card = page.locator(CARDS).first
    assert first_card.locator("a.title").get_attribute("href").startswith("https://www.discogs.com/")
    expect(first_card.locator(".artist")).not_to_be_empty()
    expect(first_card.locator("button.not-interested")).to_be_visible()


def test_panel_lives_in_an_open_shadow_root_out_of_reach_of_discogs_css(browser, api_base_url):
    browser.configure(api_base_url=api_base_url)
    page = browser.open_discogs(RELEASE_PATH)
    expect(page.locator(CARDS).first).to_be_visible()

    styles = page.evaluate(f"""() => {{
        const root = document.querySelector("{PANEL}").shadowRoot;
        const style = (selector) => getComputedStyle(root.querySelector(selector));
        return {{
            mode: root.mode,
            heading: root.querySelector("h2").textContent,
            heading_transform: style("h2").textTransform,
            style_chip_color: style(".styles li").color,
            button_background: style("button.not-interested").backgroundColor,
        }};
    }}""")
    assert styles["mode"] == "open"
    assert styles["heading"] == "You might also like"
    # The fixture's stylesheet upper-cases h2, reds list items and yellows buttons.
    assert styles["heading_transform"] == "none"
    assert styles["style_chip_color"] != "rgb(204, 0, 0)"
    assert styles["button_background"] != "rgb(255, 255, 0)"


def test_language_prefixed_release_url(browser, api_base_url):
    browser.configure(api_base_url=api_base_url)
    page = browser.open_discogs(f"/de{RELEASE_PATH}")
    expect(page.locator(CARD_TITLES)).to_have_text(neighbour_titles(api_base_url, "release", RELEASE_ID))


def test_master_page_shows_the_masters_neighbours(browser, api_base_url):
    browser.configure(api_base_url=api_base_url, results_count=5)
    page = browser.open_discogs(MASTER_PATH)
    expect(page.locator(CARD_TITLES)).to_have_text(neighbour_titles(api_base_url, "master", MASTER_ID, k=5))
    assert page.locator(PANEL).get_attribute("data-page-type") == "master"


def test_unknown_release_shows_nothing(browser, api_base_url):
    browser.configure(api_base_url=api_base_url)
    page = browser.open_discogs(UNKNOWN_RELEASE_PATH)
    page.wait_for_timeout(2000)
    expect(page.locator(PANEL)).to_have_count(0)


def test_client_side_navigation_to_a_master_page_is_followed(browser, api_base_url):
    browser.configure(api_base_url=api_base_url)
    page = browser.open_discogs(RELEASE_PATH)
    expect(page.locator(CARDS).first).to_be_visible()

    # What Discogs' router does: a new URL and a re-rendered main column, no page load.
    page.evaluate(f"""() => {{
        history.pushState({{}}, "", "{MASTER_PATH}");
        document.querySelector("#page_content").replaceChildren(
            Object.assign(document.createElement("h1"), {{textContent: "{MASTER_HEADING}"}}));
    }}""")

    expect(page.locator(CARD_TITLES)).to_have_text(neighbour_titles(api_base_url, "master", MASTER_ID))
    assert page.locator(PANEL).get_attribute("data-page-type") == "master"


def test_title_with_markup_is_rendered_as_text(browser, markup_api_base_url):
    # The real sample has no title with markup in it, so this is the real server over a
    # tiny real index built from fixtures/markup-releases.xml (see conftest.py).
    browser.configure(api_base_url=markup_api_base_url)
    page = browser.open_discogs(MARKUP_RELEASE_PATH)
    expect(page.locator(CARDS).first).to_be_visible()

    answer = api_json(markup_api_base_url, f"/api/v1/releases/{MARKUP_RELEASE_ID}/neighbours?k=1")
    album = answer["neighbours"][0]
    assert album["title"].startswith("<img src=x onerror=")  # the API passes the markup on as data
    first = page.locator(CARDS).first
    expect(first.locator(".title")).to_have_text(album["title"])
    expect(first.locator(".title")).to_have_text(
        "<img src=x onerror=\"document.title='pwned'\"><b>Bold</b> & <script>alert(1)</script>")
    expect(first.locator(".artist")).to_have_text("<i>Markup</i> Band")
    injected = page.evaluate(f"""() => document.querySelector("{PANEL}").shadowRoot
        .querySelectorAll(".cards img, .cards b, .cards script, .cards i, .cards u").length""")
    assert injected == 0
    assert first.locator("a.title").get_attribute("href") == album["url"] == "https://www.discogs.com/master/99001"
    # A javascript: video URL from the API never becomes a "listen" link.
    assert album["listen"] == [{"url": "javascript:alert(2)", "title": "bad"}]
    expect(first.locator("a.listen")).to_have_count(0)
    assert page.title() != "pwned"


def test_not_interested_hides_the_card_and_is_remembered(browser, api_base_url):
    browser.configure(api_base_url=api_base_url, results_count=5)
    page = browser.open_discogs(RELEASE_PATH)
    expect(page.locator(CARDS)).to_have_count(5)
    dismissed = page.locator(CARD_TITLES).first.text_content()

    page.locator(CARDS).first.locator("button.not-interested").click()
    expect(page.locator(CARDS)).to_have_count(4)
    expect(page.locator(CARD_TITLES)).not_to_contain_text([dismissed])

    page.reload()
    expect(page.locator(CARDS)).to_have_count(5)
    remaining = page.locator(CARD_TITLES).all_text_contents()
    assert dismissed not in remaining
    expected = [title for title in neighbour_titles(api_base_url, "release", RELEASE_ID, k=6) if title != dismissed]
    assert remaining == expected[:5]


def test_not_interested_is_sent_as_exclude_ids(browser, api_base_url, api_requests):
    browser.configure(api_base_url=api_base_url, results_count=5)
    page = browser.open_discogs(RELEASE_PATH)
    expect(page.locator(CARDS)).to_have_count(5)
    first_href = page.locator(CARDS).first.locator("a.title").get_attribute("href")
    page.locator(CARDS).first.locator("button.not-interested").click()
    expect(page.locator(CARDS)).to_have_count(4)

    browser.open_discogs("/user/someone/collection", page)
    expect(page.locator(CARDS).first).to_be_visible()
    posts = [request for request in api_requests if request["method"] == "POST"]
    assert posts, "no POST /api/v1/recommendations"
    # The card's link names the album by its master id (or its release id when it has no
    # master): that id is the one excluded.
    dismissed_id = int(first_href.rsplit("/", 1)[1])
    assert posts[-1]["body"]["exclude_ids"] == [dismissed_id]
