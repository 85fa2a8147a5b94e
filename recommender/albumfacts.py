"""Per-album facts the learned ranking needs, read once per store into arrays.

Album ids are row numbers 0..N-1, so every fact is an array (or a `tags.ListColumn` of
compressed rows) indexed by album id:

- artists: artist ids (names when a credit has none), Various left out;
- tags: genres and styles (`recommender.tags.tag_keys`) and each tag's IDF,
  log(N / albums carrying it): "Krautrock" says more about a taste than "Rock";
- year (nan when unknown), labels ("Not On Label" left out) and versions (releases of
  the album in the indexed releases dump: 0 everywhere on a masters-only build);
- the inverse of `artists` and of `labels`: which albums each artist (label) has, so
  the albums of owned artists and labels can join the candidates even when their texts
  are far apart;
- related artists (aliases, members, groups), where the index was built with the
  artists dump (`build --artists`, index_builder/artists.py): a CSR over the artist
  vocabulary. A credit without an id takes the id of the one artist of that name or
  name variation, when exactly one has it.

Loaded by `IndexStore.album_facts()` on first use; a store never changes, so neither do
these.
"""
from __future__ import annotations

import dataclasses
import functools
import json
import sqlite3
from dataclasses import dataclass
from typing import Dict, Hashable, List, Optional, Sequence, Tuple

import numpy as np

from . import facts_sql
from .items import artist_key, label_key
from .tags import ListColumn, SparseCounts, csr_rows


def artist_keys_json(artists_json: str) -> List[Hashable]:
    """Artist identities of the catalogue's albums.artists JSON (as `items.artist_keys`)."""
    credits = json.loads(artists_json) if artists_json else []
    keys = (artist_key(artist.get("id"), artist.get("name")) for artist in credits)
    return [key for key in keys if key is not None]


def label_keys_json(labels_json: str, label: str) -> List[str]:
    names = json.loads(labels_json) if labels_json else []
    if not names and label:
        names = [label]
    keys = (label_key(name) for name in names)
    return [key for key in keys if key is not None]


def row_sums(column: ListColumn, album_ids: np.ndarray,
             value_weights: "np.ndarray | SparseCounts") -> np.ndarray:
    """For each given album, the sum of `value_weights` over its values (a subset of
    `ListColumn.sum_per_album`, so a few hundred candidates cost what they are)."""
    ids = np.asarray(album_ids, dtype=np.int64).reshape(-1)
    if ids.size == 0 or column.empty:
        return np.zeros(ids.size, dtype=np.float64)
    entries = csr_rows(column.indptr, column.indices, ids)
    rows = np.repeat(np.arange(ids.size), column.lengths_of(ids))
    return np.bincount(rows, weights=value_weights[entries], minlength=ids.size)


def _artist_tables(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                        "name IN ('artist_relations', 'artist_names')").fetchone()[0] == 2


def _edges(conn: sqlite3.Connection) -> np.ndarray:
    """(artist id, related id) rows of the artists dump's links."""
    rows = conn.execute("SELECT artist_id, related_id FROM artist_relations "
                        "WHERE artist_id != related_id").fetchall()
    return np.array(rows, dtype=np.int64).reshape(-1, 2)


def _ids_of_names(conn: sqlite3.Connection, names: Sequence[str]) -> Dict[str, int]:
    """The id of each name (or name variation) that belongs to exactly one artist."""
    found: Dict[str, int] = {}
    unique = sorted(set(names))
    for start in range(0, len(unique), 500):
        batch = unique[start:start + 500]
        found.update(conn.execute(
            "SELECT name, min(artist_id) FROM artist_names WHERE name IN "
            f"({','.join('?' * len(batch))}) GROUP BY name HAVING count(DISTINCT artist_id) = 1",
            batch).fetchall())
    return found


def _indptr(counts: np.ndarray) -> np.ndarray:
    """CSR row offsets from the number of entries of each row."""
    return np.concatenate(([0], np.cumsum(counts))).astype(np.int64)


