"""What a recommendation may be: genres, styles, formats, year range, country."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, FrozenSet, Iterable, Mapping, Optional


def _folded(values: Optional[Iterable[str]]) -> FrozenSet[str]:
    return frozenset(v.strip().casefold() for v in values or () if v and v.strip())


@dataclass(frozen=True)
class CandidateFilters:
    """Each list matches when any of its values does (case-insensitive); all must match.

    An album without a year fails a year range, one without a country fails a country.
    """

    genres: FrozenSet[str] = frozenset()
    styles: FrozenSet[str] = frozenset()
    formats: FrozenSet[str] = frozenset()
    year_from: Optional[int] = None
    year_to: Optional[int] = None
    country: Optional[str] = None

    @classmethod
    def from_dict(cls, data: Optional[Mapping[str, Any]]) -> "CandidateFilters":
        data = data or {}
        country = data.get("country")
        return cls(_folded(data.get("genres")), _folded(data.get("styles")),
                   _folded(data.get("formats")), data.get("year_from"), data.get("year_to"),
                   country.strip().casefold() if country and country.strip() else None)

    @property
    def active(self) -> bool:
        return bool(self.genres or self.styles or self.formats or self.country
                    or self.year_from is not None or self.year_to is not None)

    def matches(self, album: Dict[str, Any]) -> bool:
        if self.genres and not self.genres & _folded(album["genres"]):
            return False
        if self.styles and not self.styles & _folded(album["styles"]):
            return False
        if self.formats and not self.formats & _folded(album["formats"]):
            return False
        year = album["year"]
        if self.year_from is not None and (year is None or year < self.year_from):
            return False
        if self.year_to is not None and (year is None or year > self.year_to):
            return False
        if self.country and (album["country"] or "").casefold() != self.country:
            return False
        return True
