"""One error shape for every failure: {"error": {"status", "code", "message"}}.

Handlers here turn `ApiError`, every werkzeug HTTP error (unknown route, wrong method,
body too large, ...) and unexpected exceptions into that shape, so a client parses
one thing. The message says what to change.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, Tuple

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import HTTPException

bp = Blueprint("errors", __name__)
log = logging.getLogger(__name__)

_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed",
          413: "payload_too_large", 415: "unsupported_media_type", 500: "internal_error",
          503: "no_index"}


class ApiError(Exception):
    """A failure the client can act on; `code` is a stable machine-readable word."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def invalid_field(field: str, message: str) -> ApiError:
    return ApiError(400, "invalid_field", f"{field}: {message}")


def error_body(status: int, code: str, message: str) -> Dict[str, Any]:
    return {"error": {"status": status, "code": code, "message": message}}


def _respond(status: int, code: str, message: str) -> Tuple[Response, int]:
    return jsonify(error_body(status, code, message)), status


@bp.app_errorhandler(ApiError)
def api_error(exc: ApiError):
    return _respond(exc.status, exc.code, exc.message)


@bp.app_errorhandler(HTTPException)
def http_error(exc: HTTPException):
    status = exc.code or 500
    if status == 404:
        message = (f"no such endpoint: {request.method} {request.path}; the endpoints are "
                   "listed in /api/v1/openapi.json")
    elif status == 405:
        allowed = ", ".join(sorted(getattr(exc, "valid_methods", None) or []))
        message = f"{request.method} is not allowed on {request.path}; use {allowed}"
    elif status == 413:
        message = "the request body is too large; send at most 10,000 ids"
    else:
        message = exc.description or exc.name
    response, status = _respond(status, _CODES.get(status, "http_error"), message)
    if status == 405 and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response, status


@bp.app_errorhandler(Exception)
def unexpected_error(exc: Exception):
    log.exception("unhandled error on %s %s", request.method, request.path)
    return _respond(500, "internal_error", "the server failed to answer; the error is in its log")
