"""Stream `<release>` and `<master>` records out of the official Discogs XML dumps.

Memory stays constant however large the dump: lxml's iterparse hands over one record
at a time and every finished record is cleared and detached from the root.

The parser tolerates every format seen since 2017 (see ../shared/data/README.md):
optional `status`, vanished `<images>`, omitted empty children, `master_id` missing or
0, free-text `released`, nested `<sub_tracks>`.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

from lxml import etree

from .sources import DECOMPRESS_ERRORS, DumpError, DumpSource

Record = Dict[str, Any]

_YEAR = re.compile(r"(\d{4})")


def parse_year(released: Optional[str]) -> Optional[int]:
    """The year of a free-text `released` value ('1999-03-00', '1999', '') or None."""
    if not released:
        return None
    match = _YEAR.search(released)
    if not match:
        return None
    year = int(match.group(1))
    return year if 1860 <= year <= 2100 else None


def _text(element) -> str:
    text = element.text
    return text.strip() if text else ""


# The largest id: SQLite's INTEGER is 64-bit, signed; a larger number is not an id (a
# record with one is skipped, as one without an id)
MAX_ID = 2 ** 63 - 1


def _int_or_none(value: Optional[str]) -> Optional[int]:
    if value is None:
        return None
    if not value.isdigit():  # the usual case is a plain positive number
        value = value.strip()
        if not value.isdigit():  # empty, negative or not a number
            return None
    try:
        number = int(value)
    except ValueError:  # digits int() does not read, such as superscripts
        return None
    return number if 0 < number <= MAX_ID else None


# The converters below run once per element of a 60 GB dump, so they avoid helper calls
# in their inner loops; each keeps the keys of its dicts in one fixed order.
_ARTIST_TEXT = frozenset(("name", "anv", "join", "role", "tracks"))
_TRACK_TEXT = frozenset(("position", "title", "duration"))


def _artists(container) -> List[Dict[str, Any]]:
    artists = []
    for artist in container:
        if artist.tag != "artist":
            continue
        entry: Dict[str, Any] = {"id": None, "name": "", "anv": "", "join": ""}
        for child in artist:
            tag = child.tag
            if tag in _ARTIST_TEXT:
                text = child.text
                entry[tag] = text.strip() if text else ""
            elif tag == "id":
                entry["id"] = _int_or_none(child.text)
        artists.append(entry)
    return artists


def _strings(container, tag: str) -> List[str]:
    return [text.strip() for child in container if child.tag == tag and (text := child.text)]


def _tracks(container) -> List[Dict[str, Any]]:
    tracks = []
    for track in container:
        if track.tag != "track":
            continue
        entry: Dict[str, Any] = {"position": "", "title": "", "duration": ""}
        for child in track:
            tag = child.tag
            if tag in _TRACK_TEXT:
                text = child.text
                if text:
                    entry[tag] = text.strip()
            elif tag == "sub_tracks":
                entry["sub_tracks"] = _tracks(child)
        tracks.append(entry)
    return tracks


def _videos(container) -> List[Dict[str, Any]]:
    videos = []
    for video in container:
        if video.tag != "video":
            continue
        title = ""
        for child in video:
            if child.tag == "title":
                text = child.text
                title = text.strip() if text else ""
        videos.append({"url": video.get("src", ""), "title": title,
                       "duration": _int_or_none(video.get("duration"))})
    return videos


def _formats(container) -> List[Dict[str, Any]]:
    formats = []
    for fmt in container:
        if fmt.tag != "format":
            continue
        descriptions: List[str] = []
        for child in fmt:
            if child.tag == "descriptions":
                descriptions = _strings(child, "description")
        get = fmt.get
        formats.append({"name": get("name", ""), "qty": get("qty", ""),
                        "text": get("text", ""), "descriptions": descriptions})
    return formats


def _labels(container, tag: str = "label") -> List[Dict[str, Any]]:
    return [{"id": _int_or_none(label.get("id")), "name": label.get("name", ""),
             "catno": label.get("catno", "")}
            for label in container if label.tag == tag]


_RELEASE_TEXT = frozenset(("title", "country", "released", "notes", "data_quality"))


def release_from_element(element) -> Record:
    """Turn one `<release>` element into a plain dict."""
    record: Record = {
        "release_id": _int_or_none(element.get("id")), "status": element.get("status"),
        "title": "", "artists": [], "extra_artists": [], "labels": [], "series": [],
        "formats": [], "genres": [], "styles": [], "country": "", "released": "",
        "notes": "", "data_quality": "", "master_id": None, "is_main_release": False,
        "tracklist": [], "videos": [],
    }
    for child in element:
        tag = child.tag
        if tag in _RELEASE_TEXT:
            text = child.text
            if text:
                record[tag] = text.strip()
        elif tag == "artists":
            record["artists"] = _artists(child)
        elif tag == "tracklist":
            record["tracklist"] = _tracks(child)
        elif tag == "extraartists":
            record["extra_artists"] = _artists(child)
        elif tag == "labels":
            record["labels"] = _labels(child)
        elif tag == "formats":
            record["formats"] = _formats(child)
        elif tag == "genres":
            record["genres"] = _strings(child, "genre")
        elif tag == "styles":
            record["styles"] = _strings(child, "style")
        elif tag == "master_id":
            record["master_id"] = _int_or_none(child.text)
            record["is_main_release"] = child.get("is_main_release") == "true"
        elif tag == "videos":
            record["videos"] = _videos(child)
        elif tag == "series":
            record["series"] = _labels(child, "series")
    record["year"] = parse_year(record["released"])
    return record


_MASTER_TEXT = frozenset(("title", "data_quality"))


def master_from_element(element) -> Record:
    """Turn one `<master>` element into a plain dict."""
    record: Record = {
        "master_id": _int_or_none(element.get("id")), "main_release": None, "title": "",
        "artists": [], "genres": [], "styles": [], "year": None, "data_quality": "",
        "videos": [],
    }
    for child in element:
        tag = child.tag
        if tag in _MASTER_TEXT:
            text = child.text
            if text:
                record[tag] = text.strip()
        elif tag == "main_release":
            record["main_release"] = _int_or_none(child.text)
        elif tag == "artists":
            record["artists"] = _artists(child)
        elif tag == "genres":
            record["genres"] = _strings(child, "genre")
        elif tag == "styles":
            record["styles"] = _strings(child, "style")
        elif tag == "year":
            record["year"] = parse_year(child.text)
        elif tag == "videos":
            record["videos"] = _videos(child)
    return record


_KINDS: Dict[str, Callable[[Any], Record]] = {
    "release": release_from_element,
    "master": master_from_element,
}


# Half a megabyte: a piece parses and converts while its tree is still in the CPU cache
# (4 MB pieces cost a quarter more CPU time per record; see docs/benchmarks.md).
CHUNK_BYTES = 512 << 10


def iter_chunks(source: DumpSource, kind: str, chunk_bytes: int = CHUNK_BYTES
                ) -> Iterator[Tuple[int, bytes]]:
    """Split a dump into (offset, bytes) pieces that each hold whole records.

    Splitting on the closing tag is safe: markup inside text is always escaped in the
    dumps. Pieces parse independently, which lets ingest spread parsing over processes.
    """
    closing = f"</{kind}>".encode()
    expected = kind + "s"
    head = _read(source, kind, 1 << 16)
    prolog = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", b"", head, flags=re.S)
    match = _ROOT.search(prolog)
    if not head.strip():
        raise DumpError(f"{source.name}: the file is empty; pass a Discogs {expected} dump")
    if match is None:
        raise DumpError(f"{source.name}: not an XML dump (no root element in the first "
                        f"64 KiB); pass the discogs_YYYYMMDD_{expected}.xml.gz file")
    root = match.group(1).decode()
    if root != expected:
        article = "an" if expected[0] in "aeiou" else "a"
        raise DumpError(f"{source.name}: this is not {article} {expected} dump (its root element is "
                        f"<{root}>, expected <{expected}>); pass the "
                        f"discogs_YYYYMMDD_{expected}.xml.gz file")
    root_open = re.search(rb"<" + match.group(1) + rb"[^>]*>", head)
    buffer = head[root_open.end():]
    offset = len(head) - len(buffer)
    while True:
        block = _read(source, kind, chunk_bytes)
        buffer += block
        cut = buffer.rfind(closing)
        if cut >= 0 and (block == b"" or len(buffer) >= chunk_bytes):
            cut += len(closing)
            yield offset, buffer[:cut]
            offset += cut
            buffer = buffer[cut:]
        if not block:
            break
    tail = buffer.strip()
    if tail != f"</{expected}>".encode():
        closed = tail.endswith(f"</{expected}>".encode())
        what = ("unexpected text after the last record" if closed
                else f"it ends before the closing </{expected}> tag")
        raise DumpError(f"{source.name}: the XML is truncated or malformed ({what}) near "
                        f"byte {offset:,} of the decompressed stream; download the dump again")


def _read(source: DumpSource, kind: str, size: int) -> bytes:
    try:
        return source.stream.read(size)
    except DECOMPRESS_ERRORS as exc:
        raise DumpError(f"{source.name}: the file is truncated or corrupt ({exc}) near "
                        f"compressed byte {source.bytes_read:,}; download the dump again") from exc


_PARSER = etree.XMLParser(huge_tree=True, resolve_entities=False, remove_blank_text=True)


class ChunkSyntaxError(Exception):
    """A piece is not well-formed XML. Unlike lxml's error it pickles across processes."""

    def __init__(self, msg: str, lineno: Optional[int]):
        super().__init__(msg, lineno)
        self.msg = msg
        self.lineno = lineno


