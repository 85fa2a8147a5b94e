"""Which records to keep: the `--genre/--style/--format/--year-*/--country` filters."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Dict, Iterable, List, Optional, Tuple


def _folded(values: Iterable[str]) -> Tuple[str, ...]:
    return tuple(sorted({v.strip().casefold() for v in values if v and v.strip()}))


@dataclass(frozen=True)
class Filters:
    """Conditions a record must meet; each list matches when any of its values does."""

    genres: Tuple[str, ...] = ()
    styles: Tuple[str, ...] = ()
    formats: Tuple[str, ...] = ()
    countries: Tuple[str, ...] = ()
    year_from: Optional[int] = None
    year_to: Optional[int] = None
    limit: Optional[int] = None
    releases_limit: Optional[int] = None

    @classmethod
    def from_options(cls, genres: Iterable[str] = (), styles: Iterable[str] = (),
                     formats: Iterable[str] = (), countries: Iterable[str] = (),
                     year_from: Optional[int] = None, year_to: Optional[int] = None,
                     limit: Optional[int] = None,
                     releases_limit: Optional[int] = None) -> "Filters":
        return cls(_folded(genres), _folded(styles), _folded(formats), _folded(countries),
                   year_from, year_to, limit, releases_limit)

    def limit_of(self, kind: str) -> Optional[int]:
        """The most records kept of one input ("release" or "master"): --releases-limit
        for the releases dump where given, else --limit."""
        if kind == "release" and self.releases_limit is not None:
            return self.releases_limit
        return self.limit

    @property
    def keeps_everything(self) -> bool:
        """No condition on records (a --limit only stops reading early)."""
        return not (self.genres or self.styles or self.formats or self.countries
                    or self.year_from is not None or self.year_to is not None)

    @property
    def release_only(self) -> bool:
        """Format and country exist on releases only; masters cannot be checked."""
        return bool(self.formats or self.countries)

    def describe(self) -> Dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items()
                if v not in ((), None)}

    def keeps_release(self, record: Dict[str, Any]) -> bool:
        if not self._keeps_common(record):
            return False
        if self.formats:
            names = {f["name"].casefold() for f in record["formats"]}
            names.update(d.casefold() for f in record["formats"] for d in f["descriptions"])
            if not names.intersection(self.formats):
                return False
        if self.countries and record["country"].casefold() not in self.countries:
            return False
        return True

    def keeps_master(self, record: Dict[str, Any]) -> bool:
        return self._keeps_common(record)

    def _keeps_common(self, record: Dict[str, Any]) -> bool:
        if self.genres and not _any_in(record["genres"], self.genres):
            return False
        if self.styles and not _any_in(record["styles"], self.styles):
            return False
        year = record["year"]
        if self.year_from is not None and (year is None or year < self.year_from):
            return False
        if self.year_to is not None and (year is None or year > self.year_to):
            return False
        return True


def _any_in(values: List[str], wanted: Tuple[str, ...]) -> bool:
    return any(v.casefold() in wanted for v in values)


NO_FILTERS = Filters()
