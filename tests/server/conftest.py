"""The API through its application factory, on the real sample index (tests/conftest.py)."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Dict, List

import pytest

from server import create_app


@pytest.fixture(scope="session")
def app(sample_index: Path):
    return create_app({"TESTING": True, "INDEX_DIR": str(sample_index), "RELOAD_CHECK_SECONDS": 0})


@pytest.fixture()
def client(app):
    return app.test_client()


def catalogue(index_dir: Path) -> sqlite3.Connection:
    from index_builder.layout import manifest_file, read_manifest

    return sqlite3.connect(manifest_file(str(index_dir), read_manifest(str(index_dir)), "catalog"))


@pytest.fixture(scope="session")
def facts(sample_index: Path) -> Dict[str, Any]:
    """Ids the tests need, read from the real catalogue rather than hard-coded."""
    conn = catalogue(sample_index)
    master_id, = conn.execute(
        "SELECT master_id FROM releases WHERE master_id IS NOT NULL GROUP BY master_id "
        "HAVING count(*) >= 2 ORDER BY count(*) DESC, master_id LIMIT 1").fetchone()
    master_releases: List[int] = [r for r, in conn.execute(
        "SELECT release_id FROM releases WHERE master_id = ? ORDER BY release_id", (master_id,))]
    electronic: List[int] = [r for r, in conn.execute(
        "SELECT release_id FROM releases WHERE genres LIKE '%Electronic%' ORDER BY release_id LIMIT 100")]
    popular: List[int] = [m for m, in conn.execute(
        "SELECT master_id FROM masters ORDER BY master_id LIMIT 2000")]
    single, = conn.execute("SELECT release_id FROM releases WHERE master_id IS NULL "
                           "ORDER BY release_id LIMIT 1").fetchone()
    return {"master_id": master_id, "master_releases": master_releases,
            "electronic_releases": electronic, "popular_masters": popular,
            "single_release": single}
