"""Takes docs/web-page.png: the web page after a username, in Debian Chromium.

    .venv/bin/python -m tests.web.make_screenshot --index data/index [--export FILE.csv]

Discogs is the fake API over the real responses in ../shared/data/api (user "example"),
so the picture needs no network; with --export the page uploads that file instead.
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.collection.fake_discogs import FakeDiscogs
from tests.conftest import ROOT, SHARED_DATA

from .conftest import make_app
from .live_server import LiveServer, launch_chromium

OUTPUT = ROOT / "docs" / "web-page.png"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, help="a published index folder")
    parser.add_argument("--export", help="upload this export instead of asking for a username")
    parser.add_argument("--out", default=str(OUTPUT))
    args = parser.parse_args()
    fake = FakeDiscogs(SHARED_DATA / "api").start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            app = make_app(Path(args.index), fake.base_url, Path(tmp) / "collections.sqlite")
            with LiveServer(app) as live, sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(live.url + "/")
                if args.export:
                    page.click("#tab-export")
                    page.set_input_files("#export-file", args.export)
                    page.click("#panel-export button[type=submit]")
                else:
                    page.fill("#username", "example")
                    page.click("#panel-user button[type=submit]")
                page.locator("#cards .card").first.wait_for(timeout=30000)
                page.screenshot(path=args.out, full_page=True)
                browser.close()
    finally:
        fake.stop()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
