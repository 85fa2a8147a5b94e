"""Ranking metrics, one test case at a time: pure functions over ranks and vectors.

A test case is one profile (the albums the recommender may use) and its held-out albums.
`ranks` are the 1-based positions of the held-out albums in the ranking of the whole
catalogue with the profile left out; `math.inf` marks an album that is not ranked at
all (a method that returns only a top-k list). Definitions (docs/evaluation.md):

- hit rate @k: 1 when at least one held-out album is in the top k, else 0.
- recall @k: the fraction of the held-out albums in the top k.
- nDCG @k: binary relevance; DCG = sum over hits of 1 / log2(rank + 1), divided by the
  DCG of a perfect ranking (all held-out albums first, at most k of them).
- reciprocal rank: 1 / the rank of the first held-out album (0 when none is ranked).
- intra-list diversity: mean pairwise (1 - cosine) between the top-k albums' vectors.
- novelty: mean -log2(popularity share) of the top-k albums, or, when the catalogue
  has no popularity figures, mean (1 - highest cosine similarity to the profile).
- coverage: the fraction of the catalogue that appears in any top-k list of a method.
"""
from __future__ import annotations

import math
from typing import Iterable, Sequence

import numpy as np


def hit_rate(ranks: Sequence[float], k: int) -> float:
    return 1.0 if any(r <= k for r in ranks) else 0.0


def recall(ranks: Sequence[float], k: int) -> float:
    if not ranks:
        raise ValueError("a test case needs at least one held-out album")
    return sum(1 for r in ranks if r <= k) / len(ranks)


def ndcg(ranks: Sequence[float], k: int) -> float:
    if not ranks:
        raise ValueError("a test case needs at least one held-out album")
    dcg = sum(1.0 / math.log2(r + 1) for r in ranks if r <= k)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(ranks), k) + 1))
    return dcg / ideal


def reciprocal_rank(ranks: Sequence[float]) -> float:
    first = min(ranks, default=math.inf)
    return 0.0 if math.isinf(first) else 1.0 / first


def intra_list_diversity(vectors: np.ndarray) -> float:
    """Mean pairwise cosine distance of a list's (row) vectors; 0 for fewer than two."""
    n = vectors.shape[0]
    if n < 2:
        return 0.0
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = vectors / np.where(norms > 0, norms, 1.0)
    sims = unit @ unit.T
    pair_sum = (sims.sum() - np.trace(sims)) / 2.0
    pairs = n * (n - 1) / 2.0
    return float(1.0 - pair_sum / pairs)


def popularity_novelty(counts: np.ndarray, total: float, catalogue_size: int) -> float:
    """Mean self-information -log2(share) of a list's albums.

    share = (count + 1) / (total + catalogue_size): add-one smoothing, so an album with
    no known versions is the most novel rather than infinitely novel.
    """
    if counts.size == 0:
        return 0.0
    shares = (np.asarray(counts, dtype=np.float64) + 1.0) / (float(total) + catalogue_size)
    return float(np.mean(-np.log2(shares)))


def similarity_novelty(list_vectors: np.ndarray, profile_vectors: np.ndarray) -> float:
    """Mean (1 - highest cosine similarity to any profile album) of a list's albums."""
    if list_vectors.shape[0] == 0 or profile_vectors.shape[0] == 0:
        return 0.0
    def unit(m: np.ndarray) -> np.ndarray:
        norms = np.linalg.norm(m, axis=1, keepdims=True)
        return m / np.where(norms > 0, norms, 1.0)
    closest = (unit(list_vectors) @ unit(profile_vectors).T).max(axis=1)
    return float(np.mean(1.0 - closest))


def coverage(top_lists: Iterable[Sequence[int]], catalogue_size: int) -> float:
    """Fraction of the catalogue that appears in at least one of the lists."""
    if catalogue_size <= 0:
        return 0.0
    seen = set()
    for items in top_lists:
        seen.update(int(a) for a in items)
    return len(seen) / catalogue_size


def bootstrap_interval(values: Sequence[float], seed: int, resamples: int = 2000,
                       level: float = 0.95) -> tuple:
    """Percentile bootstrap interval of the mean over test cases (seeded: repeatable).

    With a handful of test cases the interval is wide; that width is the point: it
    says how far a figure can be trusted.
    """
    data = np.asarray(values, dtype=np.float64)
    if data.size == 0:
        return (float("nan"), float("nan"))
    if data.size == 1:
        return (float(data[0]), float(data[0]))
    rng = np.random.default_rng(seed)
    means = data[rng.integers(0, data.size, size=(resamples, data.size))].mean(axis=1)
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return (float(low), float(high))


def paired_ranks(ours: Sequence[float], theirs: Sequence[float]) -> dict:
    """How often `ours` ranks a held-out album higher (a smaller rank) than `theirs`.

    Hits at 50 are 0/1 and coarse; whether each held-out album moved up or down is a
    finer signal on few albums. `p` is the two-sided sign test (ties left out): the
    chance of a split at least this uneven if neither method were better.
    """
    better = sum(1 for a, b in zip(ours, theirs) if a < b)
    worse = sum(1 for a, b in zip(ours, theirs) if a > b)
    n = better + worse
    tail = sum(math.comb(n, i) for i in range(0, min(better, worse) + 1)) / 2.0 ** n if n else 1.0
    return {"better": better, "worse": worse, "ties": len(ours) - n,
            "p": min(1.0, 2.0 * tail)}
