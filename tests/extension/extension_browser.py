"""Drives Debian Chromium with the unpacked extension (extension/dist/chrome).

Used by conftest.py and make_screenshot.py. Extensions only load into a
persistent context, so every ExtensionBrowser gets a fresh profile directory.
"""
import json
import pathlib
import subprocess
import urllib.request

from .discogs_routes import handle_discogs_route

REPO = pathlib.Path(__file__).resolve().parents[2]
EXTENSION_DIR = REPO / "extension"
CHROME_BUILD = EXTENSION_DIR / "dist" / "chrome"
CHROMIUM = "/usr/bin/chromium"
DISCOGS = "https://www.discogs.com"
PANEL = "discogs-recs-panel"


LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def refuse_outside_requests(route):
    from urllib.parse import urlsplit

    url = urlsplit(route.request.url)
    if url.scheme in ("http", "https", "ws", "wss") and url.hostname not in LOOPBACK:
        route.abort("blockedbyclient")
    else:
        route.continue_()


def build_extension():
    """Writes extension/dist/ with the extension's own build script."""
    subprocess.run(["node", "scripts/build.mjs", "--no-web"], cwd=EXTENSION_DIR, check=True, capture_output=True)
    return CHROME_BUILD


def api_json(api_base_url, path, body=None):
    """Asks the API directly, the way the extension does, for expected results."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(f"{api_base_url}{path}", data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


class ExtensionBrowser:
    def __init__(self, playwright, profile_dir, extension_dir=CHROME_BUILD, viewport=None):
        self.context = playwright.chromium.launch_persistent_context(
            str(profile_dir),
            executable_path=CHROMIUM,
            headless=True,
            viewport=viewport or {"width": 1280, "height": 900},
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--disable-extensions-except={extension_dir}",
                f"--load-extension={extension_dir}",
            ],
        )
        # Nothing leaves the machine: the real captures link Discogs' CDNs and
        # trackers, and those requests are refused; loopback (the API) passes.
        self.context.route("**/*", refuse_outside_requests)
        self.context.route(f"{DISCOGS}/**", handle_discogs_route)
        self.errors = []
        workers = self.context.service_workers
        self.service_worker = workers[0] if workers else self.context.wait_for_event("serviceworker", timeout=15000)
        self.extension_id = self.service_worker.url.split("/")[2]

    def close(self):
        self.context.close()

    def configure(self, **settings):
        """Writes settings the way the options page stores them (storage.sync)."""
        self.service_worker.evaluate("(settings) => chrome.storage.sync.set(settings)", settings)

    def _watch_errors(self, page):
        page.on("pageerror", lambda error: self.errors.append(f"pageerror on {page.url}: {error}"))
        page.on("console", lambda message: message.type == "error" and self.errors.append(f"console on {page.url}: {message.text}"))
        return page

    def new_page(self):
        return self._watch_errors(self.context.new_page())

    def open_discogs(self, path, page=None):
        page = page or self.new_page()
        page.goto(f"{DISCOGS}{path}")
        return page

    def extension_url(self, path):
        return f"chrome-extension://{self.extension_id}/{path}"

    def open_extension_page(self, path):
        page = self.new_page()
        page.goto(self.extension_url(path))
        return page

    def tab_id_of(self, url_pattern):
        """The browser's tab id for the (single) tab whose URL matches a match pattern."""
        return self.service_worker.evaluate(
            "async (pattern) => (await chrome.tabs.query({url: pattern}))[0].id", url_pattern
        )
