"""`discogs-recs index`: vectors -> a FAISS index over album ids (row numbers).

Exact search while it is cheap; above a size threshold the most accurate approximate
index that fits the memory budget: HNSW over float vectors, then HNSW over 8-bit
scalar-quantised vectors, then IVF with SQ8 (the smallest), which is also the choice
for the largest catalogues whatever the budget. `--index-type` overrides.
"""
from __future__ import annotations

import math
import time
from typing import Any, Dict, Optional, Tuple

import numpy as np
from tqdm import tqdm

INDEX_TYPES = ("auto", "flat", "hnsw", "hnsw_sq8", "ivf_sq8")
EXACT_THRESHOLD = 200_000
DEFAULT_MEMORY_BUDGET = 8 << 30
# HNSW's recall at a fixed efSearch falls as the graph grows (0.956 at 1M vectors, 0.917
# at 2M, 0.846 at 5M) while IVF's rises, its nprobe growing with nlist (0.918, 0.948,
# 0.973); the lines cross near 1.5M, and IVF also builds 7x faster in a quarter of the
# memory (docs/benchmarks.md, "Index types")
HNSW_MAX_VECTORS = 1_500_000
HNSW_M = 32
ADD_BATCH = 50_000
# One query's scan on an IVF index, in 8-bit codes: ~4.5 ms here at 256 dimensions, so
# one album's neighbours stay within their 10 ms p99 over HTTP (see default_params)
QUERY_SCAN_CODES = 80_000


def estimated_bytes(index_type: str, n: int, dim: int) -> int:
    links = HNSW_M * 2 * 4  # level-0 neighbour lists dominate HNSW's overhead
    return {
        "flat": n * dim * 4,
        "hnsw": n * (dim * 4 + links),
        "hnsw_sq8": n * (dim + links),
        "ivf_sq8": n * (dim + 8),
    }[index_type]


def choose_index_type(n: int, dim: int, memory_budget: int = DEFAULT_MEMORY_BUDGET,
                      exact_threshold: int = EXACT_THRESHOLD) -> str:
    if n <= exact_threshold:
        return "flat"
    if n > HNSW_MAX_VECTORS:
        return "ivf_sq8"
    for candidate in ("hnsw", "hnsw_sq8"):
        if estimated_bytes(candidate, n, dim) <= memory_budget:
            return candidate
    return "ivf_sq8"


def default_params(index_type: str, n: int) -> Dict[str, Any]:
    if index_type in ("hnsw", "hnsw_sq8"):
        # efSearch 256 rather than 96: recall@10 on 1M clustered 384-d vectors rises from
        # 0.89 to 0.96 for 0.8 ms more per query (1.5 ms; bench/index_types.py --sweep)
        return {"M": HNSW_M, "efConstruction": 80, "efSearch": 256}
    if index_type == "ivf_sq8":
        nlist = int(min(65536, max(16, 4 * math.sqrt(n))))
        # probing 1/64 of the lists: recall@10 0.92 at 1M clustered 384-d vectors (2 ms),
        # 0.97 at 5M (8 ms); ivf_sq8 is picked only for the largest catalogues, where
        # 1/32 would double the latency for one point of recall (bench/index_types.py).
        # A list holds sqrt(n)/4 albums, so 1/64 of them grows with the catalogue: above
        # ~5M albums at most QUERY_SCAN_CODES codes are probed (10M calibrated static
        # vectors, nprobe 101 of 12,649 lists: 0.95 of the ten nearest by the codes,
        # 0.97 as one album's neighbours are served, rescored; 126 lists added 0.01 for
        # 1.4 ms more; docs/benchmarks.md, "Serving at scale").
        per_list = max(1.0, n / nlist)
        return {"nlist": nlist, "nprobe": max(8, min(nlist // 64, int(QUERY_SCAN_CODES / per_list)))}
    return {}


def _new_index(index_type: str, dim: int, params: Dict[str, Any]):
    import faiss

    ip = faiss.METRIC_INNER_PRODUCT
    if index_type == "flat":
        return faiss.IndexFlatIP(dim)
    if index_type == "hnsw":
        index = faiss.IndexHNSWFlat(dim, params["M"], ip)
    elif index_type == "hnsw_sq8":
        index = faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_8bit, params["M"], ip)
    elif index_type == "ivf_sq8":
        # the factory owns the coarse quantizer, so nothing dangles on the Python side
        return faiss.index_factory(dim, f"IVF{params['nlist']},SQ8", ip)
    else:
        raise ValueError(f"unknown index type {index_type!r}; choose one of {', '.join(INDEX_TYPES)}")
    index.hnsw.efConstruction = params["efConstruction"]
    return index


def apply_search_params(index, index_type: str, params: Dict[str, Any]) -> None:
    """Set query-time knobs (efSearch, nprobe) recorded in the manifest."""
    if index_type in ("hnsw", "hnsw_sq8"):
        index.hnsw.efSearch = int(params.get("efSearch", 256))
    elif index_type == "ivf_sq8":
        index.nprobe = int(params.get("nprobe", 16))


def _training_sample(vectors: np.ndarray, size: int, seed: int = 0) -> np.ndarray:
    n = vectors.shape[0]
    if n <= size:
        return np.ascontiguousarray(vectors[:], dtype=np.float32)
    rows = np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False))
    return np.ascontiguousarray(vectors[rows], dtype=np.float32)


