"""The app with the collection endpoints and the web page, on the real sample index,
talking to the fake Discogs API (tests/collection/fake_discogs.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.collection.conftest import _fake_discogs_server, fake_discogs  # noqa: F401 (fixtures)


def make_app(sample_index: Path, discogs_url: str, cache: Path, **settings):
    from server import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(sample_index), "RELOAD_CHECK_SECONDS": 0,
                      "DISCOGS_API_URL": discogs_url, "COLLECTION_CACHE": str(cache),
                      "DISCOGS_TIMEOUT": 2.0, "DISCOGS_DEADLINE": 10.0,
                      # failures are tried again, quickly here (tests/collection/test_faults.py)
                      "DISCOGS_BACKOFF": 0.05, **settings})
    # Until create_app registers them itself.
    from server import collection_api, web

    if "collection_api" not in app.blueprints:
        app.register_blueprint(collection_api.bp)
    if "web" not in app.blueprints:
        app.register_blueprint(web.bp)
    return app


@pytest.fixture
def app(sample_index, fake_discogs, tmp_path):
    return make_app(sample_index, fake_discogs.base_url, tmp_path / "collections.sqlite")


@pytest.fixture
def client(app):
    return app.test_client()
