"""GET /api/v1/openapi.json: the OpenAPI 3.1 description of every route.

Written by hand next to the code it describes; tests/server checks that it validates
and that every Flask route appears in it.
"""
from __future__ import annotations

import copy
from types import ModuleType
from typing import Any, Dict, Sequence

from flask import Blueprint, Flask, current_app, jsonify

from recommender.engine import (DEFAULT_DIVERSITY, DEFAULT_MAX_PER_ARTIST, DEFAULT_STYLE_WEIGHT,
                                MAX_STYLE_WEIGHT, STRATEGY_CHOICES)

from .validation import FILTER_FIELDS

bp = Blueprint("openapi", __name__)

_NULL_INT = {"type": ["integer", "null"]}
_NULL_STR = {"type": ["string", "null"]}
_STRINGS = {"type": "array", "items": {"type": "string"}}
_IDS = {"type": "array", "items": {"type": "integer", "minimum": 1}, "maxItems": 10000}


def _ref(name: str) -> Dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: Dict[str, Any], description: str) -> Dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> Dict[str, Any]:
    words = {400: "Invalid request: the message names the field.", 404: "Unknown id or route.",
             405: "Method not allowed.", 413: "More than 10,000 ids.",
             503: "No index is published; the message says which command builds one."}
    return {str(s): _json(_ref("Error"), words[s]) for s in statuses}


_K = {"name": "k", "in": "query", "required": False,
      "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
      "description": "How many albums to return."}

