"""Are bench.serving_scale's synthetic vectors as hard for an IVF index as real ones?

    discogs-recs build --masters ../shared/data/collectors/catalogue_masters.xml.gz \\
        --releases ../shared/data/collectors/catalogue_releases.xml.gz --model static --out /tmp/cs
    discogs-recs build --releases ../shared/data/dumps/2020-08-sample/discogs_20200806_releases.xml.gz \\
        --masters ../shared/data/dumps/2020-08-sample/discogs_20200806_masters.xml.gz --model static --out /tmp/ss
    python -m bench.ivf_calibration --index /tmp/cs --index /tmp/ss
    python -m bench.ivf_calibration --sweep 1000000     # probing vs quantization, mixture
    python -m bench.ivf_calibration --index /tmp/cs --index /tmp/ss --sweep 1000000  # calibrated

The 10M serving benchmark cannot use real vectors (nobody has embedded the whole dump
here), so it draws synthetic ones. Recall is a question of structure, not of neighbour
similarities alone: an IVF index finds neighbours in few lists when albums form
clusters. This puts the real static-model vectors of the given indexes (different
albums, one model) and as many of each synthetic kind (the first mixture of
bench.serving_scale, fitted to neighbour similarities only; bench.calibrated_vectors,
fitted to these real vectors) through the same IVF-Flat index (nlist = 4 sqrt(n), as the
builder picks; Flat, so only the probing decides), 300 of them held out as queries, and
prints recall@10 against exact search by the share of lists probed. Where a synthetic
curve lies below the real one, benchmarks drawing from it are pessimistic.

--sweep N: N synthetic vectors (from bench.calibrated_vectors fitted on the --index
vectors when given, else from the mixture) through IVF-SQ8 (what the builder writes)
and IVF-Flat at the same nlist, recall@10 and ms per query (1 thread) by nprobe, with and without an
exact rescoring of the best 100 (what the server does with its float16 vectors): which
of probing and the 8-bit codes loses the neighbours.
"""
from __future__ import annotations

import argparse
import os
from typing import Callable, Dict, List

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from bench import calibrated_vectors, serving_scale  # noqa: E402
from bench.common import machine_line, table, write_result  # noqa: E402

SHARES = (64, 32, 16, 8, 4)
QUERIES = 300


def real_vectors(indexes: List[str]) -> np.ndarray:
    return calibrated_vectors.load_real(indexes)


def curve(vectors: np.ndarray) -> Dict[str, float]:
    import faiss

    faiss.omp_set_num_threads(1)
    order = np.random.default_rng(0).permutation(len(vectors))
    queries, base = vectors[order[:QUERIES]], vectors[order[QUERIES:]]
    scores = queries @ base.T
    truth = np.argsort(-scores, axis=1)[:, :10]
    top = np.sort(scores, axis=1)[:, ::-1]
    nlist = int(4 * np.sqrt(len(base)))
    index = faiss.index_factory(vectors.shape[1], f"IVF{nlist},Flat", faiss.METRIC_INNER_PRODUCT)
    index.cp.min_points_per_centroid = 1  # a few thousand vectors: no warning per run
    index.train(base)
    index.add(base)
    out = {"nlist": nlist, "nearest": float(top[:, 0].mean()), "tenth": float(top[:, 9].mean()),
           "random_pair": float(scores.mean())}
    for share in SHARES:
        index.nprobe = max(1, nlist // share)
        _, found = index.search(queries, 10)
        out[f"1/{share}"] = serving_scale.recall_at_10(found, truth)
    return out


def sweep(n: int, draw: Callable[[int, np.random.Generator], np.ndarray]) -> List[Dict[str, float]]:
    import time

    import faiss

    x = np.concatenate([draw(min(200_000, n - s), np.random.default_rng([11, s]))
                        for s in range(0, n, 200_000)])
    x = x.astype(np.float16).astype(np.float32)  # as stored
    queries = draw(200, np.random.default_rng(99))
    truth = np.argsort(-(queries @ x.T), axis=1)[:, :10]
    nlist = int(4 * np.sqrt(n))
    train = x[np.random.default_rng(0).choice(n, min(n, 39 * nlist), replace=False)]
    rows = []
    for codes in ("SQ8", "Flat"):
        faiss.omp_set_num_threads(os.cpu_count() or 1)
        index = faiss.index_factory(x.shape[1], f"IVF{nlist},{codes}", faiss.METRIC_INNER_PRODUCT)
        index.train(train)
        index.add(x)
        faiss.omp_set_num_threads(1)
        for share in (64, 32, 16, 8):
            index.nprobe = nlist // share
            for depth in (10, 100):
                started = time.perf_counter()
                _, found = index.search(queries, depth)
                ms = (time.perf_counter() - started) * 1000 / len(queries)
                if depth == 100:
                    found = [np.asarray(f)[np.argsort(-(x[f] @ q))[:10]] for f, q in zip(found, queries)]
                recall = serving_scale.recall_at_10(found, truth)
                rows.append({"codes": codes, "nlist": nlist, "nprobe": nlist // share,
                             "rescored": depth == 100, "recall@10": recall, "ms": ms})
    return rows


def main(argv: List[str] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", action="append", default=[],
                        help="a published --model static index (repeatable)")
    parser.add_argument("--sweep", type=int, metavar="N", help="the probing sweep on N synthetic vectors")
    args = parser.parse_args(argv)
    real = real_vectors(args.index) if args.index else None
    if args.sweep:
        if real is not None:
            model, kind = calibrated_vectors.fit(real), "calibrated"

            def draw(n: int, rng: np.random.Generator) -> np.ndarray:
                return model.sample(n, rng)[0]
        else:
            mixture, kind = serving_scale._model(), "mixture"

            def draw(n: int, rng: np.random.Generator) -> np.ndarray:
                return serving_scale.mixture(n, rng, mixture)[0]
        rows = sweep(args.sweep, draw)
        print(f"\n{args.sweep:,} synthetic vectors ({kind}); {machine_line()}\n")
        print(table(["codes", "nprobe (of nlist)", "best 100 rescored", "recall@10", "ms/query"],
                    [(r["codes"], f"{r['nprobe']} ({r['nlist']})", "yes" if r["rescored"] else "no",
                      f"{r['recall@10']:.3f}", f"{r['ms']:.2f}") for r in rows]))
        write_result(f"ivf_sweep-{kind}-{args.sweep}", {"vectors": args.sweep, "generator": kind, "rows": rows})
        return 0
    if real is None:
        return parser.error("pass --index (repeatable) and/or --sweep N")
    synthetic, _ = serving_scale.mixture(len(real), np.random.default_rng(5), serving_scale._model())
    calibrated, _ = calibrated_vectors.fit(real).sample(len(real), np.random.default_rng(5))
    rows = {"real": curve(real), "mixture": curve(synthetic), "calibrated": curve(calibrated)}
    print(f"\n{len(real):,} real static-model vectors and as many of each synthetic kind (mixture: "
          f"bench.serving_scale's first generator; calibrated: bench.calibrated_vectors); IVF{rows['real']['nlist']},Flat; "
          f"{machine_line()}\n")
    print(table(["vectors", "cos nearest", "cos 10th", "cos random pair"]
                + [f"recall@10, 1/{s} of lists" for s in SHARES],
                [(name, f"{r['nearest']:.3f}", f"{r['tenth']:.3f}", f"{r['random_pair']:.3f}")
                 + tuple(f"{r[f'1/{s}']:.3f}" for s in SHARES) for name, r in rows.items()]))
    write_result("ivf_calibration", {"indexes": args.index, "vectors": len(real), "curves": rows})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
