"""`discogs-recs ingest`: stream dumps into the SQLite catalogue.

The main process decompresses and cuts the XML into pieces of whole records; worker
processes parse and filter them into ready-made rows; the main process writes rows in
file order. At most a few pieces are in flight, so memory does not grow with the dump.
"""
from __future__ import annotations

import collections
import multiprocessing
import os
import time
from dataclasses import dataclass
from typing import Callable, Deque, Dict, Iterator, List, Optional, Tuple

from tqdm import tqdm

from . import catalog
from .albums import build_albums
from .filters import Filters
from .parse import ChunkSyntaxError, chunk_error, iter_chunks, parse_chunk
from .sources import DumpError, DumpSource, open_dump
from .text import DEFAULT_TEMPLATE


@dataclass
class IngestStats:
    releases_read: int = 0
    releases_kept: int = 0
    masters_read: int = 0
    masters_kept: int = 0
    albums: int = 0
    seconds: float = 0.0


def _rows_from_chunk(chunk: bytes, kind: str, filters: Filters) -> Tuple[int, List[Tuple]]:
    """Worker: parse one piece and return (records read, rows that pass the filters)."""
    records = parse_chunk(chunk, kind)
    if kind == "release":
        return len(records), [catalog.release_row(r) for r in records if filters.keeps_release(r)]
    return len(records), [catalog.master_row(m) for m in records if filters.keeps_master(m)]


def _ordered_results(pieces: Iterator[Tuple[int, bytes]], kind: str, filters: Filters,
                     workers: int, source_name: str) -> Iterator[Tuple[int, List[Tuple]]]:
    """Parse pieces in `workers` processes, yielding results in file order."""
    def failed(offset: int, chunk: bytes, exc: Exception) -> DumpError:
        return chunk_error(source_name, kind, offset, chunk, exc)

    if workers <= 1:
        for offset, chunk in pieces:
            try:
                yield _rows_from_chunk(chunk, kind, filters)
            except ChunkSyntaxError as exc:
                raise failed(offset, chunk, exc) from exc
        return
    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    with context.Pool(workers) as pool:
        pending: Deque = collections.deque()
        for offset, chunk in pieces:
            pending.append((offset, chunk, pool.apply_async(_rows_from_chunk, (chunk, kind, filters))))
            if len(pending) > workers * 2:
                yield _result(pending.popleft(), failed)
        while pending:
            yield _result(pending.popleft(), failed)


def _result(item, failed: Callable) -> Tuple[int, List[Tuple]]:
    offset, chunk, async_result = item
    try:
        return async_result.get()
    except ChunkSyntaxError as exc:
        raise failed(offset, chunk, exc) from exc


def _load(db_path: str, location: str, kind: str, filters: Filters, workers: int,
          progress: bool) -> Tuple[int, int]:
    table, columns = ((("releases", list(catalog.RELEASE_COLUMNS)) if kind == "release"
                      else ("masters", list(catalog.MASTER_COLUMNS))))
    source: DumpSource = open_dump(location)
    read = kept = 0
    bar = tqdm(total=source.total_bytes, unit="B", unit_scale=True, unit_divisor=1024,
               desc=f"ingest {table}", disable=not progress, dynamic_ncols=True)
    conn = catalog.sqlite_utils.Database(db_path).conn
    try:
        results = _ordered_results(iter_chunks(source, kind), kind, filters, workers,
                                   source.name)
        for n_read, rows in results:
            read += n_read
            if filters.limit is not None and kept + len(rows) >= filters.limit:
                rows = rows[: filters.limit - kept]
            catalog.insert_rows(conn, table, columns, rows)
            kept += len(rows)
            bar.update(source.bytes_read - bar.n)
            bar.set_postfix_str(f"{kept:,} {table} kept of {read:,}", refresh=False)
            if filters.limit is not None and kept >= filters.limit:
                break
        conn.commit()
    finally:
        bar.close()
        source.close()
        conn.close()
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
    db = catalog.create_schema(db_path)
    db.conn.close()
    stats = IngestStats()
    if releases:
        stats.releases_read, stats.releases_kept = _load(db_path, releases, "release",
                                                         filters, workers, progress)
    if masters:
        stats.masters_read, stats.masters_kept = _load(db_path, masters, "master", filters,
                                                       1, progress)
    db = catalog.sqlite_utils.Database(db_path)
    db["releases"].create_index(["master_id"], if_not_exists=True)
    stats.albums = build_albums(db, require_release=bool(releases) and filters.release_only,
                                template=template, progress=progress)
    if stats.albums == 0:
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
