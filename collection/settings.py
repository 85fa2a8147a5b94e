"""Settings of collection fetching, read from the server's config or the environment.

    name (Flask config / env var)                     default
    DISCOGS_TOKEN / DISCOGS_RECS_DISCOGS_TOKEN        none: anonymous (25 requests a minute)
    DISCOGS_API_URL / DISCOGS_RECS_DISCOGS_API_URL    https://api.discogs.com
    DISCOGS_TIMEOUT / ..._DISCOGS_TIMEOUT             15 s for one answer
    DISCOGS_ATTEMPTS / ..._DISCOGS_ATTEMPTS           5 tries of one page when Discogs times
                                                      out, fails (5xx, 429) or sends a cut-off
                                                      answer
    DISCOGS_BACKOFF / ..._DISCOGS_BACKOFF             1 s before the 2nd try, doubling, plus
                                                      jitter (429: Discogs' Retry-After)
    DISCOGS_DEADLINE / ..._DISCOGS_DEADLINE           25 s in the server (under gunicorn's 30 s
                                                      worker timeout), 600 s in the CLI, for a
                                                      whole collection and wantlist
    COLLECTION_CACHE / ..._COLLECTION_CACHE           ~/.cache/discogs-recs/collections.sqlite
    COLLECTION_CACHE_TTL / ..._COLLECTION_CACHE_TTL   3600 s (0: no caching)
    EMBED_UNKNOWN / ..._EMBED_UNKNOWN                 off in the server, on in the CLI
    EMBED_MODEL, EMBED_BACKEND / ..._EMBED_*          the index manifest's model and backend
    MAX_EXPORT_BYTES / ..._MAX_EXPORT_BYTES           20 MiB for an uploaded export
    MAX_LIBRARY_BYTES / ..._MAX_LIBRARY_BYTES         512 MiB for an uploaded Spotify, Apple
                                                      Music or Last.fm file (streamed, not held)
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional

from .cache import default_cache_path
from .discogs_api import DEFAULT_API_URL

ENV_PREFIX = "DISCOGS_RECS_"

DEFAULTS = {
    "DISCOGS_TOKEN": None,
    "DISCOGS_API_URL": DEFAULT_API_URL,
    "DISCOGS_TIMEOUT": 15.0,
    "DISCOGS_ATTEMPTS": 5,
    "DISCOGS_BACKOFF": 1.0,
    "DISCOGS_DEADLINE": 25.0,
    "COLLECTION_CACHE": None,
    "COLLECTION_CACHE_TTL": 3600.0,
    "EMBED_UNKNOWN": False,
    "EMBED_MODEL": None,
    "EMBED_BACKEND": None,
    "MAX_EXPORT_BYTES": 20 * 1024 * 1024,
    "MAX_LIBRARY_BYTES": 512 * 1024 * 1024,
}


def flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


@dataclass(frozen=True)
class CollectionSettings:
    token: Optional[str]
    api_url: str
    timeout: float
    deadline: float
    cache_path: Path
    cache_ttl: float
    embed_unknown: bool
    embed_model: Optional[str]
    embed_backend: Optional[str]
    max_export_bytes: int
    max_library_bytes: int = DEFAULTS["MAX_LIBRARY_BYTES"]
    attempts: int = DEFAULTS["DISCOGS_ATTEMPTS"]
    backoff: float = DEFAULTS["DISCOGS_BACKOFF"]

    def __repr__(self) -> str:  # the token stays out of any printed settings
        return (f"CollectionSettings(api_url={self.api_url!r}, token={'set' if self.token else 'none'}, "
                f"cache_path={str(self.cache_path)!r}, embed_unknown={self.embed_unknown})")

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any], embed_default: bool = False,
                     deadline_default: Optional[float] = None) -> "CollectionSettings":
        """From a Flask config (keys without the DISCOGS_RECS_ prefix)."""
        def get(name: str, fallback: Any = None) -> Any:
            value = config.get(name)
            if value is not None:
                return value
            return DEFAULTS[name] if fallback is None else fallback

        cache = get("COLLECTION_CACHE")
        token = get("DISCOGS_TOKEN")
        return cls(
            token=str(token).strip() or None if token else None,
            api_url=str(get("DISCOGS_API_URL")), timeout=float(get("DISCOGS_TIMEOUT")),
            deadline=float(get("DISCOGS_DEADLINE", deadline_default)),
            cache_path=Path(cache) if cache else default_cache_path(),
            cache_ttl=float(get("COLLECTION_CACHE_TTL")),
            embed_unknown=flag(get("EMBED_UNKNOWN", embed_default)),
            embed_model=get("EMBED_MODEL"), embed_backend=get("EMBED_BACKEND"),
            max_export_bytes=int(get("MAX_EXPORT_BYTES")),
            max_library_bytes=int(get("MAX_LIBRARY_BYTES")),
            attempts=max(1, int(get("DISCOGS_ATTEMPTS"))),
            backoff=max(0.0, float(get("DISCOGS_BACKOFF"))))

    @classmethod
    def from_environment(cls, environ: Optional[Mapping[str, str]] = None,
                         embed_default: bool = True,
                         deadline_default: float = 600.0) -> "CollectionSettings":
        """From DISCOGS_RECS_* variables (the CLI); JSON values are parsed like Flask does."""
        environ = os.environ if environ is None else environ
        config = {}
        for name in DEFAULTS:
            raw = environ.get(ENV_PREFIX + name)
            if raw is None:
                continue
            try:
                config[name] = json.loads(raw)
            except ValueError:
                config[name] = raw
        return cls.from_mapping(config, embed_default, deadline_default)
