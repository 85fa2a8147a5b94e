"""Serves Discogs pages for https://www.discogs.com/**: the real captures of
../shared/data/pages where one stands for the page, else our fixtures/.

The browser never reaches the live site: every www.discogs.com request is
answered here. Two query parameters change what is served:

* `deploy=next`: every build-hashed class name (`trackTitle_loyWF`) gets another
  hash, as a Discogs deploy does, to prove the extension matches prefixes only.
* `real-row=1` on /mywantlist: the real wantlist row
  (../shared/data/pages/wantlist_row_fragment_2026-09.html) is added to the table.
"""
import pathlib
import re
from urllib.parse import parse_qs, urlsplit

from tests.conftest import SHARED_DATA

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
REAL_PAGES = SHARED_DATA / "pages"
REAL_SELL_PAGE = REAL_PAGES / "sell_release_2247646_2026-05.html"
REAL_WANTLIST_ROW = REAL_PAGES / "wantlist_row_fragment_2026-09.html"
REAL_ROW_RELEASE_ID = 27133152  # the id in the real wantlist row
LANGUAGE = r"(?:/[a-z]{2})?"

# Path pattern -> page file; the first match wins.
PAGES = [
    # The real capture of a release's marketplace page (server-rendered, with the
    # real JSON-LD release_schema and header), also served at that release's URL.
    (re.compile(rf"^{LANGUAGE}/(?:sell/)?release/2247646(?:-[^/]*)?/?$"), REAL_SELL_PAGE),
    (re.compile(rf"^{LANGUAGE}/release/999999999(?:-[^/]*)?/?$"), FIXTURES / "release-page-unknown.html"),
    (re.compile(rf"^{LANGUAGE}/release/\d+(?:-[^/]*)?/?$"), FIXTURES / "release-page.html"),
    (re.compile(rf"^{LANGUAGE}/master/\d+(?:-[^/]*)?/?$"), FIXTURES / "master-page.html"),
    (re.compile(rf"^{LANGUAGE}/user/[^/]+/collection/?$"), FIXTURES / "collection-page.html"),
    (re.compile(rf"^{LANGUAGE}/mywantlist/?$"), FIXTURES / "wantlist-page.html"),
    (re.compile(r"^/$"), FIXTURES / "home-page.html"),
]
ASSET = re.compile(r"^/fixture-assets/(?P<name>[\w.-]+)$")
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
                 ".js": "text/javascript; charset=utf-8"}

# A class token with a build hash: a name, "_", five letters or digits
# (`trackTitle_loyWF`, `collectionContainer_ryXeA`; the header's `_header_1hjvp_1`).
HASHED_CLASS = re.compile(r"(?<![\w-])([A-Za-z_][A-Za-z]*_)([A-Za-z0-9]{5})(?![\w-])")
CLASS_ATTRIBUTE = re.compile(r'(class(?:Name)?=")([^"]*)(")')


def next_deploy_hash(old: str) -> str:
    """Another five-character hash for the same name, stable from run to run."""
    rotated = "".join(chr((ord(char) - 48 + 7) % 75 + 48) for char in old)
    return re.sub(r"[^A-Za-z0-9]", "Q", rotated)


def rename_build_hashes(html: str) -> str:
    """Every hashed class name in class="..." attributes with another hash."""
    def attribute(match):
        tokens = HASHED_CLASS.sub(lambda token: token[1] + next_deploy_hash(token[2]), match[2])
        return match[1] + tokens + match[3]

    html = CLASS_ATTRIBUTE.sub(attribute, html)
    # react-like.js builds the grid's rows from these data attributes.
    return re.sub(r'(data-(?:item|thumb)-class=")([^"]*)(")', attribute, html)


def page_for(path):
    """The file serving a Discogs path, or None for a 404 (also when a real capture is absent)."""
    asset = ASSET.match(path)
    if asset:
        candidate = FIXTURES / "assets" / asset["name"]
        return candidate if candidate.is_file() else None
    for pattern, page in PAGES:
        if pattern.match(path):
            return page if page.is_file() else None
    return None


def with_real_wantlist_row(html: str) -> str:
    row = REAL_WANTLIST_ROW.read_text(encoding="utf-8")
    return html.replace("</tbody>", f"{row}\n</tbody>", 1)


def page_body(url: str):
    """(status, content type, body bytes) for a www.discogs.com URL."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    page = page_for(parts.path)
    if page is None:
        return 404, CONTENT_TYPES[".html"], b"<!doctype html><title>Not found</title><h1>404</h1>"
    if page.suffix != ".html":
        return 200, CONTENT_TYPES[page.suffix], page.read_bytes()
    html = page.read_text(encoding="utf-8")
    if query.get("real-row") == ["1"] and REAL_WANTLIST_ROW.is_file():
        html = with_real_wantlist_row(html)
    if query.get("deploy") == ["next"]:
        html = rename_build_hashes(html)
    return 200, CONTENT_TYPES[".html"], html.encode("utf-8")


def handle_discogs_route(route):
    url = route.request.url
    if urlsplit(url).path == "/favicon.ico":
        route.fulfill(status=204, body="")
        return
    status, content_type, body = page_body(url)
    route.fulfill(status=status, content_type=content_type, body=body)
