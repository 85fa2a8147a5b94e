"""`discogs-recs ingest`: stream dumps into the SQLite catalogue.

The main process decompresses and cuts the XML into pieces of whole records; worker
processes parse and filter them (compiled, see fast.py) into ready-made rows: the
catalogue's, and the albums' share of each release (see albums.py), which they hand
back as a small SQLite database (chunkdb.py); the main process copies the rows in file
order. At most a few pieces are in flight, so memory does not grow with the dump. The
albums' rows wait in a staging database next to the catalogue (deleted at the end)
until the album pass, which renders what needs several records in the same workers.
"""
from __future__ import annotations

import collections
import contextlib
import dataclasses
import gc
import os
import sqlite3
import sys
import time
from dataclasses import dataclass
from typing import Deque, Dict, Iterator, List, Optional, Tuple
from urllib.parse import unquote

from tqdm import tqdm

from . import albums, artists as artist_dump, catalog, chunkdb, fast
from .albums import build_albums
from .filters import Filters
from .parse import ChunkSyntaxError, chunk_error, iter_chunks, parse_document
from .dump_listing import expected_checksum
from .sources import DumpError, DumpSource, open_dump
from .text import DEFAULT_TEMPLATE
from .workers import WorkerPool

STAGE = "stage"  # the schema name the staging database is attached under


@dataclass
class IngestStats:
    releases_read: int = 0
    releases_kept: int = 0
    masters_read: int = 0
    masters_kept: int = 0
    albums: int = 0
    artists_read: int = 0
    artists_kept: int = 0
    artist_relations: int = 0
    seconds: float = 0.0
    # By kind: {"sha256", "checked": "verified" | why not, "against": CHECKSUM.txt name}
    checksums: Dict[str, Dict[str, Optional[str]]] = dataclasses.field(default_factory=dict)


# (records read, catalogue rows, single albums, member albums, parts)
Result = Tuple[int, List[tuple], List[tuple], List[tuple], List[tuple]]


def _rows_from_document(document, kind: str, filters: Filters,
                        template: str = DEFAULT_TEMPLATE, alone: bool = False) -> Result:
    """Worker: parse one piece (wrapped in `<r>...</r>`); return (records read, rows that
    pass the filters, and the staged single albums, member albums and parts; see
    albums.py). `alone`: stage member albums (no masters dump describes the masters)."""
    if kind == "release" and filters.keeps_everything:
        staged = fast.staged_releases(document, template, alone)
        if staged is not None:
            return staged
    records = parse_document(document, kind)
    if kind != "release":
        return (len(records), [catalog.master_row(m) for m in records if filters.keeps_master(m)],
                [], [], [])
    kept = []
    for record in records:
        if filters.keeps_release(record):
            row = catalog.release_row(record)
            kept.append((row, albums.release_part(record, row[3], template)))
    return _staged(kept, len(records), template, alone)


def _staged(rows_and_parts: List[Tuple[tuple, Dict]], read: int, template: str,
            alone: bool) -> Result:
    """The worker's result from the kept releases' (catalogue row, album part)."""
    rows: List[tuple] = []
    singles: List[tuple] = []
    members: List[tuple] = []
    parts: List[tuple] = []
    for row, part in rows_and_parts:
        rows.append(row)
        master_id = part["master_id"]
        if master_id is None:
            singles.append(albums.album_row(part, template))
            continue
        if alone:
            album = albums.album_row(part, template)
            members.append((album[0], master_id, *album[1:]))
        parts.append((part["release_id"], master_id, int(part["is_main_release"]),
                      albums.pack_part(part)))
    return read, rows, singles, members, parts


def _rows_from_chunk(chunk: bytes, kind: str, filters: Filters,
                     template: str = DEFAULT_TEMPLATE, alone: bool = False) -> Result:
    return _rows_from_document(b"<r>" + chunk + b"</r>", kind, filters, template, alone)


def _rows_task(document: memoryview, kind: str, filters: Filters, template: str,
               alone: bool) -> bytes:
    """Worker: a piece's rows as a database for the writer (see chunkdb.py)."""
    read, rows, singles, members, parts = _rows_from_document(document, kind, filters, template,
                                                              alone)
    if kind != "release":
        return chunkdb.pack(read, {"masters": rows})
    return chunkdb.pack(read, {"releases": rows, "single_albums": singles,
                               "member_albums": members, "parts": parts})


