"""Recommendations for a whole collection: from a Discogs username, or from the CSV
discogs.com exports.

    GET  /api/v1/users/<username>/recommendations      the public collection and wantlist
    POST /api/v1/recommendations/from-export           the CSV as the body or a multipart file
    POST /api/v1/recommendations/from-library          a Spotify, Apple Music or Last.fm file
                                                       (or the export's zip), body or multipart

Both answer like POST /api/v1/recommendations, plus a `collection` or `export` object
and a `profile` object (how the records were matched to the index). The fetching,
parsing and matching live in the plain-Python `collection` package; this module only
reads the request and maps failures to the shared error shape.

A personal Discogs token (for private collections and a higher rate limit) may come in
the X-Discogs-Token header; it is used for the fetch and then forgotten: never logged,
never cached, never echoed. The server's own token is the DISCOGS_TOKEN setting.
"""
from __future__ import annotations

import contextlib
import shutil
import tempfile
from typing import Any, BinaryIO, Dict, Iterator, List, Optional, Tuple

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from collection.errors import CollectionError
from collection.recommend import RecommendOptions
from collection.records import COLLECTION, WANTLIST
from collection.service import CollectionService
from collection.settings import CollectionSettings, flag
from recommender.engine import DEFAULT_DIVERSITY, DEFAULT_MAX_PER_ARTIST, STRATEGY_CHOICES

from .api import current_store
from .errors import ApiError, error_body, invalid_field
from .validation import query_int

bp = Blueprint("collection_api", __name__, url_prefix="/api/v1")

TOKEN_HEADER = "X-Discogs-Token"
_SERVICE = "discogs_recs.collection_service"


def collection_service() -> CollectionService:
    """One service per app: its rate limiter and loaded model outlive a request."""
    service = current_app.extensions.get(_SERVICE)
    if service is None:
        service = CollectionService(CollectionSettings.from_mapping(current_app.config))
        current_app.extensions[_SERVICE] = service
    return service


@bp.errorhandler(CollectionError)
def collection_error(exc: CollectionError):
    response: Response = jsonify(error_body(exc.status, exc.code, exc.message))
    if exc.retry_after is not None:
        response.headers["Retry-After"] = str(max(1, round(exc.retry_after)))
    return response, exc.status


@bp.errorhandler(RequestEntityTooLarge)
def export_too_large(_exc: RequestEntityTooLarge):
    settings = collection_service().settings
    library = request.endpoint == "collection_api.library_recommendations"
    limit = settings.max_library_bytes if library else settings.max_export_bytes
    size = f"{limit / (1 << 20):g} MiB" if limit >= 1 << 20 else f"{limit:,} bytes"
    advice = ("upload the files of the export one by one" if library
              else "upload the CSV discogs.com gives, unchanged")
    return jsonify(error_body(413, "payload_too_large", f"the {'file' if library else 'export'} "
                              f"is larger than {size}; {advice}")), 413


# -- query parameters ---------------------------------------------------------------------

def _strings(name: str) -> List[str]:
    """?genres=Jazz&genres=Rock or ?genres=Jazz,Rock."""
    return [part.strip() for value in request.args.getlist(name) for part in value.split(",")
            if part.strip()]


def _options() -> RecommendOptions:
    args = request.args
    max_k = int(current_app.config.get("MAX_K", 100))
    options = RecommendOptions(k=query_int("k", args.get("k"), 20, 1, max_k))
    strategy = args.get("strategy")
    if strategy is not None:
        if strategy not in STRATEGY_CHOICES:
            raise invalid_field("strategy", f"{strategy!r} is not one of " + ", ".join(STRATEGY_CHOICES))
        options.strategy = strategy
    if args.get("diversity") is not None:
        try:
            diversity = float(args["diversity"])
        except ValueError:
            diversity = -1.0
        if not 0.0 <= diversity <= 1.0:
            raise invalid_field("diversity", f"must be a number from 0 to 1, not {args['diversity']!r}")
        options.diversity = diversity
    options.max_per_artist = query_int("max_per_artist", args.get("max_per_artist"),
                                       DEFAULT_MAX_PER_ARTIST, 0, max_k)
    filters: Dict[str, Any] = {}
    for name in ("genres", "styles", "formats"):
        if _strings(name):
            filters[name] = _strings(name)
    for name in ("year_from", "year_to"):
        if args.get(name) is not None:
            filters[name] = query_int(name, args.get(name), 0, 1000, 3000)
    if filters.get("year_from") and filters.get("year_to") and filters["year_from"] > filters["year_to"]:
        raise invalid_field("year_from", "is after year_to")
    if (args.get("country") or "").strip():
        filters["country"] = args["country"].strip()
    options.filters = filters
    return options


