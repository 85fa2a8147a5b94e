"""recommender.explain: what a recommendation shares with the owned albums behind it."""
import numpy as np

from recommender import explain


def album(album_id, *artists):
    return {"album_id": album_id, "artists": [{"id": a, "name": f"artist {a}"} for a in artists],
            "styles": [], "labels": [], "label": None}


def test_related_artist_reads_from_the_recommended_side():
    links = {(1, 2): "member", (3, 2): "group", (4, 2): "alias"}
    owned = album(10, 2)
    assert explain.related_artist(album(20, 1), owned, links) == {
        "artist": "artist 1", "relation": "group of", "of": "artist 2"}
    assert explain.related_artist(album(21, 3), owned, links)["relation"] == "member of"
    assert explain.related_artist(album(22, 4), owned, links)["relation"] == "alias of"
    assert explain.related_artist(album(23, 5), owned, links) is None


def test_the_same_artist_is_said_as_such_not_as_related():
    shared = explain.shared_traits(album(20, 1, 2), album(10, 2), {(1, 2): "member"})
    assert shared["artist"] == "artist 2" and shared["related"] is None


def test_the_closest_album_by_a_related_artist_joins_the_contributors():
    owned_ids = np.array([10, 11, 12, 13])
    owned_artists = {10: {7}, 11: {8}, 12: {2}, 13: {2}}
    owned_vectors = np.eye(4, dtype=np.float32)
    candidate_vectors = np.array([[0.9, 0.8, 0.1, 0.3]], dtype=np.float32)
    weights = np.ones(4, dtype=np.float32)
    links = {(1, 2): "member"}
    out = explain.with_related([[10, 11, 13]], [album(20, 1)], candidate_vectors, links,
                               owned_ids, owned_vectors, weights, owned_artists)
    assert out == [[10, 11, 13]]  # 13 is by the related artist already
    out = explain.with_related([[10, 11]], [album(20, 1)], candidate_vectors, links,
                               owned_ids, owned_vectors, weights, owned_artists)
    assert out == [[10, 11, 13]]  # 13 (0.3) contributes more than 12 (0.1)
    out = explain.with_related([[10, 11, 12]], [album(20, 5)], candidate_vectors, links,
                               owned_ids, owned_vectors, weights, owned_artists)
    assert out == [[10, 11, 12]]  # no link: unchanged