SCHEMAS: Dict[str, Any] = {
    "Error": {
        "type": "object", "required": ["error"],
        "properties": {"error": {
            "type": "object", "required": ["status", "code", "message"],
            "properties": {
                "status": {"type": "integer", "description": "The HTTP status again."},
                "code": {"type": "string", "description": "Stable word: invalid_json, "
                         "invalid_field, unknown_field, too_many_ids, payload_too_large, "
                         "not_found, method_not_allowed, no_index, internal_error."},
                "message": {"type": "string", "description": "What to change, for a person."},
            }}},
    },
    "IndexSummary": {
        "type": "object", "required": ["build_id", "built_at", "dump_dates", "albums", "model"],
        "properties": {"build_id": {"type": "string"}, "built_at": _NULL_STR,
                       "dump_dates": {"type": "object", "additionalProperties": {"type": "string"},
                                      "description": "Dump date per input, e.g. {\"releases\": \"2020-08-06\"}."},
                       "albums": {"type": "integer"}, "model": {"type": "string"}},
    },
    "Artist": {"type": "object", "properties": {"id": _NULL_INT, "name": {"type": "string"}}},
    "Video": {"type": "object", "properties": {"url": {"type": "string"}, "title": {"type": "string"}}},
    "Because": {
        "type": "object",
        "description": "An owned item that led to the recommendation and what they share.",
        "properties": {
            "release_id": _NULL_INT, "master_id": _NULL_INT, "title": {"type": "string"},
            "artist": {"type": "string"},
            "shared": {"type": "object", "properties": {
                "styles": _STRINGS, "label": _NULL_STR, "artist": _NULL_STR}},
        },
    },
    "Album": {
        "type": "object",
        "description": "An album: a master, or a release without a master. `url` is the "
                       "discogs.com master page when there is a master, else the release page.",
        "required": ["album_id", "master_id", "release_id", "title", "artists", "url"],
        "properties": {
            "album_id": {"type": "integer", "description": "Row of the index (changes per build)."},
            "master_id": _NULL_INT, "release_id": _NULL_INT, "title": {"type": "string"},
            "artists": {"type": "array", "items": _ref("Artist")},
            "artist": {"type": "string", "description": "The credit as displayed."},
            "year": _NULL_INT, "genres": _STRINGS, "styles": _STRINGS, "formats": _STRINGS,
            "label": _NULL_STR, "country": _NULL_STR, "url": {"type": "string"},
            "listen": {"type": "array", "items": _ref("Video"),
                       "description": "Video links from the dump."},
        },
    },
    "Item": {"allOf": [_ref("Album"), {"type": "object", "properties": {
        "score": {"type": ["number", "null"], "description": "Higher is closer; comparable "
                  "within one answer."},
        "because": {"type": "array", "items": _ref("Because")}}}]},
    "Filters": {
        "type": "object", "additionalProperties": False,
        "description": "Lists match when any value does (case-insensitive); all given filters must match.",
        "properties": {"genres": _STRINGS, "styles": _STRINGS, "formats": _STRINGS,
                       "year_from": {"type": "integer"}, "year_to": {"type": "integer"},
                       "country": {"type": "string"}},
    },
    "RecommendationRequest": {
        "type": "object", "additionalProperties": False,
        "description": "A collection, a wantlist or the releases on one page. At least one "
                       "id; at most 10,000 ids in release_ids and master_ids together.",
        "properties": {
            "release_ids": _IDS, "master_ids": _IDS,
            "k": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
            "exclude_ids": {**_IDS, "description": "Release or master ids never to show "
                            "(albums matching either)."},
            "weights": {"type": "object", "additionalProperties": {"type": "number", "minimum": 0},
                        "description": "Weight per sent id, e.g. the user's 1-5 rating; "
                        "unweighted ids get the mean weight."},
            "filters": _ref("Filters"),
            "diversity": {"type": "number", "minimum": 0, "maximum": 1,
                          "default": DEFAULT_DIVERSITY,
                          "description": "0: pure relevance; higher trades relevance for variety (MMR)."},
            "strategy": {"type": "string", "enum": list(STRATEGY_CHOICES), "default": "auto",
                         "description": "How owned albums are combined (auto = max)."},
            "max_per_artist": {"type": "integer", "minimum": 0, "maximum": 100,
                               "default": DEFAULT_MAX_PER_ARTIST,
                               "description": "At most this many albums per artist (0: no cap)."},
            "style_weight": {"type": "number", "minimum": 0, "maximum": MAX_STYLE_WEIGHT,
                             "default": DEFAULT_STYLE_WEIGHT,
                             "description": "Weight of the genre/style overlap added to each "
                             "album's score: the cosine (0..1) between the album's genres and "
                             "styles and the collection's rating-weighted genre/style counts. "
                             "0: the strategy's similarity alone; higher favours albums tagged "
                             "like the collection."},
        },
        "example": {"release_ids": [1842334, 3481603], "master_ids": [13814], "k": 20,
                    "weights": {"1842334": 5}, "filters": {"genres": ["Rock"]}, "diversity": 0.2},
    },
    "RecommendedArtist": {
        "type": "object",
        "properties": {"id": _NULL_INT, "name": {"type": "string"}, "score": {"type": "number"},
                       "albums": {"type": "array", "items": {"type": "object", "properties": {
                           "master_id": _NULL_INT, "release_id": _NULL_INT,
                           "title": {"type": "string"}, "url": {"type": "string"}}}}},
    },
    "RecommendationResponse": {
        "type": "object", "required": ["recommendations", "artists", "unknown_ids", "index"],
        "properties": {
            "recommendations": {"type": "array", "items": _ref("Item")},
            "artists": {"type": "array", "items": _ref("RecommendedArtist"),
                        "description": "Artists the user owns nothing by, ranked."},
            "unknown_ids": {"type": "array", "items": {"type": "integer"},
                            "description": "Sent ids this index does not know (not an error)."},
            "index": _ref("IndexSummary"),
        },
    },
    "NeighboursResponse": {
        "type": "object", "required": ["neighbours", "query", "index"],
        "properties": {"neighbours": {"type": "array", "items": _ref("Item")},
                       "query": _ref("Item"), "index": _ref("IndexSummary")},
    },
    "SearchResponse": {
        "type": "object", "required": ["results", "query"],
        "properties": {"results": {"type": "array", "items": _ref("Album")},
                       "query": {"type": "string"}, "index": _ref("IndexSummary")},
    },
    "Release": {
        "type": "object", "description": "A release row of the catalogue.",
        "properties": {"release_id": {"type": "integer"}, "title": {"type": "string"},
                       "artists": {"type": "array", "items": {"type": "object"}},
                       "artist": {"type": "string"},
                       "labels": {"type": "array", "items": {"type": "object"}},
                       "formats": {"type": "array", "items": {"type": "object"}},
                       "genres": _STRINGS, "styles": _STRINGS, "year": _NULL_INT,
                       "country": _NULL_STR, "released": _NULL_STR,
                       "tracklist": {"type": "array", "items": {"type": "object"}},
                       "videos": {"type": "array", "items": {"type": "object"}},
                       "master_id": _NULL_INT, "album_id": _NULL_INT,
                       "url": {"type": "string"}, "master_url": _NULL_STR,
                       "index": _ref("IndexSummary")},
    },
    "Master": {"allOf": [_ref("Album"), {"type": "object", "properties": {
        "main_release": _NULL_INT,
        "releases": {"type": "array", "items": {"type": "object"},
                     "description": "Its releases in this catalogue, main release first."},
        "index": _ref("IndexSummary")}}]},
    "Health": {"type": "object", "required": ["status"],
               "properties": {"status": {"type": "string", "enum": ["ok"]},
                              "build_id": {"type": "string"}, "albums": {"type": "integer"}}},
    "IndexInfo": {"allOf": [_ref("IndexSummary"), {"type": "object", "properties": {
        "counts": {"type": "object"}, "model_details": {"type": "object"},
        "index_type": {"type": "string"}, "dimension": {"type": "integer"},
        "text_template": _NULL_STR, "filters": {"type": "object"}, "inputs": {"type": "object"},
        "demo": {"type": "boolean", "description": "Built from the small demo catalogue "
                 "bundled with the package (the dumps could not be reached)."}}}]},
}


