"""Any library file -> what it says was saved and played, album by album.

The format is found from the content, never the file name: a zip is opened and each
member detected in turn; a JSON object with Spotify's library keys is YourLibrary.json;
a JSON array is told apart by the keys of its first item; XML is a Music/iTunes plist;
anything else that reads as rows of three fields or more is a Last.fm CSV.

Everything is streamed: what is kept in memory is one entry per distinct album (or, for
track-only histories, per distinct track), never the rows.
"""
from __future__ import annotations

import contextlib
import posixpath
import shutil
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Callable, Dict, Iterator, List, Optional, Tuple

import ijson

from ..errors import InvalidLibrary
from . import apple, lastfm, spotify
from .normalise import key
from .source import Listen, Problems, Source, syntax_message

Reader = Callable[[Source, Problems, Dict[str, int]], Iterator[Listen]]
ZIP = "zip"
PODCAST_HISTORY = "spotify_podcast_history"
MAX_UNZIPPED_BYTES = 4 << 30   # an account export holding more than this is not one
MAX_ZIP_DEPTH = 2              # Apple_Media_Services.zip > Apple Music Activity/...json.zip
SPOOL_IN_MEMORY = 8 << 20      # a zip inside a zip is unpacked here (then a temporary file)
READERS: Dict[str, Reader] = {
    spotify.LIBRARY: spotify.read_library,
    spotify.STREAMING_HISTORY: spotify.read_streaming_history,
    spotify.EXTENDED_HISTORY: spotify.read_extended_history,
    apple.LIBRARY_TRACKS: apple.read_library_tracks,
    apple.LIBRARY_XML: apple.read_library_xml,
    lastfm.SCROBBLES: lastfm.read_scrobbles,
}
FORMATS = tuple(READERS)
EXPECTED = ("Spotify (YourLibrary.json, StreamingHistory_music_N.json, Streaming_History_Audio_"
            "*.json / endsong_N.json, or the export's zip), Apple Music (Apple Music Library "
            "Tracks.json, or Library.xml from Music > File > Library > Export Library) or "
            "Last.fm scrobbles (CSV: artist,album,track,date)")


@dataclass
class AlbumRead:
    artist: str
    album: str
    plays: int = 0
    saved: bool = False


@dataclass
class TrackRead:
    """A track of a history that names no album: matched through tracklists."""

    artist: str
    track: str
    plays: int = 0
    saved: bool = False


@dataclass
class LibraryRead:
    format: str
    albums: Dict[Tuple[str, str], AlbumRead] = field(default_factory=dict)
    tracks: Dict[Tuple[str, str], TrackRead] = field(default_factory=dict)
    problems: Problems = field(default_factory=Problems)
    stats: Counter = field(default_factory=Counter)
    files: List[Dict[str, Any]] = field(default_factory=list)   # the members of a zip

    def add(self, listen: Listen) -> None:
        artist_key = key(listen.artist)
        if listen.album:
            entry = self.albums.get((artist_key, key(listen.album)))
            if entry is None:
                entry = self.albums[(artist_key, key(listen.album))] = AlbumRead(listen.artist, listen.album)
        else:
            entry = self.tracks.get((artist_key, key(listen.track)))
            if entry is None:
                entry = self.tracks[(artist_key, key(listen.track))] = TrackRead(listen.artist, listen.track)
        entry.plays += listen.plays
        entry.saved = entry.saved or listen.saved
        self.stats["rows"] += 1
        self.stats["plays"] += listen.plays

    def read(self, listens: Iterator[Listen]) -> None:
        for listen in listens:
            self.add(listen)

    def summary(self) -> Dict[str, Any]:
        """What was read: the reading half of the answer's `library` object."""
        out: Dict[str, Any] = {
            "format": self.format, "albums_read": len(self.albums), "tracks_read": len(self.tracks),
            "rows": self.stats["rows"], "plays": self.stats["plays"],
            "short_plays": self.stats["short_streams"], "not_music": self.stats["not_music"],
            "problems": self.problems.count,
            "problem_rows": [p.to_dict() for p in self.problems.kept]}
        if self.files:
            out["files"] = self.files
        return out


# -- detection ------------------------------------------------------------------------------

def detect(source: Source) -> Tuple[Optional[str], str]:
    """(format, "") or (None, why it is none of them)."""
    first = source.first_byte()
    if first == b"{":
        return _detect_object(source)
    if first == b"[":
        return _detect_array(source)
    if first == b"<":
        return apple.LIBRARY_XML, ""
    if not first:
        return None, "it is empty"
    row = lastfm.first_row(source.head[source.start:]) or []
    if "release_id" in [cell.strip().lower() for cell in row]:
        return None, ("it is a Discogs collection or wantlist export: upload it as an export "
                      "(POST /api/v1/recommendations/from-export, `--export`)")
    if lastfm.looks_like(source.head[source.start:]):
        return lastfm.SCROBBLES, ""
    return None, "it is neither JSON, a plist nor a CSV of scrobbles"


def _detect_object(source: Source) -> Tuple[Optional[str], str]:
    try:
        for prefix, event, value in ijson.parse(source.rewind()):
            if prefix == "" and event == "map_key":
                if value in spotify.LIBRARY_KEYS:
                    return spotify.LIBRARY, ""
                return None, f"a JSON object whose first key is {str(value)[:40]!r}"
            if prefix == "" and event == "end_map":
                return None, "an empty JSON object"
    except ijson.JSONError as exc:
        raise InvalidLibrary(syntax_message(source, exc)) from None
    return None, "a JSON object"


