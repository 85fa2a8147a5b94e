"""Takes docs/extension-panel.png: the panel on the saved release page.

    .venv/bin/python -m tests.extension.make_screenshot

Uses the fake API so the picture does not depend on an index being built.
"""
import pathlib
import tempfile

from playwright.sync_api import sync_playwright

from .extension_browser import PANEL, REPO, ExtensionBrowser, build_extension
from .fake_api.server import FakeApi
from .helpers import RELEASE_PATH

OUTPUT = REPO / "docs" / "extension-panel.png"


def main():
    api = FakeApi().start()
    try:
        extension_dir = build_extension()
        with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
            browser = ExtensionBrowser(playwright, pathlib.Path(profile), extension_dir, viewport={"width": 1280, "height": 1000})
            try:
                browser.configure(api_base_url=api.base_url, results_count=10)
                page = browser.open_discogs(RELEASE_PATH)
                page.locator(f"{PANEL} .card").first.wait_for()
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
                page.screenshot(path=str(OUTPUT), clip=clip, full_page=True)
            finally:
                browser.close()
    finally:
        api.stop()
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
