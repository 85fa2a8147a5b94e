"""One published index, loaded once and shared by every request.

`IndexStore.open(index_dir)` reads DIR/manifest.json and loads what it names: the
vectors (memory-mapped, so several worker processes share one copy in the page cache),
the FAISS index, and the SQLite catalogue (opened read-only, one connection per thread
because sqlite3 connections must not be shared across threads).

A store never changes after it is built: a newer build is a new store (see
`recommender.reload.PublishedIndex`), so a request that holds a store sees one
consistent build from start to end.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

import numpy as np

from index_builder.layout import MANIFEST, manifest_file
from index_builder.vector_index import load_index

from .albumfacts import AlbumFacts
from .items import ALBUM_FIELDS, VARIOUS_ARTISTS_ID, album_from_row
from .tags import ListColumn, tag_keys_json

# SQLite's default limit on bound parameters is 32,766; stay well below it.
_CHUNK = 5000
# Exact (flat) search switches from FAISS's per-pair loop to one BLAS matrix product
# from this many queries on. This faiss build ships with 128,000, which made a
# 100-album collection on a 3,000-album index 5x slower (18 ms against 3.8 ms).
BLAS_THRESHOLD = 20
# A search for many owned albums at once (a collection's tastes) scans at most this many
# 8-bit codes in all on an IVF index. The default probing suits one album's neighbours;
# at 10M albums it scans ~80,000 codes a query (~5 ms here), and a collection's twelve
# taste queries took 120 ms at the old default. Probing fewer lists per taste costs the
# candidates little: at 10M calibrated albums the twelve tastes found 0.57 of the exact
# top 50 by similarity within 200,000 codes (18 ms), 0.60 at full depth (150 ms); what
# loses the rest is the summary in twelve tastes, not the probing (docs/benchmarks.md,
# "Serving at scale").
REQUEST_SCAN_CODES = 200_000
MIN_NPROBE = 8
# Indexes that store 8-bit codes rank by approximate scores: at 1M calibrated vectors
# the codes alone capped recall@10 near 0.98 however many lists were probed, while
# their best 100 rescored with the stored vectors reached 1.000 (docs/benchmarks.md,
# "Serving at scale"). One album's neighbours are rescored so, which lets the builder
# probe fewer lists for the same recall (index_builder.vector_index.QUERY_SCAN_CODES).
RESCORE_CANDIDATES = 100
LOSSY_INDEX_TYPES = ("ivf_sq8", "hnsw_sq8")


def _tune_faiss() -> None:
    import faiss

    faiss.cvar.distance_compute_blas_threshold = BLAS_THRESHOLD


class NoIndexError(Exception):
    """The index folder has no published manifest yet."""


def build_hint(index_dir: str) -> str:
    return (f"no index is published in {index_dir}; build one with `discogs-recs build "
            f"--releases discogs_YYYYMMDD_releases.xml.gz --out {index_dir}` (or `make index`)")


def _chunks(values: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


class IndexStore:
    """Vectors, FAISS index and catalogue of one build. Thread-safe for reading."""

    def __init__(self, index_dir: str, manifest: Dict[str, Any], faiss_mmap: bool = False):
        self.index_dir = str(index_dir)
        self.manifest = manifest
        self.build_id: str = manifest["build_id"]
        self.vectors: np.ndarray = np.load(manifest_file(self.index_dir, manifest, "vectors"),
                                           mmap_mode="r")
        _tune_faiss()
        self.index = load_index(manifest_file(self.index_dir, manifest, "index"),
                                manifest["index"], mmap=faiss_mmap)
        self.catalog_path = manifest_file(self.index_dir, manifest, "catalog")
        self.album_count, self.dimension = (int(x) for x in self.vectors.shape)
        self._local = threading.local()
        self._first_conn: Optional[sqlite3.Connection] = None
        self._album_facts: Optional[AlbumFacts] = None
        self._facts_lock = threading.Lock()
        self._artist_links: Optional[bool] = None
        self._check_catalog()

    @classmethod
    def open(cls, index_dir: str, faiss_mmap: bool = False) -> "IndexStore":
        path = Path(index_dir) / MANIFEST
        if not path.exists():
            raise NoIndexError(build_hint(str(index_dir)))
        return cls(str(index_dir), json.loads(path.read_text()), faiss_mmap=faiss_mmap)

    def _check_catalog(self) -> None:
        self._first_conn = self.db()
        count = self._first_conn.execute("SELECT count(*) FROM albums").fetchone()[0]
        if count != self.album_count or self.index.ntotal != self.album_count:
            raise ValueError(f"{self.index_dir} build {self.build_id}: catalogue ({count} albums), "
                             f"vectors ({self.album_count}) and FAISS ({self.index.ntotal}) "
                             "disagree; rebuild the index")

    # -- catalogue -------------------------------------------------------------------

    def db(self) -> sqlite3.Connection:
        """This thread's read-only connection (published builds are immutable)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            uri = f"file:{Path(self.catalog_path).resolve()}?mode=ro&immutable=1"
            try:
                conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            except sqlite3.OperationalError:
                if self._first_conn is None:
                    raise
                # The builder pruned this build while a request still holds the store (two
                # publishes within one reload check): the connection opened at load keeps
                # the deleted file readable, and SQLite serialises its use across threads.
                conn = self._first_conn
            self._local.conn = conn
        return conn

    def summary(self) -> Dict[str, Any]:
        """The `index` object every answer carries."""
        model = self.manifest.get("model") or {}
        return {
            "build_id": self.build_id,
            "built_at": self.manifest.get("built_at"),
            "dump_dates": self.manifest.get("dump_dates", {}),
            "albums": self.album_count,
            "model": model.get("name", "") if isinstance(model, dict) else str(model),
        }

    def albums(self, album_ids: Iterable[int]) -> Dict[int, Dict[str, Any]]:
        """Album records (see `items.album_from_row`) by album id; unknown ids are absent."""
        ids = sorted({int(a) for a in album_ids})
        found: Dict[int, Dict[str, Any]] = {}
        for chunk in _chunks(ids):
            rows = self.db().execute(
                f"SELECT {ALBUM_FIELDS} FROM albums WHERE album_id IN "
                f"({','.join('?' * len(chunk))})", chunk)
            for row in rows:
                album = album_from_row(row)
                found[album["album_id"]] = album
        return found

    def album_tags(self, album_ids: Iterable[int]) -> Dict[int, List[str]]:
        """Genre and style tags (`recommender.tags.tag_keys`) by album id; unknown ids are absent."""
        ids = sorted({int(a) for a in album_ids})
        found: Dict[int, List[str]] = {}
        for chunk in _chunks(ids):
            rows = self.db().execute(
                "SELECT album_id, genres, styles FROM albums WHERE album_id IN "
                f"({','.join('?' * len(chunk))})", chunk)
            for album_id, genres, styles in rows:
                found[album_id] = tag_keys_json(genres, styles)
        return found

    def tag_column(self) -> ListColumn:
        """Every album's tags, row = album id: the album facts' (the exact catalogue
        scoring of `Recommender.score_catalogue` needs it)."""
        return self.album_facts().tags

    def album_facts(self) -> AlbumFacts:
        """Every album's artists, IDF-weighted tags, year, labels and versions
        (`recommender.albumfacts`): read once per store, on first use."""
        with self._facts_lock:
            if self._album_facts is None:
                self._album_facts = AlbumFacts.load(self.db(), self.index_dir)
            return self._album_facts

    def artists_of_albums(self, album_ids: Iterable[int]) -> Dict[int, Set[Any]]:
        """album id -> its artists (see `items.artist_keys`; Various left out).

        SQLite's json_each unpacks the credits in C: for a 5,000-album collection this
        is several times faster than decoding every row in Python.
        """
        ids = sorted({int(a) for a in album_ids})
        found: Dict[int, Set[Any]] = {album_id: set() for album_id in ids}
        for chunk in _chunks(ids):
            rows = self.db().execute(
                "SELECT albums.album_id, json_extract(credit.value, '$.id'), "
                "json_extract(credit.value, '$.name') "
                "FROM albums, json_each(albums.artists) AS credit "
                f"WHERE albums.album_id IN ({','.join('?' * len(chunk))})", chunk)
            for album_id, artist_id, name in rows:
                key = artist_id if artist_id is not None else (name.casefold() if name else None)
                if key is not None and key not in (VARIOUS_ARTISTS_ID, "various"):
                    found[album_id].add(key)
        return found

    def artist_links(self, artist_ids: Iterable[int], related_ids: Iterable[int]
                     ) -> Dict[Tuple[int, int], str]:
        """(artist id, related id) -> relation ("alias", "member": the related artist
        is a member of this one, "group": a group this one belongs to) for the links
        of the artists dump between the two sets; empty for an index built without
        --artists."""
        ours = sorted({int(a) for a in artist_ids if isinstance(a, int)})
        theirs = {int(a) for a in related_ids if isinstance(a, int)}
        if not ours or not theirs or not self._has_artist_links():
            return {}
        links: Dict[Tuple[int, int], str] = {}
        for chunk in _chunks(ours):
            for artist_id, related_id, relation in self.db().execute(
                    "SELECT artist_id, related_id, relation FROM artist_relations "
                    f"WHERE artist_id IN ({','.join('?' * len(chunk))})", chunk):
                if related_id in theirs and related_id != artist_id:
                    links.setdefault((artist_id, related_id), relation)
        return links

    def _has_artist_links(self) -> bool:
        if self._artist_links is None:
            self._artist_links = bool(self.db().execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                "AND name = 'artist_relations'").fetchone()[0])
        return self._artist_links

    def album_vectors(self, album_ids: Sequence[int]) -> np.ndarray:
        """float32 rows of the vectors file, in the order given."""
        rows = np.asarray(album_ids, dtype=np.int64)
        if rows.size == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # Sorted reads are kinder to the page cache; put them back in order afterwards.
        order = np.argsort(rows, kind="stable")
        out = np.empty((rows.size, self.dimension), dtype=np.float32)
        out[order] = self.vectors[rows[order]]
        return out

    def search(self, queries: np.ndarray, k: int, scan_codes: Optional[int] = None,
               rescore: bool = False) -> Tuple[np.ndarray, np.ndarray]:
        """FAISS inner-product search, one batched call; -1 ids pad short answers.
        scan_codes: the most codes all the queries together may scan on an IVF index
        (fewer lists probed per query than the index's default where they would exceed
        it; see REQUEST_SCAN_CODES); None: the default probing. rescore: on an index of
        8-bit codes, take the best RESCORE_CANDIDATES by the codes and rank them by
        their exact similarity (from the stored vectors) instead."""
        k = max(1, min(int(k), self.album_count))
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        rescored = rescore and self.manifest.get("index", {}).get("type") in LOSSY_INDEX_TYPES
        depth = min(max(k, RESCORE_CANDIDATES), self.album_count) if rescored else k
        nprobe = self.nprobe_within(len(queries), scan_codes)
        if nprobe is None:
            sims, ids = self.index.search(queries, depth)
        else:
            import faiss

            sims, ids = self.index.search(queries, depth,
                                          params=faiss.SearchParametersIVF(nprobe=nprobe))
        return self._rescored(queries, ids, k) if rescored else (sims, ids)

    def _rescored(self, queries: np.ndarray, ids: np.ndarray, k: int
                  ) -> Tuple[np.ndarray, np.ndarray]:
        """Each query's candidates ranked by exact inner product (ties: smaller id), top k."""
        out_sims = np.full((len(queries), k), -np.inf, dtype=np.float32)
        out_ids = np.full((len(queries), k), -1, dtype=np.int64)
        for row, (query, found) in enumerate(zip(queries, ids)):
            found = np.unique(found[found >= 0])  # sorted: the stable sort keeps smaller ids first
            exact = self.album_vectors(found) @ query
            best = np.argsort(-exact, kind="stable")[:k]
            out_sims[row, :best.size], out_ids[row, :best.size] = exact[best], found[best]
        return out_sims, out_ids

    def nprobe_within(self, queries: int, scan_codes: Optional[int]) -> Optional[int]:
        """The lists each of `queries` IVF queries may probe within `scan_codes`, or None
        where the default probing fits (and for exact and HNSW indexes)."""
        nlist, default = getattr(self.index, "nlist", 0), getattr(self.index, "nprobe", 0)
        if scan_codes is None or not nlist or not default or queries <= 0:
            return None
        per_list = self.album_count / nlist
        nprobe = max(MIN_NPROBE, int(scan_codes / (queries * per_list)))
        return nprobe if nprobe < default else None

    # -- ids -> albums ------------------------------------------------------------------

    def albums_of_releases(self, release_ids: Sequence[int]) -> Dict[int, int]:
        """release id -> album id: a release belongs to its master's album, else its own."""
        ids = sorted({int(r) for r in release_ids})
        master_of: Dict[int, Optional[int]] = {}
        for chunk in _chunks(ids):
            master_of.update(self.db().execute(
                f"SELECT release_id, master_id FROM releases WHERE release_id IN "
                f"({','.join('?' * len(chunk))})", chunk).fetchall())
        result: Dict[int, int] = {}
        by_master = self.albums_of_masters([m for m in master_of.values() if m])
        for release_id, master_id in master_of.items():
            if master_id and master_id in by_master:
                result[release_id] = by_master[master_id]
        # Releases absent from the releases table can still be an album's main release
        # (a master-only catalogue records it), and master-less releases are albums.
        rest = [r for r in ids if r not in result]
        for chunk in _chunks(rest):
            for release_id, album_id in self.db().execute(
                    f"SELECT release_id, min(album_id) FROM albums WHERE release_id IN "
                    f"({','.join('?' * len(chunk))}) GROUP BY release_id", chunk):
                result[release_id] = album_id
        return result

    def albums_of_masters(self, master_ids: Sequence[int]) -> Dict[int, int]:
        ids = sorted({int(m) for m in master_ids})
        result: Dict[int, int] = {}
        for chunk in _chunks(ids):
            result.update(self.db().execute(
                f"SELECT master_id, album_id FROM albums WHERE master_id IN "
                f"({','.join('?' * len(chunk))})", chunk).fetchall())
        return result

    # -- pages --------------------------------------------------------------------------

    def release(self, release_id: int) -> Optional[Dict[str, Any]]:
        conn = self.db()
        cursor = conn.execute("SELECT * FROM releases WHERE release_id = ?", (release_id,))
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([c[0] for c in cursor.description], row))

    def master(self, master_id: int) -> Optional[Dict[str, Any]]:
        cursor = self.db().execute("SELECT * FROM masters WHERE master_id = ?", (master_id,))
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([c[0] for c in cursor.description], row))

    def releases_of_master(self, master_id: int, limit: int = 200) -> List[Dict[str, Any]]:
        cursor = self.db().execute(
            "SELECT release_id, title, year, country, format_names, label_names, "
            "is_main_release FROM releases WHERE master_id = ? "
            "ORDER BY is_main_release DESC, year, release_id LIMIT ?", (master_id, limit))
        keys = [c[0] for c in cursor.description]
        return [dict(zip(keys, row)) for row in cursor]

    def search_text(self, query: str, limit: int = 20) -> List[int]:
        """Album ids for a full-text query, best match first (FTS5 bm25)."""
        match = fts_query(query)
        if not match:
            return []
        rows = self.db().execute(
            "SELECT rowid FROM albums_fts WHERE albums_fts MATCH ? "
            "ORDER BY bm25(albums_fts, 4.0, 2.0, 1.0), rowid LIMIT ?", (match, limit))
        return [r[0] for r in rows]


def fts_query(text: str) -> str:
    """User text -> a safe FTS5 query: every word must appear; the last may be a prefix.

    Quoting each word keeps FTS5 operators (AND, NEAR, -, :) in user text literal.
    """
    words = [w.replace('"', "") for w in text.split()]
    words = [w for w in words if w.strip("\"'*^().:-+")]
    if not words:
        return ""
    terms = [f'"{w}"' for w in words]
    terms[-1] += "*"
    return " ".join(terms)
