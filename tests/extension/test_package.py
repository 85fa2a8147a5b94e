"""`npm run package`: the store packages, built by web-ext from dist/chrome and dist/firefox."""
import json
import shutil
import subprocess
import zipfile

import pytest

from .extension_browser import EXTENSION_DIR

PACKAGES = {"chrome": EXTENSION_DIR / "dist" / "discogs-recs-chrome.zip",
            "firefox": EXTENSION_DIR / "dist" / "discogs-recs-firefox.xpi"}


@pytest.fixture(scope="module")
def packages():
    if not shutil.which("npm") or not (EXTENSION_DIR / "node_modules" / "web-ext").is_dir():
        pytest.skip("npm or extension/node_modules is missing (cd extension && npm ci)")
    for path in PACKAGES.values():
        path.unlink(missing_ok=True)
    subprocess.run(["npm", "run", "--silent", "package"], cwd=EXTENSION_DIR, check=True, capture_output=True,
                   timeout=120)
    return {browser: zipfile.ZipFile(path) for browser, path in PACKAGES.items()}


def test_both_packages_hold_the_extension_with_their_own_manifest(packages):
    version = json.loads((EXTENSION_DIR / "package.json").read_text())["version"]
    for browser, package in packages.items():
        names = set(package.namelist())
        manifest = json.loads(package.read("manifest.json"))
        assert manifest["manifest_version"] == 3 and manifest["version"] == version
        for needed in ("content/loader.js", "content/main.js", "background/service-worker.js",
                       "shared/card-rendering.js", "popup/popup.html", "options/options.html",
                       "icons/icon-128.png"):
            assert needed in names, (browser, needed)
        assert not any(name.endswith(".svg") or "node_modules" in name or name.startswith("test")
                       for name in names), browser
        # What the package says it loads is in it.
        for script in manifest["content_scripts"][0]["js"]:
            assert script in names
    chrome = json.loads(packages["chrome"].read("manifest.json"))
    firefox = json.loads(packages["firefox"].read("manifest.json"))
    assert chrome["background"] == {"service_worker": "background/service-worker.js", "type": "module"}
    assert "browser_specific_settings" not in chrome
    assert firefox["background"]["scripts"] == ["background/service-worker.js"]
    assert firefox["browser_specific_settings"]["gecko"]["id"] == "discogs-recs@discogs-recs"
