"""Which aggregation strategy should serving use by default? A leave-one-out check.

For each real collection in ../shared/data/eval (rows matched to the popular-masters
catalogue), hold out one album at a time, score the whole catalogue from the others
with every strategy (`recommender.strategies.score_catalogue`, exact), and record the
held-out album's rank among the albums the collector does not own.

    discogs-recs build --masters ../shared/data/popular-masters/discogs_popular_masters.xml.gz --out /tmp/pop-idx
    python -m bench.serving_strategies --index /tmp/pop-idx

This is the quick check behind the serving default; the full evaluation ("Measure
recommendation quality") lives with the evaluator.
"""
from __future__ import annotations

import argparse
import csv
import glob
import os
import statistics
from typing import Dict, List

import numpy as np

from recommender.store import IndexStore
from recommender.strategies import STRATEGIES, score_catalogue

HERE = os.path.dirname(os.path.abspath(__file__))
EVAL = os.path.join(HERE, "..", "..", "shared", "data", "eval")


def held_out_ranks(store: IndexStore, album_ids: List[int], strategy: str) -> List[int]:
    vectors = np.asarray(store.vectors, dtype=np.float32)
    ranks = []
    for held in album_ids:
        rest = [a for a in album_ids if a != held]
        scores = score_catalogue(vectors, vectors[rest], strategy)
        scores[rest] = -np.inf  # owned albums are never recommended
        better = (scores > scores[held]).sum() + ((scores == scores[held]) &
                                                  (np.arange(len(scores)) < held)).sum()
        ranks.append(int(better) + 1)
    return ranks


def summary(ranks: List[int]) -> Dict[str, float]:
    return {"n": len(ranks), "mean_rank": statistics.mean(ranks),
            "median_rank": statistics.median(ranks),
            "mrr": statistics.mean(1 / r for r in ranks),
            "hit@10": statistics.mean(r <= 10 for r in ranks),
            "hit@50": statistics.mean(r <= 50 for r in ranks)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, help="an index built from popular-masters")
    parser.add_argument("--eval", default=EVAL, help="folder of *_in_popular_masters.csv")
    args = parser.parse_args()
    store = IndexStore.open(args.index)
    collections = {}
    for path in sorted(glob.glob(os.path.join(args.eval, "*.csv"))):
        with open(path, newline="") as handle:
            masters = [int(row["master_id"]) for row in csv.DictReader(handle)]
        found = store.albums_of_masters(masters)
        collections[os.path.basename(path).split("_")[0]] = sorted(set(found.values()))
    print(f"index {store.build_id}: {store.album_count} albums; collections: "
          + ", ".join(f"{name} {len(ids)}" for name, ids in collections.items()))
    print(f"{'collection':<12}{'strategy':<9}{'n':>4}{'mean rank':>11}{'median':>8}"
          f"{'MRR':>8}{'hit@10':>8}{'hit@50':>8}")
    for strategy in STRATEGIES:
        pooled: List[int] = []
        for name, ids in collections.items():
            ranks = held_out_ranks(store, ids, strategy)
            pooled += ranks
            s = summary(ranks)
            print(f"{name:<12}{strategy:<9}{s['n']:>4}{s['mean_rank']:>11.1f}{s['median_rank']:>8.1f}"
                  f"{s['mrr']:>8.3f}{s['hit@10']:>8.2f}{s['hit@50']:>8.2f}")
        s = summary(pooled)
        print(f"{'all':<12}{strategy:<9}{s['n']:>4}{s['mean_rank']:>11.1f}{s['median_rank']:>8.1f}"
              f"{s['mrr']:>8.3f}{s['hit@10']:>8.2f}{s['hit@50']:>8.2f}")


if __name__ == "__main__":
    main()
