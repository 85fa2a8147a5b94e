"""The artists dump (`build --artists`): which artists are the same people, or play together.

Discogs links an artist's page to other artists: aliases (the same person under another
name), members (of a group) and groups (that it is a member of). Those links become
symmetric edges of `artist_relations(artist_id, related_id, relation)`; the artist's own
name and its name variations become `artist_names(name, artist_id)` (casefolded), which
place credits that carry a name but no id. Only artists credited on an album of the
catalogue are kept: nobody can own or be recommended the others, and the whole dump's
9M artists would otherwise outweigh the catalogue.

The recommender reads both tables (recommender/albumfacts.py) for its related-artist
signal; a catalogue without them (no --artists) simply has no related artists.

Records are cut from the stream as the other dumps are (parse.iter_chunks); the few
fields needed are read with regular expressions, in the main process: the dump escapes
every "<" inside text, so a tag match is a tag.
"""
from __future__ import annotations

import html
import json
import re
import sqlite3
import time
from dataclasses import dataclass
from typing import Iterable, Iterator, List, Optional, Set, Tuple

from tqdm import tqdm

from .parse import iter_chunks
from .sources import DumpError, DumpSource

RELATIONS = ("alias", "member", "group")
_RECORD_END = b"</artist>"
_OWN_ID = re.compile(rb"<id>\s*(\d+)\s*</id>")
_OWN_NAME = re.compile(rb"<name>(.*?)</name>", re.S)
_SECTION = re.compile(rb"<(aliases|members|groups)>(.*?)</\1>", re.S)
_LINKED = re.compile(rb'<name id="(\d+)"')
_VARIATIONS = re.compile(rb"<namevariations>(.*?)</namevariations>", re.S)
_SECTION_RELATION = {b"aliases": "alias", b"members": "member", b"groups": "group"}
# A's members are B's groups: the edge is stored once per direction, named from A's side.
_REVERSE = {"alias": "alias", "member": "group", "group": "member"}

SCHEMA = (
    'CREATE TABLE IF NOT EXISTS "artist_relations" (\n'
    '   "artist_id" INTEGER NOT NULL,\n   "related_id" INTEGER NOT NULL,\n'
    '   "relation" TEXT NOT NULL,\n   PRIMARY KEY ("artist_id", "related_id", "relation")\n'
    ') WITHOUT ROWID',
    'CREATE TABLE IF NOT EXISTS "artist_names" (\n'
    '   "name" TEXT NOT NULL,\n   "artist_id" INTEGER NOT NULL,\n'
    '   PRIMARY KEY ("name", "artist_id")\n) WITHOUT ROWID',
)


@dataclass
class ArtistRecord:
    artist_id: int
    names: List[str]                       # its name first, then its name variations
    links: List[Tuple[int, str]]           # (other artist id, relation from this side)


@dataclass
class ArtistStats:
    artists_read: int = 0
    artists_kept: int = 0
    relations: int = 0
    names: int = 0
    seconds: float = 0.0


def _text(raw: bytes) -> str:
    return html.unescape(raw.decode("utf-8", "replace")).strip()


def parse_artist(record: bytes) -> Optional[ArtistRecord]:
    """One `<artist>...</artist>` record; None when it has no id (nothing can point at it)."""
    own_id = _OWN_ID.search(record)
    if own_id is None:
        return None
    links: List[Tuple[int, str]] = []
    for section in _SECTION.finditer(record):
        relation = _SECTION_RELATION[section.group(1)]
        links.extend((int(m.group(1)), relation) for m in _LINKED.finditer(section.group(2)))
    # Sections hold `<name id=...>` and (members) `<id>` children: drop them before
    # looking for the artist's own `<name>`.
    rest = _SECTION.sub(b"", record)
    names: List[str] = []
    variations = _VARIATIONS.search(rest)
    if variations:
        rest = rest[:variations.start()] + rest[variations.end():]
    own_name = _OWN_NAME.search(rest)
    if own_name:
        names.append(_text(own_name.group(1)))
    if variations:
        names.extend(_text(m.group(1)) for m in _OWN_NAME.finditer(variations.group(1)))
    return ArtistRecord(int(own_id.group(1)), [n for n in names if n], links)


def iter_artists(source: DumpSource, progress: bool = True) -> Iterator[ArtistRecord]:
    """Every record of an open artists dump (sources.open_dump), streamed."""
    bar = tqdm(total=source.total_bytes, unit="B", unit_scale=True, unit_divisor=1024,
               desc="ingest artists", disable=not progress, dynamic_ncols=True)
    try:
        for _, chunk in iter_chunks(source, "artist"):
            for piece in chunk.split(_RECORD_END)[:-1]:
                record = parse_artist(piece)
                if record is not None:
                    yield record
            bar.update(source.bytes_read - bar.n)
    finally:
        bar.close()


def catalogue_artist_ids(conn: sqlite3.Connection) -> Set[int]:
    """Ids of every artist credited on an album of the catalogue."""
    ids: Set[int] = set()
    for (artists_json,) in conn.execute("SELECT artists FROM albums"):
        for artist in json.loads(artists_json) if artists_json else []:
            if artist.get("id") is not None:
                ids.add(int(artist["id"]))
    return ids


def _edges(record: ArtistRecord, keep: Set[int]) -> Iterable[Tuple[int, int, str]]:
    for other, relation in record.links:
        if other != record.artist_id and other in keep:
            yield record.artist_id, other, relation
            yield other, record.artist_id, _REVERSE[relation]


def load_artists(conn: sqlite3.Connection, source: DumpSource,
                 progress: bool = True) -> ArtistStats:
    """Read an open artists dump into the catalogue's artist tables (replacing what they held),
    keeping the artists the albums credit. Call after the albums are built."""
    started = time.perf_counter()
    for statement in SCHEMA:
        conn.execute(statement)
    conn.execute("DELETE FROM artist_relations")
    conn.execute("DELETE FROM artist_names")
    keep = catalogue_artist_ids(conn)
    stats = ArtistStats()
    edges: List[Tuple[int, int, str]] = []
    names: List[Tuple[str, int]] = []

    def flush() -> None:
        conn.executemany("INSERT OR IGNORE INTO artist_relations VALUES (?, ?, ?)", edges)
        conn.executemany("INSERT OR IGNORE INTO artist_names VALUES (?, ?)", names)
        edges.clear()
        names.clear()

    for record in iter_artists(source, progress):
        stats.artists_read += 1
        if record.artist_id in keep:  # an edge needs both ends in the catalogue
            stats.artists_kept += 1
            edges.extend(_edges(record, keep))
            names.extend((name.casefold(), record.artist_id) for name in record.names)
        if len(edges) + len(names) > 200_000:
            flush()
    flush()
    if stats.artists_read == 0:
        raise DumpError(f"{source.name}: the artists dump holds no <artist> record with an id; "
                        "pass the discogs_YYYYMMDD_artists.xml.gz file")
    stats.relations = conn.execute("SELECT count(*) FROM artist_relations").fetchone()[0]
    stats.names = conn.execute("SELECT count(*) FROM artist_names").fetchone()[0]
    conn.commit()
    stats.seconds = time.perf_counter() - started
    return stats
