"""Turn releases and masters into albums, the unit of recommendation.

An album is a master when a release has one (described by the master and enriched
from its releases: labels, formats, country, tracks, notes), else the release itself.
Albums are numbered 0..N-1 in a deterministic order; that number is the vector row
and the FAISS id: first the masters and master groups by master id, then the releases
without a master by release id.

For speed, ingest hands over most of the work already done (see `release_part` and
`single_album_row`, which run in its parser processes): albums of releases without a
master arrive as finished rows, and each release of a master as a compact "part"
holding just what its album needs. Without those staging tables, `build_albums`
derives the same from the releases table.
"""
from __future__ import annotations

import collections
import itertools
import marshal
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from tqdm import tqdm

from . import catalog
from .text import DEFAULT_TEMPLATE, render, text_hash

_RELEASE_FIELDS = ("release_id, title, artists, artist_names, extra_artists, labels, formats, "
                   "genres, styles, country, year, notes, master_id, is_main_release, "
                   "tracklist, videos")
_RELEASE_KEYS = [k.strip() for k in _RELEASE_FIELDS.split(",")]
_BATCH = 2000
_PART_BATCH = 500  # master albums handed to a worker process at a time

# The staging tables ingest fills (in an attached database) for build_albums.
STAGE_SINGLES_COLUMNS = [c for c in catalog.ALBUM_COLUMNS if c not in ("album_id", "master_id")]
STAGE_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS {s}.parts (release_id INTEGER PRIMARY KEY, "
    "master_id INTEGER NOT NULL, is_main INTEGER NOT NULL, part BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS {s}.singles (release_id INTEGER PRIMARY KEY, "
    + ", ".join(c for c in STAGE_SINGLES_COLUMNS if c != "release_id") + ")",
)


# --- what an album needs from one release or master --------------------------------

