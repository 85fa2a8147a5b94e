"""Records (a fetched collection and wantlist, or an export) -> the recommendations answer.

The answer has the shape of POST /api/v1/recommendations:
    {"recommendations": [Item], "artists": [...], "unknown_ids": [release ids], "index": {...},
     (each `because` entry also says "source": "collection" or "wantlist")
     "profile": {"albums", "matched": {"release", "master", "artist_title", "embedded"},
                 "unknown", "embedding"}}
Collection ratings (1-5) weight the profile; unrated records get the mean given
rating. Wantlist records count as taste like owned ones, and so, like owned albums,
are never recommended.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Set

from recommender.engine import (DEFAULT_DIVERSITY, DEFAULT_MAX_PER_ARTIST, DEFAULT_STYLE_WEIGHT,
                                Recommender)
from recommender.filters import CandidateFilters
from recommender.store import IndexStore

from .embedding import RecordEmbedder
from .extended_store import ExtendedStore
from .records import COLLECTION, WANTLIST, Record
from .resolve import resolve

EMBEDDED = "embedded"


@dataclass
class RecommendOptions:
    k: int = 20
    strategy: str = "auto"
    filters: Mapping[str, Any] = field(default_factory=dict)
    diversity: float = DEFAULT_DIVERSITY
    max_per_artist: int = DEFAULT_MAX_PER_ARTIST
    style_weight: float = DEFAULT_STYLE_WEIGHT
    exclude_album_ids: Sequence[int] = ()


def _embedding_state(embedder: Optional[RecordEmbedder], wanted: int, done: bool) -> str:
    if embedder is None:
        return "off"
    if wanted == 0 or done:
        return "on"
    return f"unavailable: {embedder.last_error}"


def _mark_sources(items: List[Dict[str, Any]], wanted_release_ids: Set[int]) -> None:
    """Tell owned from wanted in `because` ("source"), so a page can write "because you
    want ..." where "because you own ..." would be wrong."""
    for item in items:
        for entry in item.get("because", []):
            entry["source"] = WANTLIST if entry.get("release_id") in wanted_release_ids else COLLECTION


def recommend_for_records(store: IndexStore, records: List[Record],
                          options: Optional[RecommendOptions] = None,
                          embedder: Optional[RecordEmbedder] = None) -> Dict[str, Any]:
    """Recommend for collection and wantlist records together (their `source` says which;
    both are taste, neither is ever recommended). `embedder` None: records the index
    lacks go to `unknown_ids` instead of being embedded."""
    options = options or RecommendOptions()
    resolved = resolve(store, records)
    weights: Dict[int, float] = {}
    refs: Dict[int, Dict[str, Optional[int]]] = {}
    wanted_release_ids: Set[int] = set()

    def take(album_id: int, record: Record) -> None:
        if album_id not in refs:
            refs[album_id] = {"release_id": record.release_id, "master_id": record.master_id}
            if record.source == WANTLIST:
                wanted_release_ids.add(record.release_id)
        if record.rating:
            weights[album_id] = max(weights.get(album_id, 0.0), float(record.rating))

    # Collection records first, so `because` names the user's own copy, not a wanted one.
    ordered = sorted(records, key=lambda r: r.source != COLLECTION)
    for record in ordered:
        album_id = resolved.album_id(record)
        if album_id is not None:
            take(album_id, record)

    unknown = resolved.unresolved
    engine_store: Any = store
    vectors = embedder.try_vectors(store, unknown) if embedder is not None and unknown else None
    embedded = 0
    if vectors is not None:
        extended = ExtendedStore(store, unknown, vectors)
        for album_id, record in zip(extended.extra_ids, unknown):
            take(album_id, record)
        engine_store, embedded, unknown = extended, len(unknown), []

    result = Recommender(engine_store).recommend(
        list(refs), k=options.k, strategy=options.strategy, weights=weights,
        exclude=options.exclude_album_ids, filters=CandidateFilters.from_dict(options.filters),
        diversity=options.diversity, max_per_artist=options.max_per_artist, owned_refs=refs,
        style_weight=options.style_weight)
    _mark_sources(result.items, wanted_release_ids)
    matched = {how: resolved.how.get(how, 0) for how in ("release", "master", "artist_title")}
    matched[EMBEDDED] = embedded
    return {
        "recommendations": result.items,
        "artists": result.artists,
        "unknown_ids": list(dict.fromkeys(r.release_id for r in unknown)),
        "index": store.summary(),
        "profile": {"albums": len(refs), "matched": matched, "unknown": len(unknown),
                    "embedding": _embedding_state(embedder, len(resolved.unresolved),
                                                  vectors is not None)},
    }
