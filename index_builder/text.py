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

from .catalog import display_name

DEFAULT_TEMPLATE = "full-v1"
MAX_CHARS = 1200

_BBCODE = re.compile(r"\[(?:url|/url|b|/b|i|/i|u|/u|l|r|a|m)(?:=[^\]]*)?\]", re.I)


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


def details(tracklist: List[Dict[str, Any]], credits: List[Dict[str, Any]], notes: str) -> str:
    """The Tracks / Credits / Notes lines of full-v1 for one release.

    Ingest renders them once per release, in its parser processes, so an album only
    adds its core lines. `credits` are extra artists as parsed (names still carry the
    Discogs disambiguation suffix); only the first six named ones are read.
    """
    lines = []
    tracks = [t.get("title", "") for t in tracklist]
    if any(tracks):
        lines.append(f"Tracks: {_join(tracks, 15, '; ')}")
    named = []
    for credit in credits:
        name = display_name(credit.get("name") or "")
        if name:
            role = credit.get("role")
            named.append(f"{name} ({role})" if role else name)
            if len(named) == 6:
                break
    if named:
        lines.append(f"Credits: {', '.join(named)}")
    notes = notes_line(notes)
    if notes:
        lines.append(notes)
    return "\n".join(lines)


def notes_line(notes: str) -> str:
    """The Notes line of full-v1: notes without BBCode, white space collapsed, 400
    characters at most; '' when nothing is left."""
    if not notes:
        return ""
    # split() breaks on what the regex \s matches; it is three times faster
    notes = " ".join((_BBCODE.sub("", notes) if "[" in notes else notes).split())
    return f"Notes: {notes[:400]}" if notes else ""


def full_v1(album: Dict[str, Any]) -> str:
    """Core lines, then the `details` of the album's main release (key "details")."""
    lines = _core_lines(album)
    if album.get("details"):
        lines.append(album["details"])
    return "\n".join(lines)[:MAX_CHARS]


TEMPLATES: Dict[str, Callable[[Dict[str, Any]], str]] = {"full-v1": full_v1, "core-v1": core_v1}


def render(album: Dict[str, Any], template: str = DEFAULT_TEMPLATE) -> str:
    return TEMPLATES[template](album)


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()
