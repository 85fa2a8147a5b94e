"""The SQLite catalogue: schema and row conversion for releases, masters and albums.

Lists (artists, labels, formats, ...) are stored as JSON text; the `*_names` columns
hold display strings for full-text search and quick rendering.
"""
from __future__ import annotations

import json
import re
import sqlite3
from typing import Any, Dict, List, Optional, Sequence, Tuple

import sqlite_utils

SCHEMA_VERSION = 1

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
    encoder on every call (the catalogue encodes ten values per record)."""
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
_ENCODE_STRING = json.encoder.encode_basestring


def dumps(value: Any) -> str:
    if type(value) is list:
        if not value:
            return "[]"
        if type(value[0]) is str:  # genres, styles, names: the common lists of strings
            try:
                return "[" + ",".join(map(_ENCODE_STRING, value)) + "]"
            except TypeError:  # not all strings after all
                pass
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


def create_schema(path: str) -> sqlite_utils.Database:
    """A fresh catalogue at `path` with empty tables (no indexes yet: bulk loads first)."""
    db = sqlite_utils.Database(path, recreate=True)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db["releases"].create(RELEASE_COLUMNS, pk="release_id", not_null={"release_id"})
    db["masters"].create(MASTER_COLUMNS, pk="master_id", not_null={"master_id"})
    db["albums"].create(ALBUM_COLUMNS, pk="album_id", not_null={"album_id"})
    db["meta"].create({"key": str, "value": str}, pk="key")
    return db


def insert_rows(conn: sqlite3.Connection, table: str, columns: Sequence[str],
                rows: Sequence[Tuple]) -> None:
    # Raw executemany: several times faster than per-row dicts on millions of rows.
    placeholders = ",".join("?" * len(columns))
    conn.executemany(
        f"INSERT OR REPLACE INTO {table} ({','.join(columns)}) VALUES ({placeholders})", rows)


def finish(db: sqlite_utils.Database) -> None:
    """Indexes and full-text search, added once after the bulk load."""
    db["releases"].create_index(["master_id"], if_not_exists=True)
    db["albums"].create_index(["master_id"], if_not_exists=True)
    db["albums"].create_index(["release_id"], if_not_exists=True)
    db["albums"].enable_fts(["title", "artist_names", "label"], create_triggers=False,
                            tokenize="unicode61 remove_diacritics 2", replace=True)
    db.execute("ANALYZE")


def set_meta(db: sqlite_utils.Database, values: Dict[str, Any]) -> None:
    db["meta"].upsert_all([{"key": k, "value": dumps(v)} for k, v in values.items()], pk="key")


def get_meta(conn: sqlite3.Connection) -> Dict[str, Any]:
    return {k: json.loads(v) for k, v in conn.execute("SELECT key, value FROM meta")}


def loads(value: Optional[str], default: Any = None) -> Any:
    return json.loads(value) if value else default
