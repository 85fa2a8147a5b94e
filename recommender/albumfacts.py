"""Per-album facts the learned ranking needs, read once per store into arrays.

Album ids are row numbers 0..N-1, so every fact is an array (or a `tags.ListColumn` of
compressed rows) indexed by album id:

- artists: artist ids (names when a credit has none), Various left out;
- tags: genres and styles (`recommender.tags.tag_keys`) and each tag's IDF,
  log(N / albums carrying it): "Krautrock" says more about a taste than "Rock";
- year (nan when unknown), labels ("Not On Label" left out) and versions (releases of
  the album in the indexed releases dump: 0 everywhere on a masters-only build);
- the inverse of `artists`: which albums each artist has, so the albums of owned
  artists can join the candidates even when their texts are far apart.

Loaded by `IndexStore.album_facts()` on first use; a store never changes, so neither do
these.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Hashable, List, Sequence

import numpy as np

from .items import VARIOUS_ARTISTS_ID
from .tags import ListColumn, tag_keys_json


def artist_keys_json(artists_json: str) -> List[Hashable]:
    """Artist identities of the catalogue's albums.artists JSON (as `items.artist_keys`)."""
    keys: List[Hashable] = []
    for artist in json.loads(artists_json) if artists_json else []:
        name = (artist.get("name") or "").casefold()
        if artist.get("id") == VARIOUS_ARTISTS_ID or name == "various":
            continue  # compilations share "Various", not a taste
        keys.append(artist["id"] if artist.get("id") is not None else name)
    return keys


def label_keys_json(labels_json: str, label: str) -> List[str]:
    names = json.loads(labels_json) if labels_json else []
    if not names and label:
        names = [label]
    # "Not On Label (X Self-released)" says nothing shared between two albums.
    return [n.casefold() for n in names if n and not n.casefold().startswith("not on label")]


def row_sums(column: ListColumn, album_ids: np.ndarray, value_weights: np.ndarray) -> np.ndarray:
    """For each given album, the sum of `value_weights` over its values (a subset of
    `ListColumn.sum_per_album`, so a few hundred candidates cost what they are)."""
    ids = np.asarray(album_ids, dtype=np.int64).reshape(-1)
    if ids.size == 0 or column.empty:
        return np.zeros(ids.size, dtype=np.float64)
    starts = column.indptr[ids]
    lengths = column.indptr[ids + 1] - starts
    offsets = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    entries = column.indices[np.repeat(starts, lengths) + offsets]
    rows = np.repeat(np.arange(ids.size), lengths)
    return np.bincount(rows, weights=value_weights[entries], minlength=ids.size)


@dataclass
class AlbumFacts:
    size: int
    artists: ListColumn
    tags: ListColumn
    tag_idf: np.ndarray            # per tag of `tags.vocabulary`
    year: np.ndarray               # float, nan when unknown
    labels: ListColumn
    versions: np.ndarray           # releases of the album in the index (0: none indexed)
    artist_indptr: np.ndarray      # artist value -> albums: CSR over `artists.vocabulary`
    artist_albums: np.ndarray

    @property
    def has_versions(self) -> bool:
        return bool(self.versions.max(initial=0) > 0)

    @classmethod
    def load(cls, conn: sqlite3.Connection, where: str = "the index") -> "AlbumFacts":
        rows = conn.execute(
            "SELECT album_id, artists, genres, styles, year, labels, label, release_count "
            "FROM albums ORDER BY album_id").fetchall()
        if [r[0] for r in rows] != list(range(len(rows))):
            raise ValueError(f"{where}: album ids are not 0..N-1; rebuild the index")
        return cls.build(
            artists=[artist_keys_json(r[1]) for r in rows],
            tags=[tag_keys_json(r[2], r[3]) for r in rows],
            years=[r[4] for r in rows],
            labels=[label_keys_json(r[5], r[6]) for r in rows],
            versions=[r[7] or 0 for r in rows])

    @classmethod
    def build(cls, artists: Sequence[Sequence[Hashable]], tags: Sequence[Sequence[Hashable]],
              years: Sequence, labels: Sequence[Sequence[Hashable]],
              versions: Sequence[int]) -> "AlbumFacts":
        size = len(artists)
        artist_column = ListColumn.build(artists)
        tag_column = ListColumn.build(tags)
        df = np.bincount(tag_column.indices, minlength=tag_column.size).astype(np.float64)
        idf = np.log(max(size, 1) / np.maximum(df, 1.0))
        # Albums of each artist: sort the (artist, album) pairs of the CSR rows by artist.
        owners = np.repeat(np.arange(size), artist_column.lengths)
        order = np.argsort(artist_column.indices, kind="stable")
        counts = np.bincount(artist_column.indices, minlength=artist_column.size)
        indptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        return cls(size=size, artists=artist_column, tags=tag_column, tag_idf=idf,
                   year=np.array([y if y else np.nan for y in years], dtype=np.float64),
                   labels=ListColumn.build(labels),
                   versions=np.asarray(versions, dtype=np.float64),
                   artist_indptr=indptr, artist_albums=owners[order].astype(np.int64))

    def albums_of_artists(self, artist_values: np.ndarray) -> np.ndarray:
        """Album ids of these artist values (indices into `artists.vocabulary`)."""
        values = np.unique(np.asarray(artist_values, dtype=np.int64))
        if values.size == 0:
            return np.zeros(0, dtype=np.int64)
        parts = [self.artist_albums[self.artist_indptr[v]:self.artist_indptr[v + 1]] for v in values]
        return np.unique(np.concatenate(parts))
