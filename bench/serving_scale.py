"""Serving a whole-catalogue index within 8 GB: static-model vectors (256-d float16), IVF.

    python -m bench.serving_scale --albums 10000000 --calibrate /tmp/cs --calibrate /tmp/ss
    python -m bench.serving_scale --albums 2000000 --duration 120      # the first mixture

(/tmp/cs and /tmp/ss: the `--model static` builds of bench.ivf_calibration's docstring.)

Builds (once, reused) a synthetic published index of N albums shaped like a `--model
static` build: 256-dimension vectors stored as float16 (what `discogs-recs embed`
writes for a static model). With --calibrate they are drawn from bench.calibrated_vectors
fitted on those real vectors (their clusters and IVF curve: the figures to trust);
without, from bench.index_types' mixture re-weighted so that
975 of them have the neighbour statistics of the sample's 975 real static-model album
vectors (mean cosine of random pairs 0.55, real 0.45; to the nearest neighbour 0.74,
real 0.77; to the 10th 0.69, real 0.71); a synthetic catalogue row per album
(bench.serving_index); the FAISS index `discogs-recs index` would pick (auto: ivf_sq8
above 1.5M albums) with the builder's default parameters.

Then, as the server runs it (one FAISS thread, the index loaded by IndexStore):
- FAISS alone: recall@10 against exact search (200 queries from the same generator, not
  in the index), p50/p99 of one query per call, at the default nprobe and the others
  of a sweep, by the 8-bit codes and rescored as one album's neighbours are; bytes per
  vector of the index file and of the vectors file;
- the engine in process: one album's neighbours, a 100-album and a 2,000-album
  collection (bench.serving's taste-shaped collections), p50/p99;
- the real server (`discogs-recs serve`: gunicorn, 2 sync workers) under a mixed load:
  one wrk client per kind at once (album and release neighbours, 100 and 2,000 albums)
  for --duration seconds; p50/p99 per kind and the peak RSS and PSS of the gunicorn
  process tree, sampled every second; then each kind alone on one connection for 20 s
  (what one user of a quiet server gets).
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as gunicorn_conf.py does for workers

import numpy as np  # noqa: E402

from bench import calibrated_vectors, index_types, serving, serving_index  # noqa: E402
from bench.common import BENCH_DIR, log, machine_line, mib, table, write_result  # noqa: E402

DIM = 256
# index_types' mixture weights (common direction, centre, latent variation, noise),
# re-fitted on the real static-model vectors (see the module docstring)
WEIGHTS = (0.8, 0.4, 0.6, 0.2)
CHUNK = 200_000
QUIET_SECONDS = 20


def _model():
    saved = index_types.DIM
    index_types.DIM = DIM
    try:
        return index_types._model()
    finally:
        index_types.DIM = saved


def mixture(n: int, rng: np.random.Generator, model) -> np.ndarray:
    common, centres, variation, weights = model
    a, b, c, d = WEIGHTS
    picks = rng.choice(len(centres), size=n, p=weights)
    block = (a * common + b * centres[picks]
             + c * (rng.standard_normal((n, variation.shape[1]), dtype=np.float32) @ variation.T)
             + d * rng.standard_normal((n, DIM), dtype=np.float32) / np.sqrt(DIM))
    block /= np.linalg.norm(block, axis=1, keepdims=True)
    return block.astype(np.float32, copy=False), picks


Draw = Callable[[int, np.random.Generator], Tuple[np.ndarray, np.ndarray]]


def generator(calibrated: Optional[calibrated_vectors.CalibratedModel]) -> Draw:
    """(n, rng) -> (unit vectors, cluster of each): the calibrated model when given,
    else the mixture."""
    if calibrated is not None:
        return calibrated.sample
    model = _model()
    return lambda n, rng: mixture(n, rng, model)


def write_vectors(path: Path, n: int, draw: Draw) -> np.ndarray:
    """n float16 vectors written with plain appends; returns each one's cluster."""
    labels = np.empty(n, dtype=np.int32)
    with open(path, "wb") as out:
        np.lib.format.write_array_header_1_0(out, {"descr": "<f2", "fortran_order": False,
                                                   "shape": (n, DIM)})
        for start in range(0, n, CHUNK):
            block, picks = draw(min(CHUNK, n - start), np.random.default_rng([11, start]))
            out.write(block.astype(np.float16).tobytes())
            labels[start:start + len(block)] = picks
    return labels


