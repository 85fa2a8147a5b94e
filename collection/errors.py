"""Failures a caller can act on, with the HTTP status and stable code the API answers.

Plain Python (no Flask): the server turns a `CollectionError` into its error shape,
the CLI prints its message. Messages never contain a token.
"""
from __future__ import annotations

from typing import Optional


class CollectionError(Exception):
    """Base class: `status` and `code` are what the HTTP API answers."""

    status = 502
    code = "discogs_unavailable"

    def __init__(self, message: str, retry_after: Optional[float] = None):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class InvalidUsername(CollectionError):
    status, code = 400, "invalid_username"


class UserNotFound(CollectionError):
    status, code = 404, "user_not_found"


class CollectionPrivate(CollectionError):
    status, code = 403, "collection_private"


class TokenRejected(CollectionError):
    """Discogs answered 401: the personal token sent is wrong or revoked."""

    status, code = 401, "discogs_token_rejected"


class DiscogsRateLimited(CollectionError):
    """Discogs kept answering 429 after every back-off the time budget allowed."""

    status, code = 429, "discogs_rate_limited"


class DiscogsUnavailable(CollectionError):
    status, code = 502, "discogs_unavailable"


class DiscogsTimeout(CollectionError):
    status, code = 504, "discogs_timeout"


class InvalidExport(CollectionError):
    status, code = 400, "invalid_export"


class InvalidLibrary(CollectionError):
    """A Spotify, Apple Music or Last.fm file that cannot be read: the message names the
    line, item or key that is wrong."""

    status, code = 400, "invalid_library"
