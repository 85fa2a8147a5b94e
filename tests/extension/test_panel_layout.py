"""The panel fits where it lands: a list in Discogs' right column (about 300 px), a
grid of cards in the main column or a full-width page. Screenshots of both in
Chromium, over the real server; the layout is measured, not compared by pixels."""
import struct

import pytest

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect  # noqa: E402

from .extension_browser import PANEL  # noqa: E402
from .helpers import CARDS, COLLECTION_PATH, RELEASE_PATH  # noqa: E402

pytestmark = pytest.mark.browser


def png_size(path):
    with open(path, "rb") as image:
        header = image.read(24)
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def card_boxes(page):
    return page.evaluate(f"""() => [...document.querySelector("{PANEL}").shadowRoot.querySelectorAll(".card")]
        .map((card) => {{
            const box = card.getBoundingClientRect();
            const overflowing = [...card.querySelectorAll("*")].some((node) => node.scrollWidth > node.clientWidth + 1
                && getComputedStyle(node).overflow === "visible" && node.clientWidth > 0);
            return {{x: box.x, y: box.y, width: box.width, height: box.height, overflowing,
                     sleeve: card.querySelector(".sleeve").getBoundingClientRect().width}};
        }})""")


def screenshot(page, tmp_path, name):
    path = tmp_path / f"{name}.png"
    panel = page.locator(PANEL)
    panel.scroll_into_view_if_needed()
    panel.screenshot(path=str(path))
    box = panel.bounding_box()
    width, height = png_size(path)
    assert abs(width - round(box["width"])) <= 1 and height > 100
    return box


def test_in_the_right_column_the_cards_are_a_list(browser, api_base_url, tmp_path):
    browser.configure(api_base_url=api_base_url, results_count=5)
    page = browser.open_discogs(f"{RELEASE_PATH}?recommendations=none")
    expect(page.locator(f'[class*="side_"] > {PANEL} .card')).to_have_count(5)
    box = screenshot(page, tmp_path, "right-column")
    column = page.locator('[class*="side_"]').bounding_box()
    assert 280 <= box["width"] <= column["width"] + 0.5 and box["x"] >= column["x"] - 0.5
    # Shown below the statistics although the column places its sections by `order`.
    stats = page.locator("#release-stats").bounding_box()
    assert box["y"] >= stats["y"] + stats["height"]
    cards = card_boxes(page)
    assert len({round(card["x"]) for card in cards}) == 1, "one card per row"
    assert all(card["width"] >= box["width"] - 2 for card in cards)
    assert all(later["y"] > earlier["y"] for earlier, later in zip(cards, cards[1:]))
    assert all(card["sleeve"] < 70 for card in cards), "a small sleeve beside the text"
    assert not any(card["overflowing"] for card in cards)


def test_in_the_main_column_the_cards_are_a_grid(browser, api_base_url, tmp_path):
    browser.configure(api_base_url=api_base_url, results_count=8)
    page = browser.open_discogs(RELEASE_PATH)
    expect(page.locator(f"#release-recommendations + {PANEL} .card")).to_have_count(8)
    box = screenshot(page, tmp_path, "main-column")
    assert box["width"] > 600
    recommendations = page.locator("#release-recommendations").bounding_box()
    contributors = page.locator("#release-contributors").bounding_box()
    assert recommendations["y"] + recommendations["height"] <= box["y"] < contributors["y"]
    cards = card_boxes(page)
    first_row = [card for card in cards if abs(card["y"] - cards[0]["y"]) < 1]
    assert len(first_row) >= 3, "several cards per row"
    assert all(card["sleeve"] > 120 for card in cards), "a sleeve on top of each card"
    assert not any(card["overflowing"] for card in cards)


def test_below_the_collection_grid_the_panel_is_full_width(browser, api_base_url, tmp_path):
    browser.configure(api_base_url=api_base_url, results_count=6)
    page = browser.open_discogs(COLLECTION_PATH)
    expect(page.locator(CARDS)).to_have_count(6)
    box = screenshot(page, tmp_path, "collection")
    grid = page.locator('[class*="dataGridContainer_"]').bounding_box()
    assert abs(box["width"] - grid["width"]) < 1
    cards = card_boxes(page)
    assert len([card for card in cards if abs(card["y"] - cards[0]["y"]) < 1]) >= 5
