"""Fixtures of the reliability suite (`pytest -m reliability`, docs/reliability.md).

The index is the demo catalogue bundled with the package, built once per session with
`discogs-recs build --demo` and the real default model (no ../shared/data needed), so
the suite runs wherever the package installs. Every test serves its own copy with
`discogs-recs serve` on a free 127.0.0.1 port.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from .served import ROOT, Served, cli_env

WORKERS = 2  # explicit: the default (one per core) would differ between machines
# The figures measured, one JSON line per test, when this names a file (docs/reliability.md).
REPORT_ENV = "DISCOGS_RECS_RELIABILITY_REPORT"


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory) -> Path:
    """A published demo index (DIR/manifest.json, DIR/builds, DIR/cache)."""
    out = tmp_path_factory.mktemp("reliability-index")
    command = [sys.executable, "-m", "discogs_recs", "build", "--demo", "--out", str(out)]
    cache = os.environ.get("DISCOGS_RECS_TEST_CACHE")  # reuse embeddings across runs locally
    if cache:
        command += ["--cache", str(Path(cache) / "reliability-demo")]
    built = subprocess.run(command, cwd=ROOT, env=cli_env(), stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True, timeout=900)
    assert built.returncode == 0, built.stderr[-3000:]
    return out


@pytest.fixture(scope="session")
def embedding_cache(demo_build) -> Path:
    cache = os.environ.get("DISCOGS_RECS_TEST_CACHE")
    return Path(cache) / "reliability-demo" if cache else demo_build / "cache"


@pytest.fixture
def index_dir(demo_build, tmp_path) -> Path:
    """This test's served folder: the published build, without the cache."""
    served = tmp_path / "index"
    served.mkdir()
    shutil.copytree(demo_build / "builds", served / "builds")
    shutil.copy(demo_build / "manifest.json", served)
    return served


@pytest.fixture
def serve(index_dir, tmp_path) -> Iterator:
    """serve(threads=1, env=None) -> a started `Served`; stopped after the test."""
    started: List[Served] = []

    def start(threads: int = 1, env: Dict[str, str] = None) -> Served:
        served = Served(index_dir, tmp_path / f"serve-{len(started)}.log", WORKERS, threads,
                        {"DISCOGS_RECS_COLLECTION_CACHE": str(tmp_path / "collections.sqlite"),
                         "DISCOGS_RECS_COLLECTION_CACHE_TTL": "0", **(env or {})})
        started.append(served)
        return served.start()

    yield start
    for served in started:
        served.stop()


@pytest.fixture(scope="session")
def catalogue_ids(demo_build) -> Dict[str, List[Any]]:
    """Ids and words the load asks for, read from the built catalogue."""
    manifest = json.loads((demo_build / "manifest.json").read_text())
    conn = sqlite3.connect(demo_build / manifest["files"]["catalog"])
    try:
        releases = [r for r, in conn.execute(
            "SELECT release_id FROM albums WHERE release_id IS NOT NULL ORDER BY album_id")]
        masters = [m for m, in conn.execute(
            "SELECT master_id FROM albums WHERE master_id IS NOT NULL ORDER BY album_id")]
        words = sorted({w for title, in conn.execute("SELECT title FROM albums LIMIT 400")
                        for w in title.split() if w.isalpha() and len(w) > 3})
        items = [{"basic_information": {
            "id": release_id, "master_id": master_id or 0, "title": title, "year": year or 0,
            "artists": [{"name": artist or "Various", "anv": "", "join": ""}]}}
            for release_id, master_id, title, year, artist in conn.execute(
                "SELECT release_id, master_id, title, year, artist_names FROM releases "
                "ORDER BY release_id LIMIT 40")]
    finally:
        conn.close()
    assert len(releases) > 100 and len(masters) > 100 and words
    return {"releases": releases, "masters": masters, "words": words, "discogs_items": items}


@pytest.fixture(scope="session")
def request_mix(catalogue_ids):
    """The requests users send, mixed: recommendations, neighbours, search, the index."""
    releases, masters, words = (catalogue_ids[k] for k in ("releases", "masters", "words"))

    def make(rng: random.Random):
        pick = rng.random()
        if pick < 0.4:
            body = {"release_ids": rng.sample(releases, 10), "master_ids": rng.sample(masters, 5),
                    "k": 10}
            return ("recommendations", "POST", "/api/v1/recommendations", body)
        if pick < 0.6:
            return ("release_neighbours", "GET",
                    f"/api/v1/releases/{rng.choice(releases)}/neighbours?k=10", None)
        if pick < 0.75:
            return ("master_neighbours", "GET",
                    f"/api/v1/masters/{rng.choice(masters)}/neighbours?k=10", None)
        if pick < 0.9:
            return ("search", "GET", f"/api/v1/search?q={rng.choice(words)}&limit=10", None)
        return ("index", "GET", "/api/v1/index", None)

    return make


@pytest.fixture
def record_figures(request):
    """record_figures(dict): kept in the JUnit properties, printed, and appended to the
    file named by DISCOGS_RECS_RELIABILITY_REPORT."""

    def record(figures: Dict[str, Any]) -> None:
        line = {"test": request.node.name, **figures}
        request.node.user_properties.append(("figures", json.dumps(line)))
        print(json.dumps(line))
        target = os.environ.get(REPORT_ENV)
        if target:
            with open(target, "a") as handle:
                handle.write(json.dumps(line) + "\n")

    return record
