"""Embedding backends on the real 1,000-release sample: speed and agreement with PyTorch.

    python -m bench.embedding_backends
    python -m bench.embedding_backends --rounds 5 --batch-size 64
    python -m bench.embedding_backends --device cuda --backends torch   # on a GPU machine
    python -m bench.embedding_backends --backends openvino --static     # + the static model

`--static` adds the static model (`--model static`, model2vec distilled from the default
model; distilled once into $DISCOGS_BENCH_DIR/models) on one and on two processes, timed
over the sample's texts ten times over (so that a batch is split between the two
processes as the embed stage splits it). It is a different model, not a backend of the
same one: its vectors are not comparable by cosine, only by neighbour overlap, and it is
never a candidate for DEFAULT_BACKEND (bench/static_quality.py judges its quality).

The texts are the album texts the builder embeds (the sample's 975 albums, template
full-v1). Every backend is loaded once (load time measured; ONNX and OpenVINO exports
are made on first use and cached in /tmp/discogs-bench/models, export time reported
when it happened), warmed up, then timed over all texts `--rounds` times, round-robin
across backends so that machine noise hits all of them alike; the median is reported.

Agreement is measured against PyTorch float32: the mean (and minimum) cosine between
each text's two vectors, and the top-10 neighbour overlap: for every album, how many
of its 10 nearest other albums (among the 975) are the same under both. The rule that
picks index_builder.embedder.DEFAULT_BACKEND: the fastest backend with mean cosine
>= 0.99 and overlap >= 0.95.
"""
from __future__ import annotations

import argparse
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List

import numpy as np

from bench.common import BENCH_DIR, ROOT, SAMPLE_RELEASES, log, machine_line, require, table, write_result

MIN_COSINE = 0.99
MIN_OVERLAP = 0.95


def sample_texts() -> List[str]:
    """The album texts of the 1,000-release sample, as `discogs-recs ingest` writes them."""
    from index_builder.filters import Filters
    from index_builder.ingest import ingest

    require(SAMPLE_RELEASES)
    path = BENCH_DIR / "embedding-sample" / "catalog.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    ingest(str(path), str(SAMPLE_RELEASES), None, Filters(), workers=1, progress=False)
    with sqlite3.connect(path) as conn:
        return [t for (t,) in conn.execute("SELECT text FROM albums ORDER BY album_id")]


def fresh_load_seconds(model: str, backend: str, device: str, exports: str) -> float:
    code = ("import sys, time; started = time.perf_counter(); "
            "from index_builder.embedder import Embedder; "
            "Embedder(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]); "
            "print(time.perf_counter() - started)")
    out = subprocess.run([sys.executable, "-c", code, model, backend, device, exports],
                         capture_output=True, text=True, check=True, cwd=str(ROOT))
    return float(out.stdout.strip().splitlines()[-1])


def neighbours(vectors: np.ndarray, k: int = 10) -> np.ndarray:
    scores = vectors @ vectors.T
    np.fill_diagonal(scores, -np.inf)
    return np.argsort(-scores, axis=1)[:, :k]


def overlap(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean([len(set(x) & set(y)) / len(x) for x, y in zip(a, b)]))


def choose(rows: List[Dict[str, Any]]) -> Dict[str, Any]:
    eligible = [r for r in rows if r["mean_cosine"] >= MIN_COSINE and r["overlap@10"] >= MIN_OVERLAP]
    return max(eligible, key=lambda r: r["texts_per_second"])


