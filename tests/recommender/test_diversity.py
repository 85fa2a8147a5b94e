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


def test_cap_within_holds_the_cap_in_the_top_only():
    # Artist 1 has the four best albums; artists 2 and 3 one each.
    pool = [album(0, 1), album(1, 1), album(2, 1), album(3, 1), album(4, 2), album(5, 3)]
    vectors = np.eye(6, dtype=np.float32)
    relevance = np.array([6, 5, 4, 3, 2, 1.0])
    # Whole-list cap: artist 1's third and fourth albums never come back.
    assert select(pool, relevance, vectors, 6, 0.0, max_per_artist=1) == [0, 4, 5]
    # Cap inside the top 2 only: then the skipped albums compete again, best first.
    assert select(pool, relevance, vectors, 6, 0.0, max_per_artist=1, cap_within=2) == [0, 4, 1, 2, 3, 5]
    # A cap_within beyond k is the whole-list cap.
    assert select(pool, relevance, vectors, 3, 0.0, max_per_artist=1, cap_within=10) == [0, 4, 5]
