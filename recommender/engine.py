"""The recommender: owned albums in, ranked and explained albums and artists out.

Plain Python over an `IndexStore` (no Flask, no torch: every answer comes from the
stored vectors). The API, for the server and for the evaluator:

    from recommender.store import IndexStore
    from recommender.engine import Recommender

    store = IndexStore.open("data/index")
    engine = Recommender(store)
    owned = store.albums_of_masters([16921, 31598]).values()        # ids -> album ids
    result = engine.recommend(owned, k=20, strategy="max",           # see STRATEGIES
                              weights={album_id: rating, ...},       # optional, any scale
                              exclude=[album_id, ...],               # hidden by the user
                              filters=CandidateFilters.from_dict({"genres": ["Jazz"]}),
                              diversity=0.2, max_per_artist=2,
                              style_weight=0.5)                      # genre/style overlap term
    result.items     # [item dict with score and because], best first
    result.artists   # [{"id", "name", "score", "albums": [...]}]

    engine.neighbours(album_id, k=20)                   # "more like this" for one album
    engine.score_catalogue(owned, strategy="rrf")       # exact score of every album (N,)
    engine.rank_catalogue(owned, strategy="mean")       # album ids best first, owned left out

Scores: the strategy's score plus `style_weight` (default `DEFAULT_STYLE_WEIGHT`, 0.5)
times the genre/style overlap of the album with the collection (`recommender.tags`:
cosine between the album's genre+style tags and the owned albums' rating-weighted tag
counts, 0..1). The evaluation found it moves 24 of 31 held-out albums up
(docs/evaluation.md); `style_weight=0` gives the plain strategy ranking.

How `recommend` works: each owned album (deduplicated; rating-weighted) is one FAISS
query, all in one batched search for its `neighbours_per_album` nearest albums; the
neighbour lists are aggregated by the strategy (`recommender.strategies`). Above a
query budget (`Recommender.query_budget`: 300 owned albums on an exact index, 12 on an
approximate one) the owned vectors are first clustered with k-means and only the
centroids are searched (candidate generation), then the best candidates are rescored
exactly against every owned album: the "max" ranking at bounded cost. Owned
albums (every release of an owned master is the same album) and excluded albums are
removed, the best `STYLE_POOL_FACTOR` x pool candidates get the style term (tags
from the store's album rows) and are re-ranked, filters applied, then MMR picks k from
the best pool with a cap per artist. Ties break on the
smaller album id, so the same input gives the same answer.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

import numpy as np

from . import explain, strategies, tags, taste
from .diversity import select
from .filters import CandidateFilters
from .items import to_item
from .store import REQUEST_SCAN_CODES, IndexStore

# "learned": the per-collector blend of `recommender.taste` (similarity, artists,
# IDF genre/style, years, popularity, related artists, labels) with weights fitted on
# the collection itself.
LEARNED = "learned"
STRATEGY_CHOICES = ("auto",) + strategies.STRATEGIES + (LEARNED,)
# What "auto" (the API's default) means; chosen on the collector benchmark
# (docs/evaluation.md).
DEFAULT_STRATEGY = LEARNED
DEFAULT_DIVERSITY = 0.2
DEFAULT_MAX_PER_ARTIST = 2
# The cap per artist holds inside the first CAP_WITHIN albums (0: the whole list). On
# the collector benchmark a cap over the whole list found as many held-out albums in
# the top 50 as the exact ranking and more new-artist ones than a cap inside the top
# 10 only (0.226 against 0.198, docs/evaluation.md): the albums it pushes out are more
# of an owned artist, the ones it lets in are discoveries.
CAP_WITHIN = 0
# Albums of owned artists that join the learned strategy's candidates (beyond FAISS's).
ARTIST_CANDIDATES = 2000
# Albums on owned labels that join them too, where the index has labels (the labels
# the collection owns most of, weighed by rarity, first): without them the served
# answer found 197 of the exact ranking's 222 held-out albums on the full benchmark
# build (docs/evaluation.md, "Labels").
LABEL_CANDIDATES = 1000
DEFAULT_ARTISTS = 10
# The evaluator's recommended weight of the genre/style overlap (docs/evaluation.md:
# 0.25 to 1 all help; 0.5 is the middle of that plateau).
DEFAULT_STYLE_WEIGHT = 0.5
MAX_STYLE_WEIGHT = 2.0
# With a style term, this many times the MMR pool of candidates (by strategy score) are
# re-scored, so an album just outside the pool can still enter it on its tags.
STYLE_POOL_FACTOR = 3


def check_style_weight(style_weight: float) -> float:
    value = float(style_weight)
    if not np.isfinite(value) or not 0.0 <= value <= MAX_STYLE_WEIGHT:
        raise ValueError(f"style_weight must be a number from 0 to {MAX_STYLE_WEIGHT:g}, "
                         f"not {style_weight!r}")
    return value


@dataclass
class Recommendations:
    """What `Recommender.recommend` returns: API items and artists, plus what it did."""

    items: List[Dict[str, Any]]
    artists: List[Dict[str, Any]]
    strategy: str          # the strategy used ("auto" resolved)
    owned_albums: int      # distinct owned albums found in the index
    candidates: int = 0    # candidates scored before filters and diversity


class Recommender:
    """Recommendations over one `IndexStore`; cheap to create (one per request is fine)."""

    def __init__(self, store: IndexStore, max_queries: Optional[int] = None,
                 max_neighbours: int = 2048, rescore_pool: int = 600):
        self.store = store
        self.max_queries = max_queries  # None: see query_budget()
        self.max_neighbours = max_neighbours
        self.rescore_pool = rescore_pool

    # -- public ---------------------------------------------------------------------

    def recommend(self, owned_album_ids: Iterable[int], k: int = 20,
                  strategy: str = "auto", weights: Optional[Mapping[int, float]] = None,
                  exclude: Iterable[int] = (), filters: Optional[CandidateFilters] = None,
                  diversity: float = DEFAULT_DIVERSITY,
                  max_per_artist: int = DEFAULT_MAX_PER_ARTIST,
                  artists: int = DEFAULT_ARTISTS,
                  owned_refs: Optional[Mapping[int, Mapping[str, Optional[int]]]] = None,
                  style_weight: float = DEFAULT_STYLE_WEIGHT) -> Recommendations:
        """Recommend k albums for a set of owned album ids (see the module docstring).

        weights: album id -> weight (e.g. the 1-5 rating); unrated owned albums get the
        mean given weight. exclude: album ids never to show. owned_refs: album id ->
        {"release_id", "master_id"} the user sent, to name owned items in `because`.
        style_weight: weight of the genre/style overlap added to each candidate's score
        (0: the strategy's score alone); for "learned", style_weight / its default
        scales the fitted weight of the IDF genre/style signal (0: none, 2: 4x).
        """
        style_weight = check_style_weight(style_weight)
        if strategy not in STRATEGY_CHOICES:
            raise ValueError(f"unknown strategy {strategy!r}; choose one of {', '.join(STRATEGY_CHOICES)}")
        strategy = DEFAULT_STRATEGY if strategy == "auto" else strategy
        filters = filters or CandidateFilters()
        owned = self._valid(owned_album_ids)
        if owned.size == 0 or k <= 0:
            return Recommendations([], [], strategy, int(owned.size))
        w = self._weights(owned, weights)
        owned_vectors = self.store.album_vectors(owned)
        blocked = np.union1d(owned, self._valid(exclude))
        pool_size = max(5 * k, 100)
        # Albums embedded for this request only (records the index lacks, see
        # collection.extended_store) have no catalogue facts to fit on: those requests
        # take the similarity-and-style path.
        learned = strategy == LEARNED and self._facts_cover(owned)
        profile = self._tag_profile(owned, w) if style_weight and not learned else {}
        # Filters drop candidates, so more of them get the style term before filtering.
        styled = pool_size * STYLE_POOL_FACTOR * (4 if filters.active else 1)
        depth = min(pool_size + min(owned.size, 100), self.store.album_count)
        while True:
            if learned:
                ids, scores = self._learned(owned, owned_vectors, w, depth, pool_size, blocked,
                                            styled, style_weight / DEFAULT_STYLE_WEIGHT)
            else:
                ids, scores = self._candidates(strategy, owned_vectors, w, depth, pool_size,
                                               blocked)
                keep = ~np.isin(ids, blocked)
                ids, scores = ids[keep], scores[keep]
                if style_weight:
                    ids, scores = self._with_style(ids, scores, profile, style_weight, styled)
            pool, pool_scores = self._filtered_pool(ids, scores, filters, pool_size)
            enough = len(pool) >= pool_size or depth >= min(self.max_neighbours, self.store.album_count)
            if enough:
                break
            depth = min(depth * 4, self.max_neighbours, self.store.album_count)
        pool_vectors = self.store.album_vectors([a["album_id"] for a in pool])
        picks = select(pool, pool_scores, pool_vectors, k, diversity, max_per_artist,
                       cap_within=CAP_WITHIN)
        chosen = [pool[i] for i in picks]
        contributors = explain.top_contributors(pool_vectors[picks], owned, owned_vectors, w)
        owned_artists = self.store.artists_of_albums(owned.tolist())
        owned_keys = set().union(*owned_artists.values())
        links = self.store.artist_links({a.get("id") for album in chosen for a in album["artists"]},
                                        owned_keys)
        if links:
            contributors = explain.with_related(contributors, chosen, pool_vectors[picks], links,
                                                owned, owned_vectors, w, owned_artists)
        owned_albums = self.store.albums({a for ids in contributors for a in ids})
        reasons = explain.because(chosen, contributors, owned_albums, owned_refs, links)
        items = [to_item(album, pool_scores[i], reason)
                 for i, album, reason in zip(picks, chosen, reasons)]
        artist_list = explain.new_artists(pool, pool_scores, owned_keys, limit=artists)
        return Recommendations(items, artist_list, strategy, int(owned.size), candidates=len(ids))

    def neighbours(self, album_id: int, k: int = 20) -> List[Dict[str, Any]]:
        """The k albums closest to one album (itself left out), by cosine similarity."""
        return self.neighbours_with_query(album_id, k)[1]

    def neighbours_with_query(self, album_id: int, k: int = 20
                              ) -> Tuple[Optional[Dict[str, Any]], List[Dict[str, Any]]]:
        """(the album's own record, its neighbours): one catalogue read for both."""
        query = self.store.album_vectors([album_id])
        sims, ids = self.store.search(query, k + 1, rescore=True)
        ids, sims = ids[0], sims[0]
        keep = (ids >= 0) & (ids != album_id)
        ranked_ids, ranked = strategies.rank(ids[keep], sims[keep].astype(np.float64))
        ranked_ids, ranked = ranked_ids[:k], ranked[:k]
        albums = self.store.albums(ranked_ids.tolist() + [album_id])
        items = [to_item(albums[int(a)], s, []) for a, s in zip(ranked_ids, ranked) if int(a) in albums]
        return albums.get(album_id), items

    def score_catalogue(self, owned_album_ids: Iterable[int], strategy: str = DEFAULT_STRATEGY,
                        weights: Optional[Mapping[int, float]] = None,
                        style_weight: float = DEFAULT_STYLE_WEIGHT) -> np.ndarray:
        """Exact score of every album (index = album id) for evaluation side by side:
        the strategy's score + style_weight x the genre/style overlap; for "learned",
        the fitted blend over every album not owned (style_weight / its default
        scales the fitted weight of the IDF genre/style signal)."""
        style_weight = check_style_weight(style_weight)
        owned = self._valid(owned_album_ids)
        strategy = DEFAULT_STRATEGY if strategy == "auto" else strategy
        w = self._weights(owned, weights)
        if strategy == LEARNED:
            return self._learned_catalogue(owned, w, style_weight / DEFAULT_STYLE_WEIGHT)
        scores = strategies.score_catalogue(self.store.vectors, self.store.album_vectors(owned),
                                            strategy, w)
        if style_weight and owned.size:
            overlap = tags.overlap_with_profile(self.store.tag_column(), self._tag_profile(owned, w))
            scores = scores + style_weight * overlap
        return scores

    def style_overlap(self, owned_album_ids: Iterable[int],
                      weights: Optional[Mapping[int, float]] = None) -> np.ndarray:
        """The genre/style overlap (0..1) of every album with the owned albums' profile."""
        owned = self._valid(owned_album_ids)
        if owned.size == 0:
            return np.zeros(self.store.vectors.shape[0], dtype=np.float64)
        profile = self._tag_profile(owned, self._weights(owned, weights))
        return tags.overlap_with_profile(self.store.tag_column(), profile)

    def rank_catalogue(self, owned_album_ids: Iterable[int], strategy: str = DEFAULT_STRATEGY,
                       weights: Optional[Mapping[int, float]] = None,
                       style_weight: float = DEFAULT_STYLE_WEIGHT) -> np.ndarray:
        """Every album id not owned, best first (ties: smaller id first)."""
        owned = self._valid(owned_album_ids)
        scores = self.score_catalogue(owned, strategy, weights, style_weight)
        ids, _ = strategies.rank(np.arange(scores.size), scores)
        return ids[~np.isin(ids, owned)]

    # -- steps ----------------------------------------------------------------------

    def _valid(self, album_ids: Iterable[int]) -> np.ndarray:
        ids = np.unique(np.fromiter((int(a) for a in album_ids), dtype=np.int64))
        return ids[(ids >= 0) & (ids < self.store.album_count)]

    @staticmethod
    def _weights(owned: np.ndarray, weights: Optional[Mapping[int, float]]) -> np.ndarray:
        if not weights:
            return np.ones(owned.size, dtype=np.float32)
        given = [float(weights[a]) for a in owned.tolist() if a in weights]
        default = float(np.mean(given)) if given else 1.0
        raw = np.array([float(weights.get(a, default)) for a in owned.tolist()], dtype=np.float32)
        return strategies.normalised_weights(raw, owned.size)

    def _tag_profile(self, owned: np.ndarray, w: np.ndarray) -> Dict[Any, float]:
        """{tag: summed weight of the owned albums carrying it}."""
        owned_tags = self.store.album_tags(owned.tolist())
        return tags.profile_counts([owned_tags.get(a, []) for a in owned.tolist()], w)

    def _with_style(self, ids: np.ndarray, scores: np.ndarray, profile: Mapping[Any, float],
                    style_weight: float, head: int) -> Tuple[np.ndarray, np.ndarray]:
        """Add style_weight x genre/style overlap to the scores of the best `head`
        candidates (tags read from the store's album rows) and re-rank them (ties:
        smaller album id). The rest keep their order below: the term only adds, so the
        list stays sorted."""
        top = ids[:head]
        found = self.store.album_tags(top.tolist())
        column = tags.ListColumn.build(found.get(a, []) for a in top.tolist())
        boosted = np.asarray(scores[:head], dtype=np.float64) + \
            style_weight * tags.overlap_with_profile(column, profile)
        order = np.lexsort((top, -boosted))
        return (np.concatenate([top[order], ids[head:]]),
                np.concatenate([boosted[order], np.asarray(scores[head:], dtype=np.float64)]))

    def query_budget(self) -> int:
        """How many FAISS queries one request may make before owned albums are clustered.

        Exact search over a small catalogue is one matrix product, so every owned album
        can be a query; an approximate index over millions costs about a millisecond
        per query, so large collections are summarised by k-means tastes first.
        """
        if self.max_queries is not None:
            return self.max_queries
        exact = self.store.manifest.get("index", {}).get("type") == "flat"
        return 300 if exact and self.store.album_count <= 200_000 else 12

    def _candidates(self, strategy: str, owned_vectors: np.ndarray, w: np.ndarray, depth: int,
                    pool_size: int, blocked: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Candidate album ids and scores, best first (blocked albums may remain)."""
        n = owned_vectors.shape[0]
        if strategy in ("mean", "kmeans"):
            if strategy == "mean":
                queries, qw = strategies.mean_profile(owned_vectors, w), np.ones(1, np.float32)
            else:
                queries, qw = strategies.kmeans_tastes(owned_vectors, w)
            sims, ids = self.store.search(queries, depth + min(n, depth), REQUEST_SCAN_CODES)
            return strategies.aggregate_neighbours("max", sims, ids, qw)
        budget = self.query_budget()
        if n <= budget:
            sims, ids = self.store.search(owned_vectors, depth, REQUEST_SCAN_CODES)
            return strategies.aggregate_neighbours(strategy, sims, ids, w)
        # Large collection: search the taste centroids only (candidate generation),
        # then rescore the best candidates exactly against every owned album.
        centroids, _ = strategies.kmeans_tastes(owned_vectors, w, min(budget, strategies.MAX_CLUSTERS))
        per_taste = min(self.store.album_count, depth + 2 * n // len(centroids))
        sims, ids = self.store.search(centroids, per_taste, REQUEST_SCAN_CODES)
        approx_ids, _ = strategies.aggregate_neighbours("max", sims, ids, np.ones(len(centroids), np.float32))
        approx_ids = approx_ids[~np.isin(approx_ids, blocked)][:max(self.rescore_pool, pool_size)]
        vectors = self.store.album_vectors(approx_ids)
        if strategy == "rrf":
            # Each owned album's ranking, restricted to the candidates.
            sim = vectors @ owned_vectors.T
            ranks = np.argsort(np.argsort(-sim, axis=0, kind="stable"), axis=0, kind="stable")
            scores = (w[None, :] / (strategies.RRF_K + 1.0 + ranks)).sum(axis=1)
        else:
            scores = strategies.max_similarity(vectors, owned_vectors, w)
        return strategies.rank(approx_ids, scores)

    def _facts_cover(self, album_ids: np.ndarray) -> bool:
        facts = self.store.album_facts()
        return bool(album_ids.size == 0 or album_ids.max() < facts.artists.indptr.size - 1)

    def _learned(self, owned: np.ndarray, owned_vectors: np.ndarray, w: np.ndarray, depth: int,
                 pool_size: int, blocked: np.ndarray, head: int,
                 style_scale: float = 1.0) -> Tuple[np.ndarray, np.ndarray]:
        """Candidates for the learned blend: the best `head` by similarity (FAISS), plus
        the albums of owned artists, then of related ones (the artist signals reach
        albums whose texts are far apart), and of owned labels, scored by the per-collector
        fitted blend; best first."""
        facts = self.store.album_facts()
        profile = taste.Profile.build(facts, owned, w.astype(np.float64))
        ids, sims = self._candidates("max", owned_vectors, w, depth, pool_size, blocked)
        keep = ~np.isin(ids, blocked)
        ids, sims = ids[keep][:head], sims[keep][:head]
        owned_artists = np.concatenate([facts.artists.values_of(a) for a in owned.tolist()]
                                       or [np.zeros(0, dtype=np.int64)])
        taken = np.union1d(ids, blocked)
        extra = np.setdiff1d(facts.albums_of_artists(owned_artists), taken)[:ARTIST_CANDIDATES]
        if facts.has_relations and extra.size < ARTIST_CANDIDATES:
            related = facts.albums_of_artists(facts.related_of(owned_artists))
            extra = np.concatenate([extra, np.setdiff1d(related, np.union1d(taken, extra))
                                    [:ARTIST_CANDIDATES - extra.size]])
        if facts.has_labels:
            on_labels = facts.albums_of_labels(profile.label_counts, LABEL_CANDIDATES + owned.size)
            extra = np.concatenate([extra, np.setdiff1d(on_labels, np.union1d(taken, extra))
                                    [:LABEL_CANDIDATES]])
        if extra.size:
            ids = np.concatenate([ids, extra])
            sims = np.concatenate([sims, strategies.max_similarity(
                self.store.album_vectors(extra), owned_vectors, w)])
        scores, _ = taste.learned_scores(facts, profile, owned_vectors, ids, sims,
                                         style_scale=style_scale)
        return strategies.rank(ids, scores)

    def _learned_catalogue(self, owned: np.ndarray, w: np.ndarray,
                           style_scale: float = 1.0) -> np.ndarray:
        """The learned blend of every album, exactly (the evaluator's side of `_learned`)."""
        facts = self.store.album_facts()
        out = np.zeros(self.store.album_count, dtype=np.float64)
        if owned.size == 0:
            return out
        owned_vectors = self.store.album_vectors(owned)
        sims = strategies.score_catalogue(self.store.vectors, owned_vectors, "max", w)
        rest = np.setdiff1d(np.arange(self.store.album_count), owned)
        profile = taste.Profile.build(facts, owned, w.astype(np.float64))
        out[rest], _ = taste.learned_scores(facts, profile, owned_vectors, rest, sims[rest],
                                            style_scale=style_scale)
        out[owned] = -np.inf
        return out

    def fitted_weights(self, owned_album_ids: Iterable[int],
                       weights: Optional[Mapping[int, float]] = None) -> Dict[str, float]:
        """The learned strategy's weights for this collection (exact negatives)."""
        owned = self._valid(owned_album_ids)
        w = self._weights(owned, weights)
        facts = self.store.album_facts()
        owned_vectors = self.store.album_vectors(owned)
        sims = strategies.score_catalogue(self.store.vectors, owned_vectors, "max", w)
        rest = np.setdiff1d(np.arange(self.store.album_count), owned)
        profile = taste.Profile.build(facts, owned, w.astype(np.float64))
        _, fitted = taste.learned_scores(facts, profile, owned_vectors, rest, sims[rest])
        return taste.weights_dict(fitted)

    def _filtered_pool(self, ids: np.ndarray, scores: np.ndarray, filters: CandidateFilters,
                       pool_size: int) -> Tuple[List[Dict[str, Any]], np.ndarray]:
        """The best `pool_size` candidates that pass the filters, with their records."""
        pool: List[Dict[str, Any]] = []
        pool_scores: List[float] = []
        step = pool_size if not filters.active else max(pool_size * 4, 400)
        for start in range(0, ids.size, step):
            chunk = ids[start:start + step]
            albums = self.store.albums(chunk.tolist())
            for album_id, score in zip(chunk.tolist(), scores[start:start + step].tolist()):
                album = albums.get(album_id)
                if album is not None and filters.matches(album):
                    pool.append(album)
                    pool_scores.append(score)
                    if len(pool) >= pool_size:
                        return pool, np.asarray(pool_scores)
        return pool, np.asarray(pool_scores, dtype=np.float64)
