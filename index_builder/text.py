"""The text each album is embedded from. Versioned: a change of template is a new name.

Fields go from the strongest taste signal to the weakest, because the model reads at
most 256 word pieces and drops the rest:

full-v1 (default)
    {artists} - {title}
    Genres: {genres}. Styles: {styles}.
    Year: {year}. Country: {country}. Labels: {up to 3 labels}. Formats: {formats}.
    Tracks: {up to 15 track titles, '; '}
    Credits: {up to 6 'name (role)'}
    Notes: {notes without BBCode links, up to 400 characters}
    ... then the whole text cut at 1,200 characters.

core-v1
    The first three lines only: what the masters dump alone can say about an album.

Empty fields are left out, so a masters-only album reads like core-v1 under either.
"""
from __future__ import annotations

import hashlib
import re
from typing import Any, Callable, Dict, List

DEFAULT_TEMPLATE = "full-v1"
MAX_CHARS = 1200

_BBCODE = re.compile(r"\[(?:url|/url|b|/b|i|/i|u|/u|l|r|a|m)(?:=[^\]]*)?\]", re.I)
_SPACE = re.compile(r"\s+")


def _join(values: List[str], limit: int, sep: str = ", ") -> str:
    return sep.join(v for v in values[:limit] if v)


def _core_lines(album: Dict[str, Any]) -> List[str]:
    lines = [f"{album['artist_names']} - {album['title']}".strip(" -")]
    taste = []
    if album["genres"]:
        taste.append(f"Genres: {_join(album['genres'], 6)}.")
    if album["styles"]:
        taste.append(f"Styles: {_join(album['styles'], 8)}.")
    if taste:
        lines.append(" ".join(taste))
    facts = []
    for label, value in (("Year", album.get("year")), ("Country", album.get("country")),
                         ("Labels", _join(album.get("labels") or [], 3)),
                         ("Formats", _join(album.get("formats") or [], 4))):
        if value:
            facts.append(f"{label}: {value}.")
    if facts:
        lines.append(" ".join(facts))
    return lines


def core_v1(album: Dict[str, Any]) -> str:
    return "\n".join(_core_lines(album))[:MAX_CHARS]


def full_v1(album: Dict[str, Any]) -> str:
    lines = _core_lines(album)
    tracks = [t.get("title", "") for t in album.get("tracklist") or []]
    if any(tracks):
        lines.append(f"Tracks: {_join(tracks, 15, '; ')}")
    credits = [f"{c['name']} ({c['role']})" if c.get("role") else c["name"]
               for c in album.get("credits") or [] if c.get("name")]
    if credits:
        lines.append(f"Credits: {_join(credits, 6)}")
    notes = _SPACE.sub(" ", _BBCODE.sub("", album.get("notes") or "")).strip()
    if notes:
        lines.append(f"Notes: {notes[:400]}")
    return "\n".join(lines)[:MAX_CHARS]


TEMPLATES: Dict[str, Callable[[Dict[str, Any]], str]] = {"full-v1": full_v1, "core-v1": core_v1}


def render(album: Dict[str, Any], template: str = DEFAULT_TEMPLATE) -> str:
    return TEMPLATES[template](album)


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()
