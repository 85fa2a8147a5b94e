"""Records -> albums -> recommendations, on the real sample index (tests/conftest.py)."""
from __future__ import annotations

import csv
import json
from typing import List

import numpy as np
import pytest

from collection.csv_export import parse_export
from collection.embedding import RecordEmbedder
from collection.extended_store import ExtendedStore
from collection.recommend import RecommendOptions, recommend_for_records
from collection.records import COLLECTION, WANTLIST, Record, from_api_item
from collection.resolve import normalised, resolve
from tests.conftest import shared


def example_records() -> List[Record]:
    """The real collection and wantlist of the API's example user."""
    collection = json.loads(shared(
        "api/users/example/collection/folders/0/releases_page=1&per_page=50.json").read_text())
    wants = json.loads(shared("api/users/example/wants_per_page=50&page=1.json").read_text())
    return ([from_api_item(i, COLLECTION) for i in collection["releases"]]
            + [from_api_item(i, WANTLIST) for i in wants["wants"]])


def test_records_resolve_by_release_then_master(store):
    records = example_records()
    resolved = resolve(store, records)
    by_id = {r.release_id: resolved.album_id(r) for r in records}
    assert by_id[6794957] == store.albums_of_masters([52323])[52323]  # via basic_information.master_id
    assert by_id[1] == store.albums_of_releases([1])[1]                # a release of the dump
    assert resolved.how == {"release": 1, "master": 1}
    assert sorted(r.release_id for r in resolved.unresolved) == [457553, 656052, 1675174, 1867708]


def test_unknown_records_are_listed_when_embedding_is_off(store):
    answer = recommend_for_records(store, example_records(), RecommendOptions(k=10))
    assert answer["unknown_ids"] == [457553, 656052, 1867708, 1675174]
    assert answer["profile"]["embedding"] == "off" and answer["profile"]["albums"] == 2
    assert len(answer["recommendations"]) == 10
    assert set(answer) >= {"recommendations", "artists", "unknown_ids", "index"}
    assert answer["index"]["build_id"] == store.build_id


def test_wanted_and_owned_albums_are_never_recommended(store):
    records = example_records()
    answer = recommend_for_records(store, records, RecommendOptions(k=50))
    owned_albums = set(resolve(store, records).album_of.values())
    assert owned_albums and not owned_albums & {i["album_id"] for i in answer["recommendations"]}


def test_the_wantlist_counts_as_taste(store):
    records = example_records()
    only_collection = [r for r in records if r.source == COLLECTION]
    with_wants = recommend_for_records(store, records, RecommendOptions(k=10))
    without = recommend_for_records(store, only_collection, RecommendOptions(k=10))
    named = {b["release_id"] for item in with_wants["recommendations"] for b in item["because"]}
    assert 1 in named  # the wanted Stockholm (release 1) explains some recommendations
    assert [i["album_id"] for i in with_wants["recommendations"]] != [
        i["album_id"] for i in without["recommendations"]]


def _top_reason(store, ratings) -> List[int]:
    records = [Record(release_id=0, master_id=16921, source=COLLECTION, rating=ratings[0]),
               Record(release_id=0, master_id=1660109, source=COLLECTION, rating=ratings[1])]
    answer = recommend_for_records(store, records, RecommendOptions(k=10, max_per_artist=0))
    return [item["because"][0]["master_id"] for item in answer["recommendations"]]


def test_ratings_weight_the_profile(store):
    """Aja (jazz rock) and Stockholm (techno): the 5-rated one explains most of the top 10."""
    aja_loved = _top_reason(store, (5, 1))
    techno_loved = _top_reason(store, (1, 5))
    assert aja_loved.count(16921) > aja_loved.count(1660109)
    assert techno_loved.count(1660109) > techno_loved.count(16921)


def test_because_names_the_users_own_release(store):
    records = [Record(release_id=6794957, master_id=52323, source=COLLECTION)]
    answer = recommend_for_records(store, records, RecommendOptions(k=5))
    assert answer["recommendations"][0]["because"][0]["release_id"] == 6794957


