"""Turn releases and masters into albums, the unit of recommendation.

An album is a master when a release has one (described by the master and enriched
from its releases: labels, formats, country, tracks, notes), else the release itself.
Albums are numbered 0..N-1 in a deterministic order; that number is the vector row
and the FAISS id.
"""
from __future__ import annotations

import collections
import itertools
from typing import Any, Dict, Iterator, List, Optional

import sqlite_utils
from tqdm import tqdm

from . import catalog
from .text import DEFAULT_TEMPLATE, render, text_hash

_RELEASE_FIELDS = ("release_id, title, artists, artist_names, extra_artists, labels, formats, "
                   "genres, styles, country, year, notes, master_id, is_main_release, "
                   "tracklist, videos")
_BATCH = 2000


def _release_dict(row: tuple) -> Dict[str, Any]:
    keys = [k.strip() for k in _RELEASE_FIELDS.split(",")]
    return dict(zip(keys, row))


def _masters(conn) -> Iterator[Dict[str, Any]]:
    cursor = conn.execute("SELECT master_id, main_release, title, artists, artist_names, "
                          "genres, styles, year, videos FROM masters ORDER BY master_id")
    keys = ["master_id", "main_release", "title", "artists", "artist_names", "genres",
            "styles", "year", "videos"]
    for row in cursor:
        yield dict(zip(keys, row))


def _release_groups(conn) -> Iterator[tuple]:
    cursor = conn.execute(f"SELECT {_RELEASE_FIELDS} FROM releases WHERE master_id IS NOT NULL "
                          "ORDER BY master_id, is_main_release DESC, release_id")
    rows = (_release_dict(row) for row in cursor)
    for master_id, group in itertools.groupby(rows, key=lambda r: r["master_id"]):
        yield master_id, list(group)


def _merge(masters: Iterator[Dict[str, Any]], groups: Iterator[tuple]):
    """Walk masters and release groups, both sorted by master id, in step."""
    master = next(masters, None)
    group = next(groups, None)
    while master is not None or group is not None:
        if group is None or (master is not None and master["master_id"] < group[0]):
            yield master["master_id"], master, []
            master = next(masters, None)
        elif master is None or group[0] < master["master_id"]:
            yield group[0], None, group[1]
            group = next(groups, None)
        else:
            yield master["master_id"], master, group[1]
            master, group = next(masters, None), next(groups, None)


def _top(values: List[str], n: int) -> List[str]:
    return [v for v, _ in collections.Counter(v for v in values if v).most_common(n)]


def _album(master: Optional[Dict[str, Any]], releases: List[Dict[str, Any]]) -> Dict[str, Any]:
    main = None
    if releases:
        wanted = master["main_release"] if master else None
        main = next((r for r in releases if r["release_id"] == wanted), None) or releases[0]
    base = master or main
    years = [r["year"] for r in releases if r["year"]]
    videos = catalog.loads(base["videos"], []) or (catalog.loads(main["videos"], []) if main else [])
    labels = _top([l["name"] for r in releases for l in catalog.loads(r["labels"], [])], 3)
    formats = list(dict.fromkeys(f["name"] for r in releases
                                 for f in catalog.loads(r["formats"], []) if f["name"]))
    extra = catalog.loads(main["extra_artists"], []) if main else []
    album = {
        "master_id": master["master_id"] if master else (main["master_id"] if main else None),
        "release_id": (master["main_release"] if master and master["main_release"]
                       else (main["release_id"] if main else None)),
        "title": base["title"],
        "artists": [{"id": a["id"], "name": catalog.display_name(a["name"])}
                    for a in catalog.loads(base["artists"], [])],
        "artist_names": base["artist_names"],
        "genres": catalog.loads(base["genres"], []),
        "styles": catalog.loads(base["styles"], []),
        "year": (master["year"] if master and master["year"] else (min(years) if years else None)),
        "country": (main["country"] if main and main["country"]
                    else (_top([r["country"] for r in releases], 1) or [None])[0]),
        "labels": labels,
        "formats": formats,
        "videos": [{"url": v["url"], "title": v["title"]} for v in videos[:5] if v.get("url")],
        "release_count": len(releases),
        "tracklist": catalog.loads(main["tracklist"], []) if main else [],
        "credits": [{"name": catalog.display_name(c["name"]), "role": c.get("role", "")}
                    for c in extra],
        "notes": main["notes"] if main else "",
    }
    return album


def _row(album_id: int, album: Dict[str, Any], template: str) -> tuple:
    text = render(album, template)
    return (album_id, album["master_id"], album["release_id"], album["title"],
            catalog.dumps(album["artists"]), album["artist_names"],
            catalog.dumps(album["genres"]), catalog.dumps(album["styles"]), album["year"],
            album["country"], album["labels"][0] if album["labels"] else None,
            catalog.dumps(album["labels"]), catalog.dumps(album["formats"]),
            catalog.dumps(album["videos"]), album["release_count"], text, text_hash(text))


def build_albums(db: sqlite_utils.Database, require_release: bool = False,
                 template: str = DEFAULT_TEMPLATE, progress: bool = True) -> int:
    """Fill the albums table; returns the number of albums.

    `require_release` drops masters none of whose releases were kept (when a format or
    country filter is active, a master alone cannot show that it matches).
    """
    conn = db.conn
    columns = list(catalog.ALBUM_COLUMNS)
    conn.execute("DELETE FROM albums")
    total = (conn.execute("SELECT count(*) FROM masters").fetchone()[0]
             + conn.execute("SELECT count(*) FROM releases").fetchone()[0])
    bar = tqdm(total=total, desc="albums", unit=" records", disable=not progress,
               dynamic_ncols=True)
    album_id = 0
    batch: List[tuple] = []

    def flush():
        catalog.insert_rows(conn, "albums", columns, batch)
        batch.clear()

    for _, master, releases in _merge(_masters(conn), _release_groups(conn)):
        bar.update((1 if master else 0) + len(releases))
        if require_release and not releases:
            continue
        batch.append(_row(album_id, _album(master, releases), template))
        album_id += 1
        if len(batch) >= _BATCH:
            flush()
    singles = conn.execute(f"SELECT {_RELEASE_FIELDS} FROM releases WHERE master_id IS NULL "
                           "ORDER BY release_id")
    for row in singles:
        bar.update(1)
        batch.append(_row(album_id, _album(None, [_release_dict(row)]), template))
        album_id += 1
        if len(batch) >= _BATCH:
            flush()
    flush()
    conn.commit()
    bar.close()
    return album_id
