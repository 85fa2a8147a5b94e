"""Serves saved Discogs pages from fixtures/ for https://www.discogs.com/**.

The browser never reaches the live site: every www.discogs.com request is
answered here, from the fixture that stands for that kind of page.
"""
import pathlib
import re

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
LANGUAGE = r"(?:/[a-z]{2})?"

# Path pattern -> fixture file; the first match wins.
PAGES = [
    (re.compile(rf"^{LANGUAGE}/release/999999999(?:-[^/]*)?/?$"), "release-page-unknown.html"),
    (re.compile(rf"^{LANGUAGE}/release/\d+(?:-[^/]*)?/?$"), "release-page.html"),
    (re.compile(rf"^{LANGUAGE}/master/\d+(?:-[^/]*)?/?$"), "master-page.html"),
    (re.compile(rf"^{LANGUAGE}/user/[^/]+/collection/?$"), "collection-page.html"),
    (re.compile(rf"^{LANGUAGE}/mywantlist/?$"), "wantlist-page.html"),
    (re.compile(r"^/$"), "home-page.html"),
]
ASSET = re.compile(r"^/fixture-assets/(?P<name>[\w.-]+)$")
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8"}


def fixture_for(path):
    """The fixture file serving a Discogs path, or None for a 404."""
    asset = ASSET.match(path)
    if asset:
        candidate = FIXTURES / "assets" / asset["name"]
        return candidate if candidate.is_file() else None
    for pattern, name in PAGES:
        if pattern.match(path):
            return FIXTURES / name
    return None


def handle_discogs_route(route):
    from urllib.parse import urlsplit

    path = urlsplit(route.request.url).path
    if path == "/favicon.ico":
        route.fulfill(status=204, body="")
        return
    fixture = fixture_for(path)
    if fixture is None:
        route.fulfill(status=404, content_type="text/html; charset=utf-8", body="<!doctype html><title>Not found</title><h1>404</h1>")
        return
    route.fulfill(status=200, content_type=CONTENT_TYPES[fixture.suffix], body=fixture.read_bytes())
