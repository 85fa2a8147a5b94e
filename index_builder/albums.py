"""Turn releases and masters into albums, the unit of recommendation.

An album is a master when a release has one (described by the master and enriched
from its releases: labels, formats, country, tracks, notes), else the release itself.
Albums are numbered 0..N-1 in a deterministic order; that number is the vector row
and the FAISS id: first the masters and master groups by master id, then the releases
without a master by release id.

Ingest does most of the work in its parser processes, per release: a compact "part"
holding just what its album reads (`release_part`, its Tracks/Credits/Notes lines
already rendered) and the finished album row of the release alone (`album_row`).
They wait in staging tables (STAGE_SCHEMA):

- `single_albums`: the album of every release without a master.
- `member_albums`: when no masters dump describes the masters, the album of every
  release with one too: a master seen through one release is that release's album,
  under the master's id.
- `parts`: the part of every release with a master, for the albums made of several
  records (a master and its releases, or several releases), which `build_albums`
  renders; the others it copies in SQL.
"""
from __future__ import annotations

import collections
import contextlib
import itertools
import marshal
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from tqdm import tqdm

from . import catalog, fast
from .text import DEFAULT_TEMPLATE, details, render, text_hash
from .workers import WorkerPool

_PART_BATCH = 500  # master albums handed to a worker process at a time

# The staging tables ingest fills (in an attached database) for build_albums.
# ROW_COLUMNS: an album's values but its id and master id (what album_row returns,
# release_id first); a member album adds its master id after the release id.
ROW_COLUMNS = [c for c in catalog.ALBUM_COLUMNS if c not in ("album_id", "master_id")]
MEMBER_COLUMNS = ["release_id", "master_id"] + ROW_COLUMNS[1:]
PART_COLUMNS = ["release_id", "master_id", "is_main", "part"]
_AFTER_ID = ", ".join(ROW_COLUMNS[1:])
STAGE_TABLES = {
    "single_albums": f"CREATE TABLE {{s}}.single_albums (release_id INTEGER PRIMARY KEY, {_AFTER_ID})",
    "member_albums": "CREATE TABLE {s}.member_albums (release_id INTEGER PRIMARY KEY, "
                     f"master_id INTEGER NOT NULL, {_AFTER_ID})",
    "parts": "CREATE TABLE {s}.parts (release_id INTEGER PRIMARY KEY, "
             "master_id INTEGER NOT NULL, is_main INTEGER NOT NULL, part BLOB NOT NULL)",
    # build_albums: masters seen through one release, the albums it renders, and the
    # order of all albums (album_id = seq - 1)
    "lone": "CREATE TABLE {s}.lone (master_id INTEGER PRIMARY KEY, release_id INTEGER NOT NULL)",
    "group_albums": "CREATE TABLE {s}.group_albums (master_id INTEGER PRIMARY KEY, "
                    + ", ".join(ROW_COLUMNS) + ")",
    "album_order": "CREATE TABLE {s}.album_order (seq INTEGER PRIMARY KEY, master_id INTEGER, "
                   "release_id INTEGER)",
}
STAGE_SCHEMA = tuple(STAGE_TABLES.values())


# --- what an album needs from one release or master --------------------------------

