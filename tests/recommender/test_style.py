"""The genre/style term of the engine (`style_weight`): its definition, on hand-made
tags, and its effect on the real sample index."""
from __future__ import annotations

import numpy as np
import pytest

from recommender import strategies, tags
from recommender.engine import DEFAULT_STYLE_WEIGHT, Recommender
from recommender.store import IndexStore


@pytest.fixture(scope="module")
def store(sample_index):
    return IndexStore.open(str(sample_index))


@pytest.fixture(scope="module")
def jazz_collection(store):
    """20 popular masters tagged Jazz (and not Rock): one clear style to lift."""
    rows = store.db().execute(
        "SELECT album_id FROM albums WHERE master_id IS NOT NULL AND genres LIKE '%\"Jazz\"%' "
        "AND genres NOT LIKE '%\"Rock\"%' ORDER BY album_id LIMIT 20").fetchall()
    assert len(rows) == 20
    return [a for a, in rows]


# -- the definition -------------------------------------------------------------------

def test_tag_keys_keep_genres_and_styles_apart():
    assert tags.tag_keys(["Rock"], ["Punk", "Rock"]) == ["g:rock", "s:punk", "s:rock"]
    assert tags.tag_keys_json('["Jazz"]', None) == ["g:jazz"]


def test_overlap_is_the_cosine_to_the_rating_weighted_tag_counts():
    owned = [["g:rock", "s:punk"], ["g:rock"], ["g:jazz"]]
    profile = tags.profile_counts(owned, [1.0, 0.5, 1.0])
    assert profile == {"g:rock": 1.5, "s:punk": 1.0, "g:jazz": 1.0}
    candidates = [["g:rock", "s:punk"], ["g:jazz"], ["g:folk"], []]
    overlap = tags.style_overlap(candidates, owned, [1.0, 0.5, 1.0])
    norm = np.sqrt(1.5 ** 2 + 1 + 1)
    assert overlap == pytest.approx([2.5 / (np.sqrt(2) * norm), 1 / norm, 0.0, 0.0])
    # No weights: every owned album counts 1; an untagged profile overlaps nothing.
    assert tags.profile_counts(owned) == {"g:rock": 2.0, "s:punk": 1.0, "g:jazz": 1.0}
    assert tags.style_overlap(candidates, [[]]).tolist() == [0.0] * 4


def test_list_column_weighted_counts():
    column = tags.ListColumn.build([["x", "x", "y"], [], ["y"]])
    assert column.vocabulary == ["x", "y"]
    assert column.counts([0, 2]).tolist() == [1.0, 2.0]
    assert column.counts([0, 2], [0.5, 2.0]).tolist() == [0.5, 2.5]
    assert column.counts([]).tolist() == [0.0, 0.0]


def test_sparse_counts_read_like_the_dense_ones():
    rng = np.random.default_rng(5)
    rows = [rng.choice(500, rng.integers(0, 4), replace=False).tolist() for _ in range(300)]
    column = tags.ListColumn.build(rows)
    everything = np.arange(column.size)
    for owned in ([], [0], [3, 3, 17], rng.choice(300, 40, replace=False).tolist()):
        sparse, dense = column.sparse_counts(owned), column.counts(owned)
        np.testing.assert_array_equal(sparse[everything], dense)
        np.testing.assert_array_equal(sparse[everything[::-1].reshape(-1, 2)], dense[::-1].reshape(-1, 2))
        assert sparse.counted().tolist() == np.flatnonzero(dense).tolist()
    weighted = tags.SparseCounts.of(np.array([4, 1, 4]), np.array([0.5, 2.0, 1.0]))
    assert weighted[np.array([0, 1, 4, 9])].tolist() == [0.0, 2.0, 1.5, 0.0]