def _detect_array(source: Source) -> Tuple[Optional[str], str]:
    try:
        first = next(iter(ijson.items(source.rewind(), "item", use_float=True)), None)
    except ijson.JSONError as exc:
        raise InvalidLibrary(syntax_message(source, exc)) from None
    if first is None:
        return None, "an empty JSON array"
    if not isinstance(first, dict):
        return None, f"a JSON array of {type(first).__name__}s, not of objects"
    found = spotify.looks_like(first) or apple.looks_like(first)
    if found:
        return found, ""
    if "podcastName" in first or "episodeName" in first:
        return PODCAST_HISTORY, ""
    keys = ", ".join(repr(k) for k in list(first)[:8])
    return None, f"a JSON array whose first item has the keys {keys[:300]}"


# -- reading --------------------------------------------------------------------------------

def read_library(stream: BinaryIO, name: str = "the file") -> LibraryRead:
    """Read one library file (a seekable binary stream); `InvalidLibrary` if it is none of
    the formats, is damaged, or holds nothing usable."""
    source = Source(name, stream)
    if source.head.startswith(b"PK\x03\x04"):
        library = _read_zip(stream, name)
    else:
        found, why = detect(source)
        if found == PODCAST_HISTORY:
            raise InvalidLibrary(f"{name} is Spotify's podcast history; upload the music "
                                 "history (StreamingHistory_music_N.json) instead")
        if found is None:
            raise InvalidLibrary(f"{name} is not a library file this reads ({why}); upload "
                                 f"one of: {EXPECTED}")
        library = LibraryRead(found)
        library.read(READERS[found](source, library.problems, library.stats))
    if not library.albums and not library.tracks:
        detail = library.problems.first()
        short = library.stats["short_streams"]
        raise InvalidLibrary(
            f"{name} ({library.format}) holds no usable album or track"
            + (f"; {detail}" if detail else "")
            + (f"; {short} plays shorter than 30 seconds were skipped" if short else ""))
    return library


@dataclass
class _Member:
    name: str                    # as reported: "outer.zip/inner.zip/file.json" for nested zips
    archive: zipfile.ZipFile
    info: zipfile.ZipInfo
    kind: str


def _open_zip(stream: BinaryIO, name: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InvalidLibrary(f"{name} is a zip file that cannot be read ({exc}); download "
                             "the export again") from None


def _scan_zip(archive: zipfile.ZipFile, name: str, prefix: str, depth: int, library: LibraryRead,
              found: List[_Member], stack: contextlib.ExitStack, unpacked: List[int]) -> None:
    """Detect every member; a zip inside (Apple's export zips each file) is opened too."""
    members = [m for m in archive.infolist() if not m.is_dir()
               and not m.filename.startswith("__MACOSX/")
               and not posixpath.basename(m.filename).startswith(".")]
    unpacked[0] += sum(m.file_size for m in members)
    if unpacked[0] > MAX_UNZIPPED_BYTES:
        raise InvalidLibrary(f"{name} unpacks to more than {MAX_UNZIPPED_BYTES >> 30} GiB: "
                             "upload the files of the export one by one")
    for member in members:
        shown = prefix + member.filename
        try:
            with archive.open(member) as handle:
                source = Source(shown, handle)
                if source.head.startswith(b"PK\x03\x04") and depth < MAX_ZIP_DEPTH:
                    spool = stack.enter_context(tempfile.SpooledTemporaryFile(SPOOL_IN_MEMORY))
                    shutil.copyfileobj(source.rewind(), spool, 1 << 20)
                    inner = stack.enter_context(_open_zip(spool, shown))
                    _scan_zip(inner, name, shown + "/", depth + 1, library, found, stack, unpacked)
                    continue
                kind, _ = detect(source)
        except InvalidLibrary as exc:
            library.files.append({"name": shown, "format": None, "skipped": exc.message})
            continue
        except (zipfile.BadZipFile, RuntimeError, OSError, NotImplementedError) as exc:
            raise InvalidLibrary(f"{name}: {shown} cannot be unpacked ({exc})") from None
        if kind in READERS:
            found.append(_Member(shown, archive, member, kind))


def _read_zip(stream: BinaryIO, name: str) -> LibraryRead:
    library = LibraryRead(ZIP)
    found: List[_Member] = []
    with contextlib.ExitStack() as stack:
        archive = stack.enter_context(_open_zip(stream, name))
        _scan_zip(archive, name, "", 0, library, found, stack, [0])
        extended = any(m.kind == spotify.EXTENDED_HISTORY for m in found)
        for member in found:
            entry: Dict[str, Any] = {"name": member.name, "format": member.kind}
            library.files.append(entry)
            if extended and member.kind == spotify.STREAMING_HISTORY:
                entry["skipped"] = "the extended streaming history holds these plays too"
                continue
            library.problems.prefix = f"{member.name}: "
            before = library.stats["rows"]
            try:
                with member.archive.open(member.info) as handle:
                    library.read(READERS[member.kind](Source(member.name, handle),
                                                      library.problems, library.stats))
            except (zipfile.BadZipFile, OSError) as exc:
                raise InvalidLibrary(f"{name}: {member.name} cannot be unpacked ({exc})") from None
            entry["rows"] = library.stats["rows"] - before
        library.problems.prefix = ""
    if not found:
        skipped = "; ".join(f["skipped"] for f in library.files if f.get("skipped"))[:600]
        raise InvalidLibrary(f"{name} is a zip holding no library file this reads"
                             + (f" ({skipped})" if skipped else "") + f"; expected {EXPECTED}")
    return library
