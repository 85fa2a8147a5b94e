"""The extension in Firefox for real: Debian's firefox-esr with extension/dist/firefox
installed as a temporary add-on over WebDriver BiDi (firefox_driver.mjs, puppeteer-core
from extension/node_modules), talking to the real server over the real sample index.
The options page, the panel on a release page and the popup, as a user goes through them.
"""
import json
import shutil
import subprocess

import pytest

from .discogs_routes import page_body
from .extension_browser import DISCOGS, EXTENSION_DIR, REPO, build_extension
from .helpers import RELEASE_ID, RELEASE_PATH, neighbour_titles

pytestmark = pytest.mark.browser

FIREFOX = "/usr/bin/firefox-esr"
DRIVER = REPO / "tests" / "extension" / "firefox_driver.mjs"
RESULTS = 5


@pytest.fixture(scope="module")
def firefox_build():
    if not shutil.which(FIREFOX):
        pytest.skip("Debian firefox-esr is not installed (apt-get install firefox-esr)")
    if not (EXTENSION_DIR / "node_modules" / "puppeteer-core").is_dir():
        pytest.skip("extension/node_modules lacks puppeteer-core (cd extension && npm ci)")
    build_extension()
    return EXTENSION_DIR / "dist" / "firefox"


def served_pages(tmp_path, urls):
    """The Discogs pages the driver serves, written out as discogs_routes serves them."""
    pages = {}
    for index, url in enumerate(urls):
        status, content_type, body = page_body(url)
        assert status == 200, url
        path = tmp_path / f"page-{index}"
        path.write_bytes(body)
        pages[url] = {"file": str(path), "content_type": content_type}
    return pages


def test_options_panel_and_popup_in_firefox(firefox_build, api_base_url, tmp_path):
    manifest = json.loads((firefox_build / "manifest.json").read_text())
    release_url = f"{DISCOGS}{RELEASE_PATH}"
    config = {
        "firefox": FIREFOX,
        "extension_dir": str(firefox_build),
        "extension_id": manifest["browser_specific_settings"]["gecko"]["id"],
        "api_base_url": api_base_url,
        "results_count": RESULTS,
        "release_url": release_url,
        "pages": served_pages(tmp_path, [release_url, f"{DISCOGS}/fixture-assets/discogs.css",
                                         f"{DISCOGS}/fixture-assets/react-like.js"]),
    }
    config_path = tmp_path / "config.json"
    config_path.write_text(json.dumps(config))
    run = subprocess.run(["node", str(DRIVER), str(config_path)], capture_output=True, text=True, timeout=180,
                         cwd=REPO)
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert "failure" not in report, report.get("failure")
    assert report["firefox"].lower().startswith("firefox/")
    assert report["installed_id"] == config["extension_id"]

    # Options: the default shown, then what was saved (the pasted /api/v1/ prefix dropped).
    assert report["options_default_api"] == "http://localhost:5000"
    saved = report["options_saved"]
    assert saved["api_base_url"] == api_base_url and saved["results_count"] == str(RESULTS)
    assert set(saved["switches"]) == {f"page-switch-{name}" for name in ("release", "master", "collection", "wantlist")}

    # The panel: the release's neighbours, after Discogs' late recommendations, as a grid.
    expected = neighbour_titles(api_base_url, "release", RELEASE_ID, k=RESULTS)
    panel = report["panel"]
    assert panel["titles"] == expected
    assert panel["page_type"] == "release" and panel["shadow_mode"] == "open"
    assert panel["after"] == "release-recommendations" and panel["place"] == "#release-recommendations"
    assert panel["columns"] >= 3
    assert panel["listen"][-2:] == ["spotify", "apple-music"]
    assert panel["spotify"].startswith("https://open.spotify.com/search/")

    # The popup for that tab: the same neighbours.
    assert report["popup"]["titles"] == expected
    assert report["popup"]["subject"].startswith("Similar to ")
    assert report["errors"] == []
