"""A small client for the Discogs API: a user's collection (folder 0) and wantlist.

Why `requests` and not python3-discogs-client: the base URL must be a setting (tests and
mirrors replace it; the library hard-codes api.discogs.com in a private attribute), we
need the raw rate-limit headers and our own back-off and deadlines (tenacity: bounded
tries, exponential back-off with jitter, Retry-After, one deadline), and only the raw
`basic_information` of each item (the library wraps items in lazy objects that may
fetch more). Two paginated GETs do not justify the dependency.

The optional personal token travels only in the Authorization header, never in a URL
(URLs end up in logs), and never in a message, a log line or the cache.
"""
from __future__ import annotations

import logging
import re
from typing import Any, Dict, Iterator, List, Optional, Tuple
from urllib.parse import quote

import requests
from tenacity import (RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt,
                      wait_exponential_jitter)

from .errors import (CollectionError, CollectionPrivate, DiscogsRateLimited, DiscogsTimeout,
                     DiscogsUnavailable, InvalidUsername, TokenRejected, UserNotFound)
from .rate_limit import RateLimiter, retry_after_seconds
from .records import COLLECTION, WANTLIST, Record, from_api_item

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.discogs.com"
PER_PAGE = 100  # the most Discogs allows
# Discogs usernames: letters, digits, '.', '_' and '-'.
USERNAME = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Less time than this before the deadline is not worth another try.
MIN_TRY_SECONDS = 0.25

# Failures worth another try, and what the last one becomes (DiscogsClient._final_error).
TIMEOUT, UNREACHABLE, SERVER_ERROR, TRUNCATED, RATE_LIMITED = (
    "timeout", "unreachable", "server_error", "truncated", "rate_limited")


class _Retryable(Exception):
    """One try that failed in a way another try may not: never leaves this module."""

    def __init__(self, kind: str, detail: str, retry_after: Optional[float] = None):
        super().__init__(detail)
        self.kind, self.detail, self.retry_after = kind, detail, retry_after


def user_agent() -> str:
    """Discogs asks every client to identify itself with a name and version."""
    try:
        from importlib.metadata import version

        own = version("discogs-recs")
    except Exception:  # running from a checkout that is not installed
        own = "0.1.0"
    return f"discogs-recs/{own} (collection recommendations; python-requests/{requests.__version__})"


def check_username(username: str) -> str:
    name = (username or "").strip()
    if not USERNAME.match(name):
        raise InvalidUsername(f"{username!r} is not a Discogs username: use the name in "
                              "discogs.com/user/NAME (letters, digits, '.', '_' and '-')")
    return name


