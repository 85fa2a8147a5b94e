"""The methods evaluated side by side: baselines, the recommender's strategies, the
engine's default scoring, the served path, and hybrid settings (the recommender's score
plus weighted side signals).

The style signal of every row is the engine's own: `recommender` and the hybrid rows
call `Recommender.score_catalogue(..., style_weight=...)`; the strategy rows are the
engine with style_weight 0.

A method either scores the whole catalogue (`score`: profile signals -> one score per
album; the runner ranks it) or, like the served path, returns only its top list
(`top`: profile, k -> album ids best first).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence

import numpy as np

from recommender import strategies
from recommender.engine import (CAP_WITHIN, DEFAULT_DIVERSITY, DEFAULT_MAX_PER_ARTIST,
                                DEFAULT_STRATEGY, DEFAULT_STYLE_WEIGHT, LEARNED, Recommender)

from . import baselines
from .catalogue import CatalogueFacts
from .signals import ProfileSignals

BASELINE = "baseline"
RECOMMENDER = "recommender"
SERVED = "served"
HYBRID = "hybrid"

ScoreFunction = Callable[[ProfileSignals], np.ndarray]
TopFunction = Callable[[Sequence[int], int], np.ndarray]


@dataclass
class Method:
    name: str
    kind: str
    description: str
    score: Optional[ScoreFunction] = None
    top: Optional[TopFunction] = None
    available: bool = True
    reason: Optional[str] = None
    default: bool = False
    params: Dict[str, float] = field(default_factory=dict)


# -- hybrids --------------------------------------------------------------------------

HYBRID_SIGNALS = ("style", "artist", "label", "year", "popularity")
# strategy=none: the side signals alone, a metadata-only scorer to compare against.
NO_STRATEGY = "none"


@dataclass(frozen=True)
class HybridWeights:
    """score = strategy score + style * genre/style overlap (0..1) + artist * [shares an
    artist] + label * [shares a label] + year * year proximity (0..1) + popularity *
    popularity prior (0..1). The first two terms are the engine's
    `score_catalogue(strategy=..., style_weight=style)`; strategy "none" leaves the
    recommender's score out (the style term is then the genre-style baseline)."""

    style: float = 0.0
    artist: float = 0.0
    label: float = 0.0
    year: float = 0.0
    popularity: float = 0.0
    strategy: str = strategies.DEFAULT_STRATEGY

    @classmethod
    def parse(cls, text: str) -> "HybridWeights":
        """'style=0.1,artist=0.05[,strategy=max]' -> weights; a clear error otherwise."""
        values: Dict[str, object] = {}
        for part in filter(None, (p.strip() for p in text.split(","))):
            key, _, value = part.partition("=")
            key = key.strip()
            if key == "strategy":
                if value not in strategies.STRATEGIES + (NO_STRATEGY,):
                    raise ValueError(f"hybrid strategy {value!r} is not one of "
                                     f"{', '.join(strategies.STRATEGIES + (NO_STRATEGY,))}")
                values[key] = value
                continue
            if key not in HYBRID_SIGNALS:
                raise ValueError(f"hybrid signal {key!r} is not one of {', '.join(HYBRID_SIGNALS)} "
                                 "(write e.g. style=0.1,artist=0.05)")
            try:
                values[key] = float(value)
            except ValueError as exc:
                raise ValueError(f"hybrid weight {part!r} is not a number") from exc
        return cls(**values)  # type: ignore[arg-type]

    def nonzero(self) -> Dict[str, float]:
        return {s: getattr(self, s) for s in HYBRID_SIGNALS if getattr(self, s)}

    @property
    def name(self) -> str:
        parts = [f"{k}={v:g}" for k, v in self.nonzero().items()]
        return f"{self.strategy}+" + ",".join(parts) if parts else self.strategy

    def scores(self, signals: ProfileSignals) -> np.ndarray:
        side = self.nonzero()
        if self.strategy == NO_STRATEGY:
            total = np.zeros(signals.facts.size, dtype=np.float64)
        else:
            total = signals.engine_scores(self.strategy, side.pop("style", 0.0)).copy()
        for signal, weight in side.items():
            total += weight * _hybrid_signal(signals, signal)
        return total


