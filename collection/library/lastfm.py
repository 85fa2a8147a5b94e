"""Last.fm scrobbles as CSV: `artist,album,track,date`, one scrobble a line, no header,
as the common exporters (lastfm-to-csv and its kind) write them:

    Daft Punk,Discovery,One More Time,03 Feb 2021 21:14

A header line naming the columns (artist, album, track, ...) is read too, in any order.
Read line by line. A row without an artist or a track is reported with its line and
skipped; a row without an album counts as a track-only play.
"""
from __future__ import annotations

import csv
import io
from typing import Dict, Iterator, List, Optional

from .source import Listen, Problems, Source

SCROBBLES = "lastfm_scrobbles_csv"
_COLUMNS = {"artist": ("artist", "artist_name", "artistname"),
            "album": ("album", "album_name", "albumname", "release"),
            "track": ("track", "track_name", "trackname", "title", "name", "song")}


def _header(row: List[str]) -> Optional[Dict[str, int]]:
    names = [cell.strip().lower().replace(" ", "_") for cell in row]
    found = {}
    for column, spellings in _COLUMNS.items():
        for i, name in enumerate(names):
            if name in spellings:
                found.setdefault(column, i)
    return found if {"artist", "track"} <= set(found) else None


def first_row(head: bytes) -> Optional[List[str]]:
    first = head.decode("utf-8", errors="replace").lstrip("\ufeff").splitlines()[:1]
    if not first or "\x00" in first[0]:
        return None
    try:
        return next(csv.reader(first))
    except (csv.Error, StopIteration):
        return None


def looks_like(head: bytes) -> bool:
    """Whether the first line is a header naming artist and track, or a scrobble: 3 to 6
    fields (Apple's 45-column play activity, which names no artist, is neither)."""
    row = first_row(head)
    if row is None:
        return False
    return _header(row) is not None or 3 <= len(row) <= 6


def read_scrobbles(source: Source, problems: Problems, stats: Dict[str, int]) -> Iterator[Listen]:
    text = io.TextIOWrapper(source.rewind(), encoding="utf-8", errors="replace", newline="")
    reader = csv.reader(text, strict=False)
    column = {"artist": 0, "album": 1, "track": 2}
    line = 0
    try:
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                problems.add(f"line {line + 1}", f"unreadable CSV ({exc})")
                if reader.line_num == line:
                    return
                line = reader.line_num
                continue
            first, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if first == 1:
                header = _header(row)
                if header is not None:
                    column = {**{"album": -1}, **header}
                    continue
            if len(row) < 3 and column == {"artist": 0, "album": 1, "track": 2}:
                problems.add(f"line {first}", f"{len(row)} field(s); a scrobble is "
                             "artist,album,track,date")
                continue
            artist, album, track = (row[column[k]].strip() if 0 <= column[k] < len(row) else ""
                                    for k in ("artist", "album", "track"))
            if not artist or not track:
                problems.add(f"line {first}", "no artist" if not artist else "no track")
                continue
            if "\ufffd" in artist + album + track:
                problems.add(f"line {first}", "bytes that are not UTF-8 were replaced with "
                             "\ufffd", skipped=False)
            stats["streams"] += 1
            yield Listen(artist, album, track, 1, False)
    finally:
        text.detach()
