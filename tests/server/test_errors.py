"""Every error path answers {"error": {"status", "code", "message"}} with the right status."""
from __future__ import annotations

import json

from server import create_app

POST = "/api/v1/recommendations"


def error_cases(facts):
    ok_id = facts["electronic_releases"][0]
    body = lambda **kw: json.dumps({"release_ids": [ok_id], **kw})  # noqa: E731
    return [
        # (method, path, raw body, status, code, words the message must contain)
        ("POST", POST, "not json", 400, "invalid_json", "not valid JSON"),
        ("POST", POST, "", 400, "invalid_json", "empty"),
        ("POST", POST, "[1, 2]", 400, "invalid_json", "JSON object"),
        ("POST", POST, body(k=0), 400, "invalid_field", "k"),
        ("POST", POST, body(k=101), 400, "invalid_field", "k"),
        ("POST", POST, body(k="20"), 400, "invalid_field", "k"),
        ("POST", POST, body(k=True), 400, "invalid_field", "k"),
        ("POST", POST, json.dumps({"release_ids": "1,2"}), 400, "invalid_field", "release_ids"),
        ("POST", POST, json.dumps({"release_ids": [1, "2"]}), 400, "invalid_field", "release_ids[1]"),
        ("POST", POST, json.dumps({"master_ids": [-3]}), 400, "invalid_field", "master_ids[0]"),
        ("POST", POST, json.dumps({"k": 5}), 400, "invalid_field", "release_ids"),
        ("POST", POST, body(colour="blue"), 400, "unknown_field", "colour"),
        ("POST", POST, body(exclude_ids=[0]), 400, "invalid_field", "exclude_ids[0]"),
        ("POST", POST, body(weights=[5]), 400, "invalid_field", "weights"),
        ("POST", POST, body(weights={"abc": 5}), 400, "invalid_field", "weights.abc"),
        ("POST", POST, body(weights={"1": "five"}), 400, "invalid_field", "weights.1"),
        ("POST", POST, body(filters=["Jazz"]), 400, "invalid_field", "filters"),
        ("POST", POST, body(filters={"genre": ["Jazz"]}), 400, "unknown_field", "filters.genre"),
        ("POST", POST, body(filters={"genres": "Jazz"}), 400, "invalid_field", "filters.genres"),
        ("POST", POST, body(filters={"year_from": "1990"}), 400, "invalid_field", "filters.year_from"),
        ("POST", POST, body(filters={"country": 7}), 400, "invalid_field", "filters.country"),
        ("POST", POST, body(diversity=2), 400, "invalid_field", "diversity"),
        ("POST", POST, body(strategy="best"), 400, "invalid_field", "strategy"),
        ("POST", POST, body(max_per_artist=-1), 400, "invalid_field", "max_per_artist"),
        ("POST", POST, body(style_weight=2.5), 400, "invalid_field", "style_weight"),
        ("POST", POST, body(style_weight=-0.1), 400, "invalid_field", "style_weight"),
        ("POST", POST, body(style_weight="high"), 400, "invalid_field", "style_weight"),
        ("POST", POST, body(style_weight=True), 400, "invalid_field", "style_weight"),
        ("POST", POST, json.dumps({"release_ids": list(range(1, 10_002))}), 413, "too_many_ids", "10,000"),
        ("POST", POST, json.dumps({"release_ids": list(range(1, 6001)),
                                   "master_ids": list(range(1, 6001))}), 413, "too_many_ids", "10,000"),
        ("POST", POST, json.dumps({"release_ids": [ok_id], "exclude_ids": list(range(1, 10_002))}),
         413, "too_many_ids", "exclude_ids"),
        ("POST", POST, json.dumps({"release_ids": [1] * 800_000}), 413, "payload_too_large", "too large"),
        ("GET", "/api/v1/releases/999999999/neighbours", None, 404, "not_found", "release 999999999"),
        ("GET", "/api/v1/masters/999999999/neighbours", None, 404, "not_found", "master 999999999"),
        ("GET", f"/api/v1/releases/{ok_id}/neighbours?k=abc", None, 400, "invalid_field", "k"),
        ("GET", f"/api/v1/releases/{ok_id}/neighbours?k=0", None, 400, "invalid_field", "k"),
        ("GET", "/api/v1/releases/999999999", None, 404, "not_found", "release 999999999"),
        ("GET", "/api/v1/masters/999999999", None, 404, "not_found", "master 999999999"),
        ("GET", "/api/v1/releases/abc", None, 400, "invalid_field", "release_id"),
        ("GET", f"/api/v1/masters/{2 ** 64}", None, 400, "invalid_field", "master_id"),
        ("GET", f"/api/v1/releases/{2 ** 63}/neighbours", None, 400, "invalid_field", "release_id"),
        ("GET", f"/api/v1/releases/{2 ** 63 - 1}", None, 404, "not_found", "release"),
        ("POST", POST, json.dumps({"release_ids": [2 ** 63]}), 400, "invalid_field", "release_ids[0]"),
        ("POST", POST, body(style_weight=None), 400, "invalid_field", "style_weight"),
        ("GET", "/api/v1/search?q=%20", None, 400, "invalid_field", "q"),
        ("GET", "/api/v1/search", None, 400, "invalid_field", "q"),
        ("GET", "/api/v1/search?q=%20", None, 400, "invalid_field", "q"),
        ("GET", "/api/v1/search?q=a&limit=1000", None, 400, "invalid_field", "limit"),
        ("GET", "/api/v1/nothing-here", None, 404, "not_found", "openapi.json"),
        ("GET", "/api", None, 404, "not_found", "openapi.json"),
        ("GET", POST, None, 405, "method_not_allowed", "POST"),
        ("DELETE", "/api/v1/index", None, 405, "method_not_allowed", "GET"),
        ("PUT", "/healthz", None, 405, "method_not_allowed", "GET"),
    ]


