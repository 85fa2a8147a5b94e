"""Takes docs/extension-panel.png and docs/extension-panel-list.png: the panel on our
release page in the real React structure (fixtures/release-page.html), from the real server.

    .venv/bin/python -m tests.extension.make_screenshot --index data/index

The first shows it after Discogs' own recommendations in the main column (a grid), the
second after the statistics in the 300 px right column (a list), where it goes when
Discogs shows no recommendations.

The extension talks to the real Flask server (server.create_app) over the published
index folder given; for the saved page's ids to be known, build it from the real sample
(../shared/data: the 2020 sample releases plus the popular masters), as the tests do.
"""
import argparse
import pathlib
import tempfile

from playwright.sync_api import sync_playwright

from tests.web.conftest import make_app
from tests.web.live_server import LiveServer

from .extension_browser import PANEL, REPO, ExtensionBrowser, build_extension
from .helpers import RELEASE_PATH

OUTPUT = REPO / "docs" / "extension-panel.png"
LIST_OUTPUT = REPO / "docs" / "extension-panel-list.png"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, help="a published index folder (the real sample)")
    parser.add_argument("--out", default=str(OUTPUT))
    parser.add_argument("--list-out", default=str(LIST_OUTPUT))
    args = parser.parse_args()
    extension_dir = build_extension()
    with tempfile.TemporaryDirectory() as tmp:
        # No Discogs user is asked for on a release page; the URL only has to refuse.
        app = make_app(pathlib.Path(args.index), "http://127.0.0.1:9", pathlib.Path(tmp) / "collections.sqlite")
        with LiveServer(app) as live, sync_playwright() as playwright:
            browser = ExtensionBrowser(playwright, pathlib.Path(tmp) / "profile", extension_dir,
                                       viewport={"width": 1280, "height": 1000})
            try:
                browser.configure(api_base_url=live.url, results_count=8)
                page = browser.open_discogs(RELEASE_PATH)
                page.locator(f"#release-recommendations + {PANEL} .card").first.wait_for(timeout=30000)
                # The main column, from Discogs' own recommendations down to the end of the panel.
                top = page.locator("#release-recommendations").bounding_box()
                panel = page.locator(PANEL).bounding_box()
                columns = page.locator('[class*="main_"]').bounding_box()
                page.screenshot(path=args.out, full_page=True, clip={
                    "x": columns["x"] - 16, "y": top["y"] - 16, "width": columns["width"] + 32,
                    "height": panel["y"] + panel["height"] - top["y"] + 32})

                browser.configure(api_base_url=live.url, results_count=4)
                page = browser.open_discogs(f"{RELEASE_PATH}?recommendations=none", page)
                page.locator(f"#release-stats + {PANEL} .card").first.wait_for(timeout=30000)
                side = page.locator('[class*="side_"]').bounding_box()
                stats = page.locator("#release-stats").bounding_box()
                panel = page.locator(PANEL).bounding_box()
                page.screenshot(path=args.list_out, full_page=True, clip={
                    "x": side["x"] - 16, "y": stats["y"] - 16, "width": side["width"] + 32,
                    "height": panel["y"] + panel["height"] - stats["y"] + 32})
            finally:
                browser.close()
    print(f"wrote {args.out} and {args.list_out}")


if __name__ == "__main__":
    main()
