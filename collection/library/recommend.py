"""A library file -> the answer of POST /api/v1/recommendations/from-library.

Plays become the profile's weights: an album's weight is log2(1 + plays + SAVED_PLAYS if
saved), so an album played 100 times counts about 2.6 times one only saved, and one
played 1,000 times not ten times one played 100 times. The `MAX_PROFILE_ALBUMS` heaviest
albums are the profile; every matched album (listened to, so known) is left out of the
recommendations.

The answer has the shape of POST /api/v1/recommendations plus
    "library": {"format", "albums_read", "tracks_read", "matched", "matched_albums",
                "matched_tracks", "matched_by": {...}, "match_rate", "plays", "plays_matched",
                "unmatched": [{"artist", "album" | "track", "plays", "saved"}], "unmatched_count",
                "problems", "problem_rows": [{"where", "reason", "skipped"}], "tracklists", ...}
    (each `because` entry says "source": "library": a card should say "because you play")
    "profile": {"albums", "matched": {"release", "master", "artist_title", "tracklist",
                "embedded"}, "unknown", "embedding": "off", "weights": "plays"}
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Any, BinaryIO, Dict, List, Optional, Tuple

from recommender.engine import Recommender
from recommender.filters import CandidateFilters
from recommender.store import IndexStore

from ..recommend import RecommendOptions
from .match import TITLE_TRACK, TRACKLIST, CatalogueMatcher, LibraryMatch, match_library
from .reader import LibraryRead, read_library

LIBRARY = "library"        # the `source` of each `because` entry
SAVED_PLAYS = 5            # a saved album or track weighs like this many plays
MAX_PROFILE_ALBUMS = 1000  # the heaviest albums; a long tail of one-off plays says little
MAX_UNMATCHED = 100


def album_weight(plays: int, saved: bool) -> float:
    return math.log2(1 + plays + (SAVED_PLAYS if saved else 0))


def library_profile(matched: LibraryMatch) -> Tuple[Dict[int, float], Dict[int, Dict[str, Any]]]:
    """(album id -> weight, album id -> {"release_id", "master_id"}) of every matched album."""
    plays: Dict[int, int] = defaultdict(int)
    saved: Dict[int, bool] = defaultdict(bool)
    refs: Dict[int, Dict[str, Any]] = {}
    for entry, found in list(matched.albums) + list(matched.tracks):
        if found is None:
            continue
        album = found.candidate
        plays[album.album_id] += entry.plays
        saved[album.album_id] = saved[album.album_id] or entry.saved
        refs.setdefault(album.album_id, {"release_id": album.release_id, "master_id": album.master_id})
    weights = {a: album_weight(plays[a], saved[a]) for a in refs}
    return weights, refs


def _unmatched(matched: LibraryMatch) -> List[Dict[str, Any]]:
    rows = [{"artist": e.artist, "album": e.album, "plays": e.plays, "saved": e.saved}
            for e, found in matched.albums if found is None]
    rows += [{"artist": e.artist, "track": e.track, "plays": e.plays, "saved": e.saved}
             for e, found in matched.tracks if found is None]
    rows.sort(key=lambda r: (-r["plays"], not r["saved"], r["artist"].casefold(),
                             (r.get("album") or r.get("track") or "").casefold()))
    return rows


def library_summary(library: LibraryRead, matched: LibraryMatch, matcher: CatalogueMatcher,
                    albums: int) -> Dict[str, Any]:
    """The answer's `library` object."""
    how = Counter(found.how for _, found in list(matched.albums) + list(matched.tracks) if found)
    unmatched = _unmatched(matched)
    read = len(matched.albums) + len(matched.tracks)
    plays_matched = sum(e.plays for e, found in list(matched.albums) + list(matched.tracks) if found)
    summary = library.summary()
    summary.update({
        "matched": albums,
        "matched_albums": sum(1 for _, found in matched.albums if found),
        "matched_tracks": sum(1 for _, found in matched.tracks if found),
        "matched_by": dict(sorted(how.items())),
        "match_rate": round((read - len(unmatched)) / read, 4) if read else 0.0,
        "plays_matched": plays_matched,
        "unmatched": unmatched[:MAX_UNMATCHED],
        "unmatched_count": len(unmatched),
        "tracklists": matcher.has_tracklists,
    })
    if matched.tracks and not matcher.has_tracklists:
        summary["note"] = ("this file names tracks but no albums, and this index was built "
                           "without the releases dump (no tracklists): tracks are matched "
                           "only where a track is also the title of an album (a single)")
    return summary


def recommend_for_library(store: IndexStore, stream: BinaryIO, name: str = "the file",
                          options: Optional[RecommendOptions] = None) -> Dict[str, Any]:
    """Read, match and recommend for one library file (a seekable binary stream)."""
    options = options or RecommendOptions()
    library = read_library(stream, name)
    matcher = CatalogueMatcher(store.db())
    matched = match_library(matcher, library)
    weights, refs = library_profile(matched)
    ranked = sorted(refs, key=lambda a: (-weights[a], a))
    profile_ids = ranked[:MAX_PROFILE_ALBUMS]
    exclude = list(options.exclude_album_ids) + ranked[MAX_PROFILE_ALBUMS:]
    result = Recommender(store).recommend(
        profile_ids, k=options.k, strategy=options.strategy,
        weights={a: weights[a] for a in profile_ids}, exclude=exclude,
        filters=CandidateFilters.from_dict(options.filters), diversity=options.diversity,
        max_per_artist=options.max_per_artist, owned_refs=refs, style_weight=options.style_weight)
    for item in result.items:
        for entry in item.get("because", []):
            entry["source"] = LIBRARY  # "because you play ...", not "own"
    how = Counter(found.how for _, found in list(matched.albums) + list(matched.tracks) if found)
    by_tracks = how[TRACKLIST] + how[TITLE_TRACK]
    return {
        "recommendations": result.items,
        "artists": result.artists,
        "unknown_ids": [],
        "index": store.summary(),
        "profile": {"albums": len(profile_ids),
                    "matched": {"release": 0, "master": 0,
                                "artist_title": sum(how.values()) - by_tracks,
                                "tracklist": by_tracks, "embedded": 0},
                    "unknown": sum(1 for _, f in list(matched.albums) + list(matched.tracks) if f is None),
                    "embedding": "off", "weights": "plays"},
        "library": library_summary(library, matched, matcher, len(refs)),
    }
