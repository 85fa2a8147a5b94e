"""Everything a method may score a test case's profile with, computed once per profile.

Several methods share the same inputs (the hybrid settings of the grid reuse the
engine's scores for a few style weights, and the side signals), so the scores are
computed lazily and cached for the profile of one test case.
"""
from __future__ import annotations

from functools import cached_property
from typing import Dict, Sequence, Tuple

import numpy as np

from recommender.engine import Recommender

from . import baselines
from .catalogue import CatalogueFacts

YEAR_SCALE = 10.0  # years: an album a decade from the profile's median year scores 1/e


class ProfileSignals:
    def __init__(self, engine: Recommender, facts: CatalogueFacts, profile: Sequence[int]):
        self.engine = engine
        self.facts = facts
        self.profile = list(profile)
        self._engine: Dict[Tuple[str, float], np.ndarray] = {}

    def engine_scores(self, strategy: str, style_weight: float) -> np.ndarray:
        """The engine's exact score of every album (`Recommender.score_catalogue`): the
        strategy's score plus style_weight x its genre/style overlap."""
        key = (strategy, float(style_weight))
        if key not in self._engine:
            self._engine[key] = np.asarray(self.engine.score_catalogue(
                self.profile, strategy=strategy, style_weight=style_weight), dtype=np.float64)
        return self._engine[key]

    def strategy(self, name: str) -> np.ndarray:
        """One aggregation strategy alone (the engine with style_weight 0)."""
        return self.engine_scores(name, 0.0)

    @cached_property
    def style_overlap(self) -> np.ndarray:
        """The genre-style baseline: the engine's style term alone (`recommender.tags`)."""
        return baselines.genre_style_scores(self.facts, self.profile)

    @cached_property
    def artist_count(self) -> np.ndarray:
        return baselines.same_artist_scores(self.facts, self.profile)

    @cached_property
    def label_count(self) -> np.ndarray:
        return baselines.same_label_scores(self.facts, self.profile)

    @cached_property
    def shares_artist(self) -> np.ndarray:
        return (self.artist_count > 0).astype(np.float64)

    @cached_property
    def shares_label(self) -> np.ndarray:
        return (self.label_count > 0).astype(np.float64)

    @cached_property
    def year_proximity(self) -> np.ndarray:
        """exp(-|year - the profile's median year| / 10); 0 when either year is unknown."""
        years = self.facts.year[self.profile]
        years = years[~np.isnan(years)]
        if years.size == 0:
            return np.zeros(self.facts.size, dtype=np.float64)
        distance = np.abs(self.facts.year - float(np.median(years)))
        return np.nan_to_num(np.exp(-distance / YEAR_SCALE), nan=0.0)

    @cached_property
    def popularity_prior(self) -> np.ndarray:
        """log(1 + versions) scaled to 0..1: a gentle nudge towards well-known records."""
        counts = self.facts.release_count
        top = float(np.log1p(counts.max(initial=0)))
        return np.log1p(counts) / top if top > 0 else np.zeros(self.facts.size)
