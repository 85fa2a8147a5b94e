"""MMR selection and the per-artist cap."""
from __future__ import annotations

import numpy as np

from recommender.diversity import select


def album(album_id, artist_id):
    return {"album_id": album_id, "artists": [{"id": artist_id, "name": f"A{artist_id}"}]}


def test_artist_cap_skips_to_other_artists():
    pool = [album(0, 1), album(1, 1), album(2, 1), album(3, 2)]
    vectors = np.eye(4, dtype=np.float32)
    assert select(pool, np.array([4, 3, 2, 1.0]), vectors, 3, 0.0, max_per_artist=2) == [0, 1, 3]
    assert select(pool, np.array([4, 3, 2, 1.0]), vectors, 3, 0.0, max_per_artist=0) == [0, 1, 2]


def test_various_artists_are_not_capped():
    pool = [album(0, 194), album(1, 194), album(2, 194)]
    assert select(pool, np.array([3, 2, 1.0]), np.eye(3, dtype=np.float32), 3, 0.0, 1) == [0, 1, 2]


def test_diversity_prefers_a_different_album_over_a_near_duplicate():
    pool = [album(i, i) for i in range(3)]
    vectors = np.array([[1, 0], [0.99, 0.141], [0, 1]], dtype=np.float32)
    relevance = np.array([1.0, 0.95, 0.8])
    assert select(pool, relevance, vectors, 2, 0.0) == [0, 1]
    assert select(pool, relevance, vectors, 2, 0.5) == [0, 2]
