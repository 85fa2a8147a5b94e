"""Shared fixtures: the real data in ../shared/data and one real index built from it."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("DISCOGS_RECS_SHARED_DATA", ROOT.parent / "shared" / "data"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"

SAMPLE_RELEASES = SHARED_DATA / "dumps/2020-08-sample/discogs_20200806_releases.xml.gz"
SAMPLE_MASTERS = SHARED_DATA / "dumps/2020-08-sample/discogs_20200806_masters.xml.gz"
POPULAR_MASTERS = SHARED_DATA / "popular-masters/discogs_popular_masters.xml.gz"


def shared(relative: str) -> Path:
    """A file under ../shared/data, or skip the test when the folder is absent."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"{path} not available (../shared/data is absent)")
    return path


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory) -> Path:
    """A real published index: the 1,000-release sample plus the 2,072 popular masters,
    embedded with the real default model. Built once per test session."""
    shared("dumps/2020-08-sample/discogs_20200806_releases.xml.gz")
    shared("popular-masters/discogs_popular_masters.xml.gz")
    from index_builder.embedder import DEFAULT_BACKEND, DEFAULT_MODEL
    from index_builder.filters import Filters
    from index_builder.layout import Layout
    from index_builder.pipeline import run_build

    out = tmp_path_factory.mktemp("index")
    cache = os.environ.get("DISCOGS_RECS_TEST_CACHE")  # reuse embeddings across runs locally
    run_build(Layout(str(out), cache), str(SAMPLE_RELEASES), str(POPULAR_MASTERS), Filters(),
              model=DEFAULT_MODEL, backend=DEFAULT_BACKEND, progress=False)
    return out


@pytest.fixture(scope="session")
def playwright_instance():
    """One Playwright driver for the whole session: a second sync_playwright() in the
    same process fails, and the extension and web-page tests both need one."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        yield playwright