def _id_param(name: str) -> Dict[str, Any]:
    return {"name": name, "in": "path", "required": True,
            "schema": {"type": "integer", "minimum": 1}}


def _neighbours(kind: str) -> Dict[str, Any]:
    return {"get": {
        "summary": f"More like this: the albums nearest to a {kind}'s album",
        "operationId": f"{kind}Neighbours",
        "parameters": [_id_param(f"{kind}_id"), _K],
        "responses": {"200": _json(_ref("NeighboursResponse"), "Nearest albums, the album itself left out."),
                      **_errors(400, 404, 503)}}}


SPEC: Dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "discogs-recs API", "version": "1.0.0",
             "description": "Music recommendations for Discogs collectors, answered from a "
                            "published index (stored vectors; no model at serving time). Every "
                            "failure answers {\"error\": {\"status\", \"code\", \"message\"}}."},
    "servers": [{"url": "http://localhost:5000"}],
    "paths": {
        "/api/v1/recommendations": {"post": {
            "summary": "Recommend albums and artists for a set of owned releases or masters",
            "operationId": "recommend",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": _ref("RecommendationRequest")}}},
            "responses": {"200": _json(_ref("RecommendationResponse"),
                                       "Ranked albums, explained, one per album, nothing owned."),
                          **_errors(400, 413, 503)}}},
        "/api/v1/releases/{release_id}/neighbours": _neighbours("release"),
        "/api/v1/masters/{master_id}/neighbours": _neighbours("master"),
        "/api/v1/releases/{release_id}": {"get": {
            "summary": "A release's metadata", "operationId": "release",
            "parameters": [_id_param("release_id")],
            "responses": {"200": _json(_ref("Release"), "The release."), **_errors(404, 503)}}},
        "/api/v1/masters/{master_id}": {"get": {
            "summary": "A master's metadata, with its album fields and releases",
            "operationId": "master", "parameters": [_id_param("master_id")],
            "responses": {"200": _json(_ref("Master"), "The master."), **_errors(404, 503)}}},
        "/api/v1/search": {"get": {
            "summary": "Full-text search of titles, artists and labels",
            "operationId": "search",
            "parameters": [
                {"name": "q", "in": "query", "required": True, "schema": {"type": "string"},
                 "description": "Words that must all appear; the last may be a prefix."},
                {"name": "limit", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}}],
            "responses": {"200": _json(_ref("SearchResponse"), "Best matches first."),
                          **_errors(400, 503)}}},
        "/api/v1/index": {"get": {
            "summary": "The published index: build, counts, dump dates, model",
            "operationId": "index",
            "responses": {"200": _json(_ref("IndexInfo"), "The manifest summary."), **_errors(503)}}},
        "/api/v1/openapi.json": {"get": {
            "summary": "This document", "operationId": "openapi",
            "responses": {"200": {"description": "OpenAPI 3.1 JSON.",
                                  "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        "/healthz": {"get": {
            "summary": "Up and serving an index?", "operationId": "health",
            "responses": {"200": _json(_ref("Health"), "Serving."), **_errors(503)}}},
    },
    "components": {"schemas": SCHEMAS},
}

assert set(SCHEMAS["Filters"]["properties"]) == set(FILTER_FIELDS)


def document(features: Sequence[ModuleType] = ()) -> Dict[str, Any]:
    """SPEC plus the paths and schemas of the feature modules registered with the app."""
    spec = copy.deepcopy(SPEC)
    for module in features:
        spec["paths"].update(getattr(module, "OPENAPI_PATHS", {}))
        spec["components"]["schemas"].update(getattr(module, "OPENAPI_SCHEMAS", {}))
    return spec


def publish(app: Flask, features: Sequence[ModuleType] = ()) -> None:
    app.extensions["discogs_recs.openapi"] = document(features)
    app.register_blueprint(bp)


@bp.get("/api/v1/openapi.json")
def openapi_json():
    return jsonify(current_app.extensions["discogs_recs.openapi"])
