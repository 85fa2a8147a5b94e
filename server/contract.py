"""Routes declared with their models: validation and the OpenAPI document from one source.

    @operation(bp, "GET", "/releases/<release_id>/neighbours", query=NeighboursQuery,
               response=NeighboursResponse, errors=(400, 404, 503), summary="...")
    def release_neighbours(release_id: int, query: NeighboursQuery): ...

The decorator registers the Flask route, validates the path ids, the query string and a
JSON body into the declared models before the view runs (a failure is a 400 in the one
error shape naming the field), and records the operation; `document()` turns the
records and the models' JSON Schemas into OpenAPI 3.1. Why this rather than spectree,
flask-openapi3 or APIFlask: docs/api-contract.md.
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Type

from flask import Blueprint, Flask, current_app, jsonify, request
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.json_schema import models_json_schema

from . import models
from .errors import ApiError

_REF = "#/components/schemas/{model}"
_PATH_PARAM = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")

ERROR_TEXT = {
    400: "Invalid request: the message names the field.",
    401: "discogs_token_rejected: Discogs refused the X-Discogs-Token.",
    403: "collection_private: the collection is not public.",
    404: "Not in this index (or no such user).",
    413: "Too many ids, or a body over the size limit.",
    429: "discogs_rate_limited: Discogs' limit is spent; see Retry-After.",
    502: "discogs_unavailable: Discogs failed or answered something unreadable.",
    503: "No index is published; the message says which command builds one.",
    504: "discogs_timeout: Discogs was too slow.",
}


@dataclass
class Operation:
    method: str
    path: str                       # OpenAPI form: /api/v1/releases/{release_id}
    operation_id: str
    summary: str
    description: str = ""
    path_params: Dict[str, Any] = field(default_factory=dict)   # name -> annotated type
    query: Optional[Type[BaseModel]] = None
    body: Optional[Type[BaseModel]] = None
    upload: Optional[Dict[str, Any]] = None    # requestBody content of a raw file upload
    headers: Sequence[Dict[str, Any]] = ()
    response: Optional[Type[BaseModel]] = None
    response_content: Optional[Dict[str, Any]] = None   # non-JSON answers (the web page)
    errors: Sequence[int] = ()


OPERATIONS: List[Operation] = []


def operation(bp: Blueprint, method: str, rule: str, *, summary: str, description: str = "",
              path_params: Optional[Mapping[str, Any]] = None,
              query: Optional[Type[BaseModel]] = None, body: Optional[Type[BaseModel]] = None,
              upload: Optional[Dict[str, Any]] = None, headers: Sequence[Dict[str, Any]] = (),
              response: Optional[Type[BaseModel]] = None,
              response_content: Optional[Dict[str, Any]] = None,
              errors: Iterable[int] = (), codes: Optional[Mapping[str, str]] = None) -> Callable:
    """Register `rule` on `bp` for `method`, validated by and documented from the models.

    Path parameters are declared in `path_params` (name -> type, e.g. models.Id) and
    arrive converted; `query`/`body` arrive as model instances in keyword arguments of
    the same names. `codes`: the error code for an invalid path parameter, where one
    more precise than invalid_field is a contract (e.g. invalid_username)."""
    params = dict(path_params or {})
    adapters = {name: TypeAdapter(kind) for name, kind in params.items()}
    statuses = sorted(set(errors) | ({400} if params or query or body or upload else set()))

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def handler(**raw: str) -> Any:
            kwargs: Dict[str, Any] = {}
            for name, text in raw.items():
                kwargs[name] = _validated(lambda: adapters[name].validate_python(text), name,
                                          (codes or {}).get(name, "invalid_field"))
            if query is not None:
                kwargs["query"] = _validated(lambda: query.model_validate(_query_dict(query)))
            if body is not None:
                data = json_object(request.get_data(cache=False))
                kwargs["body"] = _validated(lambda: body.model_validate(data))
            return view(**kwargs)

        flask_rule = _PATH_PARAM.sub(r"<\1>", rule)
        bp.add_url_rule(flask_rule, view.__name__, handler, methods=[method])
        OPERATIONS.append(Operation(
            method=method.lower(), path=(bp.url_prefix or "") + _PATH_PARAM.sub(r"{\1}", rule),
            operation_id=_camel(view.__name__), summary=summary,
            description=description or (view.__doc__ or "").strip(), path_params=params,
            query=query, body=body, upload=upload, headers=headers, response=response,
            response_content=response_content, errors=statuses))
        return handler
    return decorate


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


# -- reading requests ----------------------------------------------------------------------------

def json_object(raw: bytes) -> Dict[str, Any]:
    """The request body as a JSON object, or a 400 saying what is wrong with it."""
    if not raw.strip():
        raise ApiError(400, "invalid_json", "the request body is empty; send a JSON object "
                       'such as {"release_ids": [1, 2], "k": 20}')
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "invalid_json", f"the request body is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", "the request body must be a JSON object, "
                       f"not {type(data).__name__}")
    return data


def _is_list(annotation: Any) -> bool:
    return getattr(annotation, "__origin__", None) in (list, List) or (
        any(_is_list(a) for a in getattr(annotation, "__args__", ()) or ()))


def _query_dict(model: Type[BaseModel]) -> Dict[str, Any]:
    """Repeated parameters become lists where the model wants a list (?genres=A&genres=B)."""
    args = request.args
    values: Dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name not in args:
            continue
        values[name] = args.getlist(name) if _is_list(info.annotation) else args.get(name)
    return values


def _validated(parse: Callable[[], Any], name: str = "", code: str = "invalid_field") -> Any:
    try:
        return parse()
    except ValidationError as exc:
        raise _api_error(exc, name, code) from None


def _field_path(loc: Tuple[Any, ...], prefix: str) -> str:
    path = prefix
    for part in loc:
        if part == "[key]":
            continue
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _api_error(exc: ValidationError, name: str, code: str = "invalid_field") -> ApiError:
    """The first problem, in the one error shape: the field, what was sent, what is allowed."""
    problem = exc.errors(include_url=False)[0]
    loc = tuple(part for part in problem["loc"] if not str(part).startswith(("function-", "literal[")))
    where = _field_path(loc, name)
    message = problem["msg"]
    if problem["type"] == "value_error":       # a model check that names its own field
        return ApiError(400, "invalid_field", message.removeprefix("Value error, "))
    if problem["type"] == "extra_forbidden":
        return ApiError(400, "unknown_field", f"{where}: unknown field; see /api/v1/openapi.json")
    if problem["type"] == "too_long" and where.endswith("ids"):
        return ApiError(413, "too_many_ids", f"{where}: more than the {models.MAX_IDS:,} ids "
                        f"allowed; send the {models.MAX_IDS:,} most relevant")
    sent = problem.get("input")
    shown = "" if isinstance(sent, (dict, list)) else f", not {json.dumps(sent)[:80]}" \
        if _jsonable(sent) else ""
    return ApiError(400, code, f"{where}: {message[0].lower()}{message[1:]}{shown}")


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
        return True
    except (TypeError, ValueError):
        return False


# -- the document ----------------------------------------------------------------------------------

INFO = {"title": "discogs-recs API", "version": "1.1.0",
        "description": "Music recommendations for Discogs collectors, answered from a published "
                       "index (stored vectors; no model at serving time). Every failure answers "
                       "{\"error\": {\"status\", \"code\", \"message\"}}."}


def document(operations: Optional[Sequence[Operation]] = None) -> Dict[str, Any]:
    """The OpenAPI 3.1 document of the registered operations."""
    operations = OPERATIONS if operations is None else operations
    inputs = {m for op in operations for m in (op.query, op.body) if m is not None}
    outputs = {op.response for op in operations if op.response is not None} | {models.Error}
    keyed = ([(m, "validation") for m in sorted(inputs, key=lambda m: m.__name__)]
             + [(m, "serialization") for m in sorted(outputs, key=lambda m: m.__name__)])
    refs, defs = models_json_schema(keyed, ref_template=_REF)
    schemas = defs.get("$defs", {})
    paths: Dict[str, Dict[str, Any]] = {}
    for op in operations:
        paths.setdefault(op.path, {})[op.method] = _operation(op, refs, schemas)
    return {"openapi": "3.1.0", "info": INFO, "paths": paths,
            "components": {"schemas": schemas}}


def _json(schema: Dict[str, Any], description: str) -> Dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _operation(op: Operation, refs: Mapping[Any, Dict[str, Any]],
               schemas: Mapping[str, Any]) -> Dict[str, Any]:
    parameters: List[Dict[str, Any]] = []
    for name, kind in op.path_params.items():
        parameters.append({"name": name, "in": "path", "required": True,
                           "schema": TypeAdapter(kind).json_schema()})
    if op.query is not None:
        schema = schemas[refs[(op.query, "validation")]["$ref"].rsplit("/", 1)[1]]
        required = set(schema.get("required", []))
        for name, prop in schema["properties"].items():
            prop = dict(prop)
            description = prop.pop("description", None)
            prop.pop("title", None)
            parameter = {"name": name, "in": "query", "required": name in required, "schema": prop}
            if description:
                parameter["description"] = description
            if prop.get("type") == "array":
                parameter.update(style="form", explode=True)
            parameters.append(parameter)
    parameters.extend(op.headers)
    spec: Dict[str, Any] = {"summary": op.summary, "operationId": op.operation_id}
    if op.description:
        spec["description"] = op.description
    if parameters:
        spec["parameters"] = parameters
    if op.body is not None:
        spec["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": refs[(op.body, "validation")]}}}
    elif op.upload is not None:
        spec["requestBody"] = {"required": True, "content": op.upload}
    ok = (_json(refs[(op.response, "serialization")], "The answer.") if op.response is not None
          else {"description": "The answer.", "content": op.response_content or {}})
    spec["responses"] = {"200": ok, **{str(s): _json(refs[(models.Error, "serialization")],
                                                      ERROR_TEXT[s]) for s in op.errors}}
    return spec


bp = Blueprint("openapi", __name__)


def publish(app: Flask) -> None:
    """Serve the document of every operation registered so far at /api/v1/openapi.json."""
    app.register_blueprint(bp)
    app.extensions["discogs_recs.openapi"] = document(OPERATIONS)


@operation(bp, "GET", "/api/v1/openapi.json", summary="This document",
           response_content={"application/json": {"schema": {"type": "object"}}})
def openapi_json():
    return jsonify(current_app.extensions["discogs_recs.openapi"])
