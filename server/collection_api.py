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
from typing import BinaryIO, Iterator, Optional, Tuple

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from collection.errors import CollectionError
from collection.recommend import RecommendOptions
from collection.service import CollectionService
from collection.settings import CollectionSettings

from . import models
from .api import current_store, within_limits
from .contract import operation
from .errors import ApiError, error_body

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

def _options(query: models.CollectionQuery) -> RecommendOptions:
    within_limits(query.k)
    return RecommendOptions(k=query.k, strategy=query.strategy, filters=query.filters(),
                            diversity=query.diversity, max_per_artist=query.max_per_artist,
                            style_weight=query.style_weight)


def _token() -> Optional[str]:
    if "token" in request.args:
        # A token in the URL would land in access logs and browser history.
        raise ApiError(400, "token_in_url", f"never put a Discogs token in the URL; send it in "
                       f"the {TOKEN_HEADER} header")
    token = request.headers.get(TOKEN_HEADER, "").strip()
    return token or None


# -- routes ---------------------------------------------------------------------------------

_TOKEN_PARAMETER = {
    "name": TOKEN_HEADER, "in": "header", "required": False, "schema": {"type": "string"},
    "description": "A personal Discogs token: reads a private collection of its owner and "
                   "raises the rate limit. Used once, never logged or stored."}


@operation(bp, "GET", "/users/<username>/recommendations", path_params={"username": models.Username},
           query=models.UserQuery, headers=[_TOKEN_PARAMETER],
           response=models.CollectionRecommendationResponse,
           errors=(401, 403, 404, 429, 502, 503, 504), codes={"username": "invalid_username"},
           summary="Recommend from a Discogs user's public collection and wantlist")
def user_recommendations(username: str, query: models.UserQuery):
    """Fetches folder 0 and the wantlist through the Discogs API (all pages, cached for
    COLLECTION_CACHE_TTL seconds). Ratings weight the profile; wanted records count as taste
    and are never recommended. `unknown_ids` lists release ids the index lacks."""
    options = _options(query)
    token = _token()
    store = current_store()
    answer = collection_service().for_user(store, username, token, options, refresh=query.refresh)
    return jsonify(answer)


def _export_bytes() -> bytes:
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file") or next(iter(request.files.values()), None)
        if upload is None:
            raise ApiError(400, "invalid_export", "the form has no file; send the CSV in a "
                           "field named 'file'")
        return upload.read()
    return request.get_data(cache=False)


_MULTIPART_FILE = {"schema": {"type": "object", "required": ["file"], "properties": {
    "file": {"type": "string", "format": "binary"}}}}


@operation(bp, "POST", "/recommendations/from-export", query=models.ExportQuery,
           upload={"text/csv": {"schema": {"type": "string"}},
                   "multipart/form-data": _MULTIPART_FILE},
           response=models.ExportRecommendationResponse, errors=(413, 503),
           summary="Recommend from a discogs.com collection or wantlist export (CSV)")
def export_recommendations(query: models.ExportQuery):
    """The CSV as the request body (text/csv) or as a multipart file field named `file`; a
    zip holding the CSV also works. The Rating column weights the profile. Rows that cannot
    be read are listed in `export.malformed_rows` with their line; the rest are used."""
    service = collection_service()
    request.max_content_length = service.settings.max_export_bytes  # exports outgrow MAX_CONTENT_LENGTH
    options = _options(query)
    kind = query.kind
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


@operation(bp, "POST", "/recommendations/from-library", query=models.LibraryQuery,
           upload={"application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
                   "multipart/form-data": _MULTIPART_FILE},
           response=models.LibraryRecommendationResponse, errors=(413, 503),
           summary="Recommend from a Spotify, Apple Music or Last.fm library file")
def library_recommendations(query: models.LibraryQuery):
    """The file as the request body or as a multipart file field named `file`; its format is
    found from its content: Spotify YourLibrary.json, StreamingHistory_music_N.json,
    Streaming_History_Audio_*.json / endsong_N.json or the whole export's zip; Apple Music
    Library Tracks.json or Library.xml; Last.fm scrobbles CSV (artist,album,track,date).
    Albums are matched by artist and title, tracks of album-less histories through
    tracklists; plays (a saved album counts as 5) weight the profile. The file is streamed,
    never stored."""
    service = collection_service()
    request.max_content_length = service.settings.max_library_bytes
    options = _options(query)
    store = current_store()
    with _library_upload() as (stream, name):
        return jsonify(service.for_library(store, stream, name, options))
