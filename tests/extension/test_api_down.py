"""When the API cannot be reached: a quiet line, and nothing breaks."""
import pytest

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect  # noqa: E402

from .extension_browser import PANEL  # noqa: E402
from .helpers import CARDS, COLLECTION_PATH, RELEASE_PATH  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", [RELEASE_PATH, COLLECTION_PATH])
def test_api_down_shows_a_quiet_message_and_no_errors(browser, api_down_url, path):
    browser.configure(api_base_url=api_down_url)
    page = browser.open_discogs(path)

    expect(page.locator(f"{PANEL} .quiet")).to_contain_text("did not answer")
    expect(page.locator(CARDS)).to_have_count(0)
    # The page itself is untouched and working.
    expect(page.locator("h1")).to_be_visible()
    # The `browser` fixture fails the test if the page logged an error or threw.
