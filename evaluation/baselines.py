"""Baseline scores of the whole catalogue for one profile: pure functions over arrays.

What a recommender must beat to be worth its model. Each returns one score per album
(higher is better); albums that tie are ordered by the test case's seeded random
order (see `runner`), never by album id: low master ids are the classics Discogs
catalogued first, so id order would smuggle in a popularity prior.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from recommender import tags

from .catalogue import CatalogueFacts, ListColumn


def random_scores(facts: CatalogueFacts, profile: Sequence[int]) -> np.ndarray:
    """All equal: the seeded tie-break order alone decides (a random ranking)."""
    return np.zeros(facts.size, dtype=np.float64)


def popularity_scores(facts: CatalogueFacts, profile: Sequence[int]) -> np.ndarray:
    """Number of versions (indexed releases) of each album: the most pressed first."""
    return facts.release_count.astype(np.float64)


def cosine_overlap(column: ListColumn, profile: Sequence[int]) -> np.ndarray:
    """Cosine between each album's value set and the profile's value counts (the
    engine's definition, `recommender.tags.cosine_overlap`)."""
    return tags.cosine_overlap(column, column.counts(profile))


def genre_style_scores(facts: CatalogueFacts, profile: Sequence[int]) -> np.ndarray:
    """Genre/style profile overlap: albums tagged like the collection, most-owned tags first."""
    return cosine_overlap(facts.tags, profile)


def shared_count(column: ListColumn, profile: Sequence[int]) -> np.ndarray:
    """For each album, how many profile albums share one of its values."""
    return column.sum_per_album(column.counts(profile))


def same_artist_scores(facts: CatalogueFacts, profile: Sequence[int]) -> np.ndarray:
    """More by the artists the collector owns, the most-owned artist first."""
    return shared_count(facts.artists, profile)


def same_label_scores(facts: CatalogueFacts, profile: Sequence[int]) -> np.ndarray:
    """More from the labels the collector owns, the most-owned label first."""
    return shared_count(facts.labels, profile)