def _current_search_params(out: Path, manifest: Dict[str, Any], n: int,
                           params: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    """A reused index takes today's query-time knob (nprobe, efSearch: recorded in the
    manifest, not in the index) where the builder's rule has changed since it was built."""
    from index_builder.layout import Layout, write_json_atomically
    from index_builder.vector_index import default_params

    rule = {**default_params(manifest["index"]["type"], n), **(params or {})}
    knobs = {k: rule[k] for k in ("nprobe", "efSearch") if k in rule}
    if any(manifest["index"]["params"].get(k) != v for k, v in knobs.items()):
        log(f"query-time parameters {manifest['index']['params']} -> {knobs}")
        manifest["index"]["params"].update(knobs)
        write_json_atomically(Layout(str(out)).manifest, manifest)
    return manifest


def build(out: Path, n: int, params: Dict[str, Any] = None, index_type: str = "auto",
          calibrated: Optional[calibrated_vectors.CalibratedModel] = None) -> Dict[str, Any]:
    from index_builder.layout import CATALOG, INDEX, VECTORS, Layout, read_manifest, write_json_atomically
    from index_builder.vector_index import build_index

    settings = {"albums": n, "dim": DIM, "dtype": "float16", "params": params or "auto",
                "index_type": index_type}
    if calibrated is None:
        settings["weights"] = list(WEIGHTS)
    else:
        settings["calibrated_on"] = {"digest": calibrated.digest, "clusters": len(calibrated.weights),
                                     "rank": max(len(s) for s in calibrated.scales)}
    manifest = read_manifest(str(out))
    if manifest and manifest.get("inputs", {}).get("synthetic") == settings:
        log(f"reusing {out}")
        return _current_search_params(out, manifest, n, params)
    layout = Layout(str(out))
    layout.work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    labels = write_vectors(layout.work_file(VECTORS), n, generator(calibrated))
    log(f"vectors: {n:,} x {DIM} float16 in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    serving_index._catalogue(layout.work_file(CATALOG), labels, 7)
    log(f"catalogue: {time.perf_counter() - started:.0f} s")
    del labels
    started = time.perf_counter()
    info = build_index(str(layout.work_file(VECTORS)), str(layout.work_file(INDEX)),
                       index_type=index_type, params=params, progress=False)
    log(f"index {info['type']} {info['params']}: {info['seconds']:.0f} s")
    manifest = serving_index._publish(layout, settings, info)
    manifest["model"] = {"name": "synthetic static", "dimension": DIM, "pca_dims": DIM,
                         "backend": "model2vec"}
    manifest["embedding"] = {"vectors_dtype": "float16"}
    manifest["index_build_seconds"] = info["seconds"]
    write_json_atomically(layout.manifest, manifest)
    return manifest


def exact(vectors_path: str, q: np.ndarray, k: int = 10) -> np.ndarray:
    vectors = np.load(vectors_path, mmap_mode="r")
    best_s = np.full((len(q), k), -np.inf, dtype=np.float32)
    best_i = np.zeros((len(q), k), dtype=np.int64)
    for start in range(0, vectors.shape[0], 500_000):
        block = np.asarray(vectors[start:start + 500_000], dtype=np.float32)
        scores = q @ block.T
        top = np.argpartition(-scores, k, axis=1)[:, :k]
        s = np.concatenate([best_s, np.take_along_axis(scores, top, 1)], axis=1)
        i = np.concatenate([best_i, top + start], axis=1)
        order = np.argsort(-s, axis=1)[:, :k]
        best_s, best_i = np.take_along_axis(s, order, 1), np.take_along_axis(i, order, 1)
    return best_i


def recall_at_10(found, truth: np.ndarray) -> float:
    """Mean share of each query's 10 exact neighbours among the 10 found."""
    return float(np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth)]))