def _token() -> Optional[str]:
    if "token" in request.args:
        # A token in the URL would land in access logs and browser history.
        raise ApiError(400, "token_in_url", f"never put a Discogs token in the URL; send it in "
                       f"the {TOKEN_HEADER} header")
    token = request.headers.get(TOKEN_HEADER, "").strip()
    return token or None


# -- routes ---------------------------------------------------------------------------------

@bp.get("/users/<username>/recommendations")
def user_recommendations(username: str):
    """The user's public collection (folder 0) and wantlist -> recommendations."""
    options = _options()
    token = _token()
    store = current_store()
    answer = collection_service().for_user(store, username, token, options,
                                           refresh=flag(request.args.get("refresh", "")))
    return jsonify(answer)


def _export_bytes() -> bytes:
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file") or next(iter(request.files.values()), None)
        if upload is None:
            raise ApiError(400, "invalid_export", "the form has no file; send the CSV in a "
                           "field named 'file'")
        return upload.read()
    return request.get_data(cache=False)


@bp.post("/recommendations/from-export")
def export_recommendations():
    """A collection or wantlist export (CSV, or the zip holding it) -> recommendations."""
    service = collection_service()
    request.max_content_length = service.settings.max_export_bytes  # exports outgrow MAX_CONTENT_LENGTH
    options = _options()
    kind = request.args.get("kind")
    if kind is not None and kind not in (COLLECTION, WANTLIST):
        raise invalid_field("kind", f"must be {COLLECTION} or {WANTLIST} (default: from the "
                            f"columns), not {kind!r}")
    data = _export_bytes()
    store = current_store()
    return jsonify(service.for_export(store, data, options, kind))


# The body is copied to a temporary spool (in memory up to this size, then an unlinked
# temporary file) so the readers can seek; closing it deletes it.
SPOOL_IN_MEMORY = 8 << 20


