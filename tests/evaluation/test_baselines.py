"""Baselines and hybrid signals on a tiny hand-made catalogue."""
from __future__ import annotations

import numpy as np
import pytest

from evaluation import baselines
from evaluation.catalogue import CatalogueFacts, ListColumn
from evaluation.methods import HybridWeights
from evaluation.runner import held_out_ranks, ranking


def facts() -> CatalogueFacts:
    # album: 0 rock/punk by A, 1 rock/punk by B, 2 rock by A, 3 jazz by C, 4 no tags
    return CatalogueFacts(
        size=5,
        release_count=np.array([1.0, 5.0, 0.0, 2.0, 0.0]),
        year=np.array([1977, 1978, np.nan, 1959, 2000], dtype=float),
        tags=ListColumn.build([["g:rock", "s:punk"], ["g:rock", "s:punk"], ["g:rock"],
                               ["g:jazz"], []]),
        artists=ListColumn.build([["A"], ["B"], ["A"], ["C"], []]),
        labels=ListColumn.build([[], [], [], [], []]),
    )


def test_list_column_counts_each_value_once_per_album():
    column = ListColumn.build([["x", "x", "y"], [], ["y"]])
    assert column.lengths.tolist() == [2, 0, 1]
    assert column.counts([0, 2]).tolist() == [1.0, 2.0]
    assert column.sum_per_album(np.array([10.0, 1.0])).tolist() == [11.0, 0.0, 1.0]


def test_genre_style_is_cosine_to_the_profile_tag_counts():
    scores = baselines.genre_style_scores(facts(), [0])
    # profile {rock:1, punk:1}; album 2 {rock}: 1 / (1 * sqrt 2)
    assert scores[1] == pytest.approx(1.0)
    assert scores[2] == pytest.approx(1 / np.sqrt(2))
    assert scores[3] == 0.0 and scores[4] == 0.0


def test_same_artist_counts_profile_albums_by_the_same_artist():
    assert baselines.same_artist_scores(facts(), [0, 1]).tolist() == [1.0, 1.0, 1.0, 0.0, 0.0]
    assert baselines.popularity_scores(facts(), [0]).tolist() == [1.0, 5.0, 0.0, 2.0, 0.0]
    assert not facts().has_labels and facts().has_popularity


def test_ranking_leaves_the_profile_out_and_breaks_ties_by_the_given_order():
    scores = np.array([3.0, 1.0, 1.0, 1.0, 0.0])
    order = ranking(scores, tie_break=np.array([0, 3, 2, 1, 4]), profile=[0])
    assert order.tolist() == [3, 2, 1, 4]
    assert held_out_ranks(order, [2, 4], 5) == [2.0, 4.0]
    assert held_out_ranks(order[:2], [4], 5) == [float("inf")]


def test_hybrid_weights_parse_and_name():
    w = HybridWeights.parse("style=0.5, artist=0.1")
    assert (w.style, w.artist, w.strategy) == (0.5, 0.1, "max")
    assert w.name == "max+style=0.5,artist=0.1"
    assert HybridWeights.parse("strategy=none,style=1").name == "none+style=1"
    with pytest.raises(ValueError, match="not one of"):
        HybridWeights.parse("colour=1")
    with pytest.raises(ValueError, match="not a number"):
        HybridWeights.parse("style=lots")


def test_same_label_is_a_goal_baseline_only_where_labels_describe_every_album():
    """Where only some albums have labels (owned ones, in the benchmark's full
    catalogue), same-label finds them for the wrong reason and stays out of the goal
    checks; on a releases-only build, where every album has its labels, it is in."""
    import dataclasses

    from evaluation.runner import GOAL_BASELINES, goal_baselines

    partial = facts()
    assert goal_baselines(partial) == GOAL_BASELINES
    labelled = dataclasses.replace(partial, labels=ListColumn.build([["x"], ["y"], ["x"], ["z"], ["y"]]))
    assert goal_baselines(labelled) == GOAL_BASELINES + ("same-label",)
    some = dataclasses.replace(partial, labels=ListColumn.build([["x"], [], [], [], ["y"]]))
    assert goal_baselines(some) == GOAL_BASELINES