@contextlib.contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Records are trees of dicts and lists without cycles, which reference counting
    frees; the cyclic collector's passes over every young container cost ingest 3%."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _ordered_results(pieces: Iterator[Tuple[int, bytes]], kind: str, filters: Filters,
                     pool: WorkerPool, source_name: str, writer: chunkdb.Writer,
                     template: str = DEFAULT_TEMPLATE, alone: bool = False) -> Iterator[int]:
    """Parse pieces in the pool's processes; attach each one's rows to `writer` in file
    order, yielding the number of records it held."""
    in_flight: Deque[Tuple[int, bytes]] = collections.deque()

    def documents() -> Iterator[Tuple[bytes, bytes, bytes]]:
        for offset, chunk in pieces:
            in_flight.append((offset, chunk))
            yield b"<r>", chunk, b"</r>"

    results = pool.map(_rows_task, documents(), (kind, filters, template, alone), writer.load)
    try:
        for result in results:
            in_flight.popleft()
            yield result
    except ChunkSyntaxError as exc:
        offset, chunk = in_flight[0]
        raise chunk_error(source_name, kind, offset, chunk, exc) from exc
    finally:
        results.close()


def _load(conn: sqlite3.Connection, location: str, kind: str, filters: Filters,
          pool: WorkerPool, progress: bool, template: str = DEFAULT_TEMPLATE,
          alone: bool = False, checksums: Optional[Dict[str, Dict]] = None) -> Tuple[int, int]:
    table = "releases" if kind == "release" else "masters"
    targets = ({"releases": "main.releases", "single_albums": f"{STAGE}.single_albums",
                "member_albums": f"{STAGE}.member_albums", "parts": f"{STAGE}.parts"}
               if kind == "release" else {"masters": "main.masters"})
    writer = chunkdb.Writer(conn, targets)
    limit = filters.limit_of(kind)
    # Only a whole file can be checked; look its hash up before the long read.
    expected, against = (None, "not checked: --limit reads only part of the file") \
        if limit is not None else expected_checksum(location)
    source: DumpSource = open_dump(location)
    read = kept = 0
    bar = tqdm(total=source.total_bytes, unit="B", unit_scale=True, unit_divisor=1024,
               desc=f"ingest {table}", disable=not progress, dynamic_ncols=True)
    try:
        results = contextlib.closing(_ordered_results(iter_chunks(source, kind), kind, filters,
                                                      pool, source.name, writer, template, alone))
        with results as ordered:
            for n_read in ordered:
                read += n_read
                keep = None if limit is None else max(0, limit - kept)
                kept += writer.copy(keep)
                bar.update(source.bytes_read - bar.n)
                bar.set_postfix_str(f"{kept:,} {table} kept of {read:,}", refresh=False)
                if limit is not None and kept >= limit:
                    break
        if limit is None:
            _check_sha256(source, table, expected, against, checksums)
        elif checksums is not None:
            checksums[table] = {"sha256": None, "checked": against, "against": None}
        conn.commit()
        writer.close()
    finally:
        bar.close()
        source.close()
    return read, kept


def _check_sha256(source: DumpSource, table: str, expected: Optional[str], against: str,
                  checksums: Optional[Dict[str, Dict]]) -> None:
    """Compare the whole file's SHA-256 with the month's CHECKSUM.txt (`against`)."""
    actual = source.sha256_of_whole_file()
    name = os.path.basename(unquote(source.name).split("?")[0]) or source.name
    if expected is not None and actual != expected:
        raise DumpError(f"{name}: SHA-256 mismatch: {against} says {expected}, the file read "
                        f"has {actual}; the download is corrupt or the file changed: run the "
                        "build again (the published index is untouched)")
    if checksums is not None:
        checksums[table] = {"sha256": actual,
                            "checked": "verified" if expected else f"not checked: {against}",
                            "against": against if expected else None}


def _load_artists(conn: sqlite3.Connection, location: str, progress: bool,
                  stats: IngestStats) -> None:
    """The artists dump into the catalogue's artist tables (see artists.py), its
    SHA-256 checked like the others'."""
    expected, against = expected_checksum(location)
    source = open_dump(location)
    try:
        loaded = artist_dump.load_artists(conn, source, progress)
        _check_sha256(source, "artists", expected, against, stats.checksums)
    finally:
        source.close()
    stats.artists_read, stats.artists_kept = loaded.artists_read, loaded.artists_kept
    stats.artist_relations = loaded.relations


