"""POST /api/v1/recommendations on the real sample index."""
from __future__ import annotations

from collections import Counter

ITEM_KEYS = {"album_id", "master_id", "release_id", "title", "artists", "artist", "year",
             "genres", "styles", "formats", "label", "country", "url", "score", "because",
             "listen"}


def recommend(client, **body):
    response = client.post("/api/v1/recommendations", json=body)
    assert response.status_code == 200, response.json
    return response.json


def test_answer_follows_the_contract(client, facts):
    data = recommend(client, release_ids=facts["electronic_releases"][:20], k=10)
    assert set(data) == {"recommendations", "artists", "unknown_ids", "index"}
    assert set(data["index"]) == {"build_id", "built_at", "dump_dates", "albums", "model"}
    assert data["index"]["albums"] > 3000 and data["index"]["model"]
    items = data["recommendations"]
    assert len(items) == 10
    for item in items:
        assert set(item) == ITEM_KEYS
        assert isinstance(item["album_id"], int) and isinstance(item["score"], float)
        assert all(set(a) == {"id", "name"} for a in item["artists"])
        if item["master_id"]:
            assert item["url"] == f"https://www.discogs.com/master/{item['master_id']}"
        else:
            assert item["url"] == f"https://www.discogs.com/release/{item['release_id']}"
        for reason in item["because"]:
            assert set(reason) == {"release_id", "master_id", "title", "artist", "shared"}
            assert set(reason["shared"]) == {"styles", "label", "artist", "related"}
            # `because` names the release the user sent, not the master's main release
            assert reason["release_id"] in facts["electronic_releases"][:20]
        for video in item["listen"]:
            assert set(video) == {"url", "title"} and video["url"].startswith("http")
    assert any(item["because"] for item in items)
    for artist in data["artists"]:
        assert set(artist) == {"id", "name", "score", "albums"} and artist["albums"]
        for album in artist["albums"]:
            assert set(album) == {"master_id", "release_id", "title", "url"}


def test_unknown_ids_are_listed_not_fatal(client, facts):
    data = recommend(client, release_ids=[facts["electronic_releases"][0], 999_999_999],
                     master_ids=[888_888_888], k=5)
    assert data["unknown_ids"] == [999_999_999, 888_888_888]
    assert len(data["recommendations"]) == 5
    only_unknown = recommend(client, release_ids=[999_999_999])
    assert only_unknown["recommendations"] == [] and only_unknown["unknown_ids"] == [999_999_999]


def test_every_release_of_an_owned_master_is_excluded(client, facts, app):
    owned = facts["master_releases"][:1]
    data = recommend(client, release_ids=owned, k=100, diversity=0, max_per_artist=0)
    assert all(item["master_id"] != facts["master_id"] for item in data["recommendations"])
    assert not {item["release_id"] for item in data["recommendations"]} & set(facts["master_releases"])
    # and the album is a neighbour when nothing is owned: the exclusion did the work
    near = client.get(f"/api/v1/releases/{facts['master_releases'][1]}/neighbours?k=5").json
    assert near["query"]["master_id"] == facts["master_id"]


def test_owning_a_master_excludes_it(client, facts):
    masters = facts["popular_masters"][:30]
    data = recommend(client, master_ids=masters, k=100)
    assert not {item["master_id"] for item in data["recommendations"]} & set(masters)


def test_one_result_per_album_and_deterministic(client, facts):
    body = {"release_ids": facts["electronic_releases"][:50], "master_ids": facts["popular_masters"][:50],
            "k": 50}
    first = recommend(client, **body)
    assert len({i["album_id"] for i in first["recommendations"]}) == len(first["recommendations"])
    masters = [i["master_id"] for i in first["recommendations"] if i["master_id"]]
    assert len(masters) == len(set(masters))
    again = recommend(client, **body)
    assert again == first


