"""The catalogue's per-album lists (artists, genres and styles, labels) read as CSR
arrays in bounded memory: SQLite's json_each unpacks the JSON columns in C, rows come
in chunks, and only the arrays stay.

Decoding every album row in Python first held all of them at once: at 10M albums that
took 123 s and a 12.6 GB peak for 0.9 GB of arrays (docs/benchmarks.md, "Serving at
scale"). The values and their order are the same as `ListColumn.build` over the
decoded rows gives (tests/recommender/test_facts_sql.py checks it).
"""
from __future__ import annotations

import functools
import sqlite3
from typing import Any, Callable, Dict, Hashable, Iterable, List, Optional, Tuple

import numpy as np

from .items import artist_key, label_key
from .tags import ListColumn, tag_key

CHUNK = 200_000


def _entries(conn: sqlite3.Connection, sql: str) -> Iterable[List[Tuple]]:
    cursor = conn.execute(sql)
    while True:
        rows = cursor.fetchmany(CHUNK)
        if not rows:
            return
        yield rows


def _column(size: int, streams: Iterable[Iterable[List[Tuple]]],
            key_of: Callable[[Tuple], Optional[Hashable]]) -> ListColumn:
    """A ListColumn from (album_id, ...) rows, album ids ascending within each stream;
    several streams (genres, then styles) are one album's values in that order."""
    vocabulary: Dict[Hashable, int] = {}
    albums: List[np.ndarray] = []
    values: List[np.ndarray] = []
    for stream_number, stream in enumerate(streams):
        for rows in stream:
            chunk_albums, chunk_values = [], []
            for row in rows:
                key = key_of(row)
                if key is None:
                    continue
                chunk_albums.append(row[0])
                chunk_values.append(vocabulary.setdefault(key, len(vocabulary)))
            # stream number in the low bits keeps genres before styles within an album
            albums.append(np.asarray(chunk_albums, dtype=np.int64) * 2 + min(stream_number, 1))
            values.append(np.asarray(chunk_values, dtype=np.int64))
    album_of = np.concatenate(albums) if albums else np.zeros(0, np.int64)
    value_of = np.concatenate(values) if values else np.zeros(0, np.int64)
    # Album order, streams in turn, each album's values in their order; a value counts
    # once per album (its first place), as ListColumn.build does.
    order = np.argsort(album_of, kind="stable")
    album_of, value_of = album_of[order] // 2, value_of[order]
    codes = album_of * max(len(vocabulary), 1) + value_of
    _, first = np.unique(codes, return_index=True)
    first.sort()
    album_of, value_of = album_of[first], value_of[first]
    indptr = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(album_of, minlength=size), out=indptr[1:])
    return ListColumn(indptr, value_of, len(vocabulary), list(vocabulary))


def artist_column(conn: sqlite3.Connection, size: int,
                  ids_of_names: Optional[Dict[str, int]] = None) -> ListColumn:
    """albums.artists: `items.artist_key` of each credit (as `items.artist_keys`;
    `ids_of_names` gives a name its artist's id where one artist has it); Various out."""
    names = ids_of_names or {}

    def key(row: Tuple) -> Optional[Hashable]:
        found = artist_key(row[1], row[2])
        return names.get(found, found) if isinstance(found, str) else found

    return _column(size, [_entries(conn, (
        "SELECT albums.album_id, json_extract(credit.value, '$.id'), "
        "json_extract(credit.value, '$.name') FROM albums, json_each(albums.artists) AS credit "
        "ORDER BY albums.album_id"))], key)


def credited_names(conn: sqlite3.Connection) -> List[str]:
    """The casefolded names of credits without an artist id."""
    return sorted({(name or "").casefold() for name, in conn.execute(
        "SELECT json_extract(credit.value, '$.name') FROM albums, json_each(albums.artists) AS credit "
        "WHERE json_extract(credit.value, '$.id') IS NULL")} - {"", "various"})


def tag_column(conn: sqlite3.Connection, size: int) -> ListColumn:
    """albums.genres then albums.styles as `tags.tag_keys` ("g:rock", "s:krautrock")."""
    @functools.lru_cache(maxsize=None)  # a few hundred distinct tags over millions of rows
    def key_of(kind: str, value: Any) -> Optional[str]:
        return tag_key(kind, value) if isinstance(value, str) and value else None

    def stream(column: str, kind: str):
        for rows in _entries(conn, f"SELECT albums.album_id, tag.value FROM albums, "
                                   f"json_each(albums.{column}) AS tag ORDER BY albums.album_id"):
            yield [(album_id, kind, value) for album_id, value in rows]

    return _column(size, [stream("genres", "g"), stream("styles", "s")],
                   lambda row: key_of(row[1], row[2]))


def label_column(conn: sqlite3.Connection, size: int) -> ListColumn:
    """albums.labels (albums.label where the list is empty), casefolded, "Not On Label"
    left out (`items.label_key`, as `albumfacts.label_keys_json`)."""
    key_of = functools.lru_cache(maxsize=None)(label_key)
    return _column(size, [
        _entries(conn, "SELECT albums.album_id, label.value FROM albums, "
                       "json_each(albums.labels) AS label ORDER BY albums.album_id"),
        _entries(conn, "SELECT album_id, label FROM albums WHERE label IS NOT NULL AND label != '' "
                       "AND (labels IS NULL OR labels = '' OR json_array_length(labels) = 0) "
                       "ORDER BY album_id")], lambda row: key_of(row[1]))


def numbers(conn: sqlite3.Connection, column: str, size: int, missing: float) -> np.ndarray:
    """One number per album, `missing` where it is NULL or 0."""
    return np.fromiter((value if value else missing for value, in conn.execute(
        f"SELECT {column} FROM albums ORDER BY album_id")), dtype=np.float64, count=size)
