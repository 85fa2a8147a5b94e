"""Albums and tracks read from a library file -> albums of the catalogue.

Artist by artist: the catalogue's albums credited to the artist are found once with the
full-text index (`albums_fts`, artist column) and kept only where an artist key
(`normalise.artist_keys`) equals the whole credit or one credited artist ("Stan Getz"
is on "Stan Getz & João Gilberto"). Then

- an album is the candidate with the same title key, the strictest key first (exact,
  then without edition words, then without any bracketed part); where the artist
  search found nothing (its words are spelt differently, "Run-D.M.C." for "Run DMC"), the
  title words are searched instead and the artist keys compared the same way;
- a track of a history without album names is looked up in the tracklists of the
  candidates' releases (the main release and two more of each master), where the
  catalogue has the releases dump; a track on several albums goes to the album holding
  most of the artist's listened tracks (an album over the single it came from), and a
  track no tracklist holds to the artist's album of that title (a single).

Among equal matches the master is preferred, then the album with more releases, the
earlier year, the smaller id. "Various" compilations are never matched by name.
"""
from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from index_builder.catalog import display_name

from .normalise import (artist_keys, edition_free, is_various, key, search_words, title_keys,
                        without_featuring)
from .reader import AlbumRead, LibraryRead, TrackRead

ARTIST_LIMIT = 2000     # albums read per artist name: a name shared by many artists still fits
TITLE_LIMIT = 50
RELEASES_PER_MASTER = 3
EXACT, EDITION, LOOSE, TRACKLIST, TITLE_TRACK = ("title", "title_without_edition",
                                                 "title_loose", "tracklist", "title_track")
_COLUMNS = "a.album_id, a.master_id, a.release_id, a.title, a.artist_names, a.artists, " \
           "a.release_count, a.year"


@dataclass
class Candidate:
    album_id: int
    master_id: Optional[int]
    release_id: Optional[int]
    title: str
    artist: str
    release_count: int
    year: int
    artist_keys: Set[str]
    title_keys: Tuple[str, str, str]

    def rank(self) -> Tuple:
        """Sort key: the master first, then more releases, the earlier year, the smaller id."""
        return (self.master_id is None, -self.release_count, self.year or 9999, self.album_id)


def _credited(artist_names: str, artists_json: Optional[str]) -> Set[str]:
    keys = set(artist_keys(artist_names or ""))
    try:
        credits = json.loads(artists_json) if artists_json else []
    except ValueError:
        credits = []
    for credit in credits if isinstance(credits, list) else []:
        if isinstance(credit, dict):
            for name in (credit.get("name"), credit.get("anv")):
                if isinstance(name, str) and name.strip():
                    keys.add(key(display_name(name.strip())))
    keys.discard("")
    return keys


def _fts_phrase(column: str, found: Sequence[str]) -> str:
    return f'{column} : (' + " ".join(f'"{w}"' for w in found) + ")"


def _tracks(tracklist: Any, into: Set[str]) -> None:
    for track in tracklist if isinstance(tracklist, list) else []:
        if not isinstance(track, dict):
            continue
        title = track.get("title")
        if isinstance(title, str) and title.strip():
            exact, edition, loose = title_keys(title)
            into.update((exact, edition))
            into.add("~" + loose)  # loose keys apart: only a loose track key may use them
        _tracks(track.get("sub_tracks"), into)


