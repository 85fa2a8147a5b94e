"""What every reader shares: one file being read, what it yields, what went wrong.

A `Source` is a seekable binary stream (an upload's temporary spool, a file on disk, a
member of a zip) that readers may rewind to its start. JSON is read item by item with
ijson, never loaded whole; a syntax error is turned into a message with its line.
"""
from __future__ import annotations

import codecs
import json
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Dict, Iterator, List, Optional

import ijson

from ..errors import InvalidLibrary

MAX_REPORTED_PROBLEMS = 100
HEAD_BYTES = 64 * 1024
# A play counts once 30 seconds of it were heard: Spotify's own rule for a stream.
MIN_PLAY_MS = 30_000
# Where a syntax error is, is found by re-reading the file with the json module: only
# for files up to this size (larger ones get the byte offset).
_LOCATE_LIMIT = 128 << 20


@dataclass
class Listen:
    """One row of a library file: an album saved, a track saved or played, or a play."""

    artist: str
    album: str = ""        # "" where the file names no album (Spotify's basic history)
    track: str = ""
    plays: int = 0
    saved: bool = False


@dataclass
class Problem:
    where: str            # "line 12", "item 7", "Tracks > 1234"
    reason: str
    skipped: bool = True  # False: the row was still used

    def to_dict(self) -> Dict[str, Any]:
        return {"where": self.where, "reason": self.reason, "skipped": self.skipped}


@dataclass
class Problems:
    """Problems of one reading: the first `MAX_REPORTED_PROBLEMS` kept, all counted."""

    kept: List[Problem] = field(default_factory=list)
    count: int = 0
    prefix: str = ""      # the member of a zip being read: "MyData/YourLibrary.json: "

    def add(self, where: str, reason: str, skipped: bool = True) -> None:
        self.count += 1
        if len(self.kept) < MAX_REPORTED_PROBLEMS:
            self.kept.append(Problem(self.prefix + where, reason, skipped))

    def first(self, n: int = 3) -> str:
        return "; ".join(f"{p.where}: {p.reason}" for p in self.kept[:n])


class Source:
    """A named, seekable binary stream; `rewind()` goes back past any byte-order mark."""

    def __init__(self, name: str, stream: BinaryIO):
        self.name = name
        self.stream = stream
        self.head = stream.read(HEAD_BYTES)
        self.start = len(codecs.BOM_UTF8) if self.head.startswith(codecs.BOM_UTF8) else 0
        self.rewind()

    def rewind(self) -> BinaryIO:
        self.stream.seek(self.start)
        return self.stream

    def first_byte(self) -> bytes:
        text = self.head[self.start:].lstrip()
        return text[:1]


def text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def count(value: Any) -> Optional[int]:
    """A play count or a duration as a JSON number (or numeric text); None if neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def json_items(source: Source, prefix: str = "item") -> Iterator[Any]:
    """The elements of the JSON array at `prefix` ("item": the top-level array), one at a
    time; a file that is not valid JSON raises `InvalidLibrary` with the line at fault."""
    try:
        yield from ijson.items(source.rewind(), prefix, use_float=True)
    except ijson.JSONError as exc:
        raise InvalidLibrary(syntax_message(source, exc)) from None


def syntax_message(source: Source, exc: Exception) -> str:
    where = _locate(source)
    return (f"{source.name} is not valid JSON ({where or _first_line(str(exc))}); the file "
            "is damaged or cut short: download it again from the service and upload it unchanged")


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0][:200] if message.strip() else "unreadable"


def _locate(source: Source) -> Optional[str]:
    """'line 12 column 5: Expecting ',' delimiter' from the json module, which knows lines."""
    stream = source.rewind()
    data = stream.read(_LOCATE_LIMIT + 1)
    if len(data) > _LOCATE_LIMIT:
        return None
    try:
        json.loads(data.decode("utf-8", errors="replace"))
    except json.JSONDecodeError as exc:
        return f"line {exc.lineno} column {exc.colno}: {exc.msg}"
    except (ValueError, RecursionError):
        return None
    return None
