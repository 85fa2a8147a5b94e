"""Genre/style overlap: how much an album is tagged like a collection. Plain numpy.

An album's tags are its genres and styles ("g:rock", "s:prog rock", casefolded), each
counted once. A profile is the rating-weighted count of each tag over the owned
albums. The overlap of an album with a profile is the cosine between the album's
binary tag vector and the profile's counts:

    overlap(a) = sum of the profile's counts of a's tags / (sqrt(#tags of a) * |counts|)

in 0..1 (0 for an untagged album or an untagged profile). The engine adds
`style_weight x overlap` to the strategy score (`Recommender.recommend`,
`score_catalogue`, `rank_catalogue`); the evaluator's `genre-style` baseline is the
overlap alone. Both call `cosine_overlap` here: one definition.

Lists of values per album are held as compressed rows (`ListColumn`, CSR arrays over a
vocabulary), so scoring thousands of albums is a few numpy operations.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Dict, Hashable, Iterable, List, Mapping, Optional, Sequence

import numpy as np


def tag_key(kind: str, value: str) -> str:
    """One tag: "g" (genre) or "s" (style) and the casefolded value ("s:krautrock")."""
    return f"{kind}:{value.casefold()}"


def tag_keys(genres: Optional[Iterable[str]], styles: Optional[Iterable[str]]) -> List[str]:
    """An album's genre and style tags, kept apart ("g:" / "s:") and casefolded."""
    return ([tag_key("g", g) for g in genres or [] if g]
            + [tag_key("s", s) for s in styles or [] if s])


def tag_keys_json(genres_json: Optional[str], styles_json: Optional[str]) -> List[str]:
    """`tag_keys` of the catalogue's JSON columns (albums.genres, albums.styles)."""
    return tag_keys(json.loads(genres_json) if genres_json else [],
                    json.loads(styles_json) if styles_json else [])


def album_tags(album: Mapping[str, Any]) -> List[str]:
    """`tag_keys` of an album record (`recommender.items.album_from_row`)."""
    return tag_keys(album.get("genres"), album.get("styles"))