class CatalogueMatcher:
    """Matches names against one catalogue (a read-only sqlite3 connection)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.has_tracklists = conn.execute(
            "SELECT 1 FROM releases WHERE tracklist NOT IN ('', '[]') LIMIT 1").fetchone() is not None

    def _candidates(self, match: str, limit: int, weights: str) -> List[Candidate]:
        rows = self.conn.execute(
            f"SELECT {_COLUMNS} FROM albums_fts JOIN albums a ON a.album_id = albums_fts.rowid "
            f"WHERE albums_fts MATCH ? ORDER BY bm25(albums_fts, {weights}), a.album_id LIMIT ?",
            (match, limit))
        return [Candidate(album_id, master_id, release_id, title or "", names or "",
                          release_count or 0, year or 0, _credited(names, credits),
                          title_keys(title or ""))
                for album_id, master_id, release_id, title, names, credits, release_count, year in rows]

    def by_artist(self, artist: str) -> List[Candidate]:
        """The catalogue's albums credited to this artist (see the module docstring)."""
        found = search_words(without_featuring(artist))
        if not found or is_various(artist):
            return []
        wanted = set(artist_keys(artist))
        candidates = self._candidates(_fts_phrase("artist_names", found), ARTIST_LIMIT, "0, 1, 0")
        return [c for c in candidates if c.artist_keys & wanted]

    def by_title(self, artist: str, title: str) -> List[Candidate]:
        found = search_words(edition_free(title))
        if not found or is_various(artist):
            return []
        wanted = set(artist_keys(artist))
        candidates = self._candidates(_fts_phrase("title", found), TITLE_LIMIT, "1, 0, 0")
        return [c for c in candidates if c.artist_keys & wanted]

    def tracklists(self, candidates: Sequence[Candidate]) -> Dict[int, Set[str]]:
        """album id -> the title keys of the tracks of its releases (see `_tracks`)."""
        found: Dict[int, Set[str]] = defaultdict(set)
        if not self.has_tracklists or not candidates:
            return found
        ids = [c.album_id for c in candidates]
        marks = ",".join("?" * len(ids))
        rows = self.conn.execute(
            f"SELECT a.album_id, r.tracklist FROM albums a JOIN releases r ON r.release_id = a.release_id "
            f"WHERE a.album_id IN ({marks}) UNION ALL "
            # The releases are chosen first, and only their tracklists read: a master of
            # thousands of releases costs an index walk, not thousands of tracklists.
            f"SELECT chosen.album_id, r.tracklist FROM (SELECT a.album_id, m.release_id, "
            f"row_number() OVER (PARTITION BY a.album_id ORDER BY m.is_main_release DESC, "
            f"m.release_id) AS n FROM albums a JOIN releases m ON m.master_id = a.master_id "
            f"WHERE a.album_id IN ({marks})) AS chosen JOIN releases r ON r.release_id = "
            f"chosen.release_id WHERE chosen.n <= {RELEASES_PER_MASTER}", ids + ids)
        for album_id, tracklist in rows:
            try:
                _tracks(json.loads(tracklist) if tracklist else [], found[album_id])
            except ValueError:
                continue
        return found


def best_by_title(candidates: Iterable[Candidate], title: str) -> Optional[Tuple[Candidate, str]]:
    """The candidate whose title matches, the strictest key first."""
    exact, edition, loose = title_keys(title)
    candidates = list(candidates)
    for how, wanted, levels in ((EXACT, exact, 1), (EDITION, edition, 2), (LOOSE, loose, 3)):
        hits = [c for c in candidates if wanted in c.title_keys[:levels]]
        if hits:
            return min(hits, key=Candidate.rank), how
    return None


@dataclass
class Matched:
    candidate: Candidate
    how: str


@dataclass
class LibraryMatch:
    """Each read album and track with its catalogue album, or None."""

    albums: List[Tuple[AlbumRead, Optional[Matched]]] = field(default_factory=list)
    tracks: List[Tuple[TrackRead, Optional[Matched]]] = field(default_factory=list)


def _match_tracks(matcher: CatalogueMatcher, candidates: List[Candidate],
                  tracks: List[TrackRead]) -> List[Optional[Matched]]:
    albums_with: Dict[str, Set[int]] = defaultdict(set)   # track key -> album ids
    for album_id, keys in matcher.tracklists(candidates).items():
        for track_key in keys:
            albums_with[track_key].add(album_id)
    by_id = {c.album_id: c for c in candidates}
    holders: List[List[int]] = []
    for track in tracks:
        exact, edition, loose = title_keys(track.track)
        holding = albums_with.get(exact, set()) | albums_with.get(edition, set())
        holders.append(sorted(holding or albums_with.get("~" + loose, set())))
    listened: Dict[int, int] = defaultdict(int)   # album id -> listened tracks it holds
    for holding in holders:
        for album_id in holding:
            listened[album_id] += 1
    out: List[Optional[Matched]] = []
    for track, holding in zip(tracks, holders):
        if holding:
            best = min(holding, key=lambda a: (-listened[a], by_id[a].rank()))
            out.append(Matched(by_id[best], TRACKLIST))
            continue
        single = best_by_title(candidates, track.track)
        out.append(Matched(single[0], TITLE_TRACK) if single else None)
    return out


def match_library(matcher: CatalogueMatcher, library: LibraryRead) -> LibraryMatch:
    """Match every album and track of `library`, one artist at a time (so only one
    artist's candidates are in memory)."""
    albums_of: Dict[str, List[AlbumRead]] = defaultdict(list)
    tracks_of: Dict[str, List[TrackRead]] = defaultdict(list)
    names: Dict[str, str] = {}
    for (artist_key, _), album in library.albums.items():
        albums_of[artist_key].append(album)
        names.setdefault(artist_key, album.artist)
    for (artist_key, _), track in library.tracks.items():
        tracks_of[artist_key].append(track)
        names.setdefault(artist_key, track.artist)
    result = LibraryMatch()
    for artist_key, artist in names.items():
        candidates = matcher.by_artist(artist)
        for album in albums_of.get(artist_key, []):
            found = best_by_title(candidates, album.album)
            if found is None:
                found = best_by_title(matcher.by_title(album.artist, album.album), album.album)
            result.albums.append((album, Matched(*found) if found else None))
        tracks = tracks_of.get(artist_key, [])
        if tracks:
            result.tracks.extend(zip(tracks, _match_tracks(matcher, candidates, tracks)))
    return result
