"""The Discogs client against the fake API: pagination, headers, rate limits, failures."""
from __future__ import annotations

import socket

import pytest

from collection.discogs_api import DiscogsClient, PER_PAGE, check_username
from collection.errors import (CollectionPrivate, DiscogsRateLimited, DiscogsTimeout,
                               DiscogsUnavailable, InvalidUsername, TokenRejected, UserNotFound)
from collection.rate_limit import RateLimiter
from collection.records import COLLECTION, WANTLIST


def client_for(fake, sleeps, **kwargs) -> DiscogsClient:
    return DiscogsClient(fake.base_url, limiter=RateLimiter(sleep=sleeps, clock=sleeps.clock), **kwargs)


def test_fetches_every_page_of_the_real_collection(fake_discogs, sleeps):
    client = client_for(fake_discogs, sleeps)
    records = client.records("example", COLLECTION)
    assert [r.release_id for r in records] == [6794957, 457553, 656052]
    pages = [r["query"]["page"] for r in fake_discogs.requests]
    assert pages == [["1"], ["2"]]  # 3 items at 2 a page
    assert all(r["query"]["per_page"] == [str(PER_PAGE)] for r in fake_discogs.requests)
    assert fake_discogs.requests[0]["path"] == "/users/example/collection/folders/0/releases"


def test_collection_items_keep_what_matching_and_embedding_need(fake_discogs, sleeps):
    first = client_for(fake_discogs, sleeps).records("example", COLLECTION)[0]
    assert first.master_id == 52323
    assert first.title == "The K&D Sessions\u2122"
    assert first.artist == "Kruder Dorfmeister"  # the credit as printed (anv)
    assert first.genres == ["Electronic"] and "Trip Hop" in first.styles
    assert first.labels == ["!K7 Records"] and first.formats == ["Vinyl"]
    assert first.year == 2015 and first.rating is None  # Discogs' 0 means unrated
    no_master = client_for(fake_discogs, sleeps).records("example", COLLECTION)[1]
    assert no_master.master_id is None  # master_id 0 in the answer


def test_collection_items_keep_their_date_added(fake_discogs, sleeps):
    from collection.records import Record

    records = client_for(fake_discogs, sleeps).records("example", COLLECTION)
    assert records[0].date_added == "2015-04-14T03:23:29-07:00"
    # The collection cache stores to_dict(): the date survives the round trip.
    assert Record.from_dict(records[0].to_dict()).date_added == records[0].date_added
    wants = client_for(fake_discogs, sleeps).records("example", WANTLIST)
    assert all(w.date_added is None for w in wants)  # these wants carry none


def test_wantlist_items_with_their_ratings(fake_discogs, sleeps):
    wants = client_for(fake_discogs, sleeps).records("example", WANTLIST)
    assert [(w.release_id, w.rating, w.source) for w in wants] == [
        (1867708, 4, WANTLIST), (1675174, 3, WANTLIST), (1, None, WANTLIST)]
    assert fake_discogs.requests[0]["path"] == "/users/example/wants"


def test_identifies_itself_and_sends_the_token_only_as_a_header(fake_discogs, sleeps):
    client_for(fake_discogs, sleeps, token="s3cret-token").records("example", COLLECTION)
    for request in fake_discogs.requests:
        assert request["headers"]["user-agent"].startswith("discogs-recs/")
        assert request["headers"]["authorization"] == "Discogs token=s3cret-token"
        assert "s3cret" not in str(request["query"])
    assert "s3cret" not in repr(client_for(fake_discogs, sleeps, token="s3cret-token"))


def test_anonymous_requests_carry_no_authorization(fake_discogs, sleeps):
    client_for(fake_discogs, sleeps).records("example", COLLECTION)
    assert "authorization" not in fake_discogs.requests[0]["headers"]


def test_backs_off_on_one_429_and_then_gets_the_page(fake_discogs, sleeps):
    fake_discogs.fail_once_with_429.add("/users/example/collection/folders/0/releases")
    records = client_for(fake_discogs, sleeps).records("example", COLLECTION)
    assert len(records) == 3
    assert len(fake_discogs.requests) == 3  # the 429, then pages 1 and 2
    assert 0.0 in sleeps  # waited the Retry-After the fake sent


