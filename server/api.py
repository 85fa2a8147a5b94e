"""The /api/v1 endpoints: recommendations, neighbours, metadata, search, index."""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Tuple

from flask import Blueprint, current_app, jsonify

from recommender.engine import Recommender
from recommender.filters import CandidateFilters
from recommender.items import album_url, to_item
from recommender.store import IndexStore, NoIndexError

from . import models
from .contract import operation
from .errors import ApiError, invalid_field

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def current_store() -> IndexStore:
    """The live index; 503 with the command that builds one when there is none."""
    published = current_app.extensions["discogs_recs.index"]
    if published is None:
        raise ApiError(503, "no_index", "no index folder is configured; start the server with "
                       "`discogs-recs serve --index DIR` or set DISCOGS_RECS_INDEX_DIR")
    try:
        return published.current()
    except NoIndexError as exc:
        raise ApiError(503, "no_index", str(exc)) from None


def within_limits(k: int, id_count: int = 0, name: str = "k") -> None:
    """The deployment's MAX_K and MAX_IDS, which may be below the contract's bounds."""
    config = current_app.config
    if k > config["MAX_K"]:
        raise invalid_field(name, f"{k} is more than this server's {config['MAX_K']}")
    if id_count > config["MAX_IDS"]:
        raise ApiError(413, "too_many_ids", f"release_ids and master_ids hold {id_count:,} ids "
                       f"together, more than the {config['MAX_IDS']:,} allowed")


@operation(bp, "POST", "/recommendations", body=models.RecommendationRequest,
           response=models.RecommendationResponse, errors=(413, 503),
           summary="Recommend albums and artists for a set of owned releases or masters")
def recommendations(body: models.RecommendationRequest):
    """Ranked albums, explained, one per album, nothing owned."""
    wanted = body
    wanted.release_ids = list(dict.fromkeys(wanted.release_ids))
    wanted.master_ids = list(dict.fromkeys(wanted.master_ids))
    within_limits(wanted.k, len(wanted.release_ids) + len(wanted.master_ids))
    weight_by_id = wanted.weight_by_id
    store = current_store()
    by_release = store.albums_of_releases(wanted.release_ids)
    by_master = store.albums_of_masters(wanted.master_ids)
    unknown = ([r for r in wanted.release_ids if r not in by_release]
               + [m for m in wanted.master_ids if m not in by_master])
    refs: Dict[int, Dict[str, Optional[int]]] = {}
    weights: Dict[int, float] = {}
    for source, mapping in (("release_id", by_release), ("master_id", by_master)):
        for sent_id, album_id in mapping.items():
            refs.setdefault(album_id, {}).setdefault(source, sent_id)
            if sent_id in weight_by_id:
                weights[album_id] = max(weights.get(album_id, 0.0), weight_by_id[sent_id])
    excluded = (set(store.albums_of_releases(wanted.exclude_ids).values())
                | set(store.albums_of_masters(wanted.exclude_ids).values()))
    result = Recommender(store).recommend(
        refs.keys(), k=wanted.k, strategy=wanted.strategy, weights=weights,
        exclude=excluded, filters=CandidateFilters.from_dict(wanted.filters.model_dump(exclude_none=True)),
        diversity=wanted.diversity, max_per_artist=wanted.max_per_artist, owned_refs=refs,
        style_weight=wanted.style_weight)
    return jsonify({"recommendations": result.items, "artists": result.artists,
                    "unknown_ids": unknown, "index": store.summary()})


def _neighbours(store: IndexStore, album_id: Optional[int], what: str, k: int):
    if album_id is None:
        raise ApiError(404, "not_found", f"{what} is not in this index (build {store.build_id}, "
                       f"{store.album_count:,} albums); it may be filtered out or newer than the dump")
    album, neighbours = Recommender(store).neighbours_with_query(album_id, k)
    return jsonify({"neighbours": neighbours, "query": to_item(album, 1.0, []),
                    "index": store.summary()})


@operation(bp, "GET", "/releases/<release_id>/neighbours", path_params={"release_id": models.Id},
           query=models.NeighboursQuery, response=models.NeighboursResponse, errors=(404, 503),
           summary="More like this: the albums nearest to a release's album")
def release_neighbours(release_id: int, query: models.NeighboursQuery):
    within_limits(query.k)
    store = current_store()
    return _neighbours(store, store.albums_of_releases([release_id]).get(release_id),
                       f"release {release_id}", query.k)


