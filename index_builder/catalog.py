"""The SQLite catalogue: schema and row conversion for releases, masters and albums.

Lists (artists, labels, formats, ...) are stored as JSON text; the `*_names` columns
hold display strings for full-text search and quick rendering.
"""
from __future__ import annotations

import json
import os
import re
import sqlite3
from typing import Any, Dict, List, Optional, Sequence, Tuple

from orjson import dumps as _orjson_dumps

SCHEMA_VERSION = 1
PAGE_SIZE = 16384

RELEASE_COLUMNS: Dict[str, type] = {
    "release_id": int, "title": str, "artists": str, "artist_names": str,
    "extra_artists": str, "labels": str, "label_names": str, "series": str,
    "formats": str, "format_names": str, "genres": str, "styles": str, "country": str,
    "released": str, "year": int, "notes": str, "data_quality": str, "master_id": int,
    "is_main_release": int, "tracklist": str, "videos": str, "status": str,
}
MASTER_COLUMNS: Dict[str, type] = {
    "master_id": int, "main_release": int, "title": str, "artists": str,
    "artist_names": str, "genres": str, "styles": str, "year": int, "data_quality": str,
    "videos": str,
}
ALBUM_COLUMNS: Dict[str, type] = {
    "album_id": int, "master_id": int, "release_id": int, "title": str, "artists": str,
    "artist_names": str, "genres": str, "styles": str, "year": int, "country": str,
    "label": str, "labels": str, "formats": str, "videos": str, "release_count": int,
    "text": str, "text_hash": str,
}

_DISAMBIGUATION = re.compile(r"\s\(\d+\)$")


def _not_serializable(value: Any) -> Any:
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


def _make_encoder():
    """json.dumps(value, ensure_ascii=False, separators=(",", ":")) without building a new
    encoder on every call."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is not None:
        try:
            encode = make(None, _not_serializable, json.encoder.encode_basestring, None, ":",
                          ",", False, False, True)
            return lambda value: "".join(encode(value, 0))
        except TypeError:  # a Python whose C encoder takes other arguments
            pass
    encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
    return encoder.encode


_ENCODE = _make_encoder()


def dumps(value: Any) -> str:
    """Compact JSON, as json.dumps(value, ensure_ascii=False, separators=(",", ":")) writes
    it. orjson does the work (the catalogue encodes ten values per record); json takes
    what orjson refuses, such as integers beyond 64 bits."""
    try:
        return _orjson_dumps(value).decode()
    except TypeError:
        return _ENCODE(value)


def display_name(name: str) -> str:
    """'Chris Bigg (2)' -> 'Chris Bigg': Discogs' numeric suffixes only disambiguate."""
    return _DISAMBIGUATION.sub("", name) if name.endswith(")") else name


def artist_credit(artists: Sequence[Dict[str, Any]]) -> str:
    """Render an artist credit the way Discogs does: names joined by their join words."""
    parts: List[str] = []
    for i, artist in enumerate(artists):
        parts.append(display_name(artist.get("anv") or artist["name"]))
        join = (artist.get("join") or "").strip()
        if i < len(artists) - 1:
            parts.append(f" {join} " if join and join != "," else ", ")
    return "".join(parts).strip()


def release_row(r: Dict[str, Any]) -> Tuple:
    return (
        r["release_id"], r["title"], dumps(_slim_artists(r["artists"])),
        artist_credit(r["artists"]), dumps(r["extra_artists"]), dumps(r["labels"]),
        ", ".join(dict.fromkeys(l["name"] for l in r["labels"] if l["name"])),
        dumps(r["series"]), dumps(r["formats"]),
        ", ".join(dict.fromkeys(f["name"] for f in r["formats"] if f["name"])),
        dumps(r["genres"]), dumps(r["styles"]), r["country"], r["released"], r["year"],
        r["notes"], r["data_quality"], r["master_id"], int(r["is_main_release"]),
        dumps(r["tracklist"]), dumps(r["videos"]), r["status"],
    )


def master_row(m: Dict[str, Any]) -> Tuple:
    return (
        m["master_id"], m["main_release"], m["title"], dumps(_slim_artists(m["artists"])),
        artist_credit(m["artists"]), dumps(m["genres"]), dumps(m["styles"]), m["year"],
        m["data_quality"], dumps(m["videos"]),
    )