def test_artist_cap(client, facts):
    body = {"release_ids": facts["electronic_releases"][:30], "k": 40}
    for cap in (1, 2):
        items = recommend(client, **body, max_per_artist=cap)["recommendations"]
        counts = Counter(a["id"] for i in items for a in i["artists"] if a["id"] not in (None, 194))
        assert counts and max(counts.values()) <= cap


def test_exclude_ids_takes_release_or_master_ids(client, facts):
    body = {"release_ids": facts["electronic_releases"][:10], "k": 10}
    first = recommend(client, **body)["recommendations"]
    hide = [first[0]["master_id"] or first[0]["release_id"], first[1]["release_id"] or first[1]["master_id"]]
    hidden = recommend(client, **body, exclude_ids=hide)["recommendations"]
    assert {i["album_id"] for i in hidden}.isdisjoint({first[0]["album_id"], first[1]["album_id"]})


def test_filters(client, facts):
    items = recommend(client, release_ids=facts["electronic_releases"][:10], k=10,
                      filters={"genres": ["rock"], "year_from": 1960, "year_to": 1989})["recommendations"]
    assert items
    for item in items:
        assert "Rock" in item["genres"] and 1960 <= item["year"] <= 1989
    vinyl = recommend(client, release_ids=facts["electronic_releases"][:10], k=5,
                      filters={"formats": ["Vinyl"], "country": "UK"})["recommendations"]
    assert all("Vinyl" in i["formats"] and i["country"] == "UK" for i in vinyl)


def test_weights_change_the_ranking(client, facts):
    rock, electronic = facts["popular_masters"][0], facts["electronic_releases"][0]
    body = {"master_ids": [rock], "release_ids": [electronic], "k": 5, "diversity": 0}
    favour_rock = recommend(client, **body, weights={str(rock): 5, str(electronic): 1})
    favour_electronic = recommend(client, **body, weights={str(rock): 1, str(electronic): 5})
    assert favour_rock["recommendations"] != favour_electronic["recommendations"]
    top_rock = favour_rock["recommendations"][0]["because"][0]
    assert top_rock["master_id"] == rock


def test_strategies_and_diversity_are_selectable(client, facts):
    body = {"release_ids": facts["electronic_releases"][:40], "k": 10}
    answers = {s: recommend(client, **body, strategy=s)["recommendations"]
               for s in ("auto", "max", "rrf", "mean", "kmeans", "learned")}
    assert answers["auto"] == answers["learned"]  # the default strategy (recommender.engine)
    assert answers["learned"] != answers["max"]
    assert all(len(a) == 10 for a in answers.values())
    plain = recommend(client, **body, diversity=0)["recommendations"]
    diverse = recommend(client, **body, diversity=0.9)["recommendations"]
    assert [i["album_id"] for i in plain] != [i["album_id"] for i in diverse]


def test_large_collection_answers(client, facts):
    data = recommend(client, master_ids=facts["popular_masters"][:2000], k=20)
    assert len(data["recommendations"]) == 20
    assert not {i["master_id"] for i in data["recommendations"]} & set(facts["popular_masters"][:2000])


def test_style_weight_is_optional_and_changes_the_ranking(client, facts):
    owned = facts["electronic_releases"][:20]
    base = dict(release_ids=owned, k=20, diversity=0, max_per_artist=0)
    default = recommend(client, **base)["recommendations"]
    assert recommend(client, **base, style_weight=0.5)["recommendations"] == default
    plain = recommend(client, **base, style_weight=0)["recommendations"]
    strong = recommend(client, **base, style_weight=2)["recommendations"]
    assert [i["album_id"] for i in plain] != [i["album_id"] for i in strong]
    assert all(isinstance(i["score"], float) for i in strong)
    # The style term only adds (cosine overlap >= 0): scores never go down.
    assert strong[0]["score"] >= plain[0]["score"]


def test_style_weight_appears_in_the_openapi_request_schema(client):
    schema = client.get("/api/v1/openapi.json").json["components"]["schemas"]["RecommendationRequest"]
    field = schema["properties"]["style_weight"]
    assert (field["minimum"], field["maximum"], field["default"]) == (0, 2.0, 0.5)
