"""Spotify's account-data files (Account > Privacy > Download your data).

    YourLibrary.json           {"tracks": [{"artist", "album", "track", "uri"}],
                                "albums": [{"artist", "album", "uri"}], "artists": [...], ...}
    StreamingHistory_music_N.json, StreamingHistoryN.json (the basic "account data")
                               [{"endTime", "artistName", "trackName", "msPlayed"}]: no album
    Streaming_History_Audio_*.json, endsong_N.json (the extended streaming history)
                               [{"ts", "ms_played", "master_metadata_track_name",
                                 "master_metadata_album_artist_name",
                                 "master_metadata_album_album_name", "spotify_track_uri", ...}]

Saved tracks and albums are `saved`; a stream counts as a play from 30 seconds on
(shorter ones are skips). Podcast episodes and audiobooks (no track name) are left out.
"""
from __future__ import annotations

from typing import Any, Dict, Iterator

from .source import MIN_PLAY_MS, Listen, Problems, Source, count, json_items, text

LIBRARY = "spotify_library"
STREAMING_HISTORY = "spotify_streaming_history"
EXTENDED_HISTORY = "spotify_extended_history"
LIBRARY_KEYS = frozenset({"tracks", "albums", "artists", "shows", "episodes", "bannedTracks",
                          "bannedArtists", "other"})


def looks_like(first: Dict[str, Any]) -> str:
    """The format of a history whose first item is `first`, or "" if it is none of them."""
    if "ts" in first and ("ms_played" in first or any(k.startswith("master_metadata_")
                                                       for k in first)):
        return EXTENDED_HISTORY
    if "endTime" in first and ("trackName" in first or "artistName" in first):
        return STREAMING_HISTORY
    return ""


def read_library(source: Source, problems: Problems, stats: Dict[str, int]) -> Iterator[Listen]:
    for section, needs_track in (("tracks", True), ("albums", False)):
        for n, item in enumerate(json_items(source, f"{section}.item"), 1):
            where = f"{section}[{n}]"
            if not isinstance(item, dict):
                problems.add(where, "is not an object")
                continue
            artist, album, track = text(item.get("artist")), text(item.get("album")), text(item.get("track"))
            missing = [k for k, v in (("artist", artist), ("album", album)) if not v]
            if missing:
                problems.add(where, f"no {' or '.join(repr(k) for k in missing)}")
                continue
            yield Listen(artist, album, track if needs_track else "", 0, True)


def read_streaming_history(source: Source, problems: Problems, stats: Dict[str, int]
                           ) -> Iterator[Listen]:
    for n, item in enumerate(json_items(source), 1):
        where = f"item {n}"
        if not isinstance(item, dict):
            problems.add(where, "is not an object")
            continue
        artist, track, played = text(item.get("artistName")), text(item.get("trackName")), count(item.get("msPlayed"))
        if played is None:
            problems.add(where, "'msPlayed' is missing or not a number")
            continue
        if not artist or not track:
            problems.add(where, "no 'artistName'" if not artist else "no 'trackName'")
            continue
        stats["streams"] += 1
        if played < MIN_PLAY_MS:
            stats["short_streams"] += 1
            continue
        yield Listen(artist, "", track, 1, False)


def read_extended_history(source: Source, problems: Problems, stats: Dict[str, int]
                          ) -> Iterator[Listen]:
    for n, item in enumerate(json_items(source), 1):
        where = f"item {n}"
        if not isinstance(item, dict):
            problems.add(where, "is not an object")
            continue
        played = count(item.get("ms_played"))
        if played is None:
            problems.add(where, "'ms_played' is missing or not a number")
            continue
        track = text(item.get("master_metadata_track_name"))
        if not track:
            stats["not_music"] += 1  # a podcast episode, an audiobook chapter, a video
            continue
        artist = text(item.get("master_metadata_album_artist_name"))
        album = text(item.get("master_metadata_album_album_name"))
        if not artist:
            problems.add(where, "no 'master_metadata_album_artist_name'")
            continue
        stats["streams"] += 1
        if played < MIN_PLAY_MS:
            stats["short_streams"] += 1
            continue
        yield Listen(artist, album, track, 1, False)