def main(argv: List[str] = None) -> int:
    from index_builder.embedder import BACKENDS, DEFAULT_BACKEND, DEFAULT_MODEL, Embedder

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--exports", default=str(BENCH_DIR / "models"),
                        help="where ONNX/OpenVINO exports are kept between runs")
    parser.add_argument("--name", default="embedding_backends")
    parser.add_argument("--static", action="store_true", help="also time --model static")
    args = parser.parse_args(argv)
    backends = [b for b in args.backends.split(",") if b]
    if "torch" not in backends:
        backends.insert(0, "torch")  # the reference

    texts = sample_texts()
    log(f"{len(texts)} album texts from {SAMPLE_RELEASES.name}")
    models: Dict[str, Any] = {}
    info: Dict[str, Dict[str, Any]] = {}
    for backend in backends:
        exported = Path(args.exports).exists() and any(
            p.name.endswith("onnx" if backend.startswith("onnx") else "openvino")
            for p in Path(args.exports).iterdir())
        started = time.perf_counter()
        models[backend] = Embedder(args.model, backend, args.device, args.exports)
        first = time.perf_counter() - started
        info[backend] = {"first_load_seconds": first}
        if backend != "torch" and not exported:
            info[backend]["included_export"] = True
        # what every later build pays: imports and loading the (exported) model, measured
        # in a fresh process
        info[backend]["load_seconds"] = fresh_load_seconds(args.model, backend, args.device,
                                                           args.exports)
        models[backend].encode(texts[:128], args.batch_size)  # warm-up
        log(f"loaded {backend} in {info[backend]['load_seconds']:.1f} s in a fresh process "
            f"(first load here {first:.1f} s)")

    batches = {b: texts for b in backends}
    if args.static:
        from index_builder.static_model import StaticEmbedder

        for workers in (1, 2):
            name = f"static ({workers} process{'es' if workers > 1 else ''})"
            started = time.perf_counter()
            models[name] = StaticEmbedder("static", args.exports, workers=workers, progress=False)
            models[name].encode(texts * 3)  # warm-up (starts the worker processes)
            info[name] = {"first_load_seconds": time.perf_counter() - started,
                          "load_seconds": float("nan")}
            batches[name] = texts * 10
            backends.append(name)
    vectors: Dict[str, np.ndarray] = {}
    timings: Dict[str, List[float]] = {b: [] for b in backends}
    for round_ in range(args.rounds):
        for backend in backends:
            started = time.perf_counter()
            vectors[backend] = models[backend].encode(batches[backend], args.batch_size)[:len(texts)]
            timings[backend].append((time.perf_counter() - started) * len(texts) / len(batches[backend]))
        log(f"round {round_ + 1}/{args.rounds}: " + ", ".join(
            f"{b} {len(texts) / timings[b][-1]:.0f}/s" for b in backends))

    reference = vectors["torch"]
    reference_nn = neighbours(reference)
    rows = []
    for backend in backends:
        comparable = vectors[backend].shape == reference.shape
        cosines = (np.sum(vectors[backend] * reference, axis=1) if comparable
                   else np.full(len(texts), np.nan))
        seconds = statistics.median(timings[backend])
        rows.append({
            "backend": backend, "texts_per_second": len(texts) / seconds,
            "seconds": seconds, "all_seconds": timings[backend],
            "load_seconds": info[backend]["load_seconds"],
            "first_load_seconds": info[backend]["first_load_seconds"],
            "included_export": info[backend].get("included_export", False),
            "mean_cosine": float(cosines.mean()), "min_cosine": float(cosines.min()),
            "overlap@10": overlap(neighbours(vectors[backend]), reference_nn),
        })
    best = choose(rows)
    torch_speed = next(r for r in rows if r["backend"] == "torch")["texts_per_second"]
    print(f"\nEmbedding backends, {len(texts)} texts of the 2020-08 sample, batch "
          f"{args.batch_size}, device {args.device}, {machine_line()}\n")
    print(table(["backend", "texts/s", "vs torch", "load s (fresh process)", "mean cosine", "min cosine",
                 "top-10 overlap", "agrees"],
                [(r["backend"], f"{r['texts_per_second']:.0f}",
                  f"{r['texts_per_second'] / torch_speed:.2f}x",
                  f"{r['load_seconds']:.1f}", f"{r['mean_cosine']:.4f}", f"{r['min_cosine']:.4f}",
                  f"{r['overlap@10']:.3f}",
                  "yes" if r["mean_cosine"] >= MIN_COSINE and r["overlap@10"] >= MIN_OVERLAP else "no")
                 for r in rows]))
    verdict = (f"fastest backend that agrees with torch float32 (mean cosine >= {MIN_COSINE}, "
               f"top-10 overlap >= {MIN_OVERLAP}): {best['backend']} "
               f"({best['texts_per_second']:.0f} texts/s); DEFAULT_BACKEND is "
               f"{DEFAULT_BACKEND!r} ({'matches' if DEFAULT_BACKEND == best['backend'] else 'DIFFERS'})")
    print(f"\n{verdict}")
    path = write_result(args.name, {"texts": len(texts), "batch_size": args.batch_size,
                                    "device": args.device, "rows": rows,
                                    "chosen": best["backend"], "default_backend": DEFAULT_BACKEND,
                                    "verdict": verdict})
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
