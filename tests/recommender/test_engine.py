"""The recommender on the real sample index, without Flask."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from recommender.engine import Recommender
from recommender.filters import CandidateFilters
from recommender.store import IndexStore, NoIndexError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def store(sample_index):
    return IndexStore.open(str(sample_index))


@pytest.fixture(scope="module")
def collection(store):
    masters = [m for m, in store.db().execute("SELECT master_id FROM masters ORDER BY master_id LIMIT 400")]
    return sorted(store.albums_of_masters(masters).values())


def test_open_without_manifest_names_the_build_command(tmp_path):
    with pytest.raises(NoIndexError, match="discogs-recs build"):
        IndexStore.open(str(tmp_path))


def test_releases_of_one_master_are_one_album(store):
    master_id, = store.db().execute(
        "SELECT master_id FROM releases WHERE master_id IS NOT NULL GROUP BY master_id "
        "HAVING count(*) > 1 LIMIT 1").fetchone()
    releases = [r for r, in store.db().execute("SELECT release_id FROM releases WHERE master_id = ?",
                                                (master_id,))]
    albums = store.albums_of_releases(releases)
    assert len(set(albums.values())) == 1
    assert set(albums.values()) == {store.albums_of_masters([master_id])[master_id]}


def test_owned_and_excluded_albums_never_come_back(store, collection):
    engine = Recommender(store)
    owned, hidden = collection[:30], collection[30:40]
    items = engine.recommend(owned, k=100, exclude=hidden).items
    shown = {i["album_id"] for i in items}
    assert len(shown) == len(items) == 100
    assert not shown & set(owned) and not shown & set(hidden)


def test_deterministic(store, collection):
    engine = Recommender(store)
    for strategy in ("max", "rrf", "mean", "kmeans"):
        first = engine.recommend(collection[:60], k=20, strategy=strategy)
        again = Recommender(store).recommend(collection[:60], k=20, strategy=strategy)
        assert first.items == again.items and first.artists == again.artists


def test_large_collection_path_agrees_mostly_with_exact(store, collection):
    exact = Recommender(store, max_queries=10_000).recommend(collection, 20, diversity=0, max_per_artist=0)
    clustered = Recommender(store, max_queries=16).recommend(collection, 20, diversity=0, max_per_artist=0)
    overlap = {i["album_id"] for i in exact.items} & {i["album_id"] for i in clustered.items}
    assert len(overlap) >= 12
    assert not {i["album_id"] for i in clustered.items} & set(collection)


def test_filters_with_widening(store, collection):
    wanted = CandidateFilters.from_dict({"genres": ["Jazz"], "year_to": 1970})
    items = Recommender(store).recommend(collection[:5], k=10, filters=wanted).items
    assert items and all("Jazz" in i["genres"] and i["year"] <= 1970 for i in items)


def test_artists_are_new_to_the_collector(store, collection):
    result = Recommender(store).recommend(collection[:50], k=20)
    owned_keys = set().union(*store.artists_of_albums(collection[:50]).values())
    assert result.artists
    assert all(a["id"] not in owned_keys for a in result.artists)
    scores = [a["score"] for a in result.artists]
    assert scores == sorted(scores, reverse=True)


def test_score_and_rank_catalogue(store, collection):
    engine = Recommender(store)
    scores = engine.score_catalogue(collection[:20], strategy="max")
    assert scores.shape == (store.album_count,)
    ranked = engine.rank_catalogue(collection[:20], strategy="max")
    assert len(ranked) == store.album_count - 20 and not set(ranked) & set(collection[:20])
    assert scores[ranked[0]] == scores[ranked].max()
    served = engine.recommend(collection[:20], k=5, strategy="max", diversity=0,
                              max_per_artist=0).items
    assert [i["album_id"] for i in served] == ranked[:5].tolist()


def test_learned_served_agrees_with_its_exact_ranking(store, collection):
    """The default (learned) strategy over FAISS candidates and same-artist albums finds
    what its exact ranking over the whole catalogue ranks highest."""
    engine = Recommender(store)
    owned = collection[:60]
    ranked = engine.rank_catalogue(owned, strategy="learned")
    assert not set(ranked) & set(owned)
    served = engine.recommend(owned, k=50, strategy="learned", diversity=0, max_per_artist=0)
    assert served.strategy == "learned"
    shown = [i["album_id"] for i in served.items]
    assert len(set(shown) & set(ranked[:50].tolist())) >= 45
    assert engine.recommend(owned, k=10).strategy == "learned"  # "auto" is the learned blend


def test_albums_of_related_artists_join_the_learned_candidates(store, collection, monkeypatch):
    """With the artists dump's links, an album by an artist related to an owned one (a
    member, an alias) reaches the fitted blend even when its text is far from every
    owned album's."""
    import numpy as np

    engine = Recommender(store)
    owned = np.array(collection[:20])
    facts = store.album_facts()
    owned_artist = next(facts.artists.vocabulary[v] for a in owned.tolist()
                        for v in facts.artists.values_of(a).tolist()
                        if isinstance(facts.artists.vocabulary[v], int))
    owned_values = set(np.concatenate([facts.artists.values_of(a) for a in owned.tolist()]).tolist())
    vectors = store.album_vectors(owned)
    by_similarity = np.argsort((store.vectors @ vectors.T).max(axis=1))  # farthest first
    far = next(int(a) for a in by_similarity if int(a) not in set(owned.tolist())
               and facts.artists.values_of(int(a)).size
               and not set(facts.artists.values_of(int(a)).tolist()) & owned_values
               and isinstance(facts.artists.vocabulary[facts.artists.values_of(int(a))[0]], int))
    far_artist = facts.artists.vocabulary[facts.artists.values_of(far)[0]]
    linked = facts.with_relations(np.array([[owned_artist, far_artist]]))
    w = np.ones(owned.size, dtype=np.float32)
    head = dict(depth=50, pool_size=50, blocked=owned, head=5)
    ids, _ = engine._learned(owned, vectors, w, **head)
    assert far not in ids.tolist()
    monkeypatch.setattr(store, "album_facts", lambda: linked)
    ids, _ = engine._learned(owned, vectors, w, **head)
    assert far in ids.tolist()


