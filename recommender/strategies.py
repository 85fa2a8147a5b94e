"""How a collection's album vectors become one score per candidate album: pure functions.

Collectors have several tastes, so one averaged profile ("mean") blurs them. The
alternatives keep each owned album as its own query:

- "max": a candidate scores its best (rating-weighted) cosine similarity to any owned
  album. The default: it ranked held-out albums best on the real collections in
  ../shared/data/eval (docs/serving.md has the figures).
- "rrf": reciprocal-rank fusion of each owned album's neighbour list,
  sum_j w_j / (RRF_K + rank_j(c)); rewards candidates close to many owned albums.
- "mean": cosine similarity to the weighted mean of the owned vectors (the naive baseline).
- "kmeans": the owned vectors are clustered into about sqrt(n) tastes; a candidate
  scores its best similarity to any taste centroid.

`aggregate_neighbours` scores FAISS neighbour lists (the serving path); `score_catalogue`
scores every album exactly (the evaluation path). Both are deterministic: ties break
on the smaller album id and k-means uses a fixed seed.
"""
from __future__ import annotations

import math
from typing import Optional, Tuple

import numpy as np

STRATEGIES = ("max", "rrf", "mean", "kmeans")
DEFAULT_STRATEGY = "max"
RRF_K = 60
KMEANS_SEED = 20200806
MAX_CLUSTERS = 64


def normalised_weights(weights: Optional[np.ndarray], n: int) -> np.ndarray:
    """Weights scaled so the largest is 1 (all ones when none are given).

    A rating of 5 then keeps an album's similarities whole and a rating of 1 keeps a
    fifth of them: a disliked record still says something, just much less.
    """
    if weights is None:
        return np.ones(n, dtype=np.float32)
    w = np.clip(np.asarray(weights, dtype=np.float32).reshape(n), 0.0, None)
    top = float(w.max()) if n else 0.0
    return w / top if top > 0 else np.ones(n, dtype=np.float32)


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.where(norms > 0, norms, 1.0)).astype(np.float32)


