"""`discogs-recs embed --ray ADDRESS`: the embedding as a Ray Data job, into the same cache.

A transformer model over the whole catalogue (about 10M albums) is days of CPU on one
small machine; on a Ray cluster every actor holds one model and embeds its share.

    the driver (where `discogs-recs embed` runs) reads the catalogue, keeps the texts the
    cache lacks, and hands them to Ray in slices of SLICE texts;
    Ray Data runs `map_batches(_Encode, concurrency=ACTORS)`: each actor loads the model
    once (the same `Embedder` / `StaticEmbedder` as a local build, so the vectors are the
    same) and encodes batches of texts;
    the driver writes each returned batch into the embedding cache (same keys: model,
    backend, text hash), then runs the ordinary embed stage, which finds every text in the
    cache and writes vectors.npy.

So a job killed half-way keeps what it had written, and a later local `discogs-recs embed`
(or `build`) reuses all of it. The workers need this package and the model at the same
path as the driver (install the project on every node, e.g. the same image, or
`runtime_env={"pip": [...]}`); only texts and vectors travel.

ADDRESS is what `ray.init(address=...)` takes ("auto" on a cluster node, or
"ray://HEAD:10001" from outside); "local" starts a Ray on this machine (for a test).
"""
from __future__ import annotations

import logging
import sqlite3
import time
from typing import Any, Dict, Iterator, List, Optional, Tuple

import numpy as np

from .embed import EmbedStats, embed
from .embedder import DEFAULT_BACKEND, DEFAULT_MODEL, ModelError, model_key
from .embedding_cache import EmbeddingCache
from .static_model import BACKEND as STATIC_BACKEND
from .static_model import is_static, static_key

SLICE = 100_000  # texts handed to Ray at a time: bounds the driver's memory
BATCH = 256  # texts per map_batches call


class _Encode:
    """One model per actor, loaded once."""

    def __init__(self, model: str, backend: str, device: Optional[str],
                 export_dir: Optional[str]):
        if is_static(model):
            from .static_model import StaticEmbedder

            self.embedder = StaticEmbedder(model, export_dir, workers=1, progress=False)
        else:
            from .embedder import Embedder

            self.embedder = Embedder(model, backend, device, export_dir)

    def __call__(self, batch: Dict[str, Any]) -> Dict[str, Any]:
        vectors = self.embedder.encode(list(batch["text"]))
        return {"text_hash": batch["text_hash"], "vector": list(vectors)}


def _missing(catalog_path: str, cache: EmbeddingCache, key: str) -> Iterator[List[Tuple[str, str]]]:
    """Slices of (text_hash, text) the cache lacks, each text once."""
    conn = sqlite3.connect(catalog_path)
    seen = set()
    pending: List[Tuple[str, str]] = []
    try:
        cursor = conn.execute("SELECT text_hash, text FROM albums ORDER BY album_id")
        while True:
            rows = cursor.fetchmany(8192)
            if not rows:
                break
            known = cache.get(key, [h for h, _ in rows])
            for text_hash, text in rows:
                if text_hash not in known and text_hash not in seen:
                    seen.add(text_hash)
                    pending.append((text_hash, text))
            if len(pending) >= SLICE:
                yield pending
                pending = []
        if pending:
            yield pending
    finally:
        conn.close()


def embed_with_ray(catalog_path: str, vectors_path: str, cache_path: str, address: str,
                   model: str = DEFAULT_MODEL, backend: str = DEFAULT_BACKEND,
                   device: Optional[str] = None, export_dir: Optional[str] = None,
                   actors: Optional[int] = None, batch_size: int = BATCH,
                   progress: bool = True) -> EmbedStats:
    try:
        import ray
    except ImportError as exc:
        raise ModelError("--ray needs Ray: pip install 'discogs-recs[ray]' (or "
                         "'ray[data]')") from exc
    started = time.perf_counter()
    if is_static(model):
        backend = STATIC_BACKEND
        if export_dir:  # distil once here, so that actors on this machine only load it
            from pathlib import Path

            from .static_model import distilled_folder

            distilled_folder(model, Path(export_dir), progress=progress)
    key = EmbeddingCache.key(static_key(model) if is_static(model) else model_key(model), backend)
    started_here = not ray.is_initialized()
    if not progress:  # Ray Data logs every dataset's plan and timing at INFO
        for name in ("ray", "ray.data"):
            logging.getLogger(name).setLevel(logging.WARNING)
    if started_here:
        ray.init(address=None if address == "local" else address, include_dashboard=False,
                 log_to_driver=False, logging_level=logging.INFO if progress else logging.WARNING)
    sent = 0
    cache = EmbeddingCache(cache_path)
    try:
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = progress
        for part in _missing(catalog_path, cache, key):
            dataset = ray.data.from_items([{"text_hash": h, "text": t} for h, t in part])
            encoded = dataset.map_batches(
                _Encode, fn_constructor_args=(model, backend, device, export_dir),
                batch_size=batch_size, concurrency=actors or 2, batch_format="numpy")
            for batch in encoded.iter_batches(batch_size=4096, batch_format="numpy"):
                vectors = np.stack(batch["vector"])
                if is_static(model):
                    vectors = vectors.astype(np.float16)
                cache.put(key, [str(h) for h in batch["text_hash"]], vectors)
            sent += len(part)
    finally:
        cache.close()
        if started_here:
            ray.shutdown()
    # every text is in the cache now: the ordinary stage writes vectors.npy from it
    stats = embed(catalog_path, vectors_path, cache_path, model=model, backend=backend,
                  device=device, export_dir=export_dir, progress=progress)
    stats.embedded, stats.from_cache = sent, stats.albums - sent
    if stats.model is not None:
        stats.model = {**stats.model, "ray": address}
    stats.seconds = time.perf_counter() - started
    return stats