@operation(bp, "GET", "/masters/<master_id>/neighbours", path_params={"master_id": models.Id},
           query=models.NeighboursQuery, response=models.NeighboursResponse, errors=(404, 503),
           summary="More like this: the albums nearest to a master's album")
def master_neighbours(master_id: int, query: models.NeighboursQuery):
    within_limits(query.k)
    store = current_store()
    return _neighbours(store, store.albums_of_masters([master_id]).get(master_id),
                       f"master {master_id}", query.k)


_RELEASE_JSON = ("artists", "extra_artists", "labels", "series", "formats", "genres", "styles",
                 "tracklist", "videos")


def _decoded(row: Dict[str, Any], fields: Tuple[str, ...]) -> Dict[str, Any]:
    return {k: (json.loads(v) if k in fields and isinstance(v, str) and v else
                ([] if k in fields and v in (None, "") else v)) for k, v in row.items()}


@operation(bp, "GET", "/releases/<release_id>", path_params={"release_id": models.Id},
           response=models.Release, errors=(404, 503), summary="A release's metadata")
def release(release_id: int):
    store = current_store()
    row = store.release(release_id)
    album_id = store.albums_of_releases([release_id]).get(release_id)
    if row is None and album_id is None:
        raise ApiError(404, "not_found", f"release {release_id} is not in this index "
                       f"(build {store.build_id})")
    if row is None:  # known only as an album's main release
        album = store.albums([album_id])[album_id]
        data = {**to_item(album, with_score=False), "release_id": release_id}
    else:
        data = _decoded(row, _RELEASE_JSON)
        data["artist"] = data.pop("artist_names", "")
        data["is_main_release"] = bool(data.get("is_main_release"))
    data["album_id"] = album_id
    data["url"] = album_url(None, release_id)
    data["master_url"] = album_url(data.get("master_id"), None)
    return jsonify({**data, "index": store.summary()})


@operation(bp, "GET", "/masters/<master_id>", path_params={"master_id": models.Id},
           response=models.Master, errors=(404, 503),
           summary="A master's metadata, with its album fields and releases")
def master(master_id: int):
    store = current_store()
    album_id = store.albums_of_masters([master_id]).get(master_id)
    row = store.master(master_id)
    if album_id is None and row is None:
        raise ApiError(404, "not_found", f"master {master_id} is not in this index "
                       f"(build {store.build_id})")
    data: Dict[str, Any] = {}
    if album_id is not None:
        data.update(to_item(store.albums([album_id])[album_id], with_score=False))
    if row is not None:
        decoded = _decoded(row, ("artists", "genres", "styles", "videos"))
        data.setdefault("title", decoded["title"])
        data["main_release"] = decoded["main_release"]
        data["videos"] = decoded["videos"]
        data["data_quality"] = decoded["data_quality"]
    data["master_id"] = master_id
    data["url"] = album_url(master_id, None)
    data["releases"] = store.releases_of_master(master_id)
    return jsonify({**data, "index": store.summary()})


@operation(bp, "GET", "/search", query=models.SearchQuery, response=models.SearchResponse,
           errors=(503,), summary="Full-text search of titles, artists and labels")
def search(query: models.SearchQuery):
    """Best matches first."""
    within_limits(query.limit, name="limit")
    limit, query = query.limit, query.q.strip()
    store = current_store()
    album_ids = store.search_text(query, limit)
    albums = store.albums(album_ids)
    results: List[Dict[str, Any]] = [to_item(albums[a], with_score=False)
                                     for a in album_ids if a in albums]
    return jsonify({"results": results, "query": query, "index": store.summary()})


@operation(bp, "GET", "/index", response=models.IndexInfo, errors=(503,),
           summary="The published index: build, counts, dump dates, model")
def index():
    store = current_store()
    manifest = store.manifest
    return jsonify({**store.summary(), "counts": manifest.get("counts", {}),
                    "model_details": manifest.get("model", {}),
                    "index_type": manifest.get("index", {}).get("type"),
                    "dimension": store.dimension,
                    "text_template": manifest.get("text_template"),
                    "filters": manifest.get("filters", {}),
                    "inputs": manifest.get("inputs", {}),
                    # built from the demo catalogue bundled with the package (no dumps reached)
                    "demo": bool(manifest.get("demo", False))})
