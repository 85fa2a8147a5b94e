"""The "learned" strategy: a blend of signals whose weights are fitted per collector,
at request time, on the collector's own collection.

Signals of a candidate album for a collection (each roughly 0..1 or a small count):

- sim: its best rating-weighted MiniLM cosine to an owned album (the "max" strategy);
- artist: log2(1 + owned albums sharing an artist with it);
- style: cosine between its IDF-weighted genre/style set and the collection's
  IDF-weighted tag counts (rare tags such as "Krautrock" weigh more than "Rock");
- year: how many owned albums are from about its year (a 5-year kernel density,
  scaled to 1 at the collection's busiest year);
- popularity: log(1 + versions) / log(1 + most versions), only where the index has the
  releases dump (0 everywhere on a masters-only build, where it is left out);
- related: log2(1 + owned albums by an artist related to one of its artists: an alias,
  a member, a group), only where the index was built with the artists dump
  (`build --artists`); a group's album for a collector of its members' solo records.
- label: log2(1 + owned albums sharing a label with it, each shared label weighed by its
  rarity, `AlbumFacts.label_idf`), only where the index has labels (the releases dump:
  a masters-only build has none, and leaves it out); the Warp or ECM collector.

score = sim + artist_w x artist + style_w x style + year_w x year + popularity_w x popularity
        + related_w x related + label_w x label

The weights: a rock collection and an electronic one need different ones, so they are
chosen per request by leave-one-out over `GRID` on the collection itself: every owned
album in turn plays a held-out album (its signals computed from the other owned albums)
against the best candidates (hard negatives, signals from the whole collection), and
the weights under which the owned albums rank highest win (ties: the weights nearest
`DEFAULT_WEIGHTS`), then are shrunk half-way to the defaults (`FIT_SHRINK`). Collections smaller than `MIN_FIT_ALBUMS` keep
the defaults: a handful of albums cannot tell the grid points apart. Cost: one n x n
similarity product and a (n + m) x |GRID| score matrix (n owned, m negatives).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

import numpy as np

from .albumfacts import AlbumFacts, row_sums
from .tags import SparseCounts, csr_rows

SIGNALS = ("sim", "artist", "style", "year", "popularity", "related", "label")
# The fixed point of the fit (sim's weight is 1: the others are relative to it); chosen
# by the collector benchmark (docs/evaluation.md). `related` cannot be measured there
# (no artists dump covers its artists), so its default is half the artist's: another
# name of the same people, less sure than the same credit; the fit moves it per collector.
# `label` was chosen on the releases-only form of the benchmark, where every album has
# its labels (docs/evaluation.md, "Labels").
DEFAULT_WEIGHTS = {"artist": 0.1, "style": 1.0, "year": 0.1, "popularity": 0.0, "related": 0.05,
                   "label": 0.1}
GRID_VALUES = {
    "artist": (0.0, 0.1, 0.2, 0.4),
    "style": (0.0, 0.25, 0.5, 1.0),
    "year": (0.0, 0.05, 0.1),
    "popularity": (0.0, 0.05, 0.1),
    "related": (0.0, 0.05, 0.2),
    "label": (0.0, 0.1, 0.2, 0.4),
}
MIN_FIT_ALBUMS = 10
FIT_NEGATIVES = 300
FIT_RANK_CAP = 100
# At most this many owned albums play positives (evenly spaced over the album ids), so
# a 5,000-album collection costs what a 200-album one does.
MAX_FIT_POSITIVES = 200
# The weights used are FIT_SHRINK x the fitted ones + (1 - FIT_SHRINK) x the defaults:
# the fit on one collection is noisy (a few dozen albums decide it), and on the
# masters-only benchmark the full fit did not beat the defaults while the half-way
# blend matched them (docs/evaluation.md).
FIT_SHRINK = 0.5
YEAR_BANDWIDTH = 5.0


@dataclass
class Profile:
    """What the signals need of one collection: owned album ids and weights, and
    the tag, artist and year summaries computed once."""

    owned: np.ndarray
    weights: np.ndarray
    tag_counts: np.ndarray        # weighted owned albums per tag (tags vocabulary)
    artist_counts: SparseCounts   # owned albums per artist value
    related_counts: SparseCounts  # owned albums by artists related to each artist value
    label_counts: SparseCounts    # owned albums per label value, times the label's rarity
    year_density: np.ndarray      # owned albums per year, kernel-smoothed
    year_offset: int

    @classmethod
    def build(cls, facts: AlbumFacts, owned: np.ndarray, weights: np.ndarray) -> "Profile":
        tag_counts = facts.tags.counts(owned, weights)
        artist_counts = facts.artists.sparse_counts(owned)
        years = facts.year[owned]
        years = years[~np.isnan(years)].astype(np.int64)
        if years.size:
            low, high = int(years.min()) - 30, int(years.max()) + 30
            hist = np.bincount(years - low, minlength=high - low + 1).astype(np.float64)
            span = np.arange(-30, 31)
            kernel = np.exp(-np.abs(span) / YEAR_BANDWIDTH)
            density = np.convolve(hist, kernel, mode="same")
        else:
            low, density = 0, np.zeros(0)
        labels = csr_rows(facts.labels.indptr, facts.labels.indices, owned)
        label_counts = SparseCounts.of(labels, facts.label_idf[labels])
        return cls(owned, weights, tag_counts, artist_counts, facts.related_counts(artist_counts),
                   label_counts, density, low)


def _year_signal(facts: AlbumFacts, profile: Profile, ids: np.ndarray,
                 leave_out_self: bool = False) -> np.ndarray:
    if profile.year_density.size == 0:
        return np.zeros(ids.size)
    years = facts.year[ids]
    known = ~np.isnan(years)
    out = np.zeros(ids.size)
    pos = np.clip(np.nan_to_num(years, nan=0).astype(np.int64) - profile.year_offset, 0,
                  profile.year_density.size - 1)
    inside = known & (years - profile.year_offset >= 0) & \
        (years - profile.year_offset < profile.year_density.size)
    out[inside] = profile.year_density[pos[inside]]
    if leave_out_self:
        out[known] -= 1.0  # its own year's kernel peak
    top = float(profile.year_density.max())
    return np.clip(out / top, 0.0, 1.0) if top > 0 else out


def signals(facts: AlbumFacts, profile: Profile, ids: np.ndarray, sim: np.ndarray,
            leave_out_self: bool = False) -> np.ndarray:
    """(len(ids), len(SIGNALS)) signal matrix. leave_out_self: the ids are owned albums
    and each one's artist, style and year signals are computed from the other owned
    albums (the leave-one-out positives of the fit)."""
    ids = np.asarray(ids, dtype=np.int64)
    out = np.zeros((ids.size, len(SIGNALS)))
    out[:, 0] = sim
    # artist: owned albums sharing one of its artists (itself not counted)
    shared = row_sums(facts.artists, ids, profile.artist_counts)
    if leave_out_self:
        shared = shared - facts.artists.lengths_of(ids)
    out[:, 1] = np.log2(1.0 + np.maximum(shared, 0.0))
    # style: IDF-weighted cosine
    idf2 = facts.tag_idf ** 2
    counts = profile.tag_counts
    dot = row_sums(facts.tags, ids, idf2 * counts)
    own = row_sums(facts.tags, ids, idf2)
    norm2 = float((idf2 * counts * counts).sum())
    if leave_out_self:
        # The profile without the album itself: counts c - w on its own tags, so
        # |c'|^2 = |c|^2 - 2 w dot + w^2 own, and dot' = dot - w own.
        w = _weights_of(profile, ids)
        norm2 = np.maximum(norm2 - 2 * w * dot + w * w * own, 0.0)
        dot = dot - w * own
    denominator = np.sqrt(own) * np.sqrt(norm2)
    out[:, 2] = np.divide(dot, denominator, out=np.zeros(ids.size), where=denominator > 0)
    out[:, 3] = _year_signal(facts, profile, ids, leave_out_self)
    if facts.has_versions:
        top = float(np.log1p(facts.most_versions))
        out[:, 4] = np.log1p(facts.versions[ids]) / top
    if facts.has_relations:
        related = row_sums(facts.artists, ids, profile.related_counts)
        if leave_out_self:
            related = related - _self_relations(facts, ids)
        out[:, 5] = np.log2(1.0 + np.maximum(related, 0.0))
    if facts.has_labels:
        shared = row_sums(facts.labels, ids, profile.label_counts)
        if leave_out_self:
            shared = shared - row_sums(facts.labels, ids, facts.label_idf)
        out[:, 6] = np.log2(1.0 + np.maximum(shared, 0.0))
    return out


def _self_relations(facts: AlbumFacts, ids: np.ndarray) -> np.ndarray:
    """For each owned album, what it adds to its own related signal: pairs of its own
    artists that are related (a group credited with one of its members)."""
    out = np.zeros(ids.size)
    for row, album in enumerate(ids.tolist()):
        values = facts.artists.values_of(album)
        if values.size > 1:
            out[row] = float(np.isin(csr_rows(facts.related_indptr, facts.related_values,
                                               values), values).sum())
    return out


def _weights_of(profile: Profile, ids: np.ndarray) -> np.ndarray:
    position = {int(a): i for i, a in enumerate(profile.owned.tolist())}
    return np.array([profile.weights[position[int(a)]] for a in ids.tolist()], dtype=np.float64)


def grid(facts: AlbumFacts) -> np.ndarray:
    """The weight vectors tried (rows; columns as SIGNALS, sim's weight 1)."""
    popularity = GRID_VALUES["popularity"] if facts.has_versions else (0.0,)
    related = GRID_VALUES["related"] if facts.has_relations else (DEFAULT_WEIGHTS["related"],)
    label = GRID_VALUES["label"] if facts.has_labels else (DEFAULT_WEIGHTS["label"],)
    rows = [(1.0,) + row for row in itertools.product(
        GRID_VALUES["artist"], GRID_VALUES["style"], GRID_VALUES["year"], popularity, related,
        label)]
    return np.array(rows, dtype=np.float64)


def default_vector() -> np.ndarray:
    return np.array([1.0] + [DEFAULT_WEIGHTS[s] for s in SIGNALS[1:]], dtype=np.float64)


def fit(positives: np.ndarray, negatives: np.ndarray, candidates: np.ndarray) -> Tuple[np.ndarray, Dict[str, float]]:
    """The grid row under which the positives rank best among the negatives (both
    signal matrices): the fewest negatives above each positive, counted up to
    `FIT_RANK_CAP` (a positive beyond the top 100 is lost whatever the weights, so it
    should not steer them); ties: nearest to the default weights."""
    # Only the FIT_RANK_CAP best negatives of each weight vector can be above a
    # positive whose count is not capped, and the score is a mean over the positives, so
    # both sides are sorted per column and all columns searched at once: column g
    # shifted by g x span sorts after column g - 1 (the columns concatenated are one
    # ascending array, and so are the positives: each search starts where the last
    # ended). A search per column cost 17 ms over the 1,728-point grid of a build with
    # labels, versions and artist links (docs/evaluation.md, "Labels").
    neg = candidates @ negatives.T                  # (g, m): rows contiguous
    if neg.shape[1] > FIT_RANK_CAP:
        neg = np.partition(neg, neg.shape[1] - FIT_RANK_CAP, axis=1)[:, -FIT_RANK_CAP:]
    neg = np.sort(neg, axis=1)
    pos = np.sort(candidates @ positives.T, axis=1)  # (g, n)
    g, m = neg.shape
    low = min(float(neg.min(initial=0.0)), float(pos.min(initial=0.0)))
    span = max(float(neg.max(initial=0.0)), float(pos.max(initial=0.0))) - low + 1.0
    shift = (np.arange(g) * span - low)[:, None]
    found = np.searchsorted((neg + shift).ravel(), (pos + shift).ravel(), side="right")
    above = m - (found.reshape(pos.shape) - np.arange(g)[:, None] * m)  # (g, n)
    score = -np.minimum(above, FIT_RANK_CAP).mean(axis=1)
    distance = np.abs(candidates - default_vector()[None, :]).sum(axis=1)
    best = int(np.lexsort((distance, -score))[0])
    nearest = int(np.argmin(distance))
    return candidates[best], {"fitted": float(score[best]), "default": float(score[nearest])}


def fitted_weights(facts: AlbumFacts, profile: Profile, owned_vectors: np.ndarray,
                   negatives: np.ndarray) -> np.ndarray:
    """Per-collector weights (see the module docstring); `negatives` is the signal
    matrix of the best non-owned candidates by the default weights."""
    n = profile.owned.size
    if n < MIN_FIT_ALBUMS or negatives.shape[0] == 0:
        return default_vector()
    rows = np.arange(n)
    if n > MAX_FIT_POSITIVES:
        rows = np.linspace(0, n - 1, MAX_FIT_POSITIVES).round().astype(np.int64)
    sim = owned_vectors[rows] @ owned_vectors.T * profile.weights[None, :]
    sim[np.arange(rows.size), rows] = -np.inf  # leave each album itself out
    positives = signals(facts, profile, profile.owned[rows], sim.max(axis=1),
                        leave_out_self=True)
    weights, _ = fit(positives, negatives, grid(facts))
    return FIT_SHRINK * weights + (1.0 - FIT_SHRINK) * default_vector()


def blend(matrix: np.ndarray, weights: np.ndarray) -> np.ndarray:
    return matrix @ weights


def weights_dict(weights: np.ndarray) -> Dict[str, float]:
    return {name: float(w) for name, w in zip(SIGNALS, weights)}


def learned_scores(facts: AlbumFacts, profile: Profile, owned_vectors: np.ndarray,
                   ids: np.ndarray, sim: np.ndarray, weights: Optional[np.ndarray] = None,
                   style_scale: float = 1.0) -> Tuple[np.ndarray, np.ndarray]:
    """(scores of `ids`, the weights used): the default blend picks the hard negatives,
    the fit picks the weights, the fitted blend scores every id. `ids` must not hold
    owned albums. style_scale multiplies the fitted genre/style weight (the request's
    style_weight over its default: 0 leaves genres and styles out)."""
    matrix = signals(facts, profile, ids, sim)
    if weights is None:
        default = blend(matrix, default_vector())
        hardest = np.argsort(-default, kind="stable")[:FIT_NEGATIVES]
        weights = fitted_weights(facts, profile, owned_vectors, matrix[hardest])
    weights = weights.copy()
    weights[SIGNALS.index("style")] *= style_scale
    return blend(matrix, weights), weights