def test_the_engine_and_the_evaluator_share_one_definition(store, jazz_collection):
    from evaluation import baselines
    from evaluation.catalogue import load_facts

    engine_overlap = Recommender(store).style_overlap(jazz_collection)
    baseline = baselines.genre_style_scores(load_facts(store), jazz_collection)
    np.testing.assert_allclose(engine_overlap, baseline, rtol=1e-12, atol=1e-12)


# -- the engine -----------------------------------------------------------------------

def test_default_weight_is_the_evaluators_recommendation():
    assert DEFAULT_STYLE_WEIGHT == 0.5


def test_style_weight_zero_is_the_plain_max_ranking(store, jazz_collection):
    engine = Recommender(store)
    plain = strategies.score_catalogue(store.vectors, store.album_vectors(jazz_collection), "max")
    np.testing.assert_array_equal(engine.score_catalogue(jazz_collection, "max", style_weight=0), plain)
    ids, _ = strategies.rank(np.arange(plain.size), plain)
    expected = ids[~np.isin(ids, jazz_collection)]
    ranked = engine.rank_catalogue(jazz_collection, "max", style_weight=0)
    assert ranked.tolist() == expected.tolist()
    served = engine.recommend(jazz_collection, k=20, strategy="max", diversity=0,
                              max_per_artist=0, style_weight=0).items
    assert [i["album_id"] for i in served] == expected[:20].tolist()
    # the served path sums the same float32 products in another order (FAISS vs numpy):
    # equal to the last float32 digit, so rounded to 6 decimals they may differ by one
    assert [i["score"] for i in served] == pytest.approx([float(plain[a]) for a in expected[:20]],
                                                         abs=2e-6)


def test_score_is_the_strategy_score_plus_weight_times_overlap(store, jazz_collection):
    engine = Recommender(store)
    plain = engine.score_catalogue(jazz_collection, "max", style_weight=0)
    overlap = engine.style_overlap(jazz_collection)
    np.testing.assert_allclose(engine.score_catalogue(jazz_collection, "max", style_weight=1.5),
                               plain + 1.5 * overlap)
    np.testing.assert_allclose(engine.score_catalogue(jazz_collection, "max"),
                               plain + DEFAULT_STYLE_WEIGHT * overlap)


def test_a_positive_weight_lifts_same_style_albums(store, jazz_collection):
    engine = Recommender(store)
    overlap = engine.style_overlap(jazz_collection)
    plain = engine.rank_catalogue(jazz_collection, "max", style_weight=0)
    styled = engine.rank_catalogue(jazz_collection, "max", style_weight=1.0)
    tagged_alike = set(np.flatnonzero(overlap >= 0.5).tolist()) - set(jazz_collection)
    assert tagged_alike
    position = lambda ranking: {a: i for i, a in enumerate(ranking.tolist())}  # noqa: E731
    before, after = position(plain), position(styled)
    assert np.mean([after[a] for a in tagged_alike]) < np.mean([before[a] for a in tagged_alike])
    # The served path too: picks tagged more like the collection, the exact ranking's
    # top, and the same answer for the same input.
    base = dict(k=20, diversity=0, max_per_artist=0, strategy="max")
    without = engine.recommend(jazz_collection, style_weight=0, **base).items
    with_style = engine.recommend(jazz_collection, style_weight=1.0, **base).items
    mean_overlap = lambda items: np.mean([overlap[i["album_id"]] for i in items])  # noqa: E731
    assert mean_overlap(with_style) > mean_overlap(without)
    assert [i["album_id"] for i in with_style] == styled[:20].tolist()
    again = Recommender(store).recommend(jazz_collection, style_weight=1.0, **base).items
    assert again == with_style


def test_style_weight_out_of_range_is_refused(store, jazz_collection):
    engine = Recommender(store)
    for bad in (-0.1, 2.5, float("nan")):
        with pytest.raises(ValueError, match="style_weight"):
            engine.recommend(jazz_collection, k=5, style_weight=bad)
        with pytest.raises(ValueError, match="style_weight"):
            engine.score_catalogue(jazz_collection, style_weight=bad)
