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


def leave_one_out_against_profiles_without(facts: AlbumFacts, owned: np.ndarray,
                                            weights: np.ndarray):
    """(the owned albums' leave-one-out signals, each album's signals from a profile
    of the other owned albums): what an honest leave-one-out must equal."""
    profile = taste.Profile.build(facts, owned, weights)
    loo = taste.signals(facts, profile, owned, np.zeros(owned.size), leave_out_self=True)
    alone = []
    for album in owned.tolist():
        keep = owned != album
        others = taste.Profile.build(facts, owned[keep], weights[keep])
        alone.append(taste.signals(facts, others, np.array([album]), np.zeros(1))[0])
    return loo, np.array(alone)


def test_leave_one_out_signals_equal_the_signals_without_the_album():
    """An owned album's leave-one-out signals (artist, style, year) are what it would
    get from a profile of the other owned albums: the fit's positives are honest."""
    facts = catalogue()
    owned = np.array([0, 1, 4, 6])
    weights = np.array([1.0, 0.5, 1.0, 0.8])
    loo, alone = leave_one_out_against_profiles_without(facts, owned, weights)
    assert loo[:, 1] == pytest.approx(alone[:, 1])            # artist
    assert loo[:, 2] == pytest.approx(alone[:, 2], abs=1e-9)  # style
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
    rest = len(taste.SIGNALS) - 2
    grid = np.array([(1.0, a) + (0.0,) * rest for a in (0.0, 0.1, 0.2, 0.4)])
    # Positives and negatives alike in similarity; only positives share an artist.
    positives = np.column_stack([rng.uniform(0.3, 0.5, 30), np.ones(30), np.zeros((30, rest))])
    negatives = np.column_stack([rng.uniform(0.3, 0.6, 300), np.zeros(300), np.zeros((300, rest))])
    weights, _ = taste.fit(positives, negatives, grid)
    assert weights[1] >= 0.2
    # Nothing tells the grid points apart: the one nearest the defaults wins.
    same = np.column_stack([rng.uniform(0.3, 0.5, 30), np.zeros((30, rest + 1))])
    weights, _ = taste.fit(same, negatives, grid)
    nearest = grid[np.argmin(np.abs(grid - taste.default_vector()).sum(axis=1))]
    assert weights.tolist() == nearest.tolist()


def test_fit_counts_the_negatives_strictly_above_each_positive():
    """The fit's score is the mean capped count of negatives scoring above each
    positive; ties (equal blended scores) do not count as above."""
    rng = np.random.default_rng(4)
    signals_of = lambda n: rng.integers(0, 3, (n, len(taste.SIGNALS))).astype(np.float64)
    positives, negatives, grid = signals_of(40), signals_of(250), signals_of(30)
    grid[:, 0] = 1.0
    _, scores = taste.fit(positives, negatives, grid)
    above = ((negatives @ grid.T)[None, :, :] > (positives @ grid.T)[:, None, :]).sum(axis=1)
    by_row = -np.minimum(above, taste.FIT_RANK_CAP).mean(axis=0)
    assert scores["fitted"] == by_row.max()
    nearest = int(np.argmin(np.abs(grid - taste.default_vector()).sum(axis=1)))
    assert scores["default"] == by_row[nearest]


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


def related_catalogue() -> AlbumFacts:
    """6 albums by artist ids: 0-1 by group 10, 2 by 11 (a member of 10), 3 by 12 (an
    alias of 11), 4 by 10 and 11 together, 5 by 13 (nobody's relation)."""
    artists = [[10], [10], [11], [12], [10, 11], [13]]
    return AlbumFacts.build(artists=artists, tags=[["g:rock"]] * 6, years=[1980] * 6,
                            labels=[[]] * 6, versions=[0] * 6,
                            relations=[(10, 11), (11, 10), (11, 12), (99, 10)])


def test_related_artists_come_from_the_artists_dump_links():
    facts = related_catalogue()
    value = facts.artists.vocabulary.index
    assert facts.has_relations and not catalogue().has_relations
    assert sorted(facts.related_of(np.array([value(11)])).tolist()) == [value(10), value(12)]
    assert facts.related_of(np.array([value(13)])).size == 0  # 99 is on no album: dropped
    # Owned: the group's two albums. 11 (a member) is related to both; 12 and 13 to none.
    counts = facts.related_counts(facts.artists.sparse_counts([0, 1]))
    assert counts[value(11)] == 2 and counts[value(12)] == 0 and counts[value(13)] == 0


