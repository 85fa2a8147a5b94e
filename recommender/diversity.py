"""Pick k from a ranked pool: maximal marginal relevance (MMR) and a cap per artist."""
from __future__ import annotations

from collections import Counter
from typing import Any, Dict, List, Sequence

import numpy as np

from .items import artist_keys


def select(pool: Sequence[Dict[str, Any]], relevance: np.ndarray, vectors: np.ndarray, k: int,
           diversity: float = 0.0, max_per_artist: int = 0, cap_within: int = 0) -> List[int]:
    """Positions in `pool` (ranked best first) of the k albums to show, in show order.

    Each step takes the album maximising (1 - diversity) * relevance - diversity *
    (its highest cosine similarity to an album already taken); relevance is rescaled
    to 0..1 within the pool so that the trade-off means the same for every strategy.
    diversity 0 keeps the ranking. An album whose artist already has `max_per_artist`
    albums taken is skipped (0: no cap) while fewer than `cap_within` albums are taken
    (0: the whole list); from then on the cap is lifted and the skipped albums compete
    again. Ties go to the earlier pool position, so the same pool gives the same picks.
    """
    n = len(pool)
    if n == 0 or k <= 0:
        return []
    rel = np.asarray(relevance, dtype=np.float64)
    spread = rel.max() - rel.min()
    rel = (rel - rel.min()) / spread if spread > 0 else np.ones(n)
    closest = np.full(n, -np.inf) if diversity > 0 else np.zeros(n)
    available = np.ones(n, dtype=bool)
    per_artist: Counter = Counter()
    chosen: List[int] = []
    keys = [artist_keys(album) for album in pool]
    skipped: List[int] = []
    while len(chosen) < k:
        if cap_within and len(chosen) >= cap_within and max_per_artist:
            available[skipped] = True  # the cap is over: skipped albums compete again
            skipped = []
            max_per_artist = 0
        if not available.any():
            break
        penalty = np.where(np.isfinite(closest), closest, 0.0)
        gain = (1.0 - diversity) * rel - diversity * penalty
        gain = np.where(available, gain, -np.inf)
        best = int(np.argmax(gain))  # argmax returns the first maximum: earlier wins ties
        available[best] = False
        if max_per_artist and any(per_artist[a] >= max_per_artist for a in keys[best]):
            skipped.append(best)
            continue
        chosen.append(best)
        per_artist.update(set(keys[best]))
        if diversity > 0:
            closest = np.maximum(closest, vectors @ vectors[best])
    return chosen
