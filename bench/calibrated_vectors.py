"""Synthetic album vectors shaped like real static-model ones, for benchmarks at sizes
nobody has embedded here.

Real album vectors cluster (by genre, style, scene), and an IVF index lives on that
structure; bench.serving_scale's first mixture matched real neighbour similarities but
not the structure (bench.ivf_calibration: at 4k vectors it found 0.59 of the ten nearest
neighbours in a sixteenth of the lists, real vectors 0.96). This model keeps it: k-means
clusters of the real vectors, and inside each a Gaussian in the cluster's own principal
subspace (its `rank` strongest directions, with their variances) plus an isotropic
residual carrying the variance those directions leave out. Drawn at the real vectors'
size it reproduces their IVF curve and neighbour similarities (bench.ivf_calibration
prints both). Below the clusters it has no finer structure than a Gaussian, where
real albums keep clustering (discographies, labels, series), so at millions of albums
it errs towards hard queries.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import List, Tuple

import numpy as np

CLUSTERS = 50
RANK = 64


@dataclass
class CalibratedModel:
    means: np.ndarray  # (clusters, dim)
    bases: List[np.ndarray]  # per cluster (rank_c, dim): principal directions
    scales: List[np.ndarray]  # per cluster (rank_c,): standard deviations along them
    residual: np.ndarray  # (clusters,): isotropic standard deviation per coordinate
    weights: np.ndarray  # (clusters,): share of the real vectors
    digest: str  # of the real vectors it was fitted on

    @property
    def dim(self) -> int:
        return int(self.means.shape[1])

    def sample(self, n: int, rng: np.random.Generator) -> Tuple[np.ndarray, np.ndarray]:
        """(n unit vectors float32, the cluster of each)."""
        picks = rng.choice(len(self.weights), size=n, p=self.weights)
        out = np.empty((n, self.dim), dtype=np.float32)
        for cluster in np.unique(picks):
            rows = np.flatnonzero(picks == cluster)
            basis, scale = self.bases[cluster], self.scales[cluster]
            block = np.broadcast_to(self.means[cluster], (rows.size, self.dim)).copy()
            if scale.size:
                block += (rng.standard_normal((rows.size, scale.size), dtype=np.float32) * scale) @ basis
            block += self.residual[cluster] * rng.standard_normal((rows.size, self.dim), dtype=np.float32)
            out[rows] = block
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out, picks.astype(np.int32)


def fit(real: np.ndarray, clusters: int = CLUSTERS, rank: int = RANK, seed: int = 0) -> CalibratedModel:
    """The model of `real` (unit rows): see the module docstring."""
    import faiss

    real = np.ascontiguousarray(real, dtype=np.float32)
    n, dim = real.shape
    clusters = max(1, min(clusters, n // 2))
    kmeans = faiss.Kmeans(dim, clusters, niter=25, seed=seed, spherical=True,
                          min_points_per_centroid=1, verbose=False)
    kmeans.train(real)
    _, assigned = kmeans.index.search(real, 1)
    assigned = assigned[:, 0]
    means = np.zeros((clusters, dim), dtype=np.float32)
    bases, scales = [], []
    residual = np.zeros(clusters, dtype=np.float32)
    weights = np.zeros(clusters)
    for cluster in range(clusters):
        members = real[assigned == cluster]
        weights[cluster] = len(members)
        if len(members) == 0:
            bases.append(np.zeros((0, dim), np.float32))
            scales.append(np.zeros(0, np.float32))
            continue
        means[cluster] = members.mean(axis=0)
        spread = members - means[cluster]
        dof = max(1, len(members) - 1)
        keep = min(rank, len(members) - 1)
        _, singular, vt = np.linalg.svd(spread, full_matrices=False)
        bases.append(vt[:keep].astype(np.float32))
        scales.append((singular[:keep] / np.sqrt(dof)).astype(np.float32))
        left = max(0.0, float((singular ** 2).sum() - (singular[:keep] ** 2).sum()))
        residual[cluster] = np.sqrt(left / dof / dim)
    # One-member clusters have no spread of their own: give them the typical residual.
    lone = weights == 1
    if lone.any() and (~lone).any():
        residual[lone] = np.median(residual[weights > 1])
    return CalibratedModel(means, bases, scales, residual, weights / weights.sum(),
                           hashlib.sha1(real.tobytes()).hexdigest()[:16])


def load_real(indexes: List[str]) -> np.ndarray:
    """The unit vectors of published `--model static` indexes, concatenated."""
    import os

    from index_builder.layout import read_manifest

    parts = []
    for index in indexes:
        manifest = read_manifest(index)
        if not manifest:
            raise SystemExit(f"{index}: no published index; build it with --model static first")
        if manifest["model"].get("backend") != "model2vec":
            raise SystemExit(f"{index}: built with {manifest['model'].get('name')}, not --model static; "
                             "rebuild it with --model static")
        parts.append(np.load(os.path.join(index, manifest["files"]["vectors"])).astype(np.float32))
    vectors = np.concatenate(parts)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