def test_related_signal_lifts_a_members_album_and_its_leave_one_out_is_honest():
    facts, owned, weights = related_catalogue(), np.array([0, 1, 4]), np.ones(3)
    related = taste.SIGNALS.index("related")
    out = taste.signals(facts, taste.Profile.build(facts, owned, weights), np.array([2, 3, 5]),
                        np.zeros(3))
    # Album 2 (by 11): the 3 owned albums by its group 10; album 3 (by 12, an alias of
    # 11): album 4, credited to 11 too; album 5: nothing. log2(1 + count).
    assert out[:, related].tolist() == [2.0, 1.0, 0.0]
    loo, alone = leave_one_out_against_profiles_without(facts, owned, weights)
    assert loo[:, related] == pytest.approx(alone[:, related])


def test_the_grid_tries_related_weights_only_where_the_index_has_links():
    related = taste.SIGNALS.index("related")
    assert set(taste.grid(related_catalogue())[:, related]) == set(taste.GRID_VALUES["related"])
    assert set(taste.grid(catalogue())[:, related]) == {taste.DEFAULT_WEIGHTS["related"]}


def label_catalogue() -> AlbumFacts:
    """7 albums on labels: 0-2 on the rare "kranky", 3-6 on the common "columbia"
    (3 and 4 on both), 5 on nothing; 6 on "columbia" only."""
    labels = [["kranky"], ["kranky"], ["kranky"], ["kranky", "columbia"],
              ["columbia"], [], ["columbia"]]
    labels += [["columbia"]] * 5  # 7-11: columbia is common
    n = len(labels)
    return AlbumFacts.build(artists=[[f"artist{i}"] for i in range(n)], tags=[["g:rock"]] * n,
                            years=[1990] * n, labels=labels, versions=[1] * n)


def test_labels_weigh_by_rarity_and_map_back_to_albums():
    facts = label_catalogue()
    idf = dict(zip(facts.labels.vocabulary, facts.label_idf))
    assert 1 >= idf["kranky"] > idf["columbia"] > 0
    assert facts.has_labels and not catalogue().has_labels
    profile = taste.Profile.build(facts, np.array([0, 4]), np.ones(2))
    # The rarer owned label's albums first; the limit holds.
    albums = facts.albums_of_labels(profile.label_counts, 3)
    assert albums.tolist() == [0, 1, 2]
    assert set(facts.albums_of_labels(profile.label_counts, 100).tolist()) == \
        {0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11}


def test_label_signal_prefers_the_rare_shared_label_and_its_leave_one_out_is_honest():
    facts, owned, weights = label_catalogue(), np.array([0, 1, 4]), np.ones(3)
    label = taste.SIGNALS.index("label")
    out = taste.signals(facts, taste.Profile.build(facts, owned, weights), np.array([2, 6, 5]),
                        np.zeros(3))
    kranky, columbia, nothing = out[:, label]
    assert kranky > columbia > nothing == 0
    # Two owned kranky albums, each weighing kranky's rarity.
    idf = dict(zip(facts.labels.vocabulary, facts.label_idf))
    assert kranky == pytest.approx(np.log2(1 + 2 * idf["kranky"]))
    loo, alone = leave_one_out_against_profiles_without(facts, owned, weights)
    assert loo[:, label] == pytest.approx(alone[:, label])
    assert loo[2, label] == pytest.approx(0.0)  # album 4: no other owned columbia album


def test_the_grid_tries_label_weights_only_where_the_index_has_labels():
    label = taste.SIGNALS.index("label")
    assert set(taste.grid(label_catalogue())[:, label]) == set(taste.GRID_VALUES["label"])
    assert set(taste.grid(catalogue())[:, label]) == {taste.DEFAULT_WEIGHTS["label"]}
    # Without labels the signal is 0 whatever its weight: a masters-only build ranks
    # as it did before labels were a signal.
    facts = catalogue()
    profile = taste.Profile.build(facts, np.array([0, 1]), np.ones(2))
    assert not taste.signals(facts, profile, np.arange(2, 8), np.zeros(6))[:, label].any()


def test_the_fit_counts_only_the_best_negatives_it_needs():
    """Keeping each weight vector's FIT_RANK_CAP best negatives gives the scores of
    counting all of them (capped): more negatives than the cap, positives on both sides."""
    rng = np.random.default_rng(7)
    positives = rng.normal(size=(60, len(taste.SIGNALS)))
    negatives = rng.normal(size=(taste.FIT_RANK_CAP * 3, len(taste.SIGNALS)))
    grid = np.column_stack([np.ones(25), rng.uniform(0, 1, (25, len(taste.SIGNALS) - 1))])
    _, scores = taste.fit(positives, negatives, grid)
    above = ((negatives @ grid.T)[None, :, :] > (positives @ grid.T)[:, None, :]).sum(axis=1)
    by_row = -np.minimum(above, taste.FIT_RANK_CAP).mean(axis=0)
    assert scores["fitted"] == pytest.approx(by_row.max())
    nearest = int(np.argmin(np.abs(grid - taste.default_vector()).sum(axis=1)))
    assert scores["default"] == pytest.approx(by_row[nearest])