def _album_artists(artists: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [{"id": a["id"], "name": catalog.display_name(a["name"])} for a in artists]


def _first_videos(videos: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    # An album shows at most five videos: the first five, less those without a URL.
    return [{"url": v.get("url", ""), "title": v.get("title", "")} for v in videos[:5]]


def release_part(record: Dict[str, Any], artist_names: Optional[str] = None,
                 template: str = DEFAULT_TEMPLATE) -> Dict[str, Any]:
    """A parsed release (parse.release_from_element) reduced to what its album reads."""
    if artist_names is None:
        artist_names = catalog.artist_credit(record["artists"])
    return {
        "release_id": record["release_id"], "master_id": record["master_id"],
        "is_main_release": record["is_main_release"], "year": record["year"],
        "country": record["country"], "title": record["title"],
        "artists": _album_artists(record["artists"]), "artist_names": artist_names,
        "genres": record["genres"], "styles": record["styles"],
        "label_names": [label["name"] for label in record["labels"]],
        "format_names": [f["name"] for f in record["formats"] if f["name"]],
        "videos": _first_videos(record["videos"]),
        # Only full-v1 reads these lines; core-v1 albums are the same without them.
        "details": (details(record["tracklist"], record["extra_artists"], record["notes"])
                    if template == "full-v1" else ""),
    }


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
        "details": main["details"] if main else "",
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


def single_album_row(part: Dict[str, Any], template: str = DEFAULT_TEMPLATE) -> tuple:
    """The album of a release alone (ROW_COLUMNS order): the reference for the compiled
    `fast.album_row`, which album_row prefers."""
    return _row_values(_album(None, [part]), template)


def album_row(part: Dict[str, Any], template: str = DEFAULT_TEMPLATE) -> tuple:
    """The album of a release alone (ROW_COLUMNS order), compiled where it can be."""
    return fast.album_row(part, template) or single_album_row(part, template)


def _master_album_rows(job: memoryview, template: str) -> bytes:
    """Worker: group_albums rows (master id, ROW_COLUMNS values) for a batch of
    [(master id, master row or None, packed parts)], marshalled both ways."""
    rows = []
    for master_id, master_row, blobs in marshal.loads(job):
        master = _master_from_row(master_row) if master_row else None
        parts = [unpack_part(blob) for blob in blobs]
        rows.append((master_id, *_row_values(_album(master, parts), template)))
    return marshal.dumps(rows)


# --- all albums --------------------------------------------------------------------

def _masters(conn) -> Iterator[tuple]:
    yield from conn.execute("SELECT master_id, main_release, title, artists, artist_names, "
                            "genres, styles, year, videos FROM masters ORDER BY master_id")


def _groups_from_stage(conn, stage: str) -> Iterator[Tuple[int, List[bytes]]]:
    """The parts of each master, main release first, but for lone masters."""
    cursor = conn.execute(f"SELECT master_id, part FROM {stage}.parts WHERE master_id NOT IN "
                          f"(SELECT master_id FROM {stage}.lone) "
                          "ORDER BY master_id, is_main DESC, release_id")
    for master_id, group in itertools.groupby(cursor, key=lambda r: r[0]):
        yield master_id, [blob for _, blob in group]


def _merge(masters: Iterator[tuple], groups: Iterator[Tuple[int, List[bytes]]]):
    """Walk master rows and release groups, both sorted by master id, in step."""
    master = next(masters, None)
    group = next(groups, None)
    while master is not None or group is not None:
        if group is None or (master is not None and master[0] < group[0]):
            yield master[0], master, []
            master = next(masters, None)
        elif master is None or group[0] < master[0]:
            yield group[0], None, group[1]
            group = next(groups, None)
        else:
            yield master[0], master, group[1]
            master, group = next(masters, None), next(groups, None)


def _find_lone_masters(conn, stage: str) -> int:
    """Fill `lone`: masters seen through exactly one release, with no master record,
    whose album that release's member album is; returns how many."""
    conn.execute(f"DELETE FROM {stage}.lone")
    if conn.execute(f"SELECT 1 FROM {stage}.member_albums LIMIT 1").fetchone() is None:
        return 0  # a masters dump describes the masters: every album is rendered
    conn.execute(f"INSERT INTO {stage}.lone (master_id, release_id) "
                 f"SELECT master_id, min(release_id) FROM {stage}.parts "
                 "GROUP BY master_id HAVING count(*) = 1")
    conn.execute(f"DELETE FROM {stage}.lone WHERE master_id IN (SELECT master_id FROM masters) "
                 f"OR release_id NOT IN (SELECT release_id FROM {stage}.member_albums)")
    return conn.execute(f"SELECT count(*) FROM {stage}.lone").fetchone()[0]


def build_albums(db: "catalog.Database", staging: str, require_release: bool = False,
                 template: str = DEFAULT_TEMPLATE, progress: bool = True,
                 pool: Optional[WorkerPool] = None) -> int:
    """Fill the albums table from ingest's staging tables; returns the number of albums.

    `staging` names the attached database holding the STAGE_SCHEMA tables (built
    with the same template). `require_release` drops masters none of whose releases
    were kept (when a format or country filter is active, a master alone cannot show
    that it matches). `pool` renders the albums in its worker processes.
    """
    conn = db.conn
    for table in ("albums", f"{staging}.group_albums", f"{staging}.album_order"):
        conn.execute(f"DELETE FROM {table}")
    conn.execute(f"CREATE INDEX IF NOT EXISTS {staging}.parts_by_master "
                 "ON parts (master_id, is_main DESC, release_id)")
    lone = _find_lone_masters(conn, staging)
    total = (conn.execute("SELECT count(*) FROM masters").fetchone()[0]
             + conn.execute("SELECT count(*) FROM releases").fetchone()[0])
    bar = tqdm(total=total, desc="albums", unit=" records", disable=not progress,
               dynamic_ncols=True)
    bar.update(lone)

    def jobs() -> Iterator[bytes]:
        batch: list = []
        for master_id, master, blobs in _merge(_masters(conn), _groups_from_stage(conn, staging)):
            bar.update((1 if master else 0) + len(blobs))
            if require_release and not blobs:
                continue
            batch.append((master_id, master, blobs))
            if len(batch) >= _PART_BATCH:
                yield marshal.dumps(batch)
                batch = []
        if batch:
            yield marshal.dumps(batch)

    # The rows are written by this process while the pool renders the next batches; the
    # reads above run on their own cursors of the same connection.
    with contextlib.closing((pool or WorkerPool(1)).map(
            _master_album_rows, jobs(), (template,), marshal.loads)) as batches:
        for rows in batches:
            catalog.insert_rows(conn, f"{staging}.group_albums", ["master_id"] + ROW_COLUMNS, rows)
    # The order of album ids: masters (rendered, or lone) by master id, then the releases
    # without a master by release id. Ordering the keys alone, then copying the rows in
    # that order, spares SQLite sorting whole rows.
    conn.execute(f"INSERT INTO {staging}.album_order (master_id) SELECT master_id FROM "
                 f"{staging}.lone UNION ALL SELECT master_id FROM {staging}.group_albums "
                 "ORDER BY master_id")
    conn.execute(f"INSERT INTO {staging}.album_order (release_id) SELECT release_id FROM "
                 f"{staging}.single_albums ORDER BY release_id")
    columns = ", ".join(ROW_COLUMNS)
    either = ", ".join(f"iif(g.master_id IS NULL, m.{c}, g.{c})" for c in ROW_COLUMNS)
    conn.execute(
        f"INSERT INTO albums (album_id, master_id, {columns}) "
        f"SELECT o.seq - 1, o.master_id, {either} FROM {staging}.album_order o "
        f"LEFT JOIN {staging}.group_albums g ON g.master_id = o.master_id "
        f"LEFT JOIN {staging}.lone l ON l.master_id = o.master_id "
        f"LEFT JOIN {staging}.member_albums m ON m.release_id = l.release_id "
        "WHERE o.master_id IS NOT NULL ORDER BY o.seq")
    conn.execute(
        f"INSERT INTO albums (album_id, master_id, {columns}) "
        f"SELECT o.seq - 1, NULL, {', '.join('s.' + c for c in ROW_COLUMNS)} "
        f"FROM {staging}.album_order o JOIN {staging}.single_albums s USING (release_id) "
        "ORDER BY o.seq")
    bar.update(conn.execute(f"SELECT count(*) FROM {staging}.single_albums").fetchone()[0])
    conn.commit()
    bar.close()
    return conn.execute("SELECT count(*) FROM albums").fetchone()[0]
