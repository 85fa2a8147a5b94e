"""Fetched collections in SQLite, for a while (TTL), so repeated calls do not fetch again.

One row per (username, access): `access` is "anonymous" for fetches without a token,
else a one-way fingerprint of the token, so a private collection fetched with its
owner's token is never served to someone without that token. The token itself is never
written here. Rows hold the slim `Record`s, not Discogs' full answers.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

from .records import Record

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS collections (
    username TEXT NOT NULL,
    access TEXT NOT NULL,
    fetched_at REAL NOT NULL,
    payload TEXT NOT NULL,
    PRIMARY KEY (username, access)
)
"""


def default_cache_path() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "discogs-recs" / "collections.sqlite"


def access_key(token: Optional[str]) -> str:
    if not token:
        return "anonymous"
    return "token-" + hashlib.sha256(("discogs-recs:" + token).encode()).hexdigest()[:20]


@dataclass
class CachedCollection:
    collection: List[Record]
    wantlist: List[Record]
    wantlist_private: bool
    fetched_at: float  # Unix time


class CollectionCache:
    def __init__(self, path: os.PathLike | str, ttl_seconds: float = 3600.0):
        self.path = Path(path)
        self.ttl_seconds = float(ttl_seconds)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        # A connection per call: cheap, and safe across the server's threads.
        conn = sqlite3.connect(self.path, timeout=10)
        conn.execute("PRAGMA journal_mode=WAL")
        return conn

    def get(self, username: str, access: str) -> Optional[CachedCollection]:
        """The cached collection if younger than the TTL, else None."""
        if self.ttl_seconds <= 0:
            return None
        try:
            with self._connect() as conn:
                row = conn.execute("SELECT fetched_at, payload FROM collections WHERE "
                                   "username = ? AND access = ?",
                                   (username.casefold(), access)).fetchone()
        except sqlite3.Error as exc:  # a locked or broken cache is a miss, not a failure
            log.warning("collection cache %s unreadable: %s", self.path, exc)
            return None
        if row is None or time.time() - row[0] > self.ttl_seconds:
            return None
        try:
            payload = json.loads(row[1])
            return CachedCollection([Record.from_dict(r) for r in payload["collection"]],
                                    [Record.from_dict(r) for r in payload["wantlist"]],
                                    bool(payload.get("wantlist_private")), row[0])
        except (ValueError, KeyError, TypeError):
            return None  # an unreadable row is just a miss; the next put replaces it

    def put(self, username: str, access: str, collection: List[Record], wantlist: List[Record],
            wantlist_private: bool) -> float:
        fetched_at = time.time()
        payload = json.dumps({"collection": [r.to_dict() for r in collection],
                              "wantlist": [r.to_dict() for r in wantlist],
                              "wantlist_private": wantlist_private},
                             ensure_ascii=False, separators=(",", ":"))
        try:
            with self._connect() as conn:
                conn.execute("INSERT OR REPLACE INTO collections VALUES (?, ?, ?, ?)",
                             (username.casefold(), access, fetched_at, payload))
                # Expired rows are dead weight: drop them while we are here.
                conn.execute("DELETE FROM collections WHERE fetched_at < ?",
                             (fetched_at - max(self.ttl_seconds, 0.0),))
        except sqlite3.Error as exc:  # the answer is still good; only the next call pays
            log.warning("collection cache %s not written: %s", self.path, exc)
        return fetched_at
