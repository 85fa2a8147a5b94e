"""Latency of the default (learned) strategy against the old default (max + style), in process.

The learned strategy adds per request: the album facts of the candidates, the albums of
owned artists, and the per-collector fit (leave-one-out over `recommender.taste.GRID`).
This measures `Recommender.recommend` (k=20, the API's defaults otherwise) for 100 and
2,000 owned albums, both strategies on the same inputs, one BLAS thread as in a
gunicorn worker, plus the fit alone; the HTTP targets (docs/benchmarks-serving.md:
collection_100 p99 <= 50 ms, collection_2000 p99 <= 300 ms) are for the whole request.

    python -m bench.serving_learned --index /tmp/i12/full
"""
from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from recommender import strategies, taste  # noqa: E402
from recommender.engine import Recommender  # noqa: E402
from recommender.store import IndexStore  # noqa: E402


def timings(call, repeat: int) -> np.ndarray:
    call()  # warm: album facts, page cache
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        out.append((time.perf_counter() - start) * 1000)
    return np.array(out)


def _link_random_artists(store: IndexStore, links: int) -> None:
    """Give the store's album facts `links` random artist relations (the benchmark
    catalogues have no artists dump: this times the path, not its quality)."""
    facts = store.album_facts()
    ids = np.array([k for k in facts.artists.vocabulary if isinstance(k, int)], dtype=np.int64)
    pairs = np.random.default_rng(1).choice(ids, size=(links, 2))
    linked = facts.with_relations(pairs)
    store.album_facts = lambda: linked
    print(f"{linked.related_values.size // 2:,} random artist links (related signal and grid on)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--links", type=int, default=0,
                        help="link this many random pairs of the index's artists, as "
                             "`build --artists` would: the related signal's cost and a 3x grid")
    args = parser.parse_args()
    store = IndexStore.open(args.index)
    if args.links:
        _link_random_artists(store, args.links)
    engine = Recommender(store)
    rng = np.random.default_rng(0)
    print(f"index {args.index}: {store.album_count:,} albums")
    print("| owned | strategy | p50 ms | p99 ms |")
    print("|---|---|---|---|")
    for n in (100, 2000):
        n = min(n, store.album_count - 100)
        collections = [rng.choice(store.album_count, n, replace=False) for _ in range(5)]
        # Interleaved, so a busy machine slows both alike: the ratio is the figure.
        ms = {"max": [], "learned": []}
        for strategy in ms:
            engine.recommend(collections[0].tolist(), k=20, strategy=strategy)  # warm
        for i in range(args.repeat):
            for strategy in ms:
                start = time.perf_counter()
                engine.recommend(collections[i % 5].tolist(), k=20, strategy=strategy)
                ms[strategy].append((time.perf_counter() - start) * 1000)
        for strategy, label in (("max", "max + style 0.5 (old default)"),
                                ("learned", "learned (default)")):
            print(f"| {n} | {label} | {np.percentile(ms[strategy], 50):.1f} | "
                  f"{np.percentile(ms[strategy], 99):.1f} |")
        print(f"| {n} | learned / old, p50 | {np.median(ms['learned']) / np.median(ms['max']):.2f}x | |")
        facts = store.album_facts()
        owned = np.unique(collections[0])
        w = np.ones(owned.size)
        vectors = store.album_vectors(owned)
        profile = taste.Profile.build(facts, owned, w)
        rest = np.setdiff1d(np.arange(store.album_count), owned)[:taste.FIT_NEGATIVES]
        negatives = taste.signals(facts, profile, rest,
                                  strategies.max_similarity(store.album_vectors(rest), vectors, w.astype(np.float32)))
        ms = timings(lambda: taste.fitted_weights(facts, profile, vectors, negatives), args.repeat)
        print(f"| {n} | the fit alone | {np.percentile(ms, 50):.1f} | {np.percentile(ms, 99):.1f} |")


if __name__ == "__main__":
    main()
