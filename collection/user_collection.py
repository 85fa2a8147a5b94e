"""A Discogs user's collection and wantlist: from the cache when fresh, else fetched."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

from .cache import CollectionCache, access_key
from .discogs_api import DiscogsClient, check_username
from .records import Record

# One fetch per user at a time in this process: a second request for the same user
# waits for the first and then reads its result from the cache.
_locks: Dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock_for(key: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


@dataclass
class UserCollection:
    username: str
    collection: List[Record]
    wantlist: List[Record]
    wantlist_private: bool
    fetched_at: float
    from_cache: bool

    def summary(self) -> Dict[str, Any]:
        """The `collection` object of an answer."""
        return {"username": self.username, "releases": len(self.collection),
                "wantlist": len(self.wantlist),
                "fetched_at": datetime.fromtimestamp(self.fetched_at, timezone.utc)
                .isoformat(timespec="seconds"),
                "from_cache": self.from_cache, "wantlist_private": self.wantlist_private}


def load_user_collection(username: str, client: DiscogsClient, token: Optional[str],
                         cache: Optional[CollectionCache] = None,
                         refresh: bool = False) -> UserCollection:
    """`token` only selects the cache entry (the client already holds it)."""
    username = check_username(username)
    access = access_key(token)
    with _lock_for(f"{username.casefold()}|{access}"):
        if cache is not None and not refresh:
            cached = cache.get(username, access)
            if cached is not None:
                return UserCollection(username, cached.collection, cached.wantlist,
                                      cached.wantlist_private, cached.fetched_at, True)
        collection, wantlist, wantlist_private = client.collection_and_wantlist(username)
        fetched_at = (cache.put(username, access, collection, wantlist, wantlist_private)
                      if cache is not None else time.time())
        return UserCollection(username, collection, wantlist, wantlist_private, fetched_at, False)
