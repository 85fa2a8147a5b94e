"""Checks on what clients send; every failure names the field and what to send instead."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional

from recommender.engine import (DEFAULT_DIVERSITY, DEFAULT_MAX_PER_ARTIST, DEFAULT_STYLE_WEIGHT,
                                MAX_STYLE_WEIGHT, STRATEGY_CHOICES)

from .errors import ApiError, invalid_field

RECOMMENDATION_FIELDS = ("release_ids", "master_ids", "k", "exclude_ids", "weights", "filters",
                         "diversity", "strategy", "max_per_artist", "style_weight")
FILTER_FIELDS = ("genres", "styles", "formats", "year_from", "year_to", "country")


@dataclass
class RecommendationRequest:
    release_ids: List[int]
    master_ids: List[int]
    k: int
    exclude_ids: List[int] = field(default_factory=list)
    weights: Dict[int, float] = field(default_factory=dict)
    filters: Dict[str, Any] = field(default_factory=dict)
    diversity: float = DEFAULT_DIVERSITY
    strategy: str = "auto"
    max_per_artist: int = DEFAULT_MAX_PER_ARTIST
    style_weight: float = DEFAULT_STYLE_WEIGHT


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def json_object(raw: bytes) -> Dict[str, Any]:
    if not raw.strip():
        raise ApiError(400, "invalid_json", "the request body is empty; send a JSON object "
                       'such as {"release_ids": [1, 2], "k": 20}')
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "invalid_json", f"the request body is not valid JSON ({exc})") from exc
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_json", "the request body must be a JSON object, "
                       f"not {type(body).__name__}")
    return body


def id_list(name: str, value: Any, limit: int) -> List[int]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise invalid_field(name, f"must be a list of positive integer ids, not {type(value).__name__}")
    if len(value) > limit:
        raise ApiError(413, "too_many_ids", f"{name}: {len(value):,} ids is more than the "
                       f"{limit:,} allowed; send the {limit:,} most relevant")
    for position, item in enumerate(value):
        if not _is_int(item) or item <= 0:
            raise invalid_field(f"{name}[{position}]", f"{item!r} is not a positive integer id")
    return list(dict.fromkeys(value))


def int_in_range(name: str, value: Any, low: int, high: int) -> int:
    if not _is_int(value):
        raise invalid_field(name, f"must be an integer from {low} to {high}, not {value!r}")
    if not low <= value <= high:
        raise invalid_field(name, f"{value} is out of range; use {low} to {high}")
    return value


def query_int(name: str, text: Optional[str], default: int, low: int, high: int) -> int:
    """A query-string integer such as ?k=20."""
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise invalid_field(name, f"must be an integer from {low} to {high}, not {text!r}") from None
    return int_in_range(name, value, low, high)


def _strings(name: str, value: Any) -> List[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise invalid_field(name, 'must be a list of strings, e.g. ["Jazz"]')
    return value


def _filters(value: Any) -> Dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid_field("filters", "must be an object with any of " + ", ".join(FILTER_FIELDS))
    unknown = sorted(set(value) - set(FILTER_FIELDS))
    if unknown:
        raise ApiError(400, "unknown_field", f"filters.{unknown[0]}: unknown filter; use "
                       + ", ".join(FILTER_FIELDS))
    out: Dict[str, Any] = {}
    for name in ("genres", "styles", "formats"):
        if value.get(name) is not None:
            out[name] = _strings(f"filters.{name}", value[name])
    for name in ("year_from", "year_to"):
        if value.get(name) is not None:
            out[name] = int_in_range(f"filters.{name}", value[name], 1000, 3000)
    if out.get("year_from") and out.get("year_to") and out["year_from"] > out["year_to"]:
        raise invalid_field("filters.year_from", "is after filters.year_to")
    if value.get("country") is not None:
        if not isinstance(value["country"], str):
            raise invalid_field("filters.country", 'must be a string, e.g. "UK"')
        out["country"] = value["country"]
    return out


def _weights(value: Any) -> Dict[int, float]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid_field("weights", 'must be an object of id -> number, e.g. {"1842334": 5}')
    out: Dict[int, float] = {}
    for key, weight in value.items():
        if not str(key).isdigit() or int(key) <= 0:
            raise invalid_field(f"weights.{key}", "keys must be positive integer ids")
        if not _is_number(weight) or weight < 0:
            raise invalid_field(f"weights.{key}", f"{weight!r} is not a number >= 0")
        out[int(key)] = float(weight)
    return out


def recommendation_request(body: Mapping[str, Any], max_ids: int, max_k: int) -> RecommendationRequest:
    unknown = sorted(set(body) - set(RECOMMENDATION_FIELDS))
    if unknown:
        raise ApiError(400, "unknown_field", f"{unknown[0]}: unknown field; the fields are "
                       + ", ".join(RECOMMENDATION_FIELDS))
    release_ids = id_list("release_ids", body.get("release_ids"), max_ids)
    master_ids = id_list("master_ids", body.get("master_ids"), max_ids)
    if len(release_ids) + len(master_ids) > max_ids:
        raise ApiError(413, "too_many_ids", f"release_ids and master_ids hold "
                       f"{len(release_ids) + len(master_ids):,} ids together, more than the "
                       f"{max_ids:,} allowed")
    if not release_ids and not master_ids:
        raise invalid_field("release_ids", "send at least one id in release_ids or master_ids")
    request = RecommendationRequest(release_ids, master_ids,
                                    int_in_range("k", body.get("k", 20), 1, max_k))
    request.exclude_ids = id_list("exclude_ids", body.get("exclude_ids"), max_ids)
    request.weights = _weights(body.get("weights"))
    request.filters = _filters(body.get("filters"))
    if body.get("diversity") is not None:
        diversity = body["diversity"]
        if not _is_number(diversity) or not 0 <= diversity <= 1:
            raise invalid_field("diversity", f"must be a number from 0 to 1, not {diversity!r}")
        request.diversity = float(diversity)
    if body.get("strategy") is not None:
        if body["strategy"] not in STRATEGY_CHOICES:
            raise invalid_field("strategy", f"{body['strategy']!r} is not one of "
                                + ", ".join(STRATEGY_CHOICES))
        request.strategy = body["strategy"]
    if body.get("max_per_artist") is not None:
        request.max_per_artist = int_in_range("max_per_artist", body["max_per_artist"], 0, max_k)
    if body.get("style_weight") is not None:
        weight = body["style_weight"]
        if not _is_number(weight) or not 0 <= weight <= MAX_STYLE_WEIGHT:
            raise invalid_field("style_weight", f"must be a number from 0 to "
                                f"{MAX_STYLE_WEIGHT:g}, not {weight!r}")
        request.style_weight = float(weight)
    return request
