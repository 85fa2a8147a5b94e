"""Settings, layered by `create_app`: these defaults -> instance/config.py ->
DISCOGS_RECS_* environment variables -> the test config.

Environment values are parsed as JSON when they are JSON (DISCOGS_RECS_MAX_K=50), else
taken as text; DISCOGS_RECS_CORS_ORIGINS also takes a comma-separated list.
"""
from __future__ import annotations

from typing import Any, Dict, List, Union

from collection.settings import DEFAULTS as COLLECTION_DEFAULTS

DEFAULTS: Dict[str, Any] = {
    # The index folder (DIR/manifest.json); `discogs-recs serve --index DIR` sets it.
    "INDEX_DIR": None,
    # Seconds between stats of DIR/manifest.json to notice a newly published build.
    "RELOAD_CHECK_SECONDS": 1.0,
    # Memory-map the FAISS file instead of reading it (less RAM, slower first queries).
    "FAISS_MMAP": False,
    # Who may call the API from a browser: discogs.com pages and the extension's pages.
    # Entries with regex characters are regular expressions (flask-cors).
    "CORS_ORIGINS": [
        "https://www.discogs.com",
        "https://discogs.com",
        r"chrome-extension://[a-p]{32}",
        r"moz-extension://[0-9a-fA-F-]{36}",
        r"safari-web-extension://[0-9A-Za-z-]+",
    ],
    "MAX_IDS": 10_000,
    "MAX_K": 100,
    # 10,000 ids plus weights fit in well under 2 MB; more is refused with 413.
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    # Whole collections from discogs.com: DISCOGS_TOKEN, DISCOGS_API_URL, timeouts, the
    # collection cache and embedding of unknown items; documented in collection/settings.py.
    **COLLECTION_DEFAULTS,
}


def origins(value: Union[str, List[str], None]) -> Union[str, List[str]]:
    if value is None:
        return []
    if isinstance(value, str):
        return "*" if value.strip() == "*" else [o.strip() for o in value.split(",") if o.strip()]
    return list(value)