@contextlib.contextmanager
def _library_upload() -> Iterator[Tuple[BinaryIO, str]]:
    """(seekable stream, name for messages) of the uploaded file; never kept after."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file") or next(iter(request.files.values()), None)
        if upload is None:
            raise ApiError(400, "invalid_library", "the form has no file; send the library "
                           "file in a field named 'file'")
        try:
            yield upload.stream, upload.filename or "the file"
        finally:
            upload.close()
        return
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as spool:
        shutil.copyfileobj(request.stream, spool, 1 << 20)
        spool.seek(0)
        yield spool, "the file"


@bp.post("/recommendations/from-library")
def library_recommendations():
    """A Spotify, Apple Music or Last.fm file -> recommendations (collection.library)."""
    service = collection_service()
    request.max_content_length = service.settings.max_library_bytes
    options = _options()
    store = current_store()
    with _library_upload() as (stream, name):
        return jsonify(service.for_library(store, stream, name, options))


# -- OpenAPI ---------------------------------------------------------------------------------
# Merged into server/openapi.py's SPEC: SPEC["paths"].update(OPENAPI_PATHS) and
# SPEC["components"]["schemas"].update(OPENAPI_SCHEMAS).

def _ref(name: str) -> Dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(description: str) -> Dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": _ref("Error")}}}


_QUERY_PARAMETERS: List[Dict[str, Any]] = [
    {"name": "k", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100,
                                            "default": 20}, "description": "How many albums to return."},
    {"name": "strategy", "in": "query", "schema": {"type": "string", "enum": list(STRATEGY_CHOICES),
                                                   "default": "auto"}},
    {"name": "diversity", "in": "query", "schema": {"type": "number", "minimum": 0, "maximum": 1,
                                                    "default": DEFAULT_DIVERSITY}},
    {"name": "max_per_artist", "in": "query", "schema": {"type": "integer", "minimum": 0,
                                                         "default": DEFAULT_MAX_PER_ARTIST}},
] + [{"name": name, "in": "query", "schema": {"type": "array", "items": {"type": "string"}},
      "style": "form", "explode": True,
      "description": f"Only albums with one of these {name} (repeat, or comma-separate)."}
     for name in ("genres", "styles", "formats")] + [
    {"name": "year_from", "in": "query", "schema": {"type": "integer"}},
    {"name": "year_to", "in": "query", "schema": {"type": "integer"}},
    {"name": "country", "in": "query", "schema": {"type": "string"}},
]

_PROFILE = {
    "type": "object", "description": "How the records became the taste profile.",
    "properties": {
        "albums": {"type": "integer", "description": "Distinct albums in the profile."},
        "matched": {"type": "object", "description": "Records matched by release id, by "
                    "master id, by artist and title, or embedded on the fly.",
                    "properties": {k: {"type": "integer"} for k in
                                   ("release", "master", "artist_title", "tracklist",
                                    "embedded")}},
        "unknown": {"type": "integer"},
        "embedding": {"type": "string", "description": "off, on, or unavailable: reason."},
        "weights": {"type": "string", "description": "plays: weighted by plays (library files)."}},
}

OPENAPI_SCHEMAS: Dict[str, Any] = {
    "CollectionSummary": {
        "type": "object", "required": ["username", "releases", "wantlist", "fetched_at", "from_cache"],
        "properties": {"username": {"type": "string"},
                       "releases": {"type": "integer", "description": "Items in folder 0 (All)."},
                       "wantlist": {"type": "integer"},
                       "fetched_at": {"type": "string", "format": "date-time"},
                       "from_cache": {"type": "boolean"},
                       "wantlist_private": {"type": "boolean"}}},
    "ExportSummary": {
        "type": "object", "required": ["rows", "malformed_rows", "encoding"],
        "properties": {
            "kind": {"type": "string", "enum": [COLLECTION, WANTLIST]},
            "rows": {"type": "integer"}, "used": {"type": "integer"},
            "malformed": {"type": "integer", "description": "Rows with a problem, in all."},
            "malformed_rows": {"type": "array", "description": "The first 100 of them.",
                               "items": {"type": "object", "properties": {
                                   "line": {"type": "integer"}, "reason": {"type": "string"},
                                   "skipped": {"type": "boolean"}}}},
            "encoding": {"type": "string"}}},
    "LibrarySummary": {
        "type": "object",
        "required": ["format", "albums_read", "matched", "unmatched"],
        "properties": {
            "format": {"type": "string", "description": "What the file was read as (from its "
                       "content): spotify_library, spotify_streaming_history, "
                       "spotify_extended_history, apple_music_library_tracks, "
                       "itunes_library_xml, lastfm_scrobbles_csv, or zip (see files)."},
            "albums_read": {"type": "integer", "description": "Distinct albums (artist and "
                            "album) in the file."},
            "tracks_read": {"type": "integer", "description": "Distinct tracks of a history "
                            "that names no album (matched through tracklists)."},
            "matched": {"type": "integer", "description": "Distinct albums of the index matched."},
            "matched_albums": {"type": "integer"}, "matched_tracks": {"type": "integer"},
            "matched_by": {"type": "object", "additionalProperties": {"type": "integer"},
                           "description": "title, title_without_edition, title_loose, "
                                          "tracklist, title_track -> count."},
            "match_rate": {"type": "number", "description": "Share of albums and tracks read "
                           "that matched."},
            "rows": {"type": "integer"}, "plays": {"type": "integer"},
            "plays_matched": {"type": "integer"},
            "short_plays": {"type": "integer", "description": "Streams under 30 s, not counted."},
            "not_music": {"type": "integer", "description": "Podcasts, videos, audiobooks left out."},
            "unmatched": {"type": "array", "description": "The 100 most played albums (or "
                          "tracks) this index lacks.", "items": {"type": "object", "properties": {
                              "artist": {"type": "string"}, "album": {"type": "string"},
                              "track": {"type": "string"}, "plays": {"type": "integer"},
                              "saved": {"type": "boolean"}}}},
            "unmatched_count": {"type": "integer"},
            "problems": {"type": "integer", "description": "Rows or items with a problem, in all."},
            "problem_rows": {"type": "array", "items": {"type": "object", "properties": {
                "where": {"type": "string"}, "reason": {"type": "string"},
                "skipped": {"type": "boolean"}}}},
            "tracklists": {"type": "boolean", "description": "Whether the index holds "
                           "tracklists (built with the releases dump)."},
            "files": {"type": "array", "items": {"type": "object"},
                      "description": "For a zip: each member, its format, rows or why skipped."},
            "note": {"type": "string"}}},
    "LibraryRecommendationResponse": {"allOf": [_ref("RecommendationResponse"), {
        "type": "object", "properties": {"library": _ref("LibrarySummary"), "profile": _PROFILE}}]},
    "CollectionRecommendationResponse": {"allOf": [_ref("RecommendationResponse"), {
        "type": "object", "properties": {"collection": _ref("CollectionSummary"),
                                         "profile": _PROFILE}}]},
    "ExportRecommendationResponse": {"allOf": [_ref("RecommendationResponse"), {
        "type": "object", "properties": {"export": _ref("ExportSummary"), "profile": _PROFILE}}]},
}

OPENAPI_PATHS: Dict[str, Any] = {
    "/api/v1/users/{username}/recommendations": {"get": {
        "summary": "Recommend from a Discogs user's public collection and wantlist",
        "description": "Fetches folder 0 and the wantlist through the Discogs API (all pages, "
                       "cached for COLLECTION_CACHE_TTL seconds). Ratings weight the profile; "
                       "wanted records count as taste and are never recommended. "
                       "`unknown_ids` lists release ids the index lacks.",
        "operationId": "userRecommendations",
        "parameters": [
            {"name": "username", "in": "path", "required": True,
             "schema": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,64}$"}},
            {"name": TOKEN_HEADER, "in": "header", "required": False, "schema": {"type": "string"},
             "description": "A personal Discogs token: reads a private collection of its owner "
                            "and raises the rate limit. Used once, never logged or stored."},
            {"name": "refresh", "in": "query", "schema": {"type": "boolean", "default": False},
             "description": "Fetch again even if a fresh copy is cached."},
        ] + _QUERY_PARAMETERS,
        "responses": {
            "200": {"description": "Recommendations for the collection.", "content": {
                "application/json": {"schema": _ref("CollectionRecommendationResponse")}}},
            "400": _error("Invalid username or parameter (a token in the URL, too)."),
            "401": _error("discogs_token_rejected: Discogs refused the X-Discogs-Token."),
            "403": _error("collection_private: the collection is not public."),
            "404": _error("user_not_found."),
            "429": _error("discogs_rate_limited: Discogs' limit is spent; see Retry-After."),
            "502": _error("discogs_unavailable: Discogs failed or is unreachable."),
            "503": _error("No index is published."),
            "504": _error("discogs_timeout: Discogs was too slow.")}}},
    "/api/v1/recommendations/from-export": {"post": {
        "summary": "Recommend from a discogs.com collection or wantlist export (CSV)",
        "description": "The CSV as the request body (text/csv) or as a multipart file field "
                       "named `file`; a zip holding the CSV also works. The Rating column "
                       "weights the profile. Rows that cannot be read are listed in "
                       "`export.malformed_rows` with their line; the rest are used.",
        "operationId": "exportRecommendations",
        "parameters": [{"name": "kind", "in": "query",
                        "schema": {"type": "string", "enum": [COLLECTION, WANTLIST]},
                        "description": "Default: collection when the CSV has a "
                                       "CollectionFolder column, else wantlist."}] + _QUERY_PARAMETERS,
        "requestBody": {"required": True, "content": {
            "text/csv": {"schema": {"type": "string"}},
            "multipart/form-data": {"schema": {"type": "object", "properties": {
                "file": {"type": "string", "format": "binary"}}}}}},
        "responses": {
            "200": {"description": "Recommendations for the export.", "content": {
                "application/json": {"schema": _ref("ExportRecommendationResponse")}}},
            "400": _error("invalid_export: not a Discogs export, or no usable row."),
            "413": _error("The export is larger than MAX_EXPORT_BYTES."),
            "503": _error("No index is published.")}}},
    "/api/v1/recommendations/from-library": {"post": {
        "summary": "Recommend from a Spotify, Apple Music or Last.fm library file",
        "description": "The file as the request body or as a multipart file field named "
                       "`file`; its format is found from its content: Spotify YourLibrary.json, "
                       "StreamingHistory_music_N.json, Streaming_History_Audio_*.json / "
                       "endsong_N.json or the whole export's zip; Apple Music Library "
                       "Tracks.json or Library.xml; Last.fm scrobbles CSV (artist,album,track,"
                       "date). Albums are matched to the index by artist and title, tracks of "
                       "album-less histories through tracklists; plays (a saved album counts "
                       "as 5) weight the profile. The file is streamed, never stored.",
        "operationId": "libraryRecommendations",
        "parameters": _QUERY_PARAMETERS,
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": {"type": "string", "format": "binary"}},
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
            "multipart/form-data": {"schema": {"type": "object", "properties": {
                "file": {"type": "string", "format": "binary"}}}}}},
        "responses": {
            "200": {"description": "Recommendations for the library.", "content": {
                "application/json": {"schema": _ref("LibraryRecommendationResponse")}}},
            "400": _error("invalid_library: not a file this reads, damaged (the message names "
                          "the line or key), or nothing usable in it."),
            "413": _error("The file is larger than MAX_LIBRARY_BYTES."),
            "503": _error("No index is published.")}}},
}
