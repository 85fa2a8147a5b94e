"""Takes docs/extension-panel.png: the panel on the saved release page, from the real server.

    .venv/bin/python -m tests.extension.make_screenshot --index data/index

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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, help="a published index folder (the real sample)")
    parser.add_argument("--out", default=str(OUTPUT))
    args = parser.parse_args()
    extension_dir = build_extension()
    with tempfile.TemporaryDirectory() as tmp:
        # No Discogs user is asked for on a release page; the URL only has to refuse.
        app = make_app(pathlib.Path(args.index), "http://127.0.0.1:9", pathlib.Path(tmp) / "collections.sqlite")
        with LiveServer(app) as live, sync_playwright() as playwright:
            browser = ExtensionBrowser(playwright, pathlib.Path(tmp) / "profile", extension_dir,
                                       viewport={"width": 1280, "height": 1000})
            try:
                browser.configure(api_base_url=live.url, results_count=10)
                page = browser.open_discogs(RELEASE_PATH)
                page.locator(f"{PANEL} .card").first.wait_for(timeout=30000)
                # Discogs' own recommendations above, for context, then the panel.
                top = page.locator("#release-recommendations").bounding_box()
                panel = page.locator(PANEL).bounding_box()
                column = page.locator(".main-column").bounding_box()
                clip = {
                    "x": column["x"] - 16,
                    "y": top["y"] - 16,
                    "width": column["width"] + 32,
                    "height": panel["y"] + panel["height"] - top["y"] + 32,
                }
                page.screenshot(path=args.out, clip=clip, full_page=True)
            finally:
                browser.close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