def _hybrid_signal(signals: ProfileSignals, name: str) -> np.ndarray:
    return {
        "style": lambda: signals.style_overlap,
        "artist": lambda: signals.shares_artist,
        "label": lambda: signals.shares_label,
        "year": lambda: signals.year_proximity,
        "popularity": lambda: signals.popularity_prior,
    }[name]()


def hybrid_grid(facts: CatalogueFacts) -> List[HybridWeights]:
    """A coarse grid around the default strategy: few values, because a few dozen
    held-out albums cannot tell fine steps apart (and would reward overfitting them).
    Style overlap runs 0..1 while the cosine scores of candidates spread over about
    0.3, so its steps go up to 1; the 0/1 indicators and priors stay small."""
    grid = []
    for style in (0.0, 0.25, 0.5, 1.0):
        for artist in (0.0, 0.1, 0.3):
            for year in (0.0, 0.1):
                for label in ((0.0, 0.1) if facts.has_labels else (0.0,)):
                    for popularity in ((0.0, 0.1) if facts.has_popularity else (0.0,)):
                        grid.append(HybridWeights(style, artist, label, year, popularity))
    return grid


def hybrid_method(weights: HybridWeights, facts: CatalogueFacts) -> Method:
    missing = [s for s in ("label", "popularity") if getattr(weights, s)
               and not getattr(facts, f"has_{'labels' if s == 'label' else s}")]
    reason = (f"the index has no {' or '.join(missing)} data (masters-only build?)"
              if missing else None)
    return Method(f"hybrid:{weights.name}", HYBRID,
                  "the strategy's score plus weighted side signals", score=weights.scores,
                  available=not missing, reason=reason,
                  params={**weights.nonzero()})


# -- the standard set ---------------------------------------------------------------

def _baselines(facts: CatalogueFacts) -> List[Method]:
    def on_profile(function):
        return lambda signals: function(signals.facts, signals.profile)

    return [
        Method("random", BASELINE, "a seeded random ranking", score=on_profile(baselines.random_scores)),
        Method("popularity", BASELINE, "most versions (indexed releases) first",
               score=on_profile(baselines.popularity_scores), available=facts.has_popularity,
               reason=None if facts.has_popularity else
               "no version counts: the index was built without the releases dump"),
        Method("genre-style", BASELINE, "cosine of genre/style tags to the profile's tag counts",
               score=lambda s: s.style_overlap),
        Method("same-artist", BASELINE, "albums by artists in the profile, most-owned first",
               score=lambda s: s.artist_count),
        Method("same-label", BASELINE, "albums on labels in the profile, most-owned first",
               score=lambda s: s.label_count, available=facts.has_labels,
               reason=None if facts.has_labels else
               "no labels: the index was built without the releases dump"),
    ]


DEFAULT_ROW = "recommender"


def _strategy_methods() -> List[Method]:
    descriptions = {
        "mean": "cosine to the mean of the profile's vectors (one query)",
        "max": "best cosine to any profile album (per-item)",
        "rrf": "reciprocal-rank fusion of each profile album's neighbour list (per-item)",
        "kmeans": "best cosine to a k-means taste centroid of the profile",
    }
    methods = [Method(DEFAULT_ROW, RECOMMENDER,
                      f"the exact default ranking: strategy {DEFAULT_STRATEGY}"
                      + ("" if DEFAULT_STRATEGY == LEARNED else
                         f" + genre/style overlap x {DEFAULT_STYLE_WEIGHT:g}")
                      + " over the whole catalogue (Recommender.score_catalogue)",
                      score=lambda s: s.engine_scores(DEFAULT_STRATEGY, DEFAULT_STYLE_WEIGHT),
                      params={} if DEFAULT_STRATEGY == LEARNED else {"style": DEFAULT_STYLE_WEIGHT})]
    if DEFAULT_STRATEGY != LEARNED:
        methods.append(Method(LEARNED, RECOMMENDER, "the per-collector fitted blend "
                              "(recommender.taste), exact", score=lambda s: s.strategy(LEARNED)))
    methods.append(Method("max+style", RECOMMENDER, "max + genre/style overlap x "
                          f"{DEFAULT_STYLE_WEIGHT:g}: the default before the learned strategy",
                          score=lambda s: s.engine_scores("max", DEFAULT_STYLE_WEIGHT),
                          params={"style": DEFAULT_STYLE_WEIGHT}))
    for name in strategies.STRATEGIES:
        methods.append(Method(name, RECOMMENDER, descriptions.get(name, name) + ", style weight 0",
                              score=lambda s, n=name: s.strategy(n)))
    return methods