class DiscogsClient:
    """GETs against the Discogs API with pacing, back-off and an overall deadline."""

    def __init__(self, base_url: str = DEFAULT_API_URL, token: Optional[str] = None,
                 limiter: Optional[RateLimiter] = None, timeout: float = 15.0,
                 deadline: float = 120.0, attempts: int = 5, backoff: float = 1.0,
                 backoff_max: float = 30.0, session: Optional[requests.Session] = None):
        """`timeout`: seconds for one answer; `deadline`: for everything one call
        fetches (all pages, all tries); `attempts`: tries of one page; `backoff`: the
        first pause between tries (doubling, plus up to as much again of jitter, at
        most `backoff_max`)."""
        self.base_url = (base_url or DEFAULT_API_URL).rstrip("/")
        self._token = token or None
        self.limiter = limiter or RateLimiter()
        self.timeout = timeout
        self.deadline_seconds = deadline
        self.attempts = max(1, attempts)
        # Jitter spreads the tries of the workers that all saw the same failure.
        self._backoff = wait_exponential_jitter(multiplier=backoff, max=backoff_max,
                                                jitter=backoff)
        self.session = session or requests.Session()
        self.requests_made = 0

    def __repr__(self) -> str:  # never show the token, even in a debugger or traceback
        return f"DiscogsClient({self.base_url!r}, token={'set' if self._token else 'none'})"

    @property
    def authenticated(self) -> bool:
        return self._token is not None

    def _headers(self) -> Dict[str, str]:
        headers = {"User-Agent": user_agent(), "Accept": "application/vnd.discogs.v2.discogs+json"}
        if self._token:
            headers["Authorization"] = f"Discogs token={self._token}"
        return headers

    # -- one request ------------------------------------------------------------------

    def get_json(self, path: str, params: Dict[str, Any], what: str, username: str,
                 deadline: Optional[float] = None) -> Dict[str, Any]:
        """GET base_url + path; the answer as JSON, or a CollectionError that says what
        went wrong with `what` (e.g. "the collection of NAME").

        Timeouts, refused connections, 5xx, 429 and cut-off answers are tried again
        (tenacity): at most `attempts` tries, exponential back-off with jitter (Retry-After
        on 429), and never past `deadline`. Then a 504 (Discogs too slow), 502 (Discogs
        down or answering garbage) or 429 (Discogs' limit, with Retry-After).
        """
        if deadline is None:
            deadline = self.limiter.now() + self.deadline_seconds
        started = self.limiter.now()

        def attempt() -> Dict[str, Any]:
            if not self.limiter.wait(deadline):
                raise DiscogsRateLimited(
                    f"Discogs' rate limit leaves no time to fetch {what} now; try again in a "
                    "minute (a personal token in X-Discogs-Token raises the limit)",
                    retry_after=self.limiter.wait_time())
            response = self._send(path, params, deadline)
            self.limiter.observe(response.headers)
            return self._decode(response, what, username)

        def out_of_time(state: RetryCallState) -> bool:
            # Another try needs its back-off and a moment to answer before the deadline.
            return self.limiter.now() + state.upcoming_sleep + MIN_TRY_SECONDS > deadline

        def give_up(state: RetryCallState) -> Dict[str, Any]:
            failure = state.outcome.exception()  # type: ignore[union-attr]
            assert isinstance(failure, _Retryable)
            raise self._final_error(failure, what, state.attempt_number,
                                    self.limiter.now() - started, state.upcoming_sleep) from None

        retrying = Retrying(
            retry=retry_if_exception_type(_Retryable),
            stop=stop_after_attempt(self.attempts) | out_of_time,
            wait=self._wait,
            sleep=self.limiter.sleep,
            before_sleep=lambda state: self._log_retry(state, path),
            retry_error_callback=give_up)
        return retrying(attempt)

    def _wait(self, state: RetryCallState) -> float:
        """Retry-After when Discogs sent one, else exponential with jitter; never less
        than the pause the rate-limit headers ask for."""
        failure = state.outcome.exception() if state.outcome else None
        if isinstance(failure, _Retryable) and failure.retry_after is not None:
            delay = failure.retry_after
        else:
            delay = self._backoff(state)
        return max(delay, self.limiter.wait_time())

    def _log_retry(self, state: RetryCallState, path: str) -> None:
        failure = state.outcome.exception() if state.outcome else None
        # The path names the user, never the token (it travels only in a header).
        log.warning("Discogs: %s for %s (try %d of %d); trying again in %.1f s",
                    getattr(failure, "detail", type(failure).__name__), path,
                    state.attempt_number, self.attempts, state.upcoming_sleep)

    def _final_error(self, failure: "_Retryable", what: str, tries: int, elapsed: float,
                     next_wait: float) -> CollectionError:
        """The error after the last try: what happened, how hard we tried, what to do."""
        tried = f"{tries} {'try' if tries == 1 else 'tries'} in {elapsed:.0f} s"
        if failure.kind == RATE_LIMITED:
            delay = max(next_wait, failure.retry_after or 0.0, self.limiter.wait_time())
            return DiscogsRateLimited(
                f"Discogs is rate-limiting requests for {what} ({tried}); try again in "
                f"{max(1, round(delay))} s (a personal token raises the limit)",
                retry_after=delay)
        if failure.kind == TIMEOUT:
            return DiscogsTimeout(
                f"Discogs did not answer in time for {what} ({tried}); Discogs is slow right "
                "now: try again in a few minutes, or upload the collection export (CSV) instead")
        if failure.kind == UNREACHABLE:
            return DiscogsUnavailable(
                f"cannot reach the Discogs API at {self.base_url} for {what} ({failure.detail}, "
                f"{tried}); check the server's network or try again later")
        if failure.kind == SERVER_ERROR:
            return DiscogsUnavailable(
                f"Discogs failed to send {what} ({failure.detail}, {tried}); Discogs may be "
                "down: try again in a few minutes, or upload the collection export (CSV) instead")
        return DiscogsUnavailable(
            f"Discogs sent {what} incomplete or garbled ({failure.detail}, {tried}); try again "
            "in a few minutes, or upload the collection export (CSV) instead")

    def _send(self, path: str, params: Dict[str, Any], deadline: float) -> requests.Response:
        remaining = deadline - self.limiter.now()
        if remaining <= 0:
            raise _Retryable(TIMEOUT, "no time left before the deadline")
        self.requests_made += 1
        try:
            return self.session.get(self.base_url + path, params=params, headers=self._headers(),
                                    timeout=(min(5.0, remaining), min(self.timeout, remaining)))
        # The exception texts can hold the URL and are not for users: the class names say
        # enough. (The token is never in a URL, but messages stay short and fixed anyway.)
        except requests.Timeout:
            raise _Retryable(TIMEOUT, "no answer in time") from None
        except requests.exceptions.ChunkedEncodingError:
            raise _Retryable(TRUNCATED, "the connection closed mid-answer") from None
        except requests.RequestException as exc:
            raise _Retryable(UNREACHABLE, type(exc).__name__) from None

    def _decode(self, response: requests.Response, what: str, username: str) -> Dict[str, Any]:
        status = response.status_code
        if status == 200:
            try:
                data = response.json()
            except ValueError:  # cut off by a proxy, or a maintenance page
                raise _Retryable(TRUNCATED, "an answer that is not complete JSON") from None
            if not isinstance(data, dict):
                raise _Retryable(TRUNCATED, "JSON that is not an object")
            return data
        if status == 404:
            raise UserNotFound(f"Discogs has no user named {username!r}; check the spelling "
                               "(it is the NAME in discogs.com/user/NAME)")
        if status == 401 and self._token:
            raise TokenRejected("Discogs rejected the personal token; check it at "
                                "discogs.com/settings/developers or send none")
        if status in (401, 403):
            raise CollectionPrivate(
                f"{what[0].upper()}{what[1:]} is private on Discogs. Its owner can make it "
                "public (discogs.com/settings/privacy) or send their personal token in the "
                "X-Discogs-Token header")
        if status == 429:
            raise _Retryable(RATE_LIMITED, "HTTP 429", retry_after_seconds(response.headers))
        if status >= 500:
            raise _Retryable(SERVER_ERROR, f"HTTP {status}")
        raise DiscogsUnavailable(f"Discogs refused the request for {what} (HTTP {status})")

    # -- paginated lists ----------------------------------------------------------------

    def _items(self, path: str, key: str, what: str, username: str,
               deadline: float, max_pages: int) -> Iterator[Dict[str, Any]]:
        page = 1
        while True:
            data = self.get_json(path, {"page": page, "per_page": PER_PAGE}, what, username,
                                 deadline)
            items = data.get(key)
            if not isinstance(items, list):
                raise DiscogsUnavailable(f"Discogs answered {what} without a {key!r} list")
            yield from (item for item in items if isinstance(item, dict))
            pagination = data.get("pagination") or {}
            pages = pagination.get("pages") if isinstance(pagination, dict) else None
            if not isinstance(pages, int) or page >= min(pages, max_pages) or not items:
                return
            page += 1

    def records(self, username: str, source: str, deadline: Optional[float] = None,
                max_pages: int = 2000) -> List[Record]:
        """Every item of the collection (folder 0, "All") or the wantlist, all pages."""
        username = check_username(username)
        if deadline is None:
            deadline = self.limiter.now() + self.deadline_seconds
        name = quote(username, safe="")
        if source == COLLECTION:
            path, key, what = (f"/users/{name}/collection/folders/0/releases", "releases",
                               f"the collection of {username}")
        elif source == WANTLIST:
            path, key, what = f"/users/{name}/wants", "wants", f"the wantlist of {username}"
        else:
            raise ValueError(f"unknown source {source!r}")
        records = []
        for item in self._items(path, key, what, username, deadline, max_pages):
            record = from_api_item(item, source)
            if record is not None:
                records.append(record)
        log.info("fetched %d items of %s in %d requests", len(records), what, self.requests_made)
        return records

    def collection_and_wantlist(self, username: str) -> Tuple[List[Record], List[Record], bool]:
        """(collection, wantlist, wantlist_private) under one deadline.

        A private wantlist next to a public collection is not an error: the collection
        alone still says a lot. A private collection is.
        """
        deadline = self.limiter.now() + self.deadline_seconds
        collection = self.records(username, COLLECTION, deadline)
        try:
            wantlist = self.records(username, WANTLIST, deadline)
        except CollectionPrivate:
            return collection, [], True
        return collection, wantlist, False
