"""Fixtures: the hand-written library files in files/, and a real catalogue to match them
against (the 2020-08 sample releases, with their tracklists, plus the 2,072 popular
masters: no vectors, so it builds in a second)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import POPULAR_MASTERS, SAMPLE_RELEASES, shared

FILES = Path(__file__).resolve().parent / "files"


def library_file(name: str) -> Path:
    return FILES / name


@pytest.fixture(scope="session")
def catalogue(tmp_path_factory) -> sqlite3.Connection:
    shared("dumps/2020-08-sample/discogs_20200806_releases.xml.gz")
    shared("popular-masters/discogs_popular_masters.xml.gz")
    from index_builder.filters import Filters
    from index_builder.ingest import ingest

    path = tmp_path_factory.mktemp("library-catalogue") / "catalog.sqlite"
    ingest(str(path), str(SAMPLE_RELEASES), str(POPULAR_MASTERS), Filters(), progress=False)
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)


@pytest.fixture(scope="session")
def masters_only_catalogue(tmp_path_factory) -> sqlite3.Connection:
    """The popular masters alone: a catalogue without the releases dump (no tracklists)."""
    shared("popular-masters/discogs_popular_masters.xml.gz")
    from index_builder.filters import Filters
    from index_builder.ingest import ingest

    path = tmp_path_factory.mktemp("masters-catalogue") / "catalog.sqlite"
    ingest(str(path), None, str(POPULAR_MASTERS), Filters(), progress=False)
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
