"""FAISS index types the builder can pick: build time, size, latency and recall.

    python -m bench.index_types --sweep                  # 1M and 5M vectors (~30 min)
    python -m bench.index_types --sizes 100000 --types flat,hnsw   # a quick run
    python -m bench.index_types --sizes 5000000 --types hnsw --hnsw-sample 0  # the real thing

Vectors: synthetic, dimension 384 like the model's, L2-normalised: a direction common to
all, one of 4,096 cluster centres (uneven sizes), a 32-dimensional latent variation and
a little isotropic noise, calibrated so that a sample of them has the neighbour
statistics of the real album vectors (see the constants below). They are generated in chunks into a memory-mapped .npy under
/tmp/discogs-bench (5M x 384 float32 = 7.7 GB) and reused between runs. Queries: 200
more vectors from the same mixture, not in the index.

Every index is built with index_builder.vector_index.build_index, the builder's own
function with its default parameters, so the figures are for what `discogs-recs index`
writes. Reported per type and size: build seconds, bytes per vector (file size / n),
single-query latency p50/p99 (k=10, one query per search call, one FAISS thread, the
index loaded as the server loads it; builds use all cores) and recall@10 against exact search.

An index type whose build would take too long on this machine can be measured on a
prefix (`--hnsw-sample N`): its build time is then extrapolated linearly (labelled as
such; HNSW's build grows slightly faster than linearly, so it is a lower bound) and its
latency and recall are measured on the prefix, which overstates its recall at the full
size: HNSW's recall at a fixed efSearch falls as the graph grows (0.956 at 1M, 0.846 at
5M), so only `--hnsw-sample 0` measures it.
"""
from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import numpy as np

from bench.common import BENCH_DIR, log, machine_line, table, write_result

DIM = 384
CENTRES = 4096  # clusters (think styles x eras)
LATENT = 32  # directions of variation shared by all albums
# weights of: a direction common to all vectors, the cluster centre, the latent part,
# isotropic noise. Chosen so that 975 synthetic vectors look like the 975 real album
# vectors of the sample (MiniLM, template full-v1): mean cosine of random pairs 0.32
# (real 0.31), mean cosine to the nearest neighbour 0.59 (0.60) and to the 10th 0.48
# (0.51); 32 (42) principal components hold half the variance, 128 (112) 80 %.
COMMON, CENTRE, VARIATION, NOISE = 0.6, 0.6, 0.6, 0.3
QUERIES = 200
K = 10
CHUNK = 100_000


