"""A synthetic published index of N albums for serving benchmarks (default 1M).

Vectors are unit vectors drawn around a few thousand random "style" centres (real
embeddings are clustered; uniformly random vectors are a needlessly hard and untypical
case for approximate search). The catalogue has one synthetic album row per vector
(titles, artists, genres, styles, years, labels, formats), written through the index
builder's own schema and publish step, so the server reads it like any real build.

    python -m bench.serving_index --albums 1000000 --out /tmp/discogs-bench/serving-1m

An existing index with the same settings is reused.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any, Dict, Optional

import numpy as np

from index_builder import catalog
import datetime as dt
import os
import shutil

from index_builder.layout import (CATALOG, INDEX, MANIFEST_SCHEMA_VERSION, VECTORS, Layout,
                                  read_manifest, write_json_atomically)
from index_builder.vector_index import build_index

GENRES = ["Electronic", "Rock", "Jazz", "Hip Hop", "Funk / Soul", "Pop", "Classical", "Reggae",
          "Latin", "Blues", "Folk, World, & Country", "Stage & Screen", "Non-Music",
          "Children's", "Brass & Military"]
STYLES = ["House", "Techno", "Ambient", "Drum n Bass", "Punk", "Indie Rock", "Hard Bop",
          "Soul-Jazz", "Boom Bap", "Disco", "Synth-pop", "Baroque", "Dub", "Salsa",
          "Chicago Blues", "Bluegrass", "Soundtrack", "Experimental", "Trip Hop", "Garage Rock"]
FORMATS = ["Vinyl", "CD", "Cassette", "File"]
COUNTRIES = ["US", "UK", "Germany", "France", "Japan", "Netherlands", "Italy", "Sweden"]
DIM = 384
CENTRES = 4000
DEFAULT_PARAMS = {"nlist": 1024, "nprobe": 12}


def _vectors(path: Path, n: int, seed: int, chunk: int = 100_000) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((CENTRES, DIM), dtype=np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    out = np.lib.format.open_memmap(str(path), mode="w+", dtype=np.float32, shape=(n, DIM))
    labels = np.empty(n, dtype=np.int32)
    for start in range(0, n, chunk):
        size = min(chunk, n - start)
        which = rng.integers(0, CENTRES, size)
        block = centres[which] + 0.06 * rng.standard_normal((size, DIM), dtype=np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[start:start + size] = block
        labels[start:start + size] = which
    out.flush()
    return labels


def _catalogue(path: Path, labels: np.ndarray, seed: int) -> None:
    rng = np.random.default_rng(seed + 1)
    n = labels.size
    db = catalog.create_schema(str(path))
    columns = list(catalog.ALBUM_COLUMNS)
    artists = rng.integers(1, max(2, n // 6), n)  # about 6 albums per artist
    years = rng.integers(1950, 2021, n)
    batch = []
    for album_id in range(n):
        style = labels[album_id] % len(STYLES)
        genre = labels[album_id] % len(GENRES)
        artist_id = int(artists[album_id])
        name = f"Artist {artist_id}"
        label = f"Label {labels[album_id] % 997}"
        batch.append((album_id, album_id + 1, 10_000_000 + album_id, f"Synthetic album {album_id}",
                      catalog.dumps([{"id": artist_id, "name": name}]), name,
                      catalog.dumps([GENRES[genre]]),
                      catalog.dumps([STYLES[style], STYLES[(style + 7) % len(STYLES)]]),
                      int(years[album_id]), COUNTRIES[album_id % len(COUNTRIES)], label,
                      catalog.dumps([label]), catalog.dumps([FORMATS[album_id % len(FORMATS)]]),
                      catalog.dumps([{"url": f"https://www.youtube.com/watch?v=s{album_id}",
                                      "title": f"{name} - track"}]), 1, "", ""))
        if len(batch) == 50_000:
            catalog.insert_rows(db.conn, "albums", columns, batch)
            batch.clear()
    catalog.insert_rows(db.conn, "albums", columns, batch)
    db.conn.commit()
    catalog.set_meta(db, {"schema_version": catalog.SCHEMA_VERSION, "inputs": {"synthetic": n},
                          "dump_dates": {"synthetic": "2020-08-06"}, "filters": {},
                          "text_template": "synthetic",
                          "counts": {"albums": n, "releases": 0, "masters": n}})
    catalog.finish(db)
    db.conn.close()


def build(out: str, albums: int = 1_000_000, index_type: str = "ivf_sq8",
          params: Optional[Dict[str, Any]] = None, seed: int = 7, log=print) -> Dict[str, Any]:
    """Build and publish the synthetic index in `out` unless it is already there."""
    settings = {"albums": albums, "index_type": index_type, "params": params or DEFAULT_PARAMS,
                "seed": seed}
    layout = Layout(out)
    manifest = read_manifest(out)
    if manifest and manifest.get("inputs", {}).get("synthetic") == settings:
        log(f"reusing the synthetic index in {out} (build {manifest['build_id']})")
        return manifest
    layout.work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    labels = _vectors(layout.work_file(VECTORS), albums, seed)
    log(f"vectors: {albums:,} x {DIM} in {time.perf_counter() - started:.0f} s")
    t = time.perf_counter()
    _catalogue(layout.work_file(CATALOG), labels, seed)
    log(f"catalogue: {albums:,} rows in {time.perf_counter() - t:.0f} s")
    t = time.perf_counter()
    info = build_index(str(layout.work_file(VECTORS)), str(layout.work_file(INDEX)),
                       index_type=index_type, params=settings["params"], progress=False)
    log(f"FAISS {index_type} {info['params']}: {time.perf_counter() - t:.0f} s")
    return _publish(layout, settings, info)


def _publish(layout: Layout, settings: Dict[str, Any], info: Dict[str, Any]) -> Dict[str, Any]:
    """Move work/ to builds/<id> and write the manifest the server reads (docs/index-format.md)."""
    now = dt.datetime.now(dt.timezone.utc)
    build_id = now.strftime("%Y%m%dT%H%M%SZ") + "-synthetic"
    shutil.rmtree(layout.builds, ignore_errors=True)  # only the one synthetic build is kept
    layout.builds.mkdir(parents=True)
    os.replace(layout.work, layout.builds / build_id)
    relative = f"builds/{build_id}"
    manifest = {
        "schema_version": MANIFEST_SCHEMA_VERSION, "catalog_schema_version": catalog.SCHEMA_VERSION,
        "build_id": build_id, "built_at": now.isoformat(timespec="seconds"),
        "dump_dates": {"synthetic": "2020-08-06"}, "inputs": {"synthetic": settings},
        "filters": {}, "counts": {"albums": settings["albums"], "vectors": info["vectors"]},
        "model": {"name": "synthetic", "dimension": DIM}, "text_template": "synthetic",
        "index": {k: info[k] for k in ("type", "params", "dimension")},
        "files": {"catalog": f"{relative}/{CATALOG}", "vectors": f"{relative}/{VECTORS}",
                  "index": f"{relative}/{INDEX}"},
    }
    write_json_atomically(layout.manifest, manifest)
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--albums", type=int, default=1_000_000)
    parser.add_argument("--out", required=True)
    parser.add_argument("--index-type", default="ivf_sq8", choices=["flat", "hnsw", "hnsw_sq8", "ivf_sq8"])
    parser.add_argument("--params", type=json.loads, default=None, help='e.g. {"nlist": 1024, "nprobe": 12}')
    args = parser.parse_args()
    manifest = build(args.out, args.albums, args.index_type, args.params)
    print(json.dumps({k: manifest[k] for k in ("build_id", "counts", "index")}, indent=2))


if __name__ == "__main__":
    main()