def ingest(db_path: str, releases: Optional[str], masters: Optional[str], filters: Filters,
           workers: Optional[int] = None, progress: bool = True,
           template: str = DEFAULT_TEMPLATE, artists: Optional[str] = None) -> IngestStats:
    """Build the catalogue at `db_path` from a releases and/or masters dump, and with
    `artists`, the artists dump's links between the albums' artists."""
    if not releases and not masters:
        raise DumpError("no input: pass --releases and/or --masters (a path or URL of "
                        "a Discogs dump)")
    started = time.perf_counter()
    if not fast.AVAILABLE:
        print(f"warning: {fast.MISSING}", file=sys.stderr)
    workers = workers or max(1, min(os.cpu_count() or 1, 8))
    stage_path = f"{db_path}.stage"
    stats = IngestStats()
    # The workers are forked first, before this process opens any database.
    with _without_cyclic_gc(), WorkerPool(workers) as pool:
        db = catalog.create_schema(db_path)
        _remove(stage_path)
        try:
            db.execute(f"ATTACH DATABASE ? AS {STAGE}", [stage_path])
            db.execute(f"PRAGMA {STAGE}.page_size={catalog.PAGE_SIZE}")
            db.execute(f"PRAGMA {STAGE}.journal_mode=OFF")
            db.execute(f"PRAGMA {STAGE}.synchronous=OFF")
            for statement in albums.STAGE_SCHEMA:
                db.execute(statement.format(s=STAGE))
            if releases:
                # Without a masters dump, a master seen through one release is that
                # release's album: render it now, in the workers (see albums.py).
                stats.releases_read, stats.releases_kept = _load(
                    db.conn, releases, "release", filters, pool, progress, template,
                    alone=not masters, checksums=stats.checksums)
            if masters:
                stats.masters_read, stats.masters_kept = _load(
                    db.conn, masters, "master", filters, pool, progress, template,
                    checksums=stats.checksums)
            stats.albums = build_albums(db, STAGE, bool(releases) and filters.release_only,
                                        template, progress, pool)
            db.conn.commit()
            db.execute(f"DETACH DATABASE {STAGE}")
            if artists and stats.albums:
                _load_artists(db.conn, artists, progress, stats)
        except BaseException:
            db.conn.close()
            raise
        finally:
            _remove(stage_path)
    if stats.albums == 0:
        db.conn.close()
        raise DumpError(_empty_message(releases, masters, filters, stats))
    catalog.finish(db)
    stats.seconds = time.perf_counter() - started
    catalog.set_meta(db, {
        "schema_version": catalog.SCHEMA_VERSION,
        "inputs": {"releases": releases, "masters": masters, **({"artists": artists} if artists else {})},
        "dump_dates": dump_dates(releases, masters, artists),
        "checksums": stats.checksums,
        "filters": filters.describe(),
        "text_template": template,
        "counts": {"releases_read": stats.releases_read, "releases": stats.releases_kept,
                   "masters_read": stats.masters_read, "masters": stats.masters_kept,
                   "albums": stats.albums, "artists_read": stats.artists_read,
                   "artists": stats.artists_kept, "artist_relations": stats.artist_relations},
    })
    db.conn.close()
    return stats


def _remove(path: str) -> None:
    for name in (path, f"{path}-journal", f"{path}-wal", f"{path}-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(name)


def _empty_message(releases: Optional[str], masters: Optional[str], filters: Filters,
                   stats: IngestStats) -> str:
    inputs = " and ".join(x for x in (releases, masters) if x)
    return (f"{inputs}: no album passed the filters ({filters.describe() or 'none'}; read "
            f"{stats.releases_read:,} releases and {stats.masters_read:,} masters); "
            "loosen --genre/--style/--format/--year-from/--year-to/--country or raise --limit")


def dump_dates(*locations: Optional[str]) -> Dict[str, str]:
    """{'releases': '2026-10-01', ...} from official names like discogs_20261001_releases."""
    import re

    dates = {}
    for location in locations:
        if not location:
            continue
        match = re.search(r"discogs_(\d{4})(\d{2})(\d{2})_(\w+?)\.xml",
                          os.path.basename(unquote(location).split("?download=")[-1]))
        if match:
            dates[match.group(4)] = f"{match.group(1)}-{match.group(2)}-{match.group(3)}"
    return dates
