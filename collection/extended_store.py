"""An index store plus a few albums that exist only for one request: the owned records
the index lacks, embedded on the fly.

`recommender.engine.Recommender` reads owned albums through the store (`album_vectors`,
`albums`, `album_count`), so giving it this view lets embedded records weigh in the
profile and be named in `because` with no change to the engine. The extra albums get
ids after the last real one; FAISS never returns them (they are not in the index), so
they can never be recommended.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Sequence, Set

import numpy as np

from recommender.items import album_url, artist_keys
from recommender.store import IndexStore
from recommender.tags import album_tags

from .records import Record


def album_of_record(album_id: int, record: Record) -> Dict[str, Any]:
    """The album dict `recommender.items.album_from_row` would give for this record."""
    return {
        "album_id": album_id, "master_id": record.master_id, "release_id": record.release_id,
        "title": record.title, "artists": [dict(a) for a in record.artists],
        "artist": record.artist, "year": record.year, "genres": list(record.genres),
        "styles": list(record.styles), "formats": list(record.formats),
        "label": record.labels[0] if record.labels else None, "labels": list(record.labels),
        "country": None, "url": album_url(record.master_id, record.release_id), "listen": [],
    }


class ExtendedStore:
    def __init__(self, store: IndexStore, records: List[Record], vectors: np.ndarray):
        self._store = store
        self.base_count = store.album_count
        self.album_count = store.album_count + len(records)
        self._extra_vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.extra_ids = list(range(self.base_count, self.album_count))
        self._extra_albums = {album_id: album_of_record(album_id, record)
                              for album_id, record in zip(self.extra_ids, records)}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)  # everything else is the real store's

    def albums(self, album_ids: Iterable[int]) -> Dict[int, Dict[str, Any]]:
        ids = [int(a) for a in album_ids]
        found = self._store.albums([a for a in ids if a < self.base_count])
        found.update({a: self._extra_albums[a] for a in ids if a in self._extra_albums})
        return found

    def artists_of_albums(self, album_ids: Iterable[int]) -> Dict[int, Set[Any]]:
        ids = [int(a) for a in album_ids]
        found = self._store.artists_of_albums([a for a in ids if a < self.base_count])
        found.update({a: set(artist_keys(self._extra_albums[a])) for a in ids if a in self._extra_albums})
        return found

    def album_tags(self, album_ids: Iterable[int]) -> Dict[int, List[str]]:
        ids = [int(a) for a in album_ids]
        found = self._store.album_tags([a for a in ids if a < self.base_count])
        found.update({a: album_tags(self._extra_albums[a]) for a in ids if a in self._extra_albums})
        return found

    def album_vectors(self, album_ids: Sequence[int]) -> np.ndarray:
        rows = np.asarray(album_ids, dtype=np.int64).reshape(-1)
        out = np.empty((rows.size, self._store.dimension), dtype=np.float32)
        real = rows < self.base_count
        if real.any():
            out[real] = self._store.album_vectors(rows[real])
        if (~real).any():
            out[~real] = self._extra_vectors[rows[~real] - self.base_count]
        return out