def test_real_export_matches_masters_by_artist_and_title(store):
    """A masters-only index knows no release id of the export: artist and title find the
    same masters the hand-checked eval file lists."""
    parsed = parse_export(shared("collection-exports/gustw_collection_export.csv").read_bytes())
    resolved = resolve(store, parsed.records)
    found = {store.albums([a])[a]["master_id"] for a in resolved.album_of.values()}
    with open(shared("eval/gustw_in_popular_masters.csv"), newline="") as handle:
        expected = {int(row["master_id"]) for row in csv.DictReader(handle)}
    assert resolved.how["artist_title"] >= 20
    assert len(found & expected) >= 0.8 * len(expected)
    answer = recommend_for_records(store, parsed.records, RecommendOptions(k=20))
    assert len(answer["recommendations"]) == 20
    assert not found & {i["master_id"] for i in answer["recommendations"]}


def test_compilations_by_various_are_not_matched_by_title(store):
    record = Record(release_id=999999999, source=COLLECTION, artist="Various", title="Now")
    assert resolve(store, [record]).unresolved == [record]


def test_names_are_normalised_for_matching():
    assert normalised("The Beatles") == normalised("Beatles")
    assert normalised("Kruder & Dorfmeister") == normalised("Kruder Dorfmeister")
    assert normalised("Bj\u00f6rk") == normalised("Bjork")
    assert normalised("Mr. Isaacs ") == normalised("Mr Isaacs")


def test_extended_store_adds_albums_the_engine_can_read(store):
    record = Record(release_id=457553, source=COLLECTION, artist="Suburbass", title="10_Traktion 02")
    vector = np.ones((1, store.dimension), dtype=np.float32) / np.sqrt(store.dimension)
    extended = ExtendedStore(store, [record], vector)
    extra = extended.extra_ids[0]
    assert extra == store.album_count and extended.album_count == store.album_count + 1
    rows = extended.album_vectors([0, extra])
    assert np.allclose(rows[0], store.album_vectors([0])[0]) and np.allclose(rows[1], vector[0])
    albums = extended.albums([0, extra])
    assert albums[extra]["title"] == "10_Traktion 02" and albums[0] == store.albums([0])[0]
    assert extended.build_id == store.build_id  # the rest is the real store's


def test_records_the_index_lacks_are_embedded_with_the_index_model(store):
    answer = recommend_for_records(store, example_records(), RecommendOptions(k=10),
                                   embedder=RecordEmbedder())
    profile = answer["profile"]
    assert profile["embedding"] == "on" and profile["matched"]["embedded"] == 4
    assert answer["unknown_ids"] == [] and profile["albums"] == 6
    named = {b["release_id"] for item in answer["recommendations"] for b in item["because"]}
    assert named & {457553, 656052, 1867708, 1675174}  # embedded records explain picks
    assert all(i["album_id"] < store.album_count for i in answer["recommendations"])


def test_embedding_unavailable_falls_back_to_unknown_ids(store, tmp_path):
    embedder = RecordEmbedder(model=str(tmp_path / "no-model"))
    answer = recommend_for_records(store, example_records(), RecommendOptions(k=5), embedder)
    assert answer["profile"]["embedding"].startswith("unavailable: ")
    assert answer["unknown_ids"] == [457553, 656052, 1867708, 1675174]
    assert len(answer["recommendations"]) == 5


def test_nothing_known_gives_an_empty_answer_not_an_error(store):
    records = [Record(release_id=999999999, source=COLLECTION)]
    answer = recommend_for_records(store, records)
    assert answer["recommendations"] == [] and answer["unknown_ids"] == [999999999]


@pytest.mark.parametrize("filters", [{"genres": ["Jazz"]}, {"year_from": 1990, "year_to": 1999}])
def test_filters_apply(store, filters):
    records = example_records()
    answer = recommend_for_records(store, records, RecommendOptions(k=5, filters=filters))
    for item in answer["recommendations"]:
        if "genres" in filters:
            assert "Jazz" in item["genres"]
        else:
            assert 1990 <= item["year"] <= 1999