def _rows(vectors_path: str) -> np.ndarray:
    """The vectors, memory-mapped anew for each read: once the map is dropped its pages
    leave the process (a map held through the whole build would count every page read,
    the whole 5-10 GB file at full scale, as resident)."""
    return np.load(vectors_path, mmap_mode="r")


def build_index(vectors_path: str, index_path: str, index_type: str = "auto",
                params: Optional[Dict[str, Any]] = None,
                memory_budget: int = DEFAULT_MEMORY_BUDGET,
                exact_threshold: int = EXACT_THRESHOLD,
                progress: bool = True) -> Dict[str, Any]:
    """Build and write the index; returns its description for the manifest."""
    import faiss

    started = time.perf_counter()
    n, dim = np.load(vectors_path, mmap_mode="r").shape
    if index_type == "auto":
        index_type = choose_index_type(n, dim, memory_budget, exact_threshold)
    chosen = {**default_params(index_type, n), **(params or {})}
    index = _new_index(index_type, dim, chosen)
    if not index.is_trained:
        sample = _training_sample(_rows(vectors_path), max(chosen.get("nlist", 1) * 39, 50_000))
        index.train(sample)
        del sample
    bar = tqdm(total=n, desc=f"index ({index_type})", unit=" vectors",
               disable=not progress, dynamic_ncols=True)
    for start in range(0, n, ADD_BATCH):
        index.add(np.ascontiguousarray(_rows(vectors_path)[start:start + ADD_BATCH],
                                       dtype=np.float32))
        bar.update(min(ADD_BATCH, n - start))
    bar.close()
    faiss.write_index(index, index_path)
    return {"type": index_type, "params": chosen, "vectors": int(n), "dimension": int(dim),
            "seconds": round(time.perf_counter() - started, 3)}


def load_index(index_path: str, description: Dict[str, Any], mmap: bool = False):
    import faiss

    flags = faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY if mmap else 0
    index = faiss.read_index(index_path, flags)
    apply_search_params(index, description["type"], description.get("params", {}))
    if description["type"] == "ivf_sq8":
        graph_coarse_quantizer(index)
    return index


# The coarse search of an IVF query compares it with every list's centroid: 1.2 ms of
# the 2.3 ms floor of one query at 10M albums (12,649 lists), and a collection pays it
# once per taste. A small HNSW graph over the centroids finds the lists to probe in
# 0.1 ms (0.999 of the exact lists at efSearch 256), and building it at load takes
# 0.6 s (docs/benchmarks.md, "Serving at scale"). The file keeps the flat quantizer
# the builder trained, so the graph is a serving-time choice.
QUANTIZER_M = 32
QUANTIZER_EF = 256


def graph_coarse_quantizer(index) -> None:
    """Replace an IVF index's flat coarse quantizer by an HNSW graph of its centroids
    (in place; efSearch at least twice the probing, so nearly exact lists)."""
    import faiss

    ivf = faiss.extract_index_ivf(index)
    flat = ivf.quantizer
    graph = faiss.IndexHNSWFlat(ivf.d, QUANTIZER_M, ivf.metric_type)
    graph.hnsw.efConstruction = 80
    graph.hnsw.efSearch = max(QUANTIZER_EF, 2 * int(ivf.nprobe))
    graph.add(flat.reconstruct_n(0, flat.ntotal))
    if ivf.own_fields:
        flat.this.acquire()  # the flat quantizer is freed with its Python proxy
    graph.this.disown()  # and the graph is the index's to free
    ivf.quantizer, ivf.own_fields = graph, True


def search(index, queries: np.ndarray, k: int) -> Tuple[np.ndarray, np.ndarray]:
    return index.search(np.ascontiguousarray(queries, dtype=np.float32), k)
