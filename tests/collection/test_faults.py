"""The Discogs client and the API against a Discogs that fails: timeouts, 5xx, a 429 storm,
cut-off JSON. Transient faults are tried again and absorbed; persistent ones end, within
the deadline, in a 502 or 504 (429 for Discogs' own limit) that says what to do, never a
500; the personal token is in no log line and no message."""
from __future__ import annotations

import logging
import time
import traceback

import pytest

from collection.discogs_api import DiscogsClient
from collection.errors import DiscogsRateLimited, DiscogsTimeout, DiscogsUnavailable
from collection.rate_limit import RateLimiter
from collection.records import COLLECTION

TOKEN = "tok-s3cret-5f1e2d3c4b5a69788796"
COLLECTION_PATH = "/users/example/collection/folders/0/releases"
USER_URL = "/api/v1/users/example/recommendations"
# (fault, what the client raises when it persists, the API's status and code)
PERSISTENT = [
    ("timeout", DiscogsTimeout, 504, "discogs_timeout"),
    ("5xx", DiscogsUnavailable, 502, "discogs_unavailable"),
    ("truncated", DiscogsUnavailable, 502, "discogs_unavailable"),
    ("cut", DiscogsUnavailable, 502, "discogs_unavailable"),
    ("429", DiscogsRateLimited, 429, "discogs_rate_limited"),
]


def fake_clock_client(fake, sleeps, **kwargs) -> DiscogsClient:
    """Back-off sleeps are recorded, not waited; timeouts still take real (short) time."""
    kwargs.setdefault("timeout", 0.3)
    return DiscogsClient(fake.base_url, limiter=RateLimiter(sleep=sleeps, clock=sleeps.clock),
                         **kwargs)


def inject(fake, kind: str, times=None, **kwargs) -> None:
    if kind == "timeout":
        kwargs.setdefault("delay", 1.0)  # beyond the client's 0.3 s
    if kind == "429":
        kwargs.setdefault("retry_after", "2")
    fake.inject(kind, times=times, path=COLLECTION_PATH, **kwargs)


# -- transient: tried again, recovered ----------------------------------------------------

@pytest.mark.parametrize("kind", ["timeout", "5xx", "truncated", "cut", "429"])
def test_a_transient_fault_is_tried_again_and_absorbed(fake_discogs, sleeps, kind):
    inject(fake_discogs, kind, times=2)
    records = fake_clock_client(fake_discogs, sleeps).records("example", COLLECTION)
    assert [r.release_id for r in records] == [6794957, 457553, 656052]
    faults = [r["fault"] for r in fake_discogs.requests]
    assert faults == [kind, kind, None, None]  # two faults on page 1, then pages 1 and 2
    assert len(sleeps) == 2


def test_back_off_grows_exponentially_with_jitter(fake_discogs, sleeps):
    inject(fake_discogs, "5xx", times=4)
    fake_clock_client(fake_discogs, sleeps, backoff=0.5).records("example", COLLECTION)
    assert len(sleeps) == 4
    for pause, base in zip(sleeps, (0.5, 1.0, 2.0, 4.0)):
        assert base <= pause <= base + 0.5


def test_a_429_storm_waits_what_retry_after_says(fake_discogs, sleeps):
    inject(fake_discogs, "429", times=3, retry_after="7")
    records = fake_clock_client(fake_discogs, sleeps).records("example", COLLECTION)
    assert len(records) == 3 and sleeps == [7.0, 7.0, 7.0]


# -- persistent: bounded tries, a clear error ---------------------------------------------

@pytest.mark.parametrize("kind,error,status,code", PERSISTENT)
def test_a_persistent_fault_gives_up_after_the_bounded_tries(fake_discogs, sleeps, kind, error,
                                                              status, code):
    inject(fake_discogs, kind)
    with pytest.raises(error) as caught:
        fake_clock_client(fake_discogs, sleeps, attempts=3).records("example", COLLECTION)
    assert (caught.value.status, caught.value.code) == (status, code)
    assert len(fake_discogs.requests) == 3 and len(sleeps) == 2
    message = caught.value.message
    assert "the collection of example" in message and "3 tries" in message
    assert "try again" in message  # what to do, not only what broke


def test_a_429_storm_longer_than_the_deadline_is_not_waited_out(fake_discogs, sleeps):
    inject(fake_discogs, "429", retry_after="60")
    with pytest.raises(DiscogsRateLimited) as caught:
        fake_clock_client(fake_discogs, sleeps, deadline=25.0).records("example", COLLECTION)
    assert len(fake_discogs.requests) == 1 and sleeps == []  # no pointless 60 s wait
    assert caught.value.retry_after == 60.0 and "60 s" in caught.value.message