def faiss_alone(store, q: np.ndarray, truth: np.ndarray) -> List[Dict[str, Any]]:
    """recall@10 and latency of one query per call, by nprobe: the 8-bit codes' own
    ranking (FAISS alone) and their best RESCORE_CANDIDATES rescored with the stored
    vectors (IndexStore.search(..., rescore=True): what one album's neighbours serve)."""
    index = store.index
    default = int(getattr(index, "nprobe", 0))
    probes = sorted({max(1, default // 4), max(1, default // 2), default, default * 2}) if default else [0]
    rows = []
    for nprobe in probes:
        if nprobe:
            index.nprobe = nprobe
        row = {"nprobe": nprobe, "default": nprobe == default}
        for name, call in (("codes", lambda v: index.search(v, 10)[1][0]),
                           ("rescored", lambda v: store.search(v, 10, rescore=True)[1][0])):
            call(q[:1])
            times, found = [], []
            for query in q:
                started = time.perf_counter()
                found.append(call(query[None, :]))
                times.append((time.perf_counter() - started) * 1000)
            row[name] = {"recall@10": recall_at_10(found, truth), **serving.percentiles(times)}
            log(f"  nprobe {nprobe}, {name}: recall@10 {row[name]['recall@10']:.3f}, "
                f"p50 {row[name]['p50_ms']:.2f} ms, p99 {row[name]['p99_ms']:.2f} ms")
        rows.append(row)
    if default:
        index.nprobe = default
    return rows


def tree_memory(pid: int) -> tuple:
    import psutil

    rss = pss = 0
    try:
        root = psutil.Process(pid)
        for p in [root] + root.children(recursive=True):
            info = p.memory_full_info()
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
    except psutil.Error:
        pass
    return rss, pss


def mixed_load(index_dir: Path, scenarios: Dict[str, Any], duration: int) -> Dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="serving-scale-"))
    port = serving.free_port()
    started = time.perf_counter()
    proc = serving.start_server(index_dir, port, 2, workdir / "server.log")
    startup = time.perf_counter() - started
    idle_rss = tree_memory(proc.pid)
    peak = {"rss": 0, "pss": 0}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            rss, pss = tree_memory(proc.pid)
            peak["rss"], peak["pss"] = max(peak["rss"], rss), max(peak["pss"], pss)
            done.wait(1.0)

    sampler = threading.Thread(target=sample, daemon=True)
    results: Dict[str, Any] = {}
    try:
        files = {}
        for name, scenario in scenarios.items():
            files[name] = workdir / f"{name}.txt"
            files[name].write_text("\n".join(scenario["lines"]) + "\n")
            kind = "GET" if scenario["kind"] == "neighbours" else "POST"
            serving.wrk(port, files[name], kind, 1, 2, workdir)  # warm-up
        sampler.start()
        threads = []
        for name, scenario in scenarios.items():
            kind = "GET" if scenario["kind"] == "neighbours" else "POST"

            def client(name=name, kind=kind) -> None:
                results[name] = serving.wrk(port, files[name], kind, 1, duration, workdir)

            threads.append(threading.Thread(target=client))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        done.set()
        sampler.join()
        after = tree_memory(proc.pid)
        # What one user on a quiet server gets: one connection, one kind at a time.
        quiet = {}
        for name, scenario in scenarios.items():
            kind = "GET" if scenario["kind"] == "neighbours" else "POST"
            quiet[name] = serving.wrk(port, files[name], kind, 1, QUIET_SECONDS, workdir)
    finally:
        serving.stop(proc)
    return {"startup_seconds": startup, "idle_rss": idle_rss[0], "idle_pss": idle_rss[1],
            "peak_rss": peak["rss"], "peak_pss": peak["pss"], "after_rss": after[0],
            "after_pss": after[1], "duration": duration, "scenarios": results, "quiet": quiet}


def main(argv: List[str] = None) -> int:
    import faiss

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--albums", type=int, default=10_000_000)
    parser.add_argument("--duration", type=int, default=600, help="seconds of mixed load")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--params", type=json.loads, default=None)
    parser.add_argument("--index-type", default="auto")
    parser.add_argument("--calibrate", action="append", default=[], metavar="INDEX",
                        help="a published --model static index (repeatable): draw the vectors from "
                             "bench.calibrated_vectors fitted on its vectors instead of the mixture")
    args = parser.parse_args(argv)
    real = calibrated_vectors.load_real(args.calibrate) if args.calibrate else None
    calibrated = calibrated_vectors.fit(real) if real is not None else None
    out = BENCH_DIR / f"serving-static-{args.albums}{'-calibrated' if calibrated else ''}"
    manifest = build(out, args.albums, args.params, args.index_type, calibrated)
    draw = generator(calibrated)
    from recommender.engine import Recommender
    from recommender.store import IndexStore

    faiss.omp_set_num_threads(1)
    before = tree_memory(os.getpid())[0]
    started = time.perf_counter()
    store = IndexStore.open(str(out))
    load_seconds = time.perf_counter() - started
    loaded_rss = tree_memory(os.getpid())[0] - before
    files = {role: os.path.getsize(out / manifest["files"][role]) for role in ("vectors", "index", "catalog")}
    q, _ = draw(200, np.random.default_rng(99))
    log("exact neighbours of 200 queries")
    truth = exact(str(out / manifest["files"]["vectors"]), q)
    sweep = faiss_alone(store, q, truth)

    engine = Recommender(store)
    scenarios = serving.scenarios_for(out)
    in_process = {}
    for name, scenario in scenarios.items():
        if scenario["kind"] == "neighbours":
            calls = [lambda a=a: engine.neighbours(a, serving.K) for a in scenario["albums"]]
            reps = args.repeat * 2
        else:
            calls = [lambda c=c: engine.recommend(c, serving.K) for c in scenario["collections"]]
            reps = args.repeat
        in_process[name] = serving.timed(calls, reps)
        log(f"  in process {name}: p50 {in_process[name]['p50_ms']:.1f} ms, "
            f"p99 {in_process[name]['p99_ms']:.1f} ms")
    process_rss = tree_memory(os.getpid())[0]
    del engine, store
    log(f"mixed load over HTTP for {args.duration} s")
    http = mixed_load(out, scenarios, args.duration)

    n = args.albums
    print(f"\nServing {n:,} albums, 256-d float16 vectors "
          f"({f'calibrated on {len(real):,} real vectors' if calibrated else 'mixture'}), "
          f"{manifest['index']['type']} "
          f"{manifest['index']['params']} (built in {manifest.get('index_build_seconds', 0):.0f} s); "
          f"{machine_line()}\n")
    print(table(["file", "bytes", "bytes/album"], [(k, f"{v:,}", f"{v / n:.0f}") for k, v in files.items()]))
    print()
    print(table(["nprobe", "recall@10 (codes)", "FAISS p50 ms", "p99 ms",
                 "recall@10 (rescored)", "p50 ms", "p99 ms"],
                [(f"{r['nprobe']}{' (default)' if r['default'] else ''}",
                  f"{r['codes']['recall@10']:.3f}", f"{r['codes']['p50_ms']:.2f}",
                  f"{r['codes']['p99_ms']:.2f}", f"{r['rescored']['recall@10']:.3f}",
                  f"{r['rescored']['p50_ms']:.2f}", f"{r['rescored']['p99_ms']:.2f}")
                 for r in sweep]))
    print()
    print(table(["scenario", "in-process p50 ms", "p99 ms", "HTTP alone p50 ms", "p99 ms",
                 "HTTP mixed load p50 ms", "p99 ms", "req/s"],
                [(name, f"{in_process[name]['p50_ms']:.1f}", f"{in_process[name]['p99_ms']:.1f}",
                  f"{http['quiet'][name]['p50_ms']:.1f}", f"{http['quiet'][name]['p99_ms']:.1f}",
                  f"{http['scenarios'][name]['p50_ms']:.1f}", f"{http['scenarios'][name]['p99_ms']:.1f}",
                  f"{http['scenarios'][name]['requests_per_s']:.1f}") for name in scenarios]))
    print(f"\nIndexStore.open: {load_seconds:.1f} s, +{mib(loaded_rss):,.0f} MiB RSS; this process after "
          f"the in-process runs: {mib(process_rss):,.0f} MiB. gunicorn (2 workers): start "
          f"{http['startup_seconds']:.0f} s, RSS idle {mib(http['idle_rss']):,.0f} MiB, peak "
          f"{mib(http['peak_rss']):,.0f} MiB (PSS {mib(http['peak_pss']):,.0f} MiB) over "
          f"{args.duration} s of mixed load, after {mib(http['after_rss']):,.0f} MiB")
    path = write_result(f"serving_scale-{n}{'-calibrated' if calibrated else ''}", {
        "albums": n, "generator": manifest["inputs"]["synthetic"], "index": manifest["index"], "files": files, "faiss": sweep,
        "in_process": in_process, "http": http, "load_seconds": load_seconds,
        "loaded_rss": loaded_rss, "process_rss": process_rss,
        "index_build_seconds": manifest.get("index_build_seconds")})
    log(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