def _slim_artists(artists: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [{"id": a["id"], "name": a["name"], "anv": a["anv"], "join": a["join"]}
            for a in artists]


class Database:
    """A catalogue connection: `.conn` and `.execute()`, the part of sqlite_utils.Database
    the builder uses (functions here accept either). Plain sqlite3, because importing
    sqlite_utils imports pandas: a quarter of a second at the start of every build."""

    def __init__(self, path: str):
        self.path = path
        self.conn = sqlite3.connect(path)

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, parameters or ())

    def close(self) -> None:
        self.conn.close()


def table_sql(name: str, columns: Dict[str, type], pk: str, schema: str = "main") -> str:
    """CREATE TABLE for a catalogue table: the DDL sqlite_utils writes for
    create(columns, pk=pk, not_null={pk})."""
    lines = [f'   "{column}" {"INTEGER" if kind is int else "TEXT"}'
             + (" PRIMARY KEY NOT NULL" if column == pk else "")
             for column, kind in columns.items()]
    return f'CREATE TABLE {schema}."{name}" (\n' + ",\n".join(lines) + "\n)"


# The record tables ingest loads, with their keys
RECORD_TABLES: Dict[str, Tuple[Dict[str, type], str]] = {
    "releases": (RELEASE_COLUMNS, "release_id"),
    "masters": (MASTER_COLUMNS, "master_id"),
}


def create_schema(path: str) -> Database:
    """A fresh catalogue at `path` with empty tables (no indexes yet: bulk loads first)."""
    for name in (path, f"{path}-journal", f"{path}-wal", f"{path}-shm"):
        if os.path.exists(name):
            os.remove(name)
    db = Database(path)
    # 16 KB pages hold a whole release row (2-3 KB of JSON) without overflow pages: the
    # bulk load runs 15% faster and the file is 14% smaller than with 4 KB pages.
    db.execute(f"PRAGMA page_size={PAGE_SIZE}")
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    # Nobody else reads a catalogue while it is built: holding the lock saves a third
    # of each insert's time.
    db.execute("PRAGMA locking_mode=EXCLUSIVE")
    for name, (columns, pk) in RECORD_TABLES.items():
        db.execute(table_sql(name, columns, pk))
    db.execute(table_sql("albums", ALBUM_COLUMNS, "album_id"))
    db.execute('CREATE TABLE "meta" (\n   "key" TEXT PRIMARY KEY,\n   "value" TEXT\n)')
    db.conn.commit()
    return db


def insert_rows(conn: sqlite3.Connection, table: str, columns: Sequence[str],
                rows: Sequence[Tuple]) -> None:
    """Insert rows; a row whose key is already there replaces it (a dump that repeats a
    release id keeps the last one)."""
    if not rows:
        return
    # Raw executemany: several times faster than per-row dicts on millions of rows.
    into = f"INTO {table} ({','.join(columns)}) VALUES ({','.join('?' * len(columns))})"
    try:
        # A plain INSERT appends to the table's b-tree in half the time OR REPLACE takes.
        conn.executemany("INSERT " + into, rows)
    except sqlite3.IntegrityError:
        conn.executemany("INSERT OR REPLACE " + into, rows)


FTS_COLUMNS = ("title", "artist_names", "label")


def finish(db) -> None:
    """Indexes and full-text search, added once after the bulk load."""
    for table, column in (("releases", "master_id"), ("albums", "master_id"),
                          ("albums", "release_id")):
        db.execute(f'CREATE INDEX IF NOT EXISTS "idx_{table}_{column}"\n    ON "{table}" ("{column}")')
    # an external-content FTS5 table over albums, as sqlite_utils' enable_fts makes it
    columns = ", ".join(f'"{c}"' for c in FTS_COLUMNS)
    db.execute('DROP TABLE IF EXISTS "albums_fts"')
    db.execute(f'CREATE VIRTUAL TABLE "albums_fts" USING FTS5 (\n    {columns},\n'
               "    tokenize='unicode61 remove_diacritics 2',\n    content=\"albums\"\n)")
    db.execute(f'INSERT INTO "albums_fts" (rowid, {columns}) SELECT rowid, {columns} FROM "albums"')
    db.conn.commit()
    db.execute("ANALYZE")
    db.conn.commit()


def set_meta(db, values: Dict[str, Any]) -> None:
    db.conn.executemany('INSERT OR REPLACE INTO "meta" ("key", "value") VALUES (?, ?)',
                        [(k, dumps(v)) for k, v in values.items()])
    db.conn.commit()


def get_meta(conn: sqlite3.Connection) -> Dict[str, Any]:
    return {k: json.loads(v) for k, v in conn.execute("SELECT key, value FROM meta")}


def loads(value: Optional[str], default: Any = None) -> Any:
    return json.loads(value) if value else default
