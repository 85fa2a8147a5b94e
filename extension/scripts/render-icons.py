"""Renders src/icons/icon.svg to the PNG sizes the manifests name.

Browsers want PNG toolbar icons (Chrome cannot use SVG there). Run after
editing the SVG:  ../.venv/bin/python scripts/render-icons.py
"""
import pathlib

from playwright.sync_api import sync_playwright

ICONS = pathlib.Path(__file__).resolve().parent.parent / "src" / "icons"
SIZES = (16, 32, 48, 128)


def main():
    svg = (ICONS / "icon.svg").read_text()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for size in SIZES:
            page = browser.new_page(viewport={"width": size, "height": size})
            sized_svg = svg.replace("<svg ", f'<svg width="{size}" height="{size}" ', 1)
            page.set_content(f'<html><body style="margin:0;background:transparent">{sized_svg}</body></html>')
            page.screenshot(path=str(ICONS / f"icon-{size}.png"), omit_background=True)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
