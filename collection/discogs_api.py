"""A small client for the Discogs API: a user's collection (folder 0) and wantlist.

Why `requests` and not python3-discogs-client: the base URL must be a setting (tests and
mirrors replace it; the library hard-codes api.discogs.com in a private attribute), we
need the raw rate-limit headers and our own back-off and deadlines, and only the raw
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

from .errors import (CollectionPrivate, DiscogsRateLimited, DiscogsTimeout,
                     DiscogsUnavailable, InvalidUsername, TokenRejected, UserNotFound)
from .rate_limit import RateLimiter, retry_after_seconds
from .records import COLLECTION, WANTLIST, Record, from_api_item

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.discogs.com"
PER_PAGE = 100  # the most Discogs allows
# Discogs usernames: letters, digits, '.', '_' and '-'.
USERNAME = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


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
                 deadline: float = 120.0, max_429_retries: int = 4, backoff: float = 2.0,
                 session: Optional[requests.Session] = None):
        self.base_url = (base_url or DEFAULT_API_URL).rstrip("/")
        self._token = token or None
        self.limiter = limiter or RateLimiter()
        self.timeout = timeout
        self.deadline_seconds = deadline
        self.max_429_retries = max_429_retries
        self.backoff = backoff
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
        went wrong with `what` (e.g. "the collection of NAME")."""
        if deadline is None:
            deadline = self.limiter.now() + self.deadline_seconds
        attempt_429 = 0
        server_errors = 0
        while True:
            if not self.limiter.wait(deadline):
                raise DiscogsRateLimited(
                    f"Discogs' rate limit leaves no time to fetch {what} now; try again in a "
                    "minute (a personal token in X-Discogs-Token raises the limit)",
                    retry_after=self.limiter.wait_time())
            response = self._send(path, params, what, deadline)
            self.limiter.observe(response.headers)
            status = response.status_code
            if status == 429:
                delay = retry_after_seconds(response.headers)
                delay = delay if delay is not None else self.backoff * (2 ** attempt_429)
                # The pause the headers ask for runs during the back-off, not after it.
                delay = max(delay, self.limiter.wait_time())
                attempt_429 += 1
                if attempt_429 > self.max_429_retries or self.limiter.now() + delay > deadline:
                    raise DiscogsRateLimited(
                        f"Discogs is rate-limiting requests for {what}; try again in "
                        f"{max(1, round(delay))} s (a personal token raises the limit)",
                        retry_after=delay)
                log.info("Discogs answered 429 for %s; waiting %.1f s", path, delay)
                self.limiter.sleep(delay)
                continue
            if status >= 500 and server_errors == 0 and self.limiter.now() + 1.0 < deadline:
                server_errors += 1  # one retry: Discogs' 502/503 are often momentary
                log.info("Discogs answered %d for %s; retrying once", status, path)
                self.limiter.sleep(1.0)
                continue
            return self._decode(response, what, username)

    def _send(self, path: str, params: Dict[str, Any], what: str,
              deadline: float) -> requests.Response:
        remaining = deadline - self.limiter.now()
        if remaining <= 0:
            raise DiscogsTimeout(f"reading {what} from Discogs takes longer than the "
                                 f"{self.deadline_seconds:.0f} s this server allows; try again "
                                 "later, or upload the collection export instead")
        self.requests_made += 1
        try:
            return self.session.get(self.base_url + path, params=params, headers=self._headers(),
                                    timeout=(min(5.0, remaining), min(self.timeout, remaining)))
        except requests.Timeout:
            raise DiscogsTimeout(f"Discogs did not answer in time for {what}; try again "
                                 "later") from None
        except requests.RequestException as exc:
            # The exception text can hold the URL; the class name is enough for a user.
            raise DiscogsUnavailable(f"cannot reach the Discogs API at {self.base_url} for "
                                     f"{what} ({type(exc).__name__}); try again later") from None

    def _decode(self, response: requests.Response, what: str, username: str) -> Dict[str, Any]:
        status = response.status_code
        if status == 200:
            try:
                data = response.json()
            except ValueError:
                data = None
            if not isinstance(data, dict):
                raise DiscogsUnavailable(f"Discogs answered {what} with something that is not "
                                         "a JSON object; try again later")
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
        if status >= 500:
            raise DiscogsUnavailable(f"Discogs failed to send {what} (HTTP {status}); try "
                                     "again later")
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