def test_a_slow_discogs_ends_within_the_deadline(fake_discogs):
    """Real clock: every answer takes 3 s, the client waits 0.5 s per answer and 2 s in all."""
    inject(fake_discogs, "timeout", delay=3.0)
    client = DiscogsClient(fake_discogs.base_url, timeout=0.5, deadline=2.0, backoff=0.1,
                           attempts=10)
    started = time.monotonic()
    with pytest.raises(DiscogsTimeout) as caught:
        client.records("example", COLLECTION)
    elapsed = time.monotonic() - started
    assert elapsed < 2.0 + 0.5, f"gave up after {elapsed:.1f} s"
    assert 2 <= len(fake_discogs.requests) < 10  # tried again, stopped by the deadline
    assert caught.value.status == 504


def test_failures_that_no_retry_mends_are_not_tried_again(fake_discogs, sleeps):
    from collection.errors import UserNotFound

    with pytest.raises(UserNotFound):
        fake_clock_client(fake_discogs, sleeps).records("nobody-here", COLLECTION)
    assert len(fake_discogs.requests) == 1 and sleeps == []


# -- the token ------------------------------------------------------------------------------

def _logged_text(records) -> str:
    parts = []
    for record in records:
        parts.append(record.getMessage())
        if record.exc_info:
            parts.append("".join(traceback.format_exception(*record.exc_info)))
    return "\n".join(parts)


@pytest.mark.parametrize("kind", ["timeout", "5xx", "truncated", "cut", "429"])
def test_the_token_is_in_no_log_line_and_no_message(fake_discogs, sleeps, caplog, kind):
    caplog.set_level(logging.DEBUG)  # every logger, urllib3's request lines included
    inject(fake_discogs, kind, times=1)
    fake_clock_client(fake_discogs, sleeps, token=TOKEN).records("example", COLLECTION)
    inject(fake_discogs, kind)
    with pytest.raises(Exception) as caught:
        fake_clock_client(fake_discogs, sleeps, token=TOKEN, attempts=2).records("example", COLLECTION)
    assert caplog.records, "the retries are logged"
    assert any("trying again" in r.getMessage() for r in caplog.records)
    assert TOKEN not in _logged_text(caplog.records)
    assert TOKEN not in str(caught.value) and TOKEN not in repr(caught.value)
    assert TOKEN not in "".join(traceback.format_exception(caught.value))
    # ... while it did reach Discogs, in the header
    assert fake_discogs.requests[0]["headers"]["authorization"] == f"Discogs token={TOKEN}"


# -- through the API --------------------------------------------------------------------------

@pytest.fixture
def api(sample_index, fake_discogs, tmp_path):
    from server import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(sample_index), "RELOAD_CHECK_SECONDS": 0,
                      "DISCOGS_API_URL": fake_discogs.base_url, "COLLECTION_CACHE_TTL": 0,
                      "COLLECTION_CACHE": str(tmp_path / "c.sqlite"),
                      "DISCOGS_TIMEOUT": 0.3, "DISCOGS_DEADLINE": 5.0,
                      "DISCOGS_ATTEMPTS": 3, "DISCOGS_BACKOFF": 0.05})
    return app.test_client()


@pytest.mark.parametrize("kind,error,status,code", PERSISTENT)
def test_the_api_answers_a_persistent_fault_in_the_error_shape(api, fake_discogs, caplog, kind,
                                                               error, status, code):
    caplog.set_level(logging.DEBUG)
    inject(fake_discogs, kind, retry_after="1")
    started = time.monotonic()
    response = api.get(USER_URL, headers={"X-Discogs-Token": TOKEN})
    assert time.monotonic() - started < 5.0 + 1.0  # DISCOGS_DEADLINE, plus slack
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message"}
    assert body["error"]["status"] == status and body["error"]["code"] == code
    assert "try again" in body["error"]["message"]
    if status == 429:
        assert int(response.headers["Retry-After"]) >= 1
    assert TOKEN not in response.get_data(as_text=True)
    assert TOKEN not in _logged_text(caplog.records)


@pytest.mark.parametrize("kind", ["timeout", "5xx", "truncated", "cut", "429"])
def test_the_api_absorbs_a_transient_fault(api, fake_discogs, kind):
    inject(fake_discogs, kind, times=1, retry_after="0")
    response = api.get(USER_URL)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["collection"]["releases"] == 3
