"""The aggregation strategies as pure functions, on small hand-made vectors."""
from __future__ import annotations

import numpy as np
import pytest

from recommender import strategies


def unit(*rows):
    return strategies.unit_rows(np.array(rows, dtype=np.float32))


def test_max_keeps_each_taste_where_mean_blurs_them():
    owned = unit([1, 0, 0], [0, 1, 0])                # two tastes, orthogonal
    catalogue = unit([1, 0.05, 0], [0.05, 1, 0], [1, 1, 0], [0, 0, 1])
    best_max = np.argsort(-strategies.score_catalogue(catalogue, owned, "max"))
    best_mean = np.argsort(-strategies.score_catalogue(catalogue, owned, "mean"))
    assert set(best_max[:2]) == {0, 1}               # the album next to each owned one
    assert best_mean[0] == 2                         # the mean prefers the in-between album


def test_weights_scale_contributions():
    owned = unit([1, 0, 0], [0, 1, 0])
    catalogue = unit([1, 0.1, 0], [0.1, 1, 0])
    liked_first = strategies.score_catalogue(catalogue, owned, "max", weights=np.array([5, 1]))
    liked_second = strategies.score_catalogue(catalogue, owned, "max", weights=np.array([1, 5]))
    assert liked_first[0] > liked_first[1] and liked_second[1] > liked_second[0]
    assert np.allclose(strategies.normalised_weights(np.array([2.0, 4.0]), 2), [0.5, 1.0])
    assert np.allclose(strategies.normalised_weights(None, 3), 1.0)


def test_aggregate_neighbours_max_and_rrf():
    sims = np.array([[0.9, 0.5, 0.1], [0.8, 0.7, 0.6]], dtype=np.float32)
    ids = np.array([[10, 11, 12], [11, 12, -1]])
    got_ids, got = strategies.aggregate_neighbours("max", sims, ids, np.ones(2, np.float32))
    assert got_ids.tolist() == [10, 11, 12] and np.allclose(got, [0.9, 0.8, 0.7])
    rrf_ids, rrf = strategies.aggregate_neighbours("rrf", sims, ids, np.ones(2, np.float32))
    k = strategies.RRF_K
    assert rrf_ids[0] == 11  # second in one list and first in the other
    assert np.isclose(rrf[0], 1 / (k + 2) + 1 / (k + 1))


def test_ties_break_on_the_smaller_id():
    ids, scores = strategies.rank(np.array([7, 3, 5]), np.array([0.5, 0.5, 0.9]))
    assert ids.tolist() == [5, 3, 7]


def test_serving_aggregation_matches_exact_scoring():
    rng = np.random.default_rng(0)
    catalogue = strategies.unit_rows(rng.standard_normal((300, 16)).astype(np.float32))
    owned = catalogue[[1, 50, 99]]
    sims = owned @ catalogue.T
    order = np.argsort(-sims, axis=1)
    neighbour_sims = np.take_along_axis(sims, order, axis=1)
    for strategy in ("max", "rrf"):
        ids, scores = strategies.aggregate_neighbours(strategy, neighbour_sims, order, np.ones(3, np.float32))
        exact = strategies.score_catalogue(catalogue, owned, strategy)
        assert np.allclose(scores, exact[ids], atol=1e-5)


def test_kmeans_tastes_are_deterministic():
    rng = np.random.default_rng(1)
    owned = strategies.unit_rows(rng.standard_normal((200, 16)).astype(np.float32))
    first, w1 = strategies.kmeans_tastes(owned, np.ones(200, np.float32))
    again, w2 = strategies.kmeans_tastes(owned, np.ones(200, np.float32))
    assert first.shape[0] == strategies.cluster_count(200)
    assert np.array_equal(first, again) and np.array_equal(w1, w2)
    assert np.allclose(np.linalg.norm(first, axis=1), 1, atol=1e-5)


def test_unknown_strategy_is_refused():
    with pytest.raises(ValueError, match="unknown strategy"):
        strategies.score_catalogue(np.zeros((2, 2), np.float32), np.ones((1, 2), np.float32), "best")
