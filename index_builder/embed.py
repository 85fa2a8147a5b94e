"""`discogs-recs embed`: album texts -> normalised vectors (`vectors.npy`).

Vectors are appended to the .npy in album order, batch by batch, with plain writes (a
memory-mapped output would keep every written page mapped: 10 GB of "resident" memory
for 10M albums), so memory stays flat. The model is loaded only when some text is
missing from the cache: an unchanged dump rebuilds without touching it.

A static model's vectors are stored as float16, in the file and in the cache: its token
table is float16 already, and at 10M albums x 256 dimensions that is 5 GB instead of 10
for the server to keep memory-mapped. A transformer's stay float32.
"""
from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np
from tqdm import tqdm

from .embedder import DEFAULT_BACKEND, DEFAULT_MODEL, Embedder, display_name, model_key
from .embedding_cache import EmbeddingCache
from .static_model import BACKEND as STATIC_BACKEND
from .static_model import StaticEmbedder, is_static, static_key

READ_BATCH = 1024
# A static model embeds ~10,000 texts/s per core: bigger batches keep both worker
# processes busy between the main process's SQLite reads and cache writes.
STATIC_READ_BATCH = 16384


@dataclass
class EmbedStats:
    albums: int = 0
    embedded: int = 0
    from_cache: int = 0
    dimension: int = 0
    seconds: float = 0.0
    model: Optional[dict] = None
    vectors_dtype: str = "float32"


def embed(catalog_path: str, vectors_path: str, cache_path: str, model: str = DEFAULT_MODEL,
          backend: str = DEFAULT_BACKEND, device: Optional[str] = None,
          export_dir: Optional[str] = None, batch_size: int = 64,
          progress: bool = True) -> EmbedStats:
    started = time.perf_counter()
    conn = sqlite3.connect(catalog_path)
    total = conn.execute("SELECT count(*) FROM albums").fetchone()[0]
    cache = EmbeddingCache(cache_path)
    static = is_static(model)
    if static:
        backend = STATIC_BACKEND
    key = EmbeddingCache.key(static_key(model) if static else model_key(model), backend)
    read_batch = STATIC_READ_BATCH if static else READ_BATCH

    def load() -> Any:
        if static:
            return StaticEmbedder(model, export_dir, progress=progress)
        return Embedder(model, backend, device, export_dir)

    embedder: Any = None
    stats = EmbedStats(albums=total)
    dimension = cache.dimension(key)
    if dimension is None:
        embedder = load()
        dimension = embedder.dimension
    stats.dimension = dimension
    dtype = np.dtype(np.float16 if static else np.float32)
    stats.vectors_dtype = dtype.name
    out = open(vectors_path, "wb")
    np.lib.format.write_array_header_1_0(out, {"descr": np.lib.format.dtype_to_descr(dtype),
                                               "fortran_order": False,
                                               "shape": (total, dimension)})
    written = 0
    bar = tqdm(total=total, desc="embed", unit=" albums", disable=not progress,
               dynamic_ncols=True)
    cursor = conn.execute("SELECT album_id, text, text_hash FROM albums ORDER BY album_id")
    try:
        while True:
            rows = cursor.fetchmany(read_batch)
            if not rows:
                break
            ids = [r[0] for r in rows]
            hashes = [r[2] for r in rows]
            known = cache.get(key, hashes)
            missing = {h: t for _, t, h in rows if h not in known}
            if missing:
                if embedder is None:
                    embedder = load()
                new_hashes = list(missing)
                new_vectors = embedder.encode([missing[h] for h in new_hashes],
                                              batch_size).astype(dtype, copy=False)
                cache.put(key, new_hashes, new_vectors)
                known.update(zip(new_hashes, new_vectors))
                stats.embedded += len(new_hashes)
            stats.from_cache += len(rows) - len(missing)
            if ids[0] != written or ids[-1] != written + len(ids) - 1:
                raise ValueError(f"{catalog_path}: album ids are not 0..N-1 in order "
                                 f"(row {written} is album {ids[0]}); run ingest again")
            out.write(np.stack([known[h] for h in hashes]).astype(dtype, copy=False).tobytes())
            written += len(ids)
            bar.update(len(rows))
            bar.set_postfix_str(f"{stats.embedded:,} embedded, {stats.from_cache:,} cached",
                                refresh=False)
        out.flush()
        os.fsync(out.fileno())
    finally:
        out.close()
        bar.close()
        cache.close()
        if static and embedder is not None:
            embedder.close()
        conn.close()
    stats.model = (embedder.describe() if embedder else
                   {"name": display_name(model), "key": key.split("|")[0], "dimension": dimension,
                    "backend": backend, "device": "not loaded (all cached)",
                    **({"pca_dims": dimension} if static else {})})
    stats.seconds = time.perf_counter() - started
    return stats
