"""Are bench.serving_scale's synthetic vectors as hard for an IVF index as real ones?

    discogs-recs build --masters ../shared/data/collectors/catalogue_masters.xml.gz \\
        --releases ../shared/data/collectors/catalogue_releases.xml.gz --model static --out /tmp/cs
    discogs-recs build --releases ../shared/data/dumps/2020-08-sample/discogs_20200806_releases.xml.gz \\
        --masters ../shared/data/dumps/2020-08-sample/discogs_20200806_masters.xml.gz --model static --out /tmp/ss
    python -m bench.ivf_calibration --index /tmp/cs --index /tmp/ss

The 10M serving benchmark cannot use real vectors (nobody has embedded the whole dump
here), so it draws them from a mixture fitted to the neighbour statistics of real
static-model vectors (bench.serving_scale). Recall is a question of structure, not of
those statistics alone: an IVF index finds neighbours in few lists when albums form
clusters. This puts the real static-model vectors of the given indexes (different
albums, one model) and as many synthetic ones through the same IVF-Flat index (nlist
= 4 sqrt(n), as the builder picks; Flat, so only the probing decides), 300 of them
held out as queries, and prints recall@10 against exact search by the share of lists
probed. Where the synthetic curve lies below the real one, the 10M benchmark's recall
is pessimistic.
"""
from __future__ import annotations

import argparse
import os
from typing import Dict, List

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from bench import serving_scale  # noqa: E402
from bench.common import machine_line, table, write_result  # noqa: E402

SHARES = (64, 32, 16, 8, 4)
QUERIES = 300


def real_vectors(indexes: List[str]) -> np.ndarray:
    from index_builder.layout import read_manifest

    parts = []
    for index in indexes:
        manifest = read_manifest(index)
        if not manifest:
            raise SystemExit(f"{index}: no published index; build it first (see --help)")
        if manifest["model"].get("backend") != "model2vec":
            raise SystemExit(f"{index}: built with {manifest['model'].get('name')}, not --model static")
        parts.append(np.load(os.path.join(index, manifest["files"]["vectors"])).astype(np.float32))
    vectors = np.concatenate(parts)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


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
        out[f"1/{share}"] = float(np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth)]))
    return out


def main(argv: List[str] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", action="append", required=True,
                        help="a published --model static index (repeatable)")
    args = parser.parse_args(argv)
    real = real_vectors(args.index)
    synthetic, _ = serving_scale.mixture(len(real), np.random.default_rng(5), serving_scale._model())
    rows = {"real": curve(real), "synthetic": curve(synthetic)}
    print(f"\n{len(real):,} real static-model vectors and as many synthetic ones; IVF{rows['real']['nlist']},Flat; "
          f"{machine_line()}\n")
    print(table(["vectors", "cos nearest", "cos 10th", "cos random pair"]
                + [f"recall@10, 1/{s} of lists" for s in SHARES],
                [(name, f"{r['nearest']:.3f}", f"{r['tenth']:.3f}", f"{r['random_pair']:.3f}")
                 + tuple(f"{r[f'1/{s}']:.3f}" for s in SHARES) for name, r in rows.items()]))
    write_result("ivf_calibration", {"indexes": args.index, "vectors": len(real), "curves": rows})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
