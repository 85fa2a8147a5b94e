"""Fetched collections are cached with a TTL, per access, and never hold the token."""
from __future__ import annotations

import logging
import sqlite3
import time

from collection.cache import CollectionCache, access_key
from collection.discogs_api import DiscogsClient
from collection.rate_limit import RateLimiter
from collection.records import COLLECTION, Record
from collection.user_collection import load_user_collection

TOKEN = "tok-3f9a1c77e0b94d2aa1f0"


def _client(fake, sleeps, token=None):
    return DiscogsClient(fake.base_url, token=token,
                         limiter=RateLimiter(sleep=sleeps, clock=sleeps.clock))


def test_a_second_call_reads_the_cache(fake_discogs, sleeps, tmp_path):
    cache = CollectionCache(tmp_path / "c.sqlite", ttl_seconds=3600)
    first = load_user_collection("example", _client(fake_discogs, sleeps), None, cache)
    requests_after_first = len(fake_discogs.requests)
    second = load_user_collection("Example", _client(fake_discogs, sleeps), None, cache)
    assert not first.from_cache and second.from_cache
    assert len(fake_discogs.requests) == requests_after_first == 4  # 2 + 2 pages
    assert [r.release_id for r in second.collection] == [r.release_id for r in first.collection]
    assert [r.rating for r in second.wantlist] == [4, 3, None]
    assert second.summary()["fetched_at"] == first.summary()["fetched_at"]


def test_refresh_and_expiry_fetch_again(fake_discogs, sleeps, tmp_path):
    cache = CollectionCache(tmp_path / "c.sqlite", ttl_seconds=3600)
    load_user_collection("example", _client(fake_discogs, sleeps), None, cache)
    again = load_user_collection("example", _client(fake_discogs, sleeps), None, cache, refresh=True)
    assert not again.from_cache and len(fake_discogs.requests) == 8
    short = CollectionCache(tmp_path / "c.sqlite", ttl_seconds=0.05)
    time.sleep(0.1)
    assert short.get("example", access_key(None)) is None


def test_a_token_fetch_is_not_served_to_anonymous_callers(fake_discogs, sleeps, tmp_path):
    cache = CollectionCache(tmp_path / "c.sqlite")
    load_user_collection("example", _client(fake_discogs, sleeps, TOKEN), TOKEN, cache)
    anonymous = load_user_collection("example", _client(fake_discogs, sleeps), None, cache)
    assert not anonymous.from_cache
    assert access_key(TOKEN) != access_key(None) != access_key("other")


def test_the_token_is_never_stored_or_logged(fake_discogs, sleeps, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)  # urllib3 and requests log every URL at DEBUG
    path = tmp_path / "c.sqlite"
    cache = CollectionCache(path)
    fake_discogs.fail_once_with_429.add("/users/example/wants")
    load_user_collection("example", _client(fake_discogs, sleeps, TOKEN), TOKEN, cache)
    assert fake_discogs.requests[0]["headers"]["authorization"].endswith(TOKEN)  # it was used
    assert TOKEN not in caplog.text
    for file in tmp_path.iterdir():  # the database and its WAL
        assert TOKEN.encode() not in file.read_bytes()
    rows = sqlite3.connect(path).execute("SELECT * FROM collections").fetchall()
    assert rows and all(TOKEN not in str(row) for row in rows)


def test_records_round_trip_through_the_cache(tmp_path):
    cache = CollectionCache(tmp_path / "c.sqlite")
    record = Record(release_id=5, source=COLLECTION, master_id=9, rating=4, artist="A", title="T",
                    artists=[{"id": 1, "name": "A"}], year=1999, genres=["Jazz"],
                    styles=["Bop"], labels=["L"], formats=["Vinyl"])
    cache.put("u", "anonymous", [record], [], wantlist_private=True)
    cached = cache.get("U", "anonymous")
    assert cached.collection == [record] and cached.wantlist_private


def test_an_unreadable_row_is_a_miss(tmp_path):
    cache = CollectionCache(tmp_path / "c.sqlite")
    with sqlite3.connect(cache.path) as conn:
        conn.execute("INSERT INTO collections VALUES ('u', 'anonymous', ?, 'not json')", (time.time(),))
    assert cache.get("u", "anonymous") is None


def test_an_unwritable_cache_costs_speed_not_the_answer(fake_discogs, tmp_path):
    from collection.service import CollectionService
    from collection.settings import CollectionSettings

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    settings = CollectionSettings.from_mapping({"DISCOGS_API_URL": fake_discogs.base_url,
                                                "COLLECTION_CACHE": str(blocker / "c.sqlite")})
    service = CollectionService(settings)
    assert service.cache is None
    client = service.client()
    assert len(client.records("example", COLLECTION)) == 3


def test_odd_items_from_discogs_are_skipped_not_fatal():
    from collection.records import from_api_item

    assert from_api_item({"id": 5, "basic_information": ["not", "a", "dict"]}, COLLECTION).release_id == 5
    assert from_api_item({"basic_information": {"title": "no id"}}, COLLECTION) is None
    odd = from_api_item({"basic_information": {"id": 7, "artists": [None, {"name": "A"}],
                                               "labels": "x", "genres": [1, "Jazz"]}}, COLLECTION)
    assert odd.artist == "A" and odd.genres == ["Jazz"] and odd.labels == []
