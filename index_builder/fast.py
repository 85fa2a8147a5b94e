"""The compiled fast path of ingest (index_builder/_fastxml), when it is built.

`_fastxml` turns a piece of a dump straight into what ingest keeps: record dicts, or
for releases the catalogue row and album part, skipping lxml's tree and the Python
converters (about five times less CPU time). It only takes the plain XML the dumps are
made of and raises `Unsupported` for anything else, so every caller falls back to the
Python path, which is the reference: tests/test_fastxml.py checks that both give the
same values on every dump file and edge case.
"""
from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Sequence, Tuple

from . import catalog, text
from .parse import _int_or_none, parse_year

try:  # built by `pip install` from _fastxml/*.c; optional, see setup.py
    from . import _fastxml
except ImportError:  # pragma: no cover - an install without a C compiler
    _fastxml = None
    Unsupported: type = Exception
else:
    _fastxml.setup(_int_or_none, parse_year, catalog.display_name, text.notes_line, text.text_hash)
    Unsupported = _fastxml.Unsupported
    if os.environ.get("DISCOGS_RECS_PURE_PYTHON"):  # to compare, or to rule it out
        _fastxml = None

AVAILABLE = _fastxml is not None
# Why ingest is slow, for the warning it prints when the extension is missing.
MISSING = ("the compiled parser (index_builder/_fastxml) is not built, so ingest runs "
           "several times slower; install a C compiler (e.g. apt install gcc python3-dev) "
           "and reinstall with `make install`")


def parse(document, kind: str) -> Optional[List[Dict[str, Any]]]:
    """parse.parse_document's records, or None where the fast path cannot tell."""
    if _fastxml is None:
        return None
    try:
        return _fastxml.parse(document, kind)
    except Unsupported:
        return None


def release_rows(document, template: str) -> Optional[List[Tuple[tuple, Dict[str, Any]]]]:
    """[(catalog.release_row(record), albums.release_part(record, ...))] for the releases
    of a piece, or None where the fast path cannot tell or does not know the template."""
    if _fastxml is None or template not in ("full-v1", "core-v1"):
        return None
    try:
        return _fastxml.release_rows(document, template == "full-v1")
    except Unsupported:
        return None


def album_row(part: Dict[str, Any], template: str) -> Optional[tuple]:
    """albums.single_album_row(part, template), or None without the compiled path or
    for a template it does not know."""
    if _fastxml is None or template not in ("full-v1", "core-v1"):
        return None
    return _fastxml.album_row(part, template == "full-v1")


def staged_releases(document, template: str, alone: bool) -> Optional[tuple]:
    """ingest._staged(release_rows(...)) in one call: (records read, catalogue rows,
    single albums, member albums, parts), or None as release_rows."""
    if _fastxml is None or template not in ("full-v1", "core-v1"):
        return None
    try:
        return _fastxml.staged_releases(document, template == "full-v1", alone)
    except Unsupported:
        return None


def pack_piece(empty: bytes, read: int, tables: List[Tuple[str, Sequence[tuple]]]) -> Optional[bytes]:
    """chunkdb.pack_in_python's database, or None where it is not compiled."""
    if _fastxml is None or not _fastxml.PACKS_PIECES:
        return None
    return _fastxml.pack_piece(empty, read, tables)
