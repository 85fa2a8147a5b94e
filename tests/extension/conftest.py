"""Fixtures for the extension's browser tests.

The extension talks to the real Flask server (server.create_app, with the collection
endpoints) on a real local port:

* `api_base_url`: the server over the real sample index (tests/conftest.py's
  `sample_index`: the 1,000-release 2020 sample plus the 2,072 popular masters), with
  DISCOGS_API_URL pointed at the fake Discogs API over the real responses in
  ../shared/data/api (tests/collection/fake_discogs.py, user "example"), so the
  Discogs-user tests need no network. Skips when ../shared/data is absent.
* `api_requests`: what that server was asked during the test (method, path, query,
  JSON body), read by a WSGI wrapper around the real app.
* `markup_api_base_url`: the same server over a tiny real index built from
  fixtures/markup-releases.xml, whose only neighbour of release 4242 has HTML in its
  title, artist and style and a javascript: video URL. The real sample has no such
  album, so the markup test gets its own index rather than a fake API.
"""
import io
import json
import pathlib
import socket
from urllib.parse import parse_qs

import pytest

from tests.collection.conftest import _fake_discogs_server  # noqa: F401 (session fixture)
from tests.web.conftest import make_app
from tests.web.live_server import LiveServer

from .extension_browser import ExtensionBrowser, build_extension

MARKUP_DUMP = pathlib.Path(__file__).parent / "fixtures" / "markup-releases.xml"


class RequestLog:
    """WSGI middleware recording every request the app gets, then passing it on."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.requests = []

    def __call__(self, environ, start_response):
        body = None
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length:
            raw = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(raw)
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
        self.requests.append({"method": environ["REQUEST_METHOD"], "path": environ.get("PATH_INFO", ""),
                              "query": parse_qs(environ.get("QUERY_STRING", "")), "body": body})
        return self.wsgi_app(environ, start_response)


def _serve(index_dir, discogs_url, cache):
    app = make_app(index_dir, discogs_url, cache)
    app.wsgi_app = RequestLog(app.wsgi_app)
    return app


@pytest.fixture(scope="session")
def _real_api(sample_index, _fake_discogs_server, tmp_path_factory):  # noqa: F811
    app = _serve(sample_index, _fake_discogs_server.base_url,
                 tmp_path_factory.mktemp("extension-api") / "collections.sqlite")
    with LiveServer(app) as live:
        live.log = app.wsgi_app
        yield live


@pytest.fixture
def api_base_url(_real_api, _fake_discogs_server):  # noqa: F811
    """The real server over the real sample index, with an empty request log."""
    _fake_discogs_server.reset()
    _real_api.log.requests.clear()
    return _real_api.url


@pytest.fixture
def api_requests(_real_api, api_base_url):
    """The requests the real server at `api_base_url` got during this test."""
    return _real_api.log.requests


@pytest.fixture(scope="session")
def markup_index(tmp_path_factory):
    """A real published index of the two releases in fixtures/markup-releases.xml."""
    from index_builder.embedder import DEFAULT_BACKEND, DEFAULT_MODEL
    from index_builder.filters import Filters
    from index_builder.layout import Layout
    from index_builder.pipeline import run_build

    out = tmp_path_factory.mktemp("markup-index")
    run_build(Layout(str(out), None), str(MARKUP_DUMP), None, Filters(),
              model=DEFAULT_MODEL, backend=DEFAULT_BACKEND, progress=False)
    return out


@pytest.fixture(scope="session")
def markup_api_base_url(markup_index, tmp_path_factory):
    # No Discogs user is asked for here; the URL only has to be somewhere that refuses.
    app = _serve(markup_index, "http://127.0.0.1:9", tmp_path_factory.mktemp("markup-api") / "c.sqlite")
    with LiveServer(app) as live:
        yield live.url


@pytest.fixture
def api_down_url():
    """A local port with nothing listening."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def extension_build():
    return build_extension()


@pytest.fixture
def browser(playwright_instance, extension_build, tmp_path):
    """Chromium with the extension loaded, a fresh profile, and Discogs served from fixtures.

    Fails the test if any page logged an error or threw.
    """
    extension_browser = ExtensionBrowser(playwright_instance, tmp_path / "profile", extension_build)
    try:
        yield extension_browser
    finally:
        extension_browser.close()
    assert extension_browser.errors == [], "pages logged errors"