def test_429_without_retry_after_backs_off_exponentially(sleeps):
    class Always429:
        status_code = 429
        headers = {}  # no Retry-After, no rate-limit state

    class Session:
        def get(self, *args, **kwargs):
            return Always429()

    client = DiscogsClient("http://discogs.invalid", limiter=RateLimiter(sleep=sleeps, clock=sleeps.clock),
                           session=Session(), backoff=1.0, attempts=4)
    with pytest.raises(DiscogsRateLimited) as caught:
        client.records("example", COLLECTION)
    # 1, 2, 4 s, each plus up to 1 s of jitter; the 4th try is the last
    assert len(sleeps) == 3
    for pause, base in zip(sleeps, (1.0, 2.0, 4.0)):
        assert base <= pause <= base + 1.0
    assert caught.value.status == 429 and 8.0 <= caught.value.retry_after <= 9.0
    assert "4 tries" in caught.value.message


def test_paces_requests_when_the_rate_limit_runs_low(fake_discogs, sleeps):
    fake_discogs.rate_limit = 2  # the first answer already says 1 remaining
    client = client_for(fake_discogs, sleeps)
    client.records("example", COLLECTION)
    assert sleeps and sleeps[0] == pytest.approx(60.0 / 2, rel=0.01)
    assert client.limiter.limit == 2 and client.limiter.remaining == 0


def test_pacing_that_would_pass_the_deadline_is_refused(fake_discogs, sleeps):
    fake_discogs.rate_limit = 2
    client = client_for(fake_discogs, sleeps, deadline=5.0)
    with pytest.raises(DiscogsRateLimited) as caught:
        client.records("example", COLLECTION)
    assert caught.value.retry_after and caught.value.retry_after > 5


def test_unknown_user_is_404(fake_discogs, sleeps):
    with pytest.raises(UserNotFound) as caught:
        client_for(fake_discogs, sleeps).records("nobody-here", COLLECTION)
    assert caught.value.status == 404 and "nobody-here" in caught.value.message


def test_private_collection_is_403_with_what_to_do(fake_discogs, sleeps):
    with pytest.raises(CollectionPrivate) as caught:
        client_for(fake_discogs, sleeps).collection_and_wantlist("private-person")
    assert caught.value.status == 403
    assert "private" in caught.value.message and "X-Discogs-Token" in caught.value.message


def test_a_private_wantlist_alone_is_not_an_error(fake_discogs, sleeps):
    collection, wantlist, wantlist_private = client_for(
        fake_discogs, sleeps).collection_and_wantlist("privatewants-person")
    assert len(collection) == 3 and wantlist == [] and wantlist_private


def test_a_rejected_token_is_401(sleeps):
    class Unauthorized:
        status_code = 401
        headers = {}

    class Session:
        def get(self, *args, **kwargs):
            return Unauthorized()

    client = DiscogsClient("http://discogs.invalid", token="wrong", session=Session(),
                           limiter=RateLimiter(sleep=sleeps, clock=sleeps.clock))
    with pytest.raises(TokenRejected) as caught:
        client.records("example", COLLECTION)
    assert caught.value.status == 401 and "wrong" not in caught.value.message


def test_discogs_failing_is_502_after_every_try(fake_discogs, sleeps):
    with pytest.raises(DiscogsUnavailable) as caught:
        client_for(fake_discogs, sleeps, attempts=3).records("broken-server", COLLECTION)
    assert caught.value.status == 502 and "HTTP 500" in caught.value.message
    assert len(fake_discogs.requests) == 3 and len(sleeps) == 2


def test_an_answer_that_is_not_json_is_502(fake_discogs, sleeps):
    with pytest.raises(DiscogsUnavailable):
        client_for(fake_discogs, sleeps).records("garbage-answer", COLLECTION)


def test_a_slow_discogs_is_504(fake_discogs, sleeps):
    fake_discogs.slow_seconds = 2.0
    with pytest.raises(DiscogsTimeout) as caught:
        client_for(fake_discogs, sleeps, timeout=0.3).records("slow-person", COLLECTION)
    assert caught.value.status == 504


def test_an_unreachable_discogs_is_502(sleeps):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = DiscogsClient(f"http://127.0.0.1:{port}", limiter=RateLimiter(sleep=sleeps, clock=sleeps.clock))
    with pytest.raises(DiscogsUnavailable) as caught:
        client.records("example", COLLECTION)
    assert caught.value.status == 502 and "cannot reach" in caught.value.message


@pytest.mark.parametrize("name", ["", "a b", "../etc", "x" * 65, "name?x=1"])
def test_usernames_that_cannot_be_discogs_usernames_are_refused(name):
    with pytest.raises(InvalidUsername):
        check_username(name)


def test_real_usernames_pass():
    for name in ("gustw", "mouse-reeve", "some.one_2"):
        assert check_username(name) == name