def assert_error_shape(response, status, code, words):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    body = response.json
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "code", "message"}
    assert body["error"]["status"] == status and body["error"]["code"] == code
    assert words in body["error"]["message"], body["error"]["message"]


def test_every_error_path_uses_the_error_shape(client, facts):
    for method, path, raw, status, code, words in error_cases(facts):
        response = client.open(path, method=method, data=raw, content_type="application/json")
        assert_error_shape(response, status, code, words)


def test_no_index_is_503_naming_the_build_command(tmp_path):
    client = create_app({"INDEX_DIR": str(tmp_path), "RELOAD_CHECK_SECONDS": 0}).test_client()
    for method, path in (("GET", "/healthz"), ("GET", "/api/v1/index"),
                         ("GET", "/api/v1/search?q=x"), ("GET", "/api/v1/releases/1"),
                         ("GET", "/api/v1/masters/1/neighbours"), ("POST", POST)):
        response = client.open(path, method=method, json={"release_ids": [1]} if method == "POST" else None)
        assert_error_shape(response, 503, "no_index", "discogs-recs build")
    unconfigured = create_app({"INDEX_DIR": None}).test_client().get("/api/v1/index")
    assert_error_shape(unconfigured, 503, "no_index", "--index")


def test_unexpected_failures_are_500_in_the_shape(sample_index, facts, monkeypatch):
    app = create_app({"INDEX_DIR": str(sample_index)})
    from recommender.engine import Recommender

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(Recommender, "neighbours_with_query", broken)
    response = app.test_client().get(f"/api/v1/masters/{facts['popular_masters'][0]}/neighbours")
    assert_error_shape(response, 500, "internal_error", "log")


def test_a_year_range_that_is_empty_matches_nothing(client, facts):
    # Valid by the contract (each bound is a year), so not a 400: no album lies in it.
    wanted = {"release_ids": [facts["electronic_releases"][0]],
              "filters": {"year_from": 2000, "year_to": 1990}}
    response = client.post(POST, json=wanted)
    assert response.status_code == 200
    assert response.get_json()["recommendations"] == []