def _album_artists(artists: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [{"id": a["id"], "name": catalog.display_name(a["name"])} for a in artists]


def _first_videos(videos: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    # An album shows at most five videos: the first five, less those without a URL.
    return [{"url": v.get("url", ""), "title": v.get("title", "")} for v in videos[:5]]


def _part(release_id, master_id, is_main, year, country, title, artists, artist_names,
          genres, styles, labels, formats, videos, tracklist, extra_artists, notes) -> Dict[str, Any]:
    return {
        "release_id": release_id, "master_id": master_id, "is_main_release": bool(is_main),
        "year": year, "country": country or "", "title": title,
        "artists": _album_artists(artists), "artist_names": artist_names,
        "genres": genres, "styles": styles,
        "label_names": [label["name"] for label in labels],
        "format_names": [f["name"] for f in formats if f["name"]],
        "videos": _first_videos(videos),
        "tracklist": tracklist,
        "credits": [{"name": catalog.display_name(c["name"]), "role": c.get("role", "")}
                    for c in extra_artists],
        "notes": notes,
    }


def release_part(record: Dict[str, Any], artist_names: Optional[str] = None) -> Dict[str, Any]:
    """A parsed release (parse.release_from_element) reduced to what its album reads."""
    if artist_names is None:
        artist_names = catalog.artist_credit(record["artists"])
    return _part(record["release_id"], record["master_id"], record["is_main_release"],
                 record["year"], record["country"], record["title"], record["artists"],
                 artist_names, record["genres"], record["styles"], record["labels"],
                 record["formats"], record["videos"], record["tracklist"],
                 record["extra_artists"], record["notes"])


def _part_from_row(row: Sequence[Any]) -> Dict[str, Any]:
    """The same from a row of the releases table (columns in _RELEASE_FIELDS order)."""
    r = dict(zip(_RELEASE_KEYS, row))
    loads = catalog.loads
    return _part(r["release_id"], r["master_id"], r["is_main_release"], r["year"],
                 r["country"], r["title"], loads(r["artists"], []), r["artist_names"],
                 loads(r["genres"], []), loads(r["styles"], []), loads(r["labels"], []),
                 loads(r["formats"], []), loads(r["videos"], []), loads(r["tracklist"], []),
                 loads(r["extra_artists"], []), r["notes"])


def _master_from_row(row: Sequence[Any]) -> Dict[str, Any]:
    master_id, main_release, title, artists, artist_names, genres, styles, year, videos = row
    loads = catalog.loads
    return {"master_id": master_id, "main_release": main_release, "title": title,
            "artists": _album_artists(loads(artists, [])), "artist_names": artist_names,
            "genres": loads(genres, []), "styles": loads(styles, []), "year": year,
            "videos": _first_videos(loads(videos, []))}


def pack_part(part: Dict[str, Any]) -> bytes:
    return marshal.dumps(part)


def unpack_part(blob: bytes) -> Dict[str, Any]:
    return marshal.loads(blob)


# --- one album -------------------------------------------------------------------------

def _top(values: Iterable[str], n: int) -> List[str]:
    return [v for v, _ in collections.Counter(v for v in values if v).most_common(n)]


def _album(master: Optional[Dict[str, Any]], parts: List[Dict[str, Any]]) -> Dict[str, Any]:
    """An album from its master (or None) and its releases' parts, main release first."""
    main = None
    if parts:
        wanted = master["main_release"] if master else None
        main = next((p for p in parts if p["release_id"] == wanted), None) or parts[0]
    base = master or main
    years = [p["year"] for p in parts if p["year"]]
    videos = base["videos"] or (main["videos"] if main else [])
    return {
        "master_id": master["master_id"] if master else (main["master_id"] if main else None),
        "release_id": (master["main_release"] if master and master["main_release"]
                       else (main["release_id"] if main else None)),
        "title": base["title"],
        "artists": base["artists"],
        "artist_names": base["artist_names"],
        "genres": base["genres"],
        "styles": base["styles"],
        "year": (master["year"] if master and master["year"] else (min(years) if years else None)),
        "country": (main["country"] if main and main["country"]
                    else (_top([p["country"] for p in parts], 1) or [None])[0]),
        "labels": _top([name for p in parts for name in p["label_names"]], 3),
        "formats": list(dict.fromkeys(name for p in parts for name in p["format_names"])),
        "videos": [v for v in videos if v["url"]],
        "release_count": len(parts),
        "tracklist": main["tracklist"] if main else [],
        "credits": main["credits"] if main else [],
        "notes": main["notes"] if main else "",
    }


def _row_values(album: Dict[str, Any], template: str) -> tuple:
    """The albums-table values of an album, without album_id and master_id."""
    text = render(album, template)
    dumps = catalog.dumps
    labels = album["labels"]
    return (album["release_id"], album["title"], dumps(album["artists"]), album["artist_names"],
            dumps(album["genres"]), dumps(album["styles"]), album["year"], album["country"],
            labels[0] if labels else None, dumps(labels), dumps(album["formats"]),
            dumps(album["videos"]), album["release_count"], text, text_hash(text))


def _row(album_id: int, album: Dict[str, Any], template: str) -> tuple:
    return (album_id, album["master_id"], *_row_values(album, template))


def single_album_row(part: Dict[str, Any], template: str = DEFAULT_TEMPLATE) -> tuple:
    """The staged albums row of a release without a master (STAGE_SINGLES_COLUMNS order)."""
    return _row_values(_album(None, [part]), template)


def _master_album_rows(job: Tuple[int, str, List[Tuple[Optional[tuple], List[bytes]]]]) -> List[tuple]:
    """Worker: albums rows for a batch of (master row or None, packed parts)."""
    first_id, template, groups = job
    rows = []
    for offset, (master_row, blobs) in enumerate(groups):
        master = _master_from_row(master_row) if master_row else None
        parts = [unpack_part(blob) for blob in blobs]
        rows.append(_row(first_id + offset, _album(master, parts), template))
    return rows


# --- all albums --------------------------------------------------------------------

def _masters(conn) -> Iterator[tuple]:
    yield from conn.execute("SELECT master_id, main_release, title, artists, artist_names, "
                            "genres, styles, year, videos FROM masters ORDER BY master_id")


def _groups_from_stage(conn, stage: str) -> Iterator[Tuple[int, List[bytes]]]:
    conn.execute(f"CREATE INDEX IF NOT EXISTS {stage}.parts_by_master "
                 "ON parts (master_id, is_main DESC, release_id)")
    cursor = conn.execute(f"SELECT master_id, part FROM {stage}.parts "
                          "ORDER BY master_id, is_main DESC, release_id")
    for master_id, group in itertools.groupby(cursor, key=lambda r: r[0]):
        yield master_id, [blob for _, blob in group]


def _groups_from_releases(conn) -> Iterator[Tuple[int, List[bytes]]]:
    cursor = conn.execute(f"SELECT {_RELEASE_FIELDS} FROM releases WHERE master_id IS NOT NULL "
                          "ORDER BY master_id, is_main_release DESC, release_id")
    master_at = _RELEASE_KEYS.index("master_id")
    for master_id, group in itertools.groupby(cursor, key=lambda r: r[master_at]):
        yield master_id, [pack_part(_part_from_row(row)) for row in group]


def _merge(masters: Iterator[tuple], groups: Iterator[Tuple[int, List[bytes]]]):
    """Walk master rows and release groups, both sorted by master id, in step."""
    master = next(masters, None)
    group = next(groups, None)
    while master is not None or group is not None:
        if group is None or (master is not None and master[0] < group[0]):
            yield master, []
            master = next(masters, None)
        elif master is None or group[0] < master[0]:
            yield None, group[1]
            group = next(groups, None)
        else:
            yield master, group[1]
            master, group = next(masters, None), next(groups, None)


def _map(pool, function, jobs: Iterator, ahead: int) -> Iterator:
    """function over jobs, in order; in `pool` (an Executor) with at most `ahead` jobs
    in flight."""
    if pool is None:
        yield from map(function, jobs)
        return
    pending: collections.deque = collections.deque()
    for job in jobs:
        pending.append(pool.submit(function, job))
        if len(pending) > ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def build_albums(db: "catalog.Database", require_release: bool = False,
                 template: str = DEFAULT_TEMPLATE, progress: bool = True,
                 staging: Optional[str] = None, pool=None) -> int:
    """Fill the albums table; returns the number of albums.

    `require_release` drops masters none of whose releases were kept (when a format or
    country filter is active, a master alone cannot show that it matches).
    `staging` names an attached database holding ingest's `parts` and `singles` tables
    (built with the same template); `pool` is a concurrent.futures executor of processes
    to render in. `db` is a catalog.Database or a sqlite_utils.Database.
    """
    conn = db.conn
    columns = list(catalog.ALBUM_COLUMNS)
    conn.execute("DELETE FROM albums")
    total = (conn.execute("SELECT count(*) FROM masters").fetchone()[0]
             + conn.execute("SELECT count(*) FROM releases").fetchone()[0])
    bar = tqdm(total=total, desc="albums", unit=" records", disable=not progress,
               dynamic_ncols=True)
    groups = (_groups_from_stage(conn, staging) if staging else _groups_from_releases(conn))
    next_id = 0

    def jobs() -> Iterator[Tuple[int, str, list]]:
        nonlocal next_id
        batch: list = []
        for master, blobs in _merge(_masters(conn), groups):
            bar.update((1 if master else 0) + len(blobs))
            if require_release and not blobs:
                continue
            batch.append((master, blobs))
            if len(batch) >= _PART_BATCH:
                yield next_id, template, batch
                next_id += len(batch)
                batch = []
        if batch:
            yield next_id, template, batch
            next_id += len(batch)

    insert = (f"INSERT OR REPLACE INTO albums ({','.join(columns)}) "
              f"VALUES ({','.join('?' * len(columns))})")
    # The rows are written by this process while the pool renders the next batches; the
    # reads above run on their own cursors of the same connection.
    for rows in _map(pool, _master_album_rows, jobs(), ahead=4):
        conn.executemany(insert, rows)
    if staging:
        singles = conn.execute(f"SELECT count(*) FROM {staging}.singles").fetchone()[0]
        stage_columns = ", ".join(STAGE_SINGLES_COLUMNS)
        conn.execute(f"INSERT INTO albums (album_id, master_id, {stage_columns}) "
                     f"SELECT ? + row_number() OVER (ORDER BY release_id) - 1, NULL, "
                     f"{stage_columns} FROM {staging}.singles ORDER BY release_id", (next_id,))
        next_id += singles
        bar.update(singles)
    else:
        batch: List[tuple] = []
        for row in conn.execute(f"SELECT {_RELEASE_FIELDS} FROM releases "
                                "WHERE master_id IS NULL ORDER BY release_id"):
            bar.update(1)
            batch.append(_row(next_id, _album(None, [_part_from_row(row)]), template))
            next_id += 1
            if len(batch) >= _BATCH:
                conn.executemany(insert, batch)
                batch.clear()
        conn.executemany(insert, batch)
    conn.commit()
    bar.close()
    return next_id