def _relation_csr(artists: ListColumn, edges: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Artist value -> related values, both directions, from (id, id) edges; keys the
    vocabulary lacks (artists on no album) are dropped."""
    empty = (np.zeros(artists.size + 1, dtype=np.int64), np.zeros(0, dtype=np.int64))
    ids = [(key, value) for value, key in enumerate(artists.vocabulary)
           if isinstance(key, (int, np.integer))]
    if not ids or edges.size == 0:
        return empty
    keys, values = (np.array(column, dtype=np.int64) for column in zip(*sorted(ids)))
    position = np.clip(np.searchsorted(keys, edges), 0, keys.size - 1)
    known = (keys[position] == edges).all(axis=1)
    pairs = values[position[known]]
    pairs = np.concatenate([pairs, pairs[:, ::-1]])
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    if pairs.size == 0:
        return empty
    codes = np.unique(pairs[:, 0] * artists.size + pairs[:, 1])
    rows, related = codes // artists.size, codes % artists.size
    return _indptr(np.bincount(rows, minlength=artists.size)), related.astype(np.int64)


@dataclass
class AlbumFacts:
    size: int
    artists: ListColumn
    tags: ListColumn
    tag_idf: np.ndarray            # per tag of `tags.vocabulary`
    year: np.ndarray               # float, nan when unknown
    labels: ListColumn
    label_idf: np.ndarray          # per label of `labels.vocabulary`, over log(N): 0..1
    versions: np.ndarray           # releases of the album in the index (0: none indexed)
    artist_indptr: np.ndarray      # artist value -> albums: CSR over `artists.vocabulary`
    artist_albums: np.ndarray
    label_indptr: np.ndarray       # label value -> albums: CSR over `labels.vocabulary`
    label_albums: np.ndarray
    related_indptr: np.ndarray     # artist value -> related artist values: CSR, symmetric
    related_values: np.ndarray

    @functools.cached_property
    def most_versions(self) -> float:
        """The largest version count (0 on a masters-only build): one pass, kept, as
        requests ask for it at every fit and a pass over 10M albums costs 5 ms."""
        return float(self.versions.max(initial=0))

    @property
    def has_versions(self) -> bool:
        return self.most_versions > 0

    @property
    def has_labels(self) -> bool:
        return not self.labels.empty

    @property
    def has_relations(self) -> bool:
        return bool(self.related_values.size)

    def with_relations(self, edges: np.ndarray) -> "AlbumFacts":
        """These facts with the artists related by (artist id, related id) `edges`
        (either direction; ids on no album dropped) instead of their own."""
        indptr, values = _relation_csr(self.artists, np.asarray(edges, dtype=np.int64).reshape(-1, 2))
        return dataclasses.replace(self, related_indptr=indptr, related_values=values)

    def related_counts(self, artist_counts: SparseCounts) -> SparseCounts:
        """Per artist value: the sum of `artist_counts` over the artists related to it
        (owned albums per artist in, owned albums by related artists out). The links
        are symmetric, so each counted artist hands its count to its relations: the
        cost is that of the collection's artists, not of the whole vocabulary."""
        if not self.has_relations:
            return SparseCounts.of(np.zeros(0, dtype=np.int64))
        counted = artist_counts.counted()
        lengths = self.related_indptr[counted + 1] - self.related_indptr[counted]
        return SparseCounts.of(csr_rows(self.related_indptr, self.related_values, counted),
                               np.repeat(artist_counts[counted], lengths))

    def related_of(self, artist_values: np.ndarray) -> np.ndarray:
        """The artist values related to any of these."""
        values = np.unique(np.asarray(artist_values, dtype=np.int64))
        return np.unique(csr_rows(self.related_indptr, self.related_values, values))

    @classmethod
    def load(cls, conn: sqlite3.Connection, where: str = "the index") -> "AlbumFacts":
        size, last = conn.execute("SELECT count(*), max(album_id) FROM albums").fetchone()
        if size and (last != size - 1 or conn.execute(
                "SELECT min(album_id) FROM albums").fetchone()[0] != 0):
            raise ValueError(f"{where}: album ids are not 0..N-1; rebuild the index")
        edges = np.zeros((0, 2), dtype=np.int64)
        names: Dict[str, int] = {}
        if _artist_tables(conn):
            edges = _edges(conn)
            names = _ids_of_names(conn, facts_sql.credited_names(conn))
        return cls.from_columns(
            artist_column=facts_sql.artist_column(conn, size, names),
            tag_column=facts_sql.tag_column(conn, size),
            year=facts_sql.numbers(conn, "year", size, np.nan),
            label_column=facts_sql.label_column(conn, size),
            versions=facts_sql.numbers(conn, "release_count", size, 0.0),
            relations=edges)

    @classmethod
    def build(cls, artists: Sequence[Sequence[Hashable]], tags: Sequence[Sequence[Hashable]],
              years: Sequence, labels: Sequence[Sequence[Hashable]],
              versions: Sequence[int],
              relations: Optional[np.ndarray] = None) -> "AlbumFacts":
        """From one list per album; `relations`: (artist id, related artist id) rows
        (either direction)."""
        return cls.from_columns(
            artist_column=ListColumn.build(artists), tag_column=ListColumn.build(tags),
            year=np.array([y if y else np.nan for y in years], dtype=np.float64),
            label_column=ListColumn.build(labels),
            versions=np.asarray(versions, dtype=np.float64), relations=relations)

    @classmethod
    def from_columns(cls, artist_column: ListColumn, tag_column: ListColumn, year: np.ndarray,
                     label_column: ListColumn, versions: np.ndarray,
                     relations: Optional[np.ndarray] = None) -> "AlbumFacts":
        size = artist_column.rows
        df = np.bincount(tag_column.indices, minlength=tag_column.size).astype(np.float64)
        idf = np.log(max(size, 1) / np.maximum(df, 1.0))
        # A label's rarity scaled to 0..1 (log N: a label on one album): a shared
        # Columbia says less about a taste than a shared Kranky.
        label_df = np.bincount(label_column.indices, minlength=label_column.size).astype(np.float64)
        label_idf = np.log(max(size, 1) / np.maximum(label_df, 1.0)) / max(np.log(max(size, 2)), 1e-9)
        # Albums of each artist: sort the (artist, album) pairs of the CSR rows by artist.
        owners = np.repeat(np.arange(size), artist_column.lengths)
        order = np.argsort(artist_column.indices, kind="stable")
        indptr = _indptr(np.bincount(artist_column.indices, minlength=artist_column.size))
        label_owners = np.repeat(np.arange(size), label_column.lengths)
        label_order = np.argsort(label_column.indices, kind="stable")
        label_indptr = _indptr(np.bincount(label_column.indices, minlength=label_column.size))
        related_indptr, related_values = _relation_csr(
            artist_column, np.zeros((0, 2), np.int64) if relations is None
            else np.asarray(relations, dtype=np.int64).reshape(-1, 2))
        return cls(size=size, artists=artist_column, tags=tag_column, tag_idf=idf,
                   year=year, labels=label_column, label_idf=label_idf, versions=versions,
                   artist_indptr=indptr, artist_albums=owners[order].astype(np.int64),
                   label_indptr=label_indptr, label_albums=label_owners[label_order].astype(np.int64),
                   related_indptr=related_indptr, related_values=related_values)

    def albums_of_labels(self, label_weights: SparseCounts, limit: int) -> np.ndarray:
        """At most `limit` album ids on the labels counted in `label_weights`, the
        labels with the largest weight first (a label's albums in id order)."""
        labels = label_weights.counted()
        if labels.size == 0 or limit <= 0:
            return np.zeros(0, dtype=np.int64)
        labels = labels[np.argsort(-label_weights[labels], kind="stable")]
        sizes = self.label_indptr[labels + 1] - self.label_indptr[labels]
        labels = labels[:int(np.searchsorted(np.cumsum(sizes), limit)) + 1]
        return csr_rows(self.label_indptr, self.label_albums, labels)[:limit]

    def albums_of_artists(self, artist_values: np.ndarray) -> np.ndarray:
        """Album ids of these artist values (indices into `artists.vocabulary`)."""
        values = np.unique(np.asarray(artist_values, dtype=np.int64))
        return np.unique(csr_rows(self.artist_indptr, self.artist_albums, values))
