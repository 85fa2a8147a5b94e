"""Hold-out splits of one collection: k-fold, and leave-latest-out by date added.

Deterministic: the fold assignment depends only on the set of albums, the collection's
name and --seed (never on Python's salted hash or on the order of the CSV rows).
"""
from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from typing import List, Tuple

import numpy as np

from .profiles import EvalCollection

KFOLD = "kfold"
LATEST = "latest"
WANTED = "wanted"
PROTOCOLS = (KFOLD, LATEST, WANTED)


@dataclass(frozen=True)
class Split:
    """One test case: rank the catalogue from `profile`, look for `held_out`."""

    collection: str
    protocol: str
    number: int
    profile: Tuple[int, ...]
    held_out: Tuple[int, ...]

    @property
    def case_id(self) -> str:
        return f"{self.collection}/{self.protocol}/{self.number}"


def fold_count(albums: int, folds: int) -> int:
    """Folds actually used: `folds` capped at the album count; 0 means leave-one-out."""
    if albums < 2:
        return 0
    return albums if folds == 0 else max(2, min(folds, albums))


def collection_seed(seed: int, name: str) -> List[int]:
    return [seed, zlib.crc32(name.encode("utf-8"))]


def kfold_splits(collection: EvalCollection, folds: int, seed: int) -> List[Split]:
    """Every album is held out exactly once; the others form that fold's profile."""
    k = fold_count(len(collection.album_ids), folds)
    if k == 0:
        return []
    albums = np.array(sorted(collection.album_ids), dtype=np.int64)
    order = np.random.default_rng(collection_seed(seed, collection.name)).permutation(albums.size)
    shuffled = albums[order]
    splits = []
    for fold in range(k):
        held = shuffled[fold::k]
        rest = np.setdiff1d(albums, held)
        splits.append(Split(collection.name, KFOLD, fold, tuple(int(a) for a in rest),
                            tuple(sorted(int(a) for a in held))))
    return splits


def latest_splits(collection: EvalCollection, folds: int) -> List[Split]:
    """Hold out the most recently added albums (as many as one k-fold fold holds).

    The question a collector asks: "from what I had, would it have found what I bought
    next?". Albums without a date stay in the profile. Equal timestamps (a bulk import)
    are ordered by album id. Needs at least two dated albums.
    """
    dated = sorted(collection.added, key=lambda a: (collection.added[a], a))
    albums = len(collection.album_ids)
    k = fold_count(albums, folds)
    if len(dated) < 2 or k == 0:
        return []
    size = min(math.ceil(albums / k), len(dated) - 1, albums - 1)
    held = sorted(dated[-size:])
    profile = tuple(sorted(a for a in collection.album_ids if a not in set(held)))
    return [Split(collection.name, LATEST, 0, profile, tuple(held))]


def wanted_splits(collection: EvalCollection) -> List[Split]:
    """The wanted task: the whole collection is the profile, the wantlist (albums wanted
    and not owned) is held out: "would it have found what I was looking for?"."""
    if not collection.wanted_album_ids or not collection.album_ids:
        return []
    return [Split(collection.name, WANTED, 0, tuple(sorted(collection.album_ids)),
                  tuple(sorted(collection.wanted_album_ids)))]
