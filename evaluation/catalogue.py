"""Per-album facts the baselines need, loaded once from the catalogue into arrays.

Album ids are row numbers 0..N-1, so every fact is an array indexed by album id. Lists
(genres and styles, artists, labels) are stored as compressed rows
(`recommender.tags.ListColumn`, CSR: `indptr`, `indices`), so scoring the whole
catalogue for a profile is a few numpy operations. Tags are the engine's own
(`recommender.tags.tag_keys`), so the genre-style baseline and the engine's style term
score the same thing.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recommender.albumfacts import artist_keys_json, label_keys_json
from recommender.store import IndexStore
from recommender.tags import ListColumn, tag_keys_json

__all__ = ["CatalogueFacts", "ListColumn", "load_facts"]


@dataclass
class CatalogueFacts:
    size: int
    release_count: np.ndarray     # versions of each album in the indexed releases
    year: np.ndarray              # float, nan when unknown
    tags: ListColumn              # genres and styles
    artists: ListColumn           # artist ids (names when a credit has none), Various left out
    labels: ListColumn            # label names, "Not On Label" left out

    @property
    def has_popularity(self) -> bool:
        return bool(self.release_count.max(initial=0) > 0)

    @property
    def has_labels(self) -> bool:
        return not self.labels.empty


def load_facts(store: IndexStore) -> CatalogueFacts:
    rows = store.db().execute(
        "SELECT album_id, artists, genres, styles, year, labels, label, release_count "
        "FROM albums ORDER BY album_id").fetchall()
    if [r[0] for r in rows] != list(range(len(rows))):
        raise ValueError(f"{store.index_dir}: album ids are not 0..N-1; rebuild the index")
    return CatalogueFacts(
        size=len(rows),
        release_count=np.array([r[7] or 0 for r in rows], dtype=np.float64),
        year=np.array([r[4] if r[4] else np.nan for r in rows], dtype=np.float64),
        tags=ListColumn.build([tag_keys_json(r[2], r[3]) for r in rows]),
        artists=ListColumn.build([artist_keys_json(r[1]) for r in rows]),
        labels=ListColumn.build([label_keys_json(r[5], r[6]) for r in rows]),
    )
