"""Everything issue "your collection in" needs, behind two calls the server and the CLI
share: recommendations for a Discogs username, and for an uploaded export.

    service = CollectionService(CollectionSettings.from_environment())
    answer = service.for_user(store, "gustw", options=RecommendOptions(k=20))
    answer = service.for_export(store, Path("export.csv").read_bytes())
    with open("Streaming_History_Audio_2023.json", "rb") as file:
        answer = service.for_library(store, file, file.name)
"""
from __future__ import annotations

import logging
import sqlite3
from typing import Any, BinaryIO, Dict, Optional

from recommender.store import IndexStore

from .cache import CollectionCache
from .csv_export import parse_export
from .discogs_api import DiscogsClient
from .embedding import RecordEmbedder
from .library.recommend import recommend_for_library
from .errors import InvalidExport
from .rate_limit import RateLimiter
from .recommend import RecommendOptions, recommend_for_records
from .settings import CollectionSettings
from .user_collection import load_user_collection

log = logging.getLogger(__name__)


class CollectionService:
    def __init__(self, settings: CollectionSettings, limiter: Optional[RateLimiter] = None):
        self.settings = settings
        # One limiter per process: Discogs counts requests per client, not per user fetched.
        self.limiter = limiter or RateLimiter()
        self._cache: Optional[CollectionCache] = None
        self._cache_failed = False
        self.embedder = (RecordEmbedder(settings.embed_model, settings.embed_backend)
                         if settings.embed_unknown else None)

    @property
    def cache(self) -> Optional[CollectionCache]:
        if self.settings.cache_ttl <= 0 or self._cache_failed:
            return None
        if self._cache is None:  # created on first use: the server may never fetch a user
            try:
                self._cache = CollectionCache(self.settings.cache_path, self.settings.cache_ttl)
            except (OSError, sqlite3.Error) as exc:
                # An unwritable home in a container must not cost the answer, only speed.
                log.warning("no collection cache at %s (%s); fetching every time",
                            self.settings.cache_path, exc)
                self._cache_failed = True
                return None
        return self._cache

    def client(self, token: Optional[str] = None) -> DiscogsClient:
        return DiscogsClient(self.settings.api_url, token, limiter=self.limiter,
                             timeout=self.settings.timeout, deadline=self.settings.deadline,
                             attempts=self.settings.attempts, backoff=self.settings.backoff)

    def for_user(self, store: IndexStore, username: str, token: Optional[str] = None,
                 options: Optional[RecommendOptions] = None, refresh: bool = False) -> Dict[str, Any]:
        """`token`: the caller's personal token; the server's setting when None."""
        token = token or self.settings.token
        user = load_user_collection(username, self.client(token), token, self.cache, refresh)
        answer = recommend_for_records(store, user.collection + user.wantlist, options,
                                       self.embedder)
        answer["collection"] = user.summary()
        return answer

    def for_export(self, store: IndexStore, data: bytes, options: Optional[RecommendOptions] = None,
                   kind: Optional[str] = None) -> Dict[str, Any]:
        parsed = parse_export(data, kind)
        if not parsed.records:
            first = "; ".join(f"line {p.line}: {p.reason}" for p in parsed.problems[:3])
            raise InvalidExport(f"the export has no usable row ({parsed.rows} rows read"
                                + (f"; {first}" if first else "") + ")")
        answer = recommend_for_records(store, parsed.records, options, self.embedder)
        answer["export"] = parsed.summary()
        return answer

    def for_library(self, store: IndexStore, stream: BinaryIO, name: str = "the file",
                    options: Optional[RecommendOptions] = None) -> Dict[str, Any]:
        """A Spotify, Apple Music or Last.fm file (a seekable binary stream, read as it
        goes) -> recommendations; see `collection.library`."""
        return recommend_for_library(store, stream, name, options)
