"""Everything a method may score a test case's profile with, computed once per profile.

Several methods share the same inputs (every hybrid setting of the grid reuses the
"max" scores and the style overlap), so the scores are computed lazily and cached for
the profile of one test case.
"""
from __future__ import annotations

from functools import cached_property
from typing import Dict, Sequence

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
        self._strategy: Dict[str, np.ndarray] = {}

    def strategy(self, name: str) -> np.ndarray:
        """The recommender's exact score of every album with one aggregation strategy."""
        if name not in self._strategy:
            self._strategy[name] = np.asarray(
                self.engine.score_catalogue(self.profile, strategy=name), dtype=np.float64)
        return self._strategy[name]

    @cached_property
    def style_overlap(self) -> np.ndarray:
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
