"""Owned rows -> the albums of one index: what a hold-out evaluation works on.

Hits are counted at album level (an album is a master, or a master-less release), so
two pressings of one master are one album. Rows the index cannot place are kept aside
and reported with the reason, never silently dropped.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from recommender.store import IndexStore

from .collection_input import CollectionInput, OwnedRow

UNKNOWN_EXAMPLES = 10


@dataclass
class EvalCollection:
    name: str
    source: str
    rows: int
    album_ids: List[int]                       # distinct, in first-seen order
    added: Dict[int, dt.datetime]              # album id -> earliest date added, when known
    unknown_release_ids: List[int] = field(default_factory=list)
    unknown_master_ids: List[int] = field(default_factory=list)
    unknown_reason: Optional[str] = None
    matched: Dict[str, int] = field(default_factory=dict)   # rows matched by release/master/artist_title
    wanted_album_ids: List[int] = field(default_factory=list)  # wanted and not owned

    @property
    def unknown_count(self) -> int:
        return len(self.unknown_release_ids) + len(self.unknown_master_ids)

    def summary(self) -> Dict[str, object]:
        return {
            "name": self.name,
            "source": self.source,
            "rows": self.rows,
            "albums": len(self.album_ids),
            "dated_albums": len(self.added),
            "wanted_albums": len(self.wanted_album_ids),
            "matched": self.matched,
            "unknown": {
                "count": self.unknown_count,
                "release_ids": self.unknown_release_ids[:UNKNOWN_EXAMPLES],
                "master_ids": self.unknown_master_ids[:UNKNOWN_EXAMPLES],
                "reason": self.unknown_reason,
            },
        }


def index_has_releases(store: IndexStore) -> bool:
    counts = store.manifest.get("counts") or {}
    if "releases" in counts:
        return bool(counts["releases"])
    return store.db().execute("SELECT EXISTS (SELECT 1 FROM releases)").fetchone()[0] == 1


def _albums_by_ids(store: IndexStore, rows: Sequence[OwnedRow]) -> List[Optional[int]]:
    """Each row's album by its master id when it has one, else by its release id."""
    by_master = store.albums_of_masters([r.master_id for r in rows if r.master_id])
    by_release = store.albums_of_releases([r.release_id for r in rows
                                           if not r.master_id and r.release_id])
    return [by_master.get(r.master_id) if r.master_id else by_release.get(r.release_id)
            for r in rows]


def _albums_by_collection_package(store: IndexStore, rows: Sequence[OwnedRow],
                                  match_titles: bool) -> Optional[Tuple[List[Optional[int]], Dict[str, int]]]:
    """The collection package's resolver (release, then master, then artist and title,
    as `discogs-recs recommend` does), or None when the package is not installed."""
    try:
        from collection.records import COLLECTION, Record
        from collection.resolve import resolve as resolve_records
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("collection"):
            raise
        return None
    records = [Record(release_id=r.release_id or 0, source=COLLECTION, master_id=r.master_id,
                      artist=r.artist, title=r.title) for r in rows]
    resolved = resolve_records(store, records, by_title=match_titles)
    return [resolved.album_id(record) for record in records], dict(resolved.how)


def resolve(store: IndexStore, collection: CollectionInput,
            match_titles: bool = True) -> EvalCollection:
    """Map each row to its album: by release or master id, then (with the collection
    package) by artist and title, so an export of release ids still meets a
    masters-only catalogue. Name matches can be wrong; their count is reported."""
    rows = collection.rows
    by_package = _albums_by_collection_package(store, rows, match_titles)
    if by_package is None:
        albums, matched = _albums_by_ids(store, rows), {}
    else:
        albums, matched = by_package
    album_ids: List[int] = []
    seen = set()
    added: Dict[int, dt.datetime] = {}
    unknown_releases: List[int] = []
    unknown_masters: List[int] = []
    for row, album in zip(rows, albums):
        if album is None:
            if row.release_id:
                unknown_releases.append(row.release_id)
            else:
                unknown_masters.append(row.master_id)
            continue
        if album not in seen:
            seen.add(album)
            album_ids.append(album)
        if row.date_added is not None:
            # The album joined the collection with its first copy.
            added[album] = min(added.get(album, row.date_added), row.date_added)
    reason = None
    if unknown_releases or unknown_masters:
        reason = "not in this index's catalogue (built from other dumps or filtered out)"
        if unknown_releases and not index_has_releases(store):
            by_name = " except by artist and title" if by_package and match_titles else ""
            reason = ("this index was built from the masters dump only, so release ids cannot "
                      f"be mapped to albums{by_name}; rebuild with --releases, or pass "
                      "--master-ids or a CSV with a master_id column")
    owned = set(album_ids)
    wanted = [a for a in dict.fromkeys(_albums_by_ids(store, collection.wanted))
              if a is not None and a not in owned] if collection.wanted else []
    return EvalCollection(collection.name, collection.source, len(rows), album_ids, added,
                          unknown_releases, unknown_masters, reason, matched, wanted)
