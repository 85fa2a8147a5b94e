"""`discogs-recs ingest`: stream dumps into the SQLite catalogue.

The main process decompresses and cuts the XML into pieces of whole records; worker
processes parse and filter them into ready-made rows (releases, masters, and the
albums' share of each release: finished album rows for releases without a master,
compact parts for the others); the main process writes rows in file order. At most a
few pieces are in flight, so memory does not grow with the dump. The parts wait in a
staging database next to the catalogue (deleted at the end) until the album pass,
which groups them by master and renders the albums in the same worker processes.
"""
from __future__ import annotations

import collections
import contextlib
import multiprocessing
import os
import sqlite3
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Callable, Deque, Dict, Iterator, List, Optional, Tuple

from tqdm import tqdm

from . import albums, catalog
from .albums import build_albums
from .filters import Filters
from .parse import ChunkSyntaxError, chunk_error, iter_chunks, parse_chunk
from .sources import DumpError, DumpSource, open_dump
from .text import DEFAULT_TEMPLATE

STAGE = "stage"  # the schema name the staging database is attached under


@dataclass
class IngestStats:
    releases_read: int = 0
    releases_kept: int = 0
    masters_read: int = 0
    masters_kept: int = 0
    albums: int = 0
    seconds: float = 0.0


Result = Tuple[int, List[tuple], List[tuple], List[tuple]]


def _rows_from_chunk(chunk: bytes, kind: str, filters: Filters,
                     template: str = DEFAULT_TEMPLATE) -> Result:
    """Worker: parse one piece; return (records read, rows that pass the filters, staged
    album rows of releases without a master, staged parts of releases with one)."""
    records = parse_chunk(chunk, kind)
    if kind != "release":
        return len(records), [catalog.master_row(m) for m in records if filters.keeps_master(m)], [], []
    rows: List[tuple] = []
    singles: List[tuple] = []
    parts: List[tuple] = []
    for record in records:
        if not filters.keeps_release(record):
            continue
        row = catalog.release_row(record)
        rows.append(row)
        part = albums.release_part(record, artist_names=row[3])
        if record["master_id"] is None:
            singles.append(albums.single_album_row(part, template))
        else:
            parts.append((record["release_id"], record["master_id"],
                          int(record["is_main_release"]), albums.pack_part(part)))
    return len(records), rows, singles, parts


@contextlib.contextmanager
def _worker_pool(workers: int) -> Iterator[Optional[ProcessPoolExecutor]]:
    """Worker processes, or None to work in this one.

    A ProcessPoolExecutor rather than multiprocessing.Pool: the Pool's worker-handler
    thread spins while a large result waits in its pipe, which burnt a fifth of this
    process's CPU time and contended for the GIL with the writer.
    """
    if workers <= 1:
        yield None
        return
    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    executor = ProcessPoolExecutor(workers, mp_context=context)
    try:
        executor.submit(int).result()  # starts the processes now (all of them, with fork)
        yield executor
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _ordered_results(pieces: Iterator[Tuple[int, bytes]], kind: str, filters: Filters,
                     pool, workers: int, source_name: str,
                     template: str = DEFAULT_TEMPLATE) -> Iterator[Result]:
    """Parse pieces in the pool's processes, yielding results in file order."""
    def failed(offset: int, chunk: bytes, exc: Exception) -> DumpError:
        return chunk_error(source_name, kind, offset, chunk, exc)

    if pool is None:
        for offset, chunk in pieces:
            try:
                yield _rows_from_chunk(chunk, kind, filters, template)
            except ChunkSyntaxError as exc:
                raise failed(offset, chunk, exc) from exc
        return
    pending: Deque = collections.deque()
    for offset, chunk in pieces:
        pending.append((offset, chunk, pool.submit(_rows_from_chunk, chunk, kind, filters,
                                                   template)))
        if len(pending) > workers * 2:
            yield _result(pending.popleft(), failed)
    while pending:
        yield _result(pending.popleft(), failed)


def _result(item, failed: Callable) -> Result:
    offset, chunk, future = item
    try:
        return future.result()
    except ChunkSyntaxError as exc:
        raise failed(offset, chunk, exc) from exc


