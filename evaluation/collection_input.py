"""Where a collection to evaluate comes from: an export CSV, id lists, or a Discogs user.

Every source becomes a `CollectionInput`: a name and a list of `OwnedRow`s (a release
id and/or a master id, artist and title, and the date added when known).

Export CSVs are read by the collection package's parser (`collection.csv_export.
parse_export`: encodings, zips, bad rows reported), the one the server uses for
uploads: discogs.com "Export collection" files (`...,release_id,CollectionFolder,Date
Added,...`) and the dev-set files in ../shared/data/eval
(`release_id,master_id,artist,title,date_added`). Its `Record`s keep the date added and
an optional master_id column; a Discogs user's records (`--user`) keep the API's
`date_added`, so leave-latest-out works for both.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Any, List, Optional, Sequence


class CollectionInputError(Exception):
    """The collection cannot be read; the message says what to change."""


@dataclass(frozen=True)
class OwnedRow:
    release_id: Optional[int] = None
    master_id: Optional[int] = None
    date_added: Optional[dt.datetime] = None
    artist: str = ""   # artist and title let the collection package match by name
    title: str = ""


@dataclass
class CollectionInput:
    name: str
    source: str
    rows: List[OwnedRow] = field(default_factory=list)
    wanted: List[OwnedRow] = field(default_factory=list)   # a wantlist: the "wanted" task


_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


def _int_or_none(text: str) -> Optional[int]:
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        return None
    return value if value > 0 else None  # 0 means "no master" in recent dumps


def parse_date(text: Optional[str]) -> Optional[dt.datetime]:
    """A date added as Discogs writes it ("2020-11-18 19:17:05" in exports,
    "2020-11-18T19:17:05-08:00" from the API: the local time, offset dropped)."""
    text = (text or "").strip()[:19]
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def _collection_package(option: str) -> Any:
    """The collection package's modules, or an actionable error when it is missing."""
    try:
        from collection import csv_export, errors
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("collection"):
            raise
        raise CollectionInputError(
            f"{option} needs the collection package (the export parser and Discogs API "
            "client), which is not installed in this checkout; pass the ids with "
            "--release-ids / --master-ids") from exc
    return csv_export, errors


def _owned_row(record: Any) -> OwnedRow:
    return OwnedRow(record.release_id or None, record.master_id, parse_date(record.date_added),
                    record.artist, record.title)


def read_export_csv(path: str) -> CollectionInput:
    """Rows of a collection export CSV (`collection.csv_export.parse_export`); a
    `master_id` column is used when present. Rows the parser cannot use are skipped
    (it reports them); a file that is not an export is a `CollectionInputError`."""
    csv_export, errors = _collection_package("--export")
    if not os.path.exists(path):
        raise CollectionInputError(f"{path} does not exist; pass the CSV from discogs.com "
                                   "(Collection > Export) with --export")
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        parsed = csv_export.parse_export(data)
    except errors.InvalidExport as exc:
        raise CollectionInputError(f"{path}: {exc.message}; or pass the ids with "
                                   "--release-ids / --master-ids") from exc
    name = os.path.splitext(os.path.basename(path))[0]
    return CollectionInput(name=name, source=f"export {path}",
                           rows=[_owned_row(r) for r in parsed.records])


def parse_id_list(text: Optional[str], option: str) -> List[int]:
    """'1,2, 3' -> [1, 2, 3]; a clear error for anything that is not a positive id."""
    if not text:
        return []
    ids = []
    for part in text.replace(" ", ",").split(","):
        if not part:
            continue
        value = _int_or_none(part)
        if value is None:
            raise CollectionInputError(f"{option}: {part!r} is not a Discogs id; write e.g. "
                                       f"{option} 16921,31598")
        ids.append(value)
    return ids


def from_id_lists(release_ids: Sequence[int], master_ids: Sequence[int]) -> CollectionInput:
    rows = [OwnedRow(release_id=r) for r in release_ids] + [OwnedRow(master_id=m) for m in master_ids]
    return CollectionInput(name="ids", source="--release-ids/--master-ids", rows=rows)


def from_discogs_user(username: str, api_url: Optional[str] = None) -> CollectionInput:
    """A user's public collection through the collection package's Discogs API client.

    Settings (token, cache, timeouts) come from the DISCOGS_RECS_* environment like
    `discogs-recs recommend --user`; `api_url` overrides DISCOGS_RECS_DISCOGS_API_URL.
    Only the collection counts: wanted records are not owned.
    """
    try:
        from collection.cache import CollectionCache
        from collection.discogs_api import DiscogsClient
        from collection.errors import CollectionError
        from collection.settings import CollectionSettings
        from collection.user_collection import load_user_collection
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("collection"):
            raise
        raise CollectionInputError(
            "--user needs the collection package (the Discogs API client), which is not "
            "installed in this checkout; export your collection on discogs.com "
            "(Collection > Export) and pass it with --export FILE") from exc
    settings = CollectionSettings.from_environment(embed_default=False)
    if api_url:
        settings = dataclasses.replace(settings, api_url=api_url)
    client = DiscogsClient(settings.api_url, settings.token, timeout=settings.timeout,
                           deadline=settings.deadline, attempts=settings.attempts,
                           backoff=settings.backoff)
    cache = (CollectionCache(settings.cache_path, settings.cache_ttl)
             if settings.cache_ttl > 0 else None)
    try:
        user = load_user_collection(username, client, settings.token, cache)
    except CollectionError as exc:
        raise CollectionInputError(f"--user {username}: {exc.message}") from exc
    rows = [_owned_row(record) for record in user.collection]
    return CollectionInput(name=f"user:{user.username}", source=f"Discogs user {user.username}",
                           rows=rows)