def _api_client(index_dir: str):
    """A test client of the real server app on this index: the served row is ranked
    by `POST /api/v1/recommendations` itself (validation defaults, id mapping, the
    engine call), not by a copy of it."""
    from server import create_app

    app = create_app({"INDEX_DIR": index_dir, "TESTING": True, "RELOAD_CHECK_SECONDS": 1e9})
    return app.test_client()


def _served(engine: Recommender, diversity: Optional[float],
            max_per_artist: Optional[int]) -> Method:
    """What the API answers: the request carries the profile's ids (master id, else
    release id) and k, plus only the settings given on the command line; everything
    else is the server's default."""
    store = engine.store
    client = _api_client(store.index_dir)
    overrides: Dict[str, float] = {}
    if diversity is not None:
        overrides["diversity"] = diversity
    if max_per_artist is not None:
        overrides["max_per_artist"] = max_per_artist

    def top(profile: Sequence[int], k: int) -> np.ndarray:
        albums = store.albums(profile)
        body = {"master_ids": sorted(a["master_id"] for a in albums.values() if a["master_id"]),
                "release_ids": sorted(a["release_id"] for a in albums.values()
                                      if not a["master_id"] and a["release_id"]),
                "k": k, **overrides}
        response = client.post("/api/v1/recommendations", json=body)
        if response.status_code != 200:
            raise RuntimeError(f"POST /api/v1/recommendations answered {response.status_code}: "
                               f"{response.get_data(as_text=True)[:300]}")
        return np.array([item["album_id"] for item in response.get_json()["recommendations"]],
                        dtype=np.int64)

    shown = {"diversity": DEFAULT_DIVERSITY if diversity is None else diversity,
             "max_per_artist": DEFAULT_MAX_PER_ARTIST if max_per_artist is None else max_per_artist}
    return Method("served", SERVED, "POST /api/v1/recommendations with the server's defaults "
                  f"(strategy {DEFAULT_STRATEGY}, MMR diversity {shown['diversity']:g}, at most "
                  f"{shown['max_per_artist'] or 'any'} albums per artist in the top "
                  f"{CAP_WITHIN}); top list only", top=top, default=True,
                  params={k: float(v) for k, v in shown.items()})


def standard_methods(engine: Recommender, facts: CatalogueFacts,
                     hybrids: Sequence[HybridWeights] = (),
                     served_diversity: Optional[float] = None,
                     served_max_per_artist: Optional[int] = None) -> List[Method]:
    methods = (_baselines(facts) + _strategy_methods()
               + [_served(engine, served_diversity, served_max_per_artist)])
    return methods + [hybrid_method(w, facts) for w in hybrids]


def select_methods(methods: List[Method], names: Optional[Sequence[str]]) -> List[Method]:
    """Keep the named methods (and every hybrid); a clear error for unknown names."""
    if not names:
        return methods
    known = {m.name for m in methods}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"unknown method(s) {', '.join(unknown)}; choose from "
                         f"{', '.join(m.name for m in methods if m.kind != HYBRID)}")
    return [m for m in methods if m.name in names or m.kind == HYBRID]