def _insert(conn: sqlite3.Connection, table: str, columns: List[str], rows: List[tuple]) -> None:
    if rows:
        conn.executemany(f"INSERT OR REPLACE INTO {table} ({','.join(columns)}) "
                         f"VALUES ({','.join('?' * len(columns))})", rows)


def _load(conn: sqlite3.Connection, location: str, kind: str, filters: Filters, pool,
          workers: int, progress: bool, template: str = DEFAULT_TEMPLATE) -> Tuple[int, int]:
    table, columns = ((("releases", list(catalog.RELEASE_COLUMNS)) if kind == "release"
                      else ("masters", list(catalog.MASTER_COLUMNS))))
    single_columns = ["release_id"] + [c for c in albums.STAGE_SINGLES_COLUMNS if c != "release_id"]
    source: DumpSource = open_dump(location)
    read = kept = 0
    bar = tqdm(total=source.total_bytes, unit="B", unit_scale=True, unit_divisor=1024,
               desc=f"ingest {table}", disable=not progress, dynamic_ncols=True)
    try:
        results = _ordered_results(iter_chunks(source, kind), kind, filters, pool, workers,
                                   source.name, template)
        for n_read, rows, singles, parts in results:
            read += n_read
            if filters.limit is not None and kept + len(rows) >= filters.limit:
                rows = rows[: filters.limit - kept]
                wanted = {row[0] for row in rows}
                singles = [s for s in singles if s[0] in wanted]
                parts = [p for p in parts if p[0] in wanted]
            _insert(conn, table, columns, rows)
            _insert(conn, f"{STAGE}.singles", single_columns, singles)
            _insert(conn, f"{STAGE}.parts", ["release_id", "master_id", "is_main", "part"], parts)
            kept += len(rows)
            bar.update(source.bytes_read - bar.n)
            bar.set_postfix_str(f"{kept:,} {table} kept of {read:,}", refresh=False)
            if filters.limit is not None and kept >= filters.limit:
                break
        conn.commit()
    finally:
        bar.close()
        source.close()
    return read, kept


def ingest(db_path: str, releases: Optional[str], masters: Optional[str], filters: Filters,
           workers: Optional[int] = None, progress: bool = True,
           template: str = DEFAULT_TEMPLATE) -> IngestStats:
    """Build the catalogue at `db_path` from a releases and/or masters dump."""
    if not releases and not masters:
        raise DumpError("no input: pass --releases and/or --masters (a path or URL of "
                        "a Discogs dump)")
    started = time.perf_counter()
    workers = workers or max(1, min(os.cpu_count() or 1, 8))
    stage_path = f"{db_path}.stage"
    stats = IngestStats()
    # The workers are forked first, before this process opens any database.
    with _worker_pool(workers) as pool:
        db = catalog.create_schema(db_path)
        _remove(stage_path)
        try:
            db.execute(f"ATTACH DATABASE ? AS {STAGE}", [stage_path])
            db.execute(f"PRAGMA {STAGE}.journal_mode=OFF")
            db.execute(f"PRAGMA {STAGE}.synchronous=OFF")
            for statement in albums.STAGE_SCHEMA:
                db.execute(statement.format(s=STAGE))
            if releases:
                stats.releases_read, stats.releases_kept = _load(
                    db.conn, releases, "release", filters, pool, workers, progress, template)
            if masters:
                stats.masters_read, stats.masters_kept = _load(
                    db.conn, masters, "master", filters, pool, workers, progress, template)
            stats.albums = build_albums(db, require_release=bool(releases) and filters.release_only,
                                        template=template, progress=progress, staging=STAGE,
                                        pool=pool)
            db.conn.commit()
            db.execute(f"DETACH DATABASE {STAGE}")
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
        "inputs": {"releases": releases, "masters": masters},
        "dump_dates": dump_dates(releases, masters),
        "filters": filters.describe(),
        "text_template": template,
        "counts": {"releases_read": stats.releases_read, "releases": stats.releases_kept,
                   "masters_read": stats.masters_read, "masters": stats.masters_kept,
                   "albums": stats.albums},
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
        match = re.search(r"discogs_(\d{4})(\d{2})(\d{2})_(\w+?)\.xml", os.path.basename(location))
        if match:
            dates[match.group(4)] = f"{match.group(1)}-{match.group(2)}-{match.group(3)}"
    return dates
