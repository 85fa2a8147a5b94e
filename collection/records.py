"""One owned or wanted record, whatever it came from (the Discogs API or a CSV export).

A `Record` keeps what resolving it to an album needs (release and master ids, artist
and title), what embedding it needs when the index lacks it (genres, styles, year,
labels, formats) and when it was added (`date_added`, as Discogs writes it: the
evaluator's leave-latest-out holds out the newest), and nothing else: it is what the
collection cache stores.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Mapping, Optional

from index_builder.catalog import artist_credit, display_name

COLLECTION = "collection"
WANTLIST = "wantlist"


@dataclass
class Record:
    release_id: int
    source: str                      # COLLECTION or WANTLIST
    master_id: Optional[int] = None
    rating: Optional[int] = None     # 1-5; None when unrated (Discogs writes 0)
    artist: str = ""
    artists: List[Dict[str, Any]] = field(default_factory=list)  # [{"id", "name"}] (API only)
    title: str = ""
    year: Optional[int] = None
    genres: List[str] = field(default_factory=list)
    styles: List[str] = field(default_factory=list)
    labels: List[str] = field(default_factory=list)
    formats: List[str] = field(default_factory=list)
    line: Optional[int] = None       # line in a CSV export, for messages
    # When it joined the collection or wantlist, as Discogs writes it: "2020-11-18
    # 19:17:05" in exports, "2020-11-18T19:17:05-08:00" from the API. None when unknown.
    date_added: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, [], "")}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Record":
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def album_fields(self) -> Dict[str, Any]:
        """The fields `index_builder.text.render` reads, so an embedded record reads
        like an indexed album (same template, same order of fields)."""
        return {"artist_names": self.artist, "title": self.title, "genres": self.genres,
                "styles": self.styles, "year": self.year, "country": None,
                "labels": self.labels, "formats": self.formats}


def positive_int(value: Any) -> Optional[int]:
    """An id or year as Discogs sends it (int, numeric text, 0 or null for none)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def rating(value: Any) -> Optional[int]:
    number = positive_int(value)
    return number if number is not None and number <= 5 else None


def _names(values: Any, key: str = "name") -> List[str]:
    names = []
    for value in values or []:
        name = value.get(key) if isinstance(value, dict) else None
        if isinstance(name, str) and name.strip():
            names.append(display_name(name.strip()))
    return list(dict.fromkeys(names))


def _strings(values: Any) -> List[str]:
    return [v for v in values or [] if isinstance(v, str) and v.strip()]


def from_api_item(item: Mapping[str, Any], source: str) -> Optional[Record]:
    """A collection or wantlist item of the Discogs API -> Record (None without an id).

    Wantlist items carry no `master_id` in their basic information; collection items do
    (0 when the release has no master).
    """
    info = item.get("basic_information")
    info = info if isinstance(info, dict) else {}
    release_id = positive_int(info.get("id") or item.get("id"))
    if release_id is None:
        return None
    artists = [a for a in info.get("artists") or [] if isinstance(a, dict) and a.get("name")]
    return Record(
        release_id=release_id, source=source, master_id=positive_int(info.get("master_id")),
        rating=rating(item.get("rating")),
        artist=artist_credit([{"name": a["name"], "anv": a.get("anv") or "",
                               "join": a.get("join") or ""} for a in artists]),
        artists=[{"id": positive_int(a.get("id")), "name": display_name(a["name"])}
                 for a in artists],
        title=str(info.get("title") or "").strip(), year=positive_int(info.get("year")),
        genres=_strings(info.get("genres")), styles=_strings(info.get("styles")),
        labels=_names(info.get("labels")), formats=_names(info.get("formats")),
        date_added=_text(item.get("date_added")))


def _text(value: Any) -> Optional[str]:
    return value.strip() or None if isinstance(value, str) else None
