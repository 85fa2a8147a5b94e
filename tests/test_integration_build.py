"""A real build: the 1,000-release sample and the 2,072 popular masters, the real model."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import POPULAR_MASTERS, SAMPLE_RELEASES, shared

pytestmark = pytest.mark.slow


def load(index_dir: Path):
    manifest = json.loads((index_dir / "manifest.json").read_text())
    vectors = np.load(index_dir / manifest["files"]["vectors"])
    conn = sqlite3.connect(index_dir / manifest["files"]["catalog"])
    return manifest, vectors, conn


def neighbours(vectors, conn, title: str, artist: str, k: int = 5):
    album_id = conn.execute("SELECT album_id FROM albums WHERE title = ? AND artist_names = ?",
                            (title, artist)).fetchone()[0]
    order = np.argsort(-(vectors @ vectors[album_id]))
    order = [int(i) for i in order if i != album_id][:k]
    return [conn.execute("SELECT artist_names, styles FROM albums WHERE album_id = ?", (i,)).fetchone()
            for i in order]


def test_counts_and_manifest(sample_index: Path):
    manifest, vectors, conn = load(sample_index)
    counts = manifest["counts"]
    assert counts["releases"] == 1000 and counts["masters"] == 2072
    # 615 sample releases carry a master; 385 do not and are albums themselves
    singles = conn.execute("SELECT count(*) FROM albums WHERE master_id IS NULL").fetchone()[0]
    assert singles == 385
    masters_from_releases = conn.execute(
        "SELECT count(DISTINCT master_id) FROM releases WHERE master_id IS NOT NULL").fetchone()[0]
    overlap = conn.execute("SELECT count(DISTINCT r.master_id) FROM releases r JOIN masters m "
                           "ON m.master_id = r.master_id").fetchone()[0]
    assert counts["albums"] == 2072 + masters_from_releases - overlap + 385
    assert vectors.shape == (counts["albums"], 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert manifest["dump_dates"] == {"releases": "2020-08-06"}
    assert manifest["model"]["backend"] and manifest["model"]["key"].startswith(
        "sentence-transformers/all-MiniLM-L6-v2@")
    assert manifest["index"]["type"] == "flat"


def test_neighbours_make_sense(sample_index: Path):
    _, vectors, conn = load(sample_index)
    sabbath = neighbours(vectors, conn, "Paranoid", "Black Sabbath")
    assert sum(artist == "Black Sabbath" for artist, _ in sabbath) >= 3
    miles = neighbours(vectors, conn, "Kind Of Blue", "Miles Davis")
    assert all(artist == "Miles Davis" for artist, _ in miles)
    persuader = neighbours(vectors, conn, "Stockholm", "The Persuader", k=2)
    assert all(artist == "The Persuader" for artist, _ in persuader)
    # beyond the same artist: the nearest other artists to Nevermind share its styles
    nirvana = neighbours(vectors, conn, "Nevermind", "Nirvana", k=8)
    others = [json.loads(styles) for artist, styles in nirvana if artist != "Nirvana"]
    assert any({"Grunge", "Alternative Rock"} & set(s) for s in others[:2])


def test_faiss_index_agrees_with_exact_search(sample_index: Path):
    import faiss

    manifest, vectors, _ = load(sample_index)
    index = faiss.read_index(str(sample_index / manifest["files"]["index"]))
    scores, ids = index.search(vectors[:20], 10)
    exact = np.argsort(-(vectors[:20] @ vectors.T), axis=1)[:, :10]
    assert (ids == exact).mean() > 0.98


def test_search_text_index(sample_index: Path):
    _, _, conn = load(sample_index)
    hits = conn.execute("SELECT title FROM albums_fts WHERE albums_fts MATCH 'sabbath'").fetchall()
    assert ("Paranoid",) in hits


def _cached_rows(cache: Path) -> int:
    if not cache.exists():
        return 0
    try:
        with sqlite3.connect(cache, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM vectors").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def test_killed_build_resumes_and_unchanged_rebuild_embeds_nothing(tmp_path: Path):
    shared("dumps/2020-08-sample/discogs_20200806_releases.xml.gz")
    out = tmp_path / "idx"
    command = [sys.executable, "-m", "discogs_recs", "--quiet", "build",
               "--releases", str(SAMPLE_RELEASES), "--masters", str(POPULAR_MASTERS),
               "--out", str(out)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    cache = out / "cache" / "embeddings.sqlite"
    deadline = time.time() + 300
    while _cached_rows(cache) < 1000 and process.poll() is None and time.time() < deadline:
        time.sleep(0.2)
    assert process.poll() is None, process.stderr.read().decode()
    os.kill(process.pid, signal.SIGKILL)  # as hard as a crash gets
    process.wait()
    assert not (out / "manifest.json").exists()
    done_before = _cached_rows(cache)
    assert done_before >= 1000

    subprocess.run(command, check=True, capture_output=True)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["embedding"]["from_cache"] >= done_before
    assert manifest["embedding"]["embedded"] <= manifest["counts"]["albums"] - done_before

    subprocess.run(command, check=True, capture_output=True)
    again = json.loads((out / "manifest.json").read_text())
    assert again["embedding"]["embedded"] == 0
    assert again["build_id"] != manifest["build_id"]
    assert len(list((out / "builds").iterdir())) == 2  # the current and the previous build
