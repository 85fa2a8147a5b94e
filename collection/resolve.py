"""Owned records -> album ids of the index: by release, then master, then artist and title.

1. the release id (a release of the dump, or an album's main release);
2. the master id Discogs gives with collection items (`basic_information.master_id`),
   so any pressing of an indexed album counts as that album;
3. the same artist and title (normalised) as an indexed album, found with the
   catalogue's full-text index: a masters-only index knows few release ids, and CSV
   exports carry no master id. Compilations by "Various" are never matched this way.
What is left is embedded on the fly or reported in `unknown_ids` (see `recommend`).
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from recommender.store import IndexStore

from .records import Record

RELEASE, MASTER, TITLE = "release", "master", "artist_title"
_WORD = re.compile(r"\w+")
_NOISE = {"the", "and", "a"}


def normalised(text: str) -> str:
    """'The Beatles' == 'Beatles'; 'Kruder & Dorfmeister' == 'Kruder Dorfmeister'; 'Björk' == 'Bjork'."""
    stripped = "".join(c for c in unicodedata.normalize("NFKD", text or "")
                       if not unicodedata.combining(c))
    words = [w for w in _WORD.findall(stripped.casefold()) if w not in _NOISE]
    return " ".join(words)


@dataclass
class Resolved:
    album_of: Dict[int, int] = field(default_factory=dict)   # id(record) -> album id
    how: Counter = field(default_factory=Counter)            # RELEASE / MASTER / TITLE -> count
    unresolved: List[Record] = field(default_factory=list)

    def album_id(self, record: Record) -> Optional[int]:
        return self.album_of.get(id(record))


def match_artist_title(store: IndexStore, artist: str, title: str) -> Optional[int]:
    """The indexed album with this artist and title (normalised), else None."""
    wanted_artist, wanted_title = normalised(artist), normalised(title)
    if not wanted_artist or not wanted_title or wanted_artist == "various":
        return None
    words = _WORD.findall(f"{artist} {title}")
    album_ids = store.search_text(" ".join(words), limit=10)
    albums = store.albums(album_ids)
    for album_id in album_ids:
        album = albums.get(album_id)
        if (album and normalised(album["title"]) == wanted_title
                and normalised(album["artist"]) == wanted_artist):
            return album_id
    return None


def resolve(store: IndexStore, records: List[Record], by_title: bool = True) -> Resolved:
    result = Resolved()
    by_release = store.albums_of_releases([r.release_id for r in records])
    by_master = store.albums_of_masters([r.master_id for r in records if r.master_id])
    title_cache: Dict[tuple, Optional[int]] = {}
    for record in records:
        album_id, how = by_release.get(record.release_id), RELEASE
        if album_id is None and record.master_id:
            album_id, how = by_master.get(record.master_id), MASTER
        if album_id is None and by_title and record.artist and record.title:
            key = (record.artist, record.title)
            if key not in title_cache:
                title_cache[key] = match_artist_title(store, record.artist, record.title)
            album_id, how = title_cache[key], TITLE
        if album_id is None:
            result.unresolved.append(record)
        else:
            result.album_of[id(record)] = album_id
            result.how[how] += 1
    return result