def _parse_xml(chunk: bytes):
    return etree.fromstring(b"<r>" + chunk + b"</r>", _PARSER)


def parse_chunk(chunk: bytes, kind: str) -> List[Record]:
    """Parse one piece from iter_chunks into records (raises ChunkSyntaxError)."""
    return parse_document(b"<r>" + chunk + b"</r>", kind)


def parse_document(document, kind: str) -> List[Record]:
    """parse_chunk for a piece already wrapped in `<r>...</r>`, as bytes or any buffer
    (ingest's workers parse it in place, in shared memory).

    The compiled fast path does the work when it is built and the piece is the plain
    XML the dumps are made of; otherwise, or to report an error, lxml does.
    """
    from . import fast  # imports this module

    records = fast.parse(document, kind)
    return records if records is not None else parse_document_lxml(document, kind)


def parse_document_lxml(document, kind: str) -> List[Record]:
    """parse_document through lxml and the converters above: the reference the fast
    path is tested against, and what reports malformed XML."""
    convert = _KINDS[kind]
    id_key = f"{kind}_id"
    try:
        root = etree.fromstring(document, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ChunkSyntaxError(exc.msg, exc.lineno) from None
    records = []
    for element in root:
        if element.tag == kind:
            record = convert(element)
            if record[id_key] is not None:
                records.append(record)
    return records


def chunk_error(source_name: str, kind: str, offset: int, chunk: bytes,
                exc: Exception) -> DumpError:
    """A one-line error for a piece that failed to parse, naming where it failed."""
    first = re.search(rb"<%s id=\"(\d+)\"" % kind.encode(), chunk)
    near = f" in the {kind}s starting at {kind} {first.group(1).decode()}" if first else ""
    line = getattr(exc, "lineno", None)
    if line:
        # Line numbers count from the piece; turn them back into a byte offset.
        lines = chunk.split(b"\n", line - 1)
        offset += sum(len(part) + 1 for part in lines[:-1])
    message = getattr(exc, "msg", None) or str(exc)
    return DumpError(f"{source_name}: malformed XML ({message}){near}, near byte "
                     f"{offset:,} of the decompressed stream; download the dump again "
                     "or report the record")


def iter_records(source: DumpSource, kind: str) -> Iterator[Record]:
    """Yield every `<release>` or `<master>` of an opened dump, in file order."""
    for offset, chunk in iter_chunks(source, kind):
        try:
            records = parse_chunk(chunk, kind)
        except ChunkSyntaxError as exc:
            raise chunk_error(source.name, kind, offset, chunk, exc) from exc
        yield from records


_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*)[\s>/]")
