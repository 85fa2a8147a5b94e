"""The options page: settings are saved and then used by the panel."""
import pytest

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect  # noqa: E402

from .extension_browser import PANEL  # noqa: E402
from .helpers import CARD_TITLES, MASTER_PATH, RELEASE_ID, RELEASE_PATH, neighbour_titles  # noqa: E402

pytestmark = pytest.mark.browser


def test_options_are_saved_and_used(browser, api_base_url, api_down_url):
    # Start from an API that is down, so the panel only works with what the options page saves.
    browser.configure(api_base_url=api_down_url)
    options = browser.open_extension_page("options/options.html")
    expect(options.locator("body[data-ready=true]")).to_have_count(1)
    expect(options.locator("#api-base-url")).to_have_value(api_down_url)

    options.fill("#api-base-url", f"{api_base_url}/api/v1/")  # pasted with the API prefix
    options.fill("#results-count", "3")
    options.fill("#discogs-username", "  someone ")
    options.uncheck("#page-switch-master")
    options.click("#save")
    expect(options.locator("#status")).to_have_text("Saved.")

    options.reload()
    expect(options.locator("body[data-ready=true]")).to_have_count(1)
    expect(options.locator("#api-base-url")).to_have_value(api_base_url)
    expect(options.locator("#results-count")).to_have_value("3")
    expect(options.locator("#discogs-username")).to_have_value("someone")
    expect(options.locator("#page-switch-master")).not_to_be_checked()
    expect(options.locator("#page-switch-release")).to_be_checked()

    page = browser.open_discogs(RELEASE_PATH)
    expect(page.locator(CARD_TITLES)).to_have_text(neighbour_titles(api_base_url, "release", RELEASE_ID, k=3))

    browser.open_discogs(MASTER_PATH, page)
    page.wait_for_timeout(1500)
    expect(page.locator(PANEL)).to_have_count(0)


def test_test_connection_reports_both_outcomes(browser, api_base_url, api_down_url):
    options = browser.open_extension_page("options/options.html")
    expect(options.locator("body[data-ready=true]")).to_have_count(1)

    options.fill("#api-base-url", api_base_url)
    options.click("#check-api")
    expect(options.locator("#status")).to_have_text(f"Connected to {api_base_url}.")

    options.fill("#api-base-url", api_down_url)
    options.click("#check-api")
    expect(options.locator("#status")).to_contain_text(f"No answer from {api_down_url}")
