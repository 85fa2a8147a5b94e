"""The learned strategy's parts on small hand-made catalogues: album facts, signals
(and their leave-one-out form), the per-collector fit."""
from __future__ import annotations

import numpy as np
import pytest

from recommender import taste
from recommender.albumfacts import AlbumFacts, row_sums


def catalogue() -> AlbumFacts:
    """8 albums: 0-3 by artist "a" (rock, krautrock), 4-5 by "b" (rock), 6 by "c"
    (electronic, techno), 7 untagged and undated."""
    artists = [["a"], ["a"], ["a"], ["a"], ["b"], ["b"], ["c"], []]
    tags = [["g:rock", "s:krautrock"]] * 4 + [["g:rock"]] * 2 + [["g:electronic", "s:techno"], []]
    years = [1971, 1972, 1973, 1974, 1990, 1991, 1995, None]
    return AlbumFacts.build(artists=artists, tags=tags, years=years, labels=[[]] * 8,
                            versions=[0] * 8)


def test_idf_weighs_rare_tags_more_and_artists_map_back_to_albums():
    facts = catalogue()
    idf = dict(zip(facts.tags.vocabulary, facts.tag_idf))
    assert idf["s:krautrock"] > idf["g:rock"] > 0
    a = facts.artists.vocabulary.index("a")
    assert facts.albums_of_artists(np.array([a])).tolist() == [0, 1, 2, 3]
    assert facts.albums_of_artists(np.array([], dtype=np.int64)).size == 0
    assert not facts.has_versions and np.isnan(facts.year[7])


def test_row_sums_is_sum_per_album_on_a_subset():
    facts = catalogue()
    weights = np.arange(facts.tags.size, dtype=np.float64) + 1.0
    everything = facts.tags.sum_per_album(weights)
    ids = np.array([6, 0, 7, 4])
    assert row_sums(facts.tags, ids, weights).tolist() == everything[ids].tolist()


def test_leave_one_out_signals_equal_the_signals_without_the_album():
    """An owned album's leave-one-out signals (artist, style, year) are what it would
    get from a profile of the other owned albums: the fit's positives are honest."""
    facts = catalogue()
    owned = np.array([0, 1, 4, 6])
    weights = np.array([1.0, 0.5, 1.0, 0.8])
    profile = taste.Profile.build(facts, owned, weights)
    loo = taste.signals(facts, profile, owned, np.zeros(owned.size), leave_out_self=True)
    for row, album in enumerate(owned.tolist()):
        keep = owned != album
        others = taste.Profile.build(facts, owned[keep], weights[keep])
        alone = taste.signals(facts, others, np.array([album]), np.zeros(1))[0]
        assert loo[row, 1] == pytest.approx(alone[1])            # artist
        assert loo[row, 2] == pytest.approx(alone[2], abs=1e-9)  # style
    # Album 0 shares its artist with album 1 only: log2(1 + 1) = 1.
    assert loo[0, 1] == pytest.approx(1.0)
    assert loo[3, 1] == 0.0  # album 6: nobody else by "c"


def test_style_prefers_the_rare_shared_tag():
    facts = catalogue()
    profile = taste.Profile.build(facts, np.array([0, 1]), np.ones(2))
    s = taste.signals(facts, profile, np.array([2, 4, 6, 7]), np.zeros(4))
    krautrock, rock, techno, untagged = s[:, 2]
    assert krautrock > rock > techno == 0 and untagged == 0
    year = s[:, 3]
    assert year[0] > year[1] > 0 and year[3] == 0  # 1973 near 1971-72; 1990 far; unknown 0


def test_fit_finds_the_weight_that_separates_and_keeps_defaults_otherwise():
    rng = np.random.default_rng(0)
    grid = np.array([(1.0, a, 0.0, 0.0, 0.0) for a in (0.0, 0.1, 0.2, 0.4)])
    # Positives and negatives alike in similarity; only positives share an artist.
    positives = np.column_stack([rng.uniform(0.3, 0.5, 30), np.ones(30), np.zeros((30, 3))])
    negatives = np.column_stack([rng.uniform(0.3, 0.6, 300), np.zeros(300), np.zeros((300, 3))])
    weights, _ = taste.fit(positives, negatives, grid)
    assert weights[1] >= 0.2
    # Nothing tells the grid points apart: the one nearest the defaults wins.
    same = np.column_stack([rng.uniform(0.3, 0.5, 30), np.zeros((30, 4))])
    weights, _ = taste.fit(same, negatives, grid)
    nearest = grid[np.argmin(np.abs(grid - taste.default_vector()).sum(axis=1))]
    assert weights.tolist() == nearest.tolist()


def test_small_collections_keep_the_default_weights():
    facts = catalogue()
    owned = np.array([0, 4])
    profile = taste.Profile.build(facts, owned, np.ones(2))
    vectors = np.eye(8, dtype=np.float32)[owned]
    negatives = taste.signals(facts, profile, np.array([1, 2, 3, 5, 6]), np.zeros(5))
    assert taste.fitted_weights(facts, profile, vectors, negatives).tolist() == \
        taste.default_vector().tolist()


def test_fitted_weights_are_half_way_to_the_defaults():
    rng = np.random.default_rng(1)
    n = 40
    artists = [[f"artist{i // 2}"] for i in range(n)] + [[f"other{i}"] for i in range(200)]
    tags = [["g:rock"]] * (n + 200)
    facts = AlbumFacts.build(artists=artists, tags=tags, years=[None] * (n + 200),
                             labels=[[]] * (n + 200), versions=[0] * (n + 200))
    vectors = rng.normal(size=(n + 200, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    owned = np.arange(n)
    profile = taste.Profile.build(facts, owned, np.ones(n))
    rest = np.arange(n, n + 200)
    negatives = taste.signals(facts, profile, rest, (vectors[rest] @ vectors[owned].T).max(1))
    weights = taste.fitted_weights(facts, profile, vectors[owned], negatives)
    # Owned albums come in pairs by one artist, negatives share none: the artist weight
    # rises above the default, shrunk half-way.
    top = max(taste.GRID_VALUES["artist"])
    expected = taste.FIT_SHRINK * top + (1 - taste.FIT_SHRINK) * taste.DEFAULT_WEIGHTS["artist"]
    assert weights[1] == pytest.approx(expected)
