"""The OpenAPI document validates and documents every route the app serves."""
from __future__ import annotations

import re

from openapi_spec_validator import validate


def test_openapi_document_validates(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    validate(response.json)


def test_every_route_is_documented(app, client):
    spec = client.get("/api/v1/openapi.json").json
    documented = {(path, method) for path, item in spec["paths"].items() for method in item}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, f"{method} {path} is not in openapi.json"
    served = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.rule) for r in app.url_map.iter_rules()}
    assert set(spec["paths"]) <= served, "openapi.json documents routes the app does not serve"


def test_documented_examples_are_accepted(client):
    spec = client.get("/api/v1/openapi.json").json
    example = spec["components"]["schemas"]["RecommendationRequest"]["example"]
    assert client.post("/api/v1/recommendations", json=example).status_code == 200
