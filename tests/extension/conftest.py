"""Fixtures for the extension's browser tests.

api_base_url is the API the extension talks to. It is the fake API in
fake_api/ for now; it can point at the real Flask server instead, as long as
that server knows the ids in the fixtures. Tests that need to read the fake's
request log, or data only the fake has (a title full of markup, a Discogs user
without the network), ask for `fake_api` directly.
"""
import socket

import pytest

from .extension_browser import ExtensionBrowser, build_extension
from .fake_api.server import FakeApi


@pytest.fixture(scope="session")
def _fake_api_server():
    api = FakeApi().start()
    yield api
    api.stop()


@pytest.fixture
def fake_api(_fake_api_server):
    """The fake API, with an empty request log."""
    _fake_api_server.requests.clear()
    return _fake_api_server


@pytest.fixture
def api_base_url(fake_api):
    return fake_api.base_url


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