def test_albums_on_owned_labels_join_the_learned_candidates(store, collection, monkeypatch):
    """Where the index has labels, an album on a label the collector owns reaches the
    fitted blend even when its text and artists are far from every owned album's."""
    import numpy as np

    from recommender.albumfacts import AlbumFacts
    from recommender.tags import ListColumn

    engine = Recommender(store)
    owned = np.array(collection[:20])
    facts = store.album_facts()
    vectors = store.album_vectors(owned)
    owned_values = set(np.concatenate([facts.artists.values_of(a) for a in owned.tolist()]).tolist())
    by_similarity = np.argsort((store.vectors @ vectors.T).max(axis=1))  # farthest first
    far = next(int(a) for a in by_similarity if int(a) not in set(owned.tolist())
               and not set(facts.artists.values_of(int(a)).tolist()) & owned_values)
    w = np.ones(owned.size, dtype=np.float32)
    head = dict(depth=50, pool_size=50, blocked=owned, head=5)
    labels = [[facts.labels.vocabulary[v] for v in facts.labels.values_of(a).tolist()]
              for a in range(facts.size)]
    for album in (int(owned[0]), far):
        labels[album] = labels[album] + ["a label only these two albums are on"]
    labelled = AlbumFacts.from_columns(facts.artists, facts.tags, facts.year,
                                       ListColumn.build(labels), facts.versions)
    plain = AlbumFacts.from_columns(facts.artists, facts.tags, facts.year,
                                    ListColumn.build([[]] * facts.size), facts.versions)
    monkeypatch.setattr(store, "album_facts", lambda: plain)
    ids, _ = engine._learned(owned, vectors, w, **head)
    assert far not in ids.tolist()
    monkeypatch.setattr(store, "album_facts", lambda: labelled)
    ids, _ = engine._learned(owned, vectors, w, **head)
    assert far in ids.tolist()


def test_neighbours_leave_the_album_out(store, collection):
    near = Recommender(store).neighbours(collection[0], 10)
    assert len(near) == 10 and collection[0] not in {i["album_id"] for i in near}


def test_recommender_imports_neither_flask_nor_torch():
    code = ("import sys, recommender.engine, recommender.reload; "
            "print(sorted(m for m in ('flask', 'torch', 'sentence_transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