def csr_rows(indptr: np.ndarray, data: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The entries of these rows of a CSR array (`data[indptr[r]:indptr[r + 1]]` for
    each r, concatenated in order, duplicates kept), gathered in one go."""
    rows = np.asarray(rows, dtype=np.int64).reshape(-1)
    starts = indptr[rows]
    lengths = indptr[rows + 1] - starts
    offsets = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return data[np.repeat(starts, lengths) + offsets]


@dataclass(frozen=True)
class SparseCounts:
    """Counts of a few values of a large vocabulary (a collection's artists among a
    catalogue's millions): the values counted, sorted, and their counts. Indexing it
    with value indices reads 0 for the rest, as a vocabulary-sized array would, at the
    cost of the values counted: at 10M albums a dense array per request (1.7M artists)
    cost 4 ms of a 100-album request's 33 (docs/benchmarks.md, "Serving at scale")."""

    values: np.ndarray
    counts: np.ndarray

    @classmethod
    def of(cls, entries: np.ndarray, weights: Optional[np.ndarray] = None) -> "SparseCounts":
        """The summed `weights` (1 each by default) of each value among `entries`."""
        values, inverse = np.unique(np.asarray(entries, dtype=np.int64), return_inverse=True)
        return cls(values, np.bincount(inverse.reshape(-1), weights=weights,
                                       minlength=values.size).astype(np.float64))

    def __getitem__(self, entries: np.ndarray) -> np.ndarray:
        entries = np.asarray(entries, dtype=np.int64)
        if self.values.size == 0:
            return np.zeros(entries.shape, dtype=np.float64)
        at = np.minimum(np.searchsorted(self.values, entries), self.values.size - 1)
        return np.where(self.values[at] == entries, self.counts[at], 0.0)

    def counted(self) -> np.ndarray:
        """The values with a count other than 0."""
        return self.values[self.counts != 0]


@dataclass
class ListColumn:
    """One list of values per album as CSR arrays over a vocabulary of `size` values
    (`vocabulary[i]` is value i)."""

    indptr: np.ndarray
    indices: np.ndarray
    size: int
    vocabulary: List[Hashable] = field(default_factory=list)

    @classmethod
    def build(cls, rows: Iterable[Iterable[Hashable]]) -> "ListColumn":
        index: Dict[Hashable, int] = {}
        indptr = [0]
        indices: List[int] = []
        for values in rows:
            for value in dict.fromkeys(values):  # a value counts once per album
                indices.append(index.setdefault(value, len(index)))
            indptr.append(len(indices))
        return cls(np.asarray(indptr, dtype=np.int64), np.asarray(indices, dtype=np.int64),
                   len(index), list(index))

    @property
    def rows(self) -> int:
        return self.indptr.size - 1

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.indptr)

    def lengths_of(self, album_ids: np.ndarray) -> np.ndarray:
        """`lengths[album_ids]` without the whole column's `lengths`."""
        ids = np.asarray(album_ids, dtype=np.int64)
        return self.indptr[ids + 1] - self.indptr[ids]

    @property
    def empty(self) -> bool:
        return self.indices.size == 0

    def values_of(self, album_id: int) -> np.ndarray:
        """The value indices (into the vocabulary) of one album."""
        return self.indices[self.indptr[album_id]:self.indptr[album_id + 1]]

    def counts(self, album_ids: Sequence[int], weights: Optional[Sequence[float]] = None) -> np.ndarray:
        """How many of the given albums carry each value (vocabulary-sized); with
        `weights`, the sum of their weights instead."""
        out = np.zeros(self.size, dtype=np.float64)
        ids = np.asarray(album_ids, dtype=np.int64).reshape(-1)
        if ids.size == 0:
            return out
        lengths = self.lengths_of(ids)
        entries = csr_rows(self.indptr, self.indices, ids)
        w = (np.ones(ids.size) if weights is None
             else np.asarray(weights, dtype=np.float64).reshape(ids.size))
        return np.bincount(entries, weights=np.repeat(w, lengths), minlength=self.size)

    def sparse_counts(self, album_ids: Sequence[int]) -> SparseCounts:
        """`counts(album_ids)` as `SparseCounts`: for a large vocabulary."""
        ids = np.asarray(album_ids, dtype=np.int64).reshape(-1)
        return SparseCounts.of(csr_rows(self.indptr, self.indices, ids))

    def value_weights(self, profile: Mapping[Hashable, float]) -> np.ndarray:
        """A {value: weight} mapping as a vocabulary-sized array (values outside the
        vocabulary are left out)."""
        return np.array([float(profile.get(v, 0.0)) for v in self.vocabulary], dtype=np.float64)

    def sum_per_album(self, value_weights: np.ndarray) -> np.ndarray:
        """For every album, the sum of the weights of its values."""
        if self.empty:
            return np.zeros(self.rows, dtype=np.float64)
        rows = np.repeat(np.arange(self.rows), self.lengths)
        return np.bincount(rows, weights=value_weights[self.indices], minlength=self.rows)


def profile_counts(tag_lists: Iterable[Iterable[Hashable]],
                   weights: Optional[Iterable[float]] = None) -> Dict[Hashable, float]:
    """{tag: summed weight of the albums carrying it} (each album counts a tag once;
    without weights every album weighs 1)."""
    counts: Dict[Hashable, float] = {}
    weight_list = None if weights is None else [float(w) for w in weights]
    for position, tags in enumerate(tag_lists):
        w = 1.0 if weight_list is None else weight_list[position]
        for tag in dict.fromkeys(tags):
            counts[tag] = counts.get(tag, 0.0) + w
    return counts


def cosine_overlap(column: ListColumn, counts: np.ndarray,
                   profile_norm: Optional[float] = None) -> np.ndarray:
    """Cosine between each album's value set (binary) and a profile's value counts.

    counts: vocabulary-sized. profile_norm: the profile's L2 norm when it also counts
    values outside the column's vocabulary (default: the norm of `counts`).
    """
    norm = float(np.linalg.norm(counts)) if profile_norm is None else float(profile_norm)
    if norm == 0.0:
        return np.zeros(column.rows, dtype=np.float64)
    dot = column.sum_per_album(counts)
    norms = np.sqrt(column.lengths.astype(np.float64)) * norm
    return np.divide(dot, norms, out=np.zeros_like(dot), where=norms > 0)


def overlap_with_profile(column: ListColumn, profile: Mapping[Hashable, float]) -> np.ndarray:
    """`cosine_overlap` of every row of `column` with a {tag: count} profile."""
    norm = math.sqrt(sum(v * v for v in profile.values()))
    return cosine_overlap(column, column.value_weights(profile), profile_norm=norm)


def style_overlap(candidate_tags: Sequence[Iterable[Hashable]], owned_tags: Sequence[Iterable[Hashable]],
                  owned_weights: Optional[Sequence[float]] = None) -> np.ndarray:
    """The overlap of each candidate (a list of tags) with the owned albums' profile."""
    return overlap_with_profile(ListColumn.build(candidate_tags),
                                profile_counts(owned_tags, owned_weights))
