"""Where a collection to evaluate comes from: an export CSV, id lists, or a Discogs user.

Every source becomes a `CollectionInput`: a name and a list of `OwnedRow`s (a release
id and/or a master id, artist and title, and the date added when known).

The CSV reader here is deliberately small. It reads discogs.com "Export collection"
files (`...,Artist,Title,...,release_id,CollectionFolder,Date Added,...`) and the
dev-set files in ../shared/data/eval (`release_id,master_id,artist,title,date_added`).
`collection.csv_export.parse_export` is the full parser (encodings, zips, bad rows
reported), but its records keep neither the date added (leave-latest-out needs it) nor
a master_id column (the eval files have one). TODO(merge): once `Record` carries
`date_added` and `master_id` from CSVs, read exports through `parse_export` instead.
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import os
from dataclasses import dataclass, field
from typing import List, Optional, Sequence

from index_builder.catalog import display_name


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


# Header spellings seen in discogs.com exports and in the eval files, compared casefolded
# with spaces and underscores removed.
_RELEASE_HEADERS = ("releaseid",)
_MASTER_HEADERS = ("masterid",)
_DATE_HEADERS = ("dateadded", "added")
_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


def _key(header: str) -> str:
    return header.strip().casefold().replace(" ", "").replace("_", "").lstrip("\ufeff")


def _column(headers: Sequence[str], names: Sequence[str]) -> Optional[int]:
    keys = [_key(h) for h in headers]
    for name in names:
        if name in keys:
            return keys.index(name)
    return None


def _int_or_none(text: str) -> Optional[int]:
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        return None
    return value if value > 0 else None  # 0 means "no master" in recent dumps


def parse_date(text: str) -> Optional[dt.datetime]:
    text = (text or "").strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def read_export_csv(path: str) -> CollectionInput:
    """Rows of a collection export CSV; a `master_id` column is used when present."""
    if not os.path.exists(path):
        raise CollectionInputError(f"{path} does not exist; pass the CSV from discogs.com "
                                   "(Collection > Export) with --export")
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        headers = next(reader, None)
        if not headers:
            raise CollectionInputError(f"{path} is empty; expected a discogs.com collection export")
        release_col = _column(headers, _RELEASE_HEADERS)
        master_col = _column(headers, _MASTER_HEADERS)
        if release_col is None and master_col is None:
            raise CollectionInputError(
                f"{path} has no release_id or master_id column (its header is "
                f"{','.join(headers)[:120]!r}); export the collection from discogs.com "
                "or pass the ids with --release-ids / --master-ids")
        date_col = _column(headers, _DATE_HEADERS)
        artist_col = _column(headers, ("artist",))
        title_col = _column(headers, ("title",))
        rows = []
        for record in reader:
            def cell(col: Optional[int]) -> str:
                return record[col] if col is not None and col < len(record) else ""
            row = OwnedRow(_int_or_none(cell(release_col)), _int_or_none(cell(master_col)),
                           parse_date(cell(date_col)), display_name(cell(artist_col).strip()),
                           cell(title_col).strip())
            if row.release_id or row.master_id:
                rows.append(row)
    name = os.path.splitext(os.path.basename(path))[0]
    return CollectionInput(name=name, source=f"export {path}", rows=rows)


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
                           deadline=settings.deadline)
    cache = (CollectionCache(settings.cache_path, settings.cache_ttl)
             if settings.cache_ttl > 0 else None)
    try:
        user = load_user_collection(username, client, settings.token, cache)
    except CollectionError as exc:
        raise CollectionInputError(f"--user {username}: {exc.message}") from exc
    rows = []
    for record in user.collection:
        # Records carry no date added yet (TODO(merge): collection.records.Record.date_added);
        # without it leave-latest-out is skipped for --user.
        added = getattr(record, "date_added", None)
        rows.append(OwnedRow(record.release_id, record.master_id,
                             parse_date(str(added)[:19]) if added else None,
                             record.artist, record.title))
    return CollectionInput(name=f"user:{user.username}", source=f"Discogs user {user.username}",
                           rows=rows)
