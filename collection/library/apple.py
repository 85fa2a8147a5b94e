"""Apple Music's privacy export and the Music (iTunes) library file.

    Apple Music Library Tracks.json   [{"Title", "Artist", "Album Artist", "Album",
                                        "Play Count", ...}]  (privacy.apple.com export)
    Library.xml                       Music > File > Library > Export Library: a plist,
                                      <dict><key>Tracks</key><dict><key>ID</key><dict>
                                      <key>Name</key><string>..</string>... per track

Every track in a library is `saved`; its "Play Count" (absent: never played) adds plays.
The album's artist is "Album Artist" where given (compilations credit each track's
artist), else "Artist". Podcasts, videos and audiobooks are left out.

Library.xml is read with lxml's iterparse, one track at a time, each element freed once
read, without loading its DTD or entities (a plist names Apple's DTD by URL).
"""
from __future__ import annotations

from typing import Any, Dict, Iterator, Optional

from lxml import etree

from ..errors import InvalidLibrary
from .source import Listen, Problems, Source, count, json_items, text

LIBRARY_TRACKS = "apple_music_library_tracks"
LIBRARY_XML = "itunes_library_xml"
TRACK_KEYS = frozenset({"Title", "Album", "Album Artist", "Play Count", "Track Play Count"})
_NOT_MUSIC_FLAGS = ("Podcast", "Movie", "Has Video", "TV Show", "Music Video", "Is Podcast",
                    "Audiobook")


def looks_like(first: Dict[str, Any]) -> str:
    return LIBRARY_TRACKS if len(TRACK_KEYS & set(first)) >= 2 else ""


def _not_music(fields: Dict[str, Any]) -> bool:
    if any(fields.get(flag) is True for flag in _NOT_MUSIC_FLAGS):
        return True
    kind = " ".join(text(fields.get(k)).lower() for k in ("Kind", "Media Kind", "Content Type",
                                                           "Media Type"))
    return any(word in kind for word in ("video", "podcast", "book", "movie"))


def _listen(fields: Dict[str, Any], title_key: str, where: str, problems: Problems,
            stats: Dict[str, int]) -> Optional[Listen]:
    if _not_music(fields):
        stats["not_music"] += 1
        return None
    artist = text(fields.get("Album Artist")) or text(fields.get("Artist"))
    album, title = text(fields.get("Album")), text(fields.get(title_key))
    if not artist:
        problems.add(where, "no 'Artist' or 'Album Artist'")
        return None
    if not album and not title:
        problems.add(where, f"no 'Album' or '{title_key}'")
        return None
    raw_plays = fields.get("Play Count", fields.get("Track Play Count"))
    plays = count(raw_plays) if raw_plays is not None else 0
    if plays is None:
        problems.add(where, f"'Play Count' {str(raw_plays)[:20]!r} is not a number; counted as 0",
                     skipped=False)
        plays = 0
    return Listen(artist, album, title, plays, True)


def read_library_tracks(source: Source, problems: Problems, stats: Dict[str, int]
                        ) -> Iterator[Listen]:
    for n, item in enumerate(json_items(source), 1):
        if not isinstance(item, dict):
            problems.add(f"item {n}", "is not an object")
            continue
        listen = _listen(item, "Title", f"item {n}", problems, stats)
        if listen is not None:
            yield listen


_VALUE = {"string": lambda e: e.text or "", "integer": lambda e: _int(e.text),
          "real": lambda e: _float(e.text), "true": lambda e: True, "false": lambda e: False,
          "date": lambda e: e.text or ""}


def _int(value: Optional[str]) -> Any:
    try:
        return int((value or "").strip())
    except ValueError:
        return value


def _float(value: Optional[str]) -> Any:
    try:
        return float((value or "").strip())
    except ValueError:
        return value


def _fields(track: etree._Element) -> Dict[str, Any]:
    fields: Dict[str, Any] = {}
    name: Optional[str] = None
    for child in track:
        if child.tag == "key":
            name = (child.text or "").strip()
        elif name is not None:
            reader = _VALUE.get(child.tag)
            fields[name] = reader(child) if reader else None
            name = None
    return fields


def read_library_xml(source: Source, problems: Problems, stats: Dict[str, int]
                     ) -> Iterator[Listen]:
    """plist > dict > (key "Tracks", dict > (key ID, dict = one track)*), ...: depth 4 dicts
    under the Tracks dict are tracks; everything else (playlists) is skipped."""
    parser = etree.iterparse(source.rewind(), events=("start", "end"), resolve_entities=False,
                             no_network=True, load_dtd=False, huge_tree=True)
    depth, root_key, in_tracks, seen_plist = 0, "", False, False
    try:
        for event, element in parser:
            if event == "start":
                depth += 1
                if depth == 1:
                    seen_plist = element.tag == "plist"
                    if not seen_plist:
                        raise InvalidLibrary(f"{source.name}: an XML file whose root is "
                                             f"<{element.tag[:40]}>, not a Music or iTunes "
                                             "library (<plist>); in Music choose File > Library "
                                             "> Export Library")
                elif depth == 3:
                    in_tracks = element.tag == "dict" and root_key == "Tracks"
                continue
            if depth == 3 and element.tag == "key":
                root_key = (element.text or "").strip()
            elif depth == 4 and in_tracks and element.tag == "dict":
                line = element.sourceline
                listen = _listen(_fields(element), "Name", f"line {line}", problems, stats)
                if listen is not None:
                    yield listen
            if depth == 4 or (depth == 3 and element.tag != "key"):
                element.clear(keep_tail=True)
                parent = element.getparent()
                while parent is not None and element.getprevious() is not None:
                    del parent[0]
            depth -= 1
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else exc.lineno
        raise InvalidLibrary(f"{source.name} is not valid XML (line {line}: {exc.msg}); the "
                             "file is damaged or cut short: export the library again") from None
    if not seen_plist:
        raise InvalidLibrary(f"{source.name} holds no XML element")