def mean_profile(vectors: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The weighted mean of the owned vectors as one unit-length query (1 x d)."""
    profile = (weights[:, None] * vectors).sum(axis=0, keepdims=True)
    return unit_rows(profile)


def cluster_count(n: int) -> int:
    return int(min(MAX_CLUSTERS, max(1, round(math.sqrt(n)))))


def kmeans_tastes(vectors: np.ndarray, weights: np.ndarray,
                  clusters: Optional[int] = None) -> Tuple[np.ndarray, np.ndarray]:
    """Cluster owned vectors into tastes: (unit centroids c x d, mean member weight per taste)."""
    import faiss

    n, dim = vectors.shape
    c = min(n, clusters or cluster_count(n))
    if c <= 1:
        return mean_profile(vectors, weights), np.ones(1, dtype=np.float32)
    # Training on at most 40 points per centroid (a seeded sample) bounds the cost
    # for 5,000-album collections; every album is still assigned below.
    km = faiss.Kmeans(dim, c, niter=10, seed=KMEANS_SEED, spherical=True, verbose=False,
                      min_points_per_centroid=1, max_points_per_centroid=40)
    data = np.ascontiguousarray(vectors, dtype=np.float32)
    km.train(data, weights=np.ascontiguousarray(weights, dtype=np.float32))
    _, assigned = km.index.search(data, 1)
    assigned = assigned.ravel()
    taste_weight = np.zeros(c, dtype=np.float32)
    counts = np.bincount(assigned, minlength=c)
    np.add.at(taste_weight, assigned, weights)
    keep = counts > 0
    taste_weight = taste_weight[keep] / counts[keep]
    return unit_rows(km.centroids[keep]), normalised_weights(taste_weight, int(keep.sum()))


def aggregate_neighbours(strategy: str, similarities: np.ndarray, neighbour_ids: np.ndarray,
                         weights: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Per-query neighbour lists (q x M, FAISS order) -> (candidate ids, scores), best first.

    "max", "mean" and "kmeans" take each candidate's best weighted similarity over the
    queries (for "mean" there is one query; for "kmeans" the queries are taste centroids);
    "rrf" sums weighted reciprocal ranks. FAISS pads short lists with id -1: dropped.
    """
    q, m = neighbour_ids.shape
    ids = neighbour_ids.ravel()
    if strategy == "rrf":
        contrib = (weights[:, None] / (RRF_K + 1.0 + np.arange(m, dtype=np.float32))[None, :]).ravel()
    else:
        contrib = (similarities * weights[:, None]).ravel()
    valid = ids >= 0
    ids, contrib = ids[valid], contrib[valid].astype(np.float64)
    if ids.size == 0:
        return ids.astype(np.int64), contrib
    # Group equal ids with one sort, then reduce each group (faster than ufunc.at).
    order = np.argsort(ids, kind="stable")
    ids, contrib = ids[order], contrib[order]
    starts = np.flatnonzero(np.concatenate(([True], ids[1:] != ids[:-1])))
    reduce = np.add if strategy == "rrf" else np.maximum
    return rank(ids[starts], reduce.reduceat(contrib, starts))


def rank(ids: np.ndarray, scores: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Sort by score descending, then album id ascending: the same input, the same order."""
    order = np.lexsort((ids, -scores))
    return ids[order].astype(np.int64), scores[order]


def max_similarity(candidates: np.ndarray, owned: np.ndarray, weights: np.ndarray,
                   chunk: int = 2048) -> np.ndarray:
    """Exact "max" score of each candidate vector (rows) against every owned vector."""
    out = np.empty(candidates.shape[0], dtype=np.float64)
    for start in range(0, candidates.shape[0], chunk):
        sims = candidates[start:start + chunk] @ owned.T
        out[start:start + chunk] = (sims * weights[None, :]).max(axis=1)
    return out


def score_catalogue(vectors: np.ndarray, owned: np.ndarray, strategy: str = DEFAULT_STRATEGY,
                    weights: Optional[np.ndarray] = None, chunk: int = 65536,
                    rrf_depth: Optional[int] = None) -> np.ndarray:
    """Exact score of every catalogue row (N,) for a profile of owned vectors (n x d).

    For evaluation: rank the whole catalogue with any strategy, side by side. Owned rows
    are scored too; callers drop them. `rrf_depth` limits each owned album's list to
    its top ranks as serving does (None: the whole catalogue).
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}; choose one of {', '.join(STRATEGIES)}")
    owned = np.ascontiguousarray(owned, dtype=np.float32)
    w = normalised_weights(weights, owned.shape[0])
    if strategy == "mean":
        queries, qw = mean_profile(owned, w), np.ones(1, dtype=np.float32)
    elif strategy == "kmeans":
        queries, qw = kmeans_tastes(owned, w)
    else:
        queries, qw = owned, w
    n_rows = vectors.shape[0]
    if strategy != "rrf":
        out = np.empty(n_rows, dtype=np.float64)
        for start in range(0, n_rows, chunk):
            block = np.asarray(vectors[start:start + chunk], dtype=np.float32)
            out[start:start + chunk] = ((block @ queries.T) * qw[None, :]).max(axis=1)
        return out
    sims = np.concatenate([np.asarray(vectors[s:s + chunk], dtype=np.float32) @ queries.T
                           for s in range(0, n_rows, chunk)])
    out = np.zeros(n_rows, dtype=np.float64)
    depth = n_rows if rrf_depth is None else min(rrf_depth, n_rows)
    for j in range(queries.shape[0]):
        order = np.lexsort((np.arange(n_rows), -sims[:, j]))[:depth]
        out[order] += qw[j] / (RRF_K + 1.0 + np.arange(depth))
    return out