def _model(seed: int = 7):
    rng = np.random.default_rng(seed)
    common = rng.standard_normal(DIM).astype(np.float32)
    common /= np.linalg.norm(common)
    centres = rng.standard_normal((CENTRES, DIM)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    variation = rng.standard_normal((DIM, LATENT)).astype(np.float32) / np.sqrt(DIM * LATENT)
    weights = rng.pareto(1.5, CENTRES) + 0.05  # uneven cluster sizes, like styles
    return common, centres, variation, weights / weights.sum()


def _mixture(n: int, rng: np.random.Generator, model) -> np.ndarray:
    common, centres, variation, weights = model
    picks = rng.choice(CENTRES, size=n, p=weights)
    block = (COMMON * common + CENTRE * centres[picks]
             + VARIATION * (rng.standard_normal((n, LATENT), dtype=np.float32) @ variation.T)
             + NOISE * rng.standard_normal((n, DIM), dtype=np.float32) / np.sqrt(DIM))
    block /= np.linalg.norm(block, axis=1, keepdims=True)
    return block.astype(np.float32, copy=False)


def vectors_file(n: int) -> Path:
    """A cached .npy of n mixture vectors (the first m rows of any size are the same)."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = BENCH_DIR / f"vectors-{n}x{DIM}.npy"
    if path.exists():
        return path
    log(f"generating {n:,} x {DIM} vectors -> {path}")
    partial = path.with_name(path.name + ".partial.npy")
    out = np.lib.format.open_memmap(partial, mode="w+", dtype=np.float32, shape=(n, DIM))
    model = _model()
    for start in range(0, n, CHUNK):
        rng = np.random.default_rng([11, start // CHUNK])
        out[start:start + CHUNK] = _mixture(min(CHUNK, n - start), rng, model)
    out.flush()
    del out
    os.replace(partial, path)
    return path


def prefix_file(n: int, of: Path) -> Path:
    """The first n rows of a vectors file, as its own .npy (for building a prefix)."""
    source = np.load(of, mmap_mode="r")
    if n >= source.shape[0]:
        return of
    path = BENCH_DIR / f"vectors-{n}-of-{of.stem.split('-')[1]}.npy"
    if path.exists():
        return path
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(n, DIM))
    for start in range(0, n, CHUNK * 10):
        end = min(n, start + CHUNK * 10)
        out[start:end] = source[start:end]
    out.flush()
    del out
    return path


def queries() -> np.ndarray:
    return _mixture(QUERIES, np.random.default_rng(99), _model())


def exact_neighbours(path: Path, q: np.ndarray, k: int = K) -> np.ndarray:
    """Exact top-k by inner product, streamed over the memory-mapped vectors."""
    vectors = np.load(path, mmap_mode="r")
    best_scores = np.full((len(q), k), -np.inf, dtype=np.float32)
    best_ids = np.zeros((len(q), k), dtype=np.int64)
    for start in range(0, vectors.shape[0], CHUNK * 5):
        block = np.asarray(vectors[start:start + CHUNK * 5])
        scores = q @ block.T
        top = np.argpartition(-scores, k, axis=1)[:, :k]
        merged_scores = np.concatenate([best_scores, np.take_along_axis(scores, top, 1)], axis=1)
        merged_ids = np.concatenate([best_ids, top + start], axis=1)
        order = np.argsort(-merged_scores, axis=1)[:, :k]
        best_scores = np.take_along_axis(merged_scores, order, 1)
        best_ids = np.take_along_axis(merged_ids, order, 1)
    return best_ids


def measure(index_type: str, path: Path, q: np.ndarray, truth: np.ndarray,
            sweep_knob: bool = False) -> Dict[str, Any]:
    import faiss

    from index_builder.vector_index import build_index, load_index

    n = np.load(path, mmap_mode="r").shape[0]
    index_path = BENCH_DIR / f"index-{index_type}-{n}.faiss"
    started = time.perf_counter()
    described = build_index(str(path), str(index_path), index_type=index_type, progress=False)
    build_seconds = time.perf_counter() - started
    size = index_path.stat().st_size
    index = load_index(str(index_path), described)
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)  # as the server runs it (one FAISS thread per worker)
    latencies, recall = _queries(index, q, truth)
    sweep = []
    if sweep_knob:
        from index_builder.vector_index import apply_search_params

        knob, values = _sweep_values(index_type, described["params"])
        for value in values:
            apply_search_params(index, index_type, {knob: value})
            lat, rec = _queries(index, q, truth)
            sweep.append({knob: value, "recall@10": rec,
                          "latency_p50_ms": float(np.percentile(lat, 50) * 1e3),
                          "latency_p99_ms": float(np.percentile(lat, 99) * 1e3)})
            log(f"    {knob}={value}: recall@10 {rec:.3f}, p50 {sweep[-1]['latency_p50_ms']:.2f} ms")
    faiss.omp_set_num_threads(threads)
    del index
    index_path.unlink()
    gc.collect()
    return {"type": index_type, "vectors": int(n), "params": described["params"],
            "build_seconds": build_seconds, "bytes_per_vector": size / n, "index_bytes": size,
            "latency_p50_ms": float(np.percentile(latencies, 50) * 1e3),
            "latency_p99_ms": float(np.percentile(latencies, 99) * 1e3),
            "recall@10": recall, **({"sweep": sweep} if sweep else {})}


def _queries(index, q: np.ndarray, truth: np.ndarray):
    latencies = []
    found = np.zeros_like(truth)
    for i in range(len(q)):
        started = time.perf_counter()
        _, ids = index.search(q[i:i + 1], K)
        latencies.append(time.perf_counter() - started)
        found[i] = ids[0]
    recall = float(np.mean([len(set(a) & set(b)) / K for a, b in zip(found, truth)]))
    return latencies, recall


def _sweep_values(index_type: str, params: Dict[str, Any]):
    if index_type in ("hnsw", "hnsw_sq8"):
        return "efSearch", [64, 96, 128, 192, 256, 384]
    if index_type == "ivf_sq8":
        nlist = params["nlist"]
        return "nprobe", [max(1, nlist // d) for d in (128, 64, 32, 16, 8)]
    return None, []


def main(argv: List[str] = None) -> int:
    import faiss

    from index_builder.vector_index import INDEX_TYPES, choose_index_type

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000000,5000000")
    parser.add_argument("--types", default=",".join(t for t in INDEX_TYPES if t != "auto"))
    parser.add_argument("--hnsw-sample", type=int, default=1_000_000,
                        help="build hnsw/hnsw_sq8 on only this many vectors when the size is "
                             "larger, and extrapolate the build time (labelled); default "
                             "1000000 keeps the default run near 30 min; 0 builds them all")
    parser.add_argument("--sweep", action="store_true",
                        help="also measure recall and latency over the query-time knob "
                             "(efSearch, nprobe) of each approximate index")
    parser.add_argument("--name", default="index_types")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    types = [t for t in args.types.split(",") if t]
    largest = max(sizes)
    full = vectors_file(largest)
    q = queries()
    rows: List[Dict[str, Any]] = []
    measured: Dict[tuple, Dict[str, Any]] = {}  # (type, vectors) -> row, to reuse for extrapolation
    for n in sizes:
        path = full if n == largest else prefix_file(n, full)
        log(f"{n:,} vectors: exact search for {QUERIES} queries")
        truth = exact_neighbours(path, q)
        truths = {n: truth}
        for index_type in types:
            sample: Optional[int] = None
            measured_path = path
            if (index_type.startswith("hnsw") and args.hnsw_sample and n > args.hnsw_sample):
                sample = args.hnsw_sample
                measured_path = prefix_file(sample, full)
                if sample not in truths:
                    truths[sample] = exact_neighbours(measured_path, q)
            log(f"{n:,} vectors: building {index_type}"
                + (f" on the first {sample:,} (extrapolated)" if sample else ""))
            key = (index_type, sample or n)
            if key in measured:
                row = {k: v for k, v in measured[key].items()
                       if k not in ("size", "auto_choice", "extrapolated")}
            else:
                row = measure(index_type, measured_path, q, truths[sample or n], args.sweep)
                measured[key] = row
            row = dict(row)
            row["size"] = n
            row["auto_choice"] = choose_index_type(n, DIM) == index_type
            if sample:
                row["measured_on"] = sample
                row["build_seconds_measured"] = row["build_seconds"]
                row["build_seconds"] = row["build_seconds"] * n / sample
                row["build_seconds_nlogn"] = (row["build_seconds_measured"] * n * np.log(n)
                                              / (sample * np.log(sample)))
                row["extrapolated"] = True
                # the graph's per-vector size does not depend on n
            rows.append(row)
            log(f"  {index_type}: build {row['build_seconds']:.0f} s, "
                f"{row['bytes_per_vector']:.0f} B/vector, p50 {row['latency_p50_ms']:.2f} ms, "
                f"p99 {row['latency_p99_ms']:.2f} ms, recall@10 {row['recall@10']:.3f}")
            write_result(args.name, {"rows": rows, "dimension": DIM, "queries": QUERIES,
                                     "faiss": faiss.__version__, "omp_threads": faiss.omp_get_max_threads(),
                                     "complete": False})

    def label(r: Dict[str, Any]) -> str:
        return r["type"] + (" (auto)" if r["auto_choice"] else "")

    print(f"\nIndex types, {DIM}-d normalised vectors, {QUERIES} queries, k={K}, faiss "
          f"{faiss.__version__}, {machine_line()}\n")
    print(table(["vectors", "index", "params", "build s", "bytes/vector", "p50 ms", "p99 ms",
                 "recall@10"],
                [(f"{r['size']:,}", label(r),
                  ", ".join(f"{k}={v}" for k, v in r["params"].items()) or "-",
                  (f"~{r['build_seconds']:,.0f}-{r['build_seconds_nlogn']:,.0f} (extrapolated "
                   f"from {r['measured_on']:,}: n to n log n)"
                   if r.get("extrapolated") else f"{r['build_seconds']:,.0f}"),
                  f"{r['bytes_per_vector']:,.0f}", f"{r['latency_p50_ms']:.2f}",
                  f"{r['latency_p99_ms']:.2f}",
                  f"{r['recall@10']:.3f}" + (f" (on {r['measured_on']:,})" if r.get("extrapolated") else ""))
                 for r in rows]))
    swept = [r for r in rows if r.get("sweep") and not r.get("extrapolated")]
    if swept:
        print("\nQuery-time knob (same index, one FAISS thread):\n")
        print(table(["vectors", "index", "setting", "recall@10", "p50 ms", "p99 ms"],
                    [(f"{r['size']:,}", r["type"],
                      ", ".join(f"{k}={v}" for k, v in point.items() if k in ("efSearch", "nprobe")),
                      f"{point['recall@10']:.3f}", f"{point['latency_p50_ms']:.2f}",
                      f"{point['latency_p99_ms']:.2f}")
                     for r in swept for point in r["sweep"]]))
    path = write_result(args.name, {"rows": rows, "dimension": DIM, "queries": QUERIES,
                                    "faiss": faiss.__version__,
                                    "omp_threads": faiss.omp_get_max_threads(), "complete": True})
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
