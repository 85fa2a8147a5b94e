"""Metric functions against cases computed by hand."""
from __future__ import annotations

import math

import numpy as np
import pytest

from evaluation import metrics


def test_hit_rate_and_recall_count_ranks_within_the_cutoff():
    ranks = [3.0, 60.0]
    assert metrics.hit_rate(ranks, 10) == 1.0
    assert metrics.hit_rate(ranks, 2) == 0.0
    assert metrics.recall(ranks, 10) == 0.5
    assert metrics.recall(ranks, 60) == 1.0
    assert metrics.recall([math.inf], 50) == 0.0


def test_ndcg_is_dcg_over_the_ideal_dcg():
    # hit at 3: 1/log2(4) = 0.5; ideal for two relevant: 1/log2(2) + 1/log2(3)
    assert metrics.ndcg([3.0, 60.0], 10) == pytest.approx(0.5 / (1 + 1 / math.log2(3)))
    assert metrics.ndcg([1.0, 2.0], 10) == pytest.approx(1.0)
    # the ideal list is cut at k: one relevant fits in the top 1
    assert metrics.ndcg([1.0, 2.0], 1) == pytest.approx(1.0)
    assert metrics.ndcg([11.0], 10) == 0.0


def test_reciprocal_rank_uses_the_first_held_out_album():
    assert metrics.reciprocal_rank([8.0, 4.0]) == 0.25
    assert metrics.reciprocal_rank([math.inf]) == 0.0


def test_empty_held_out_set_is_an_error():
    with pytest.raises(ValueError):
        metrics.recall([], 10)


def test_intra_list_diversity_is_mean_pairwise_cosine_distance():
    vectors = np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 0.0]])
    # pairs: (a,b) distance 1, (a,c) 0, (b,c) 1 -> mean 2/3 (norms do not matter)
    assert metrics.intra_list_diversity(vectors) == pytest.approx(2 / 3)
    assert metrics.intra_list_diversity(vectors[:1]) == 0.0


def test_popularity_novelty_is_mean_self_information_with_add_one_smoothing():
    counts = np.array([0.0, 3.0])
    # shares (0+1)/(3+2) = 1/5 and (3+1)/5 = 4/5
    expected = (-math.log2(1 / 5) - math.log2(4 / 5)) / 2
    assert metrics.popularity_novelty(counts, total=3, catalogue_size=2) == pytest.approx(expected)


def test_similarity_novelty_is_one_minus_the_closest_profile_similarity():
    top = np.array([[1.0, 0.0]])
    profile = np.array([[0.6, 0.8], [0.0, 1.0]])
    assert metrics.similarity_novelty(top, profile) == pytest.approx(0.4)


def test_coverage_counts_distinct_albums_over_all_lists():
    assert metrics.coverage([[1, 2], [2, 3]], 10) == pytest.approx(0.3)
    assert metrics.coverage([], 10) == 0.0


def test_bootstrap_interval_is_repeatable_and_brackets_the_mean():
    values = [0, 1, 0, 1, 1, 0, 0, 1, 1, 1]
    low, high = metrics.bootstrap_interval(values, seed=3)
    assert (low, high) == metrics.bootstrap_interval(values, seed=3)
    assert low <= np.mean(values) <= high
    assert metrics.bootstrap_interval([0.5, 0.5, 0.5], seed=0) == (0.5, 0.5)


def test_paired_ranks_counts_moves_and_gives_a_sign_test():
    paired = metrics.paired_ranks([1, 2, 3], [2, 2, 5])
    assert (paired["better"], paired["worse"], paired["ties"]) == (2, 0, 1)
    assert paired["p"] == pytest.approx(0.5)  # 2 of 2 better: 2 * (1/4)
    assert metrics.paired_ranks([4], [4])["p"] == 1.0
